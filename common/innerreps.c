#include "innerreps.h"

#include <math.h>
#include <string.h>
#include <time.h>

double par_innerreps_target_s(double resolution_s, double floor_s)
{
    double ticks = resolution_s > 0 ? PAR_INNERREPS_TICKS * resolution_s : 0.0;
    return ticks > floor_s ? ticks : floor_s;
}

double par_clock_resolution_s(void)
{
    struct timespec ts;
    if (clock_getres(CLOCK_MONOTONIC, &ts) != 0)
        return 1e-9;
    double r = (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
    return r > 0 ? r : 1e-9;
}

double par_innerreps_median(const double *x, size_t n)
{
    enum { CAP = 64 };
    double v[CAP];
    if (n == 0)
        return NAN;
    if (n > CAP)
        n = CAP;
    memcpy(v, x, n * sizeof *v);
    /* insertion sort: n is a handful of trials */
    for (size_t i = 1; i < n; i++) {
        double t = v[i];
        size_t j = i;
        for (; j > 0 && v[j - 1] > t; j--)
            v[j] = v[j - 1];
        v[j] = t;
    }
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

long par_innerreps_next(long k, const double *trial_s, size_t n, double target_s, long max_k)
{
    if (k >= max_k)
        return k;
    if (k < PAR_INNERREPS_MIN)
        return PAR_INNERREPS_MIN < max_k ? PAR_INNERREPS_MIN : max_k;
    double m = par_innerreps_median(trial_s, n);
    if (m >= target_s) /* false for NaN */
        return k;
    return k > max_k / 2 ? max_k : 2 * k;
}
