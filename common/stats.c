#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double par_median_inplace(double *x, size_t n)
{
    qsort(x, n, sizeof *x, cmp_double);
    return n % 2 ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]);
}

int par_stats_compute(const double *x, size_t n, struct par_stats *s)
{
    memset(s, 0, sizeof *s);
    s->n = n;
    if (n == 0)
        return 0;
    double *tmp = malloc(n * sizeof *tmp);
    if (!tmp)
        return PAR_ENOMEM;
    double sum = 0;
    s->min = s->max = x[0];
    for (size_t i = 0; i < n; i++) {
        sum += x[i];
        if (x[i] < s->min) s->min = x[i];
        if (x[i] > s->max) s->max = x[i];
    }
    s->mean = sum / (double)n;
    double ss = 0;
    for (size_t i = 0; i < n; i++)
        ss += (x[i] - s->mean) * (x[i] - s->mean);
    s->stddev = n > 1 ? sqrt(ss / (double)(n - 1)) : 0.0;
    memcpy(tmp, x, n * sizeof *tmp);
    s->median = par_median_inplace(tmp, n);
    for (size_t i = 0; i < n; i++)
        tmp[i] = fabs(x[i] - s->median);
    s->mad = par_median_inplace(tmp, n);
    free(tmp);
    return 0;
}
