#include "ci.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "stats.h"

/* P(B <= i) for B ~ Binomial(n, 1/2), summed in log space so that n up to
 * PAR_MAX_REPS and beyond neither underflows nor overflows. */
static double binom_half_cdf(size_t n, size_t i)
{
    double sum = 0, ln2n = (double)n * log(2.0), lnf = lgamma((double)n + 1.0);
    for (size_t b = 0; b <= i && b <= n; b++)
        sum += exp(lnf - lgamma((double)b + 1.0) - lgamma((double)(n - b) + 1.0) - ln2n);
    return sum;
}

int par_median_ci_ranks(size_t n, double level, size_t *j, size_t *k, double *coverage)
{
    *j = *k = 0;
    *coverage = 0;
    if (n == 0 || !(level > 0 && level < 1))
        return 0;
    /* Coverage of [X(j), X(n+1-j)] falls as j grows; walk j up from 1 while
     * the next one still reaches the level. */
    double cov = 1.0 - 2.0 * binom_half_cdf(n, 0);
    if (cov < level)
        return 0;
    size_t best = 1;
    while (best + 1 <= (n + 1) / 2) {
        double next = 1.0 - 2.0 * binom_half_cdf(n, best);
        if (next < level)
            break;
        best++;
        cov = next;
    }
    *j = best;
    *k = n + 1 - best;
    *coverage = cov;
    return 1;
}

int par_median_ci(const double *x, size_t n, double level, struct par_ci *ci)
{
    memset(ci, 0, sizeof *ci);
    ci->n = n;
    ci->median = ci->low = ci->high = NAN;
    if (!(level > 0 && level < 1))
        return PAR_EINVAL;
    if (n == 0)
        return 0;
    double *s = malloc(n * sizeof *s);
    if (!s)
        return PAR_ENOMEM;
    memcpy(s, x, n * sizeof *s);
    ci->median = par_median_inplace(s, n); /* sorts s */
    size_t j, k;
    if (par_median_ci_ranks(n, level, &j, &k, &ci->coverage)) {
        ci->available = 1;
        ci->lo_rank = j;
        ci->hi_rank = k;
        ci->low = s[j - 1];
        ci->high = s[k - 1];
    }
    free(s);
    return 0;
}

double par_ci_rel_half_width(const struct par_ci *ci)
{
    if (!ci->available || !(ci->median > 0))
        return INFINITY;
    double below = ci->median - ci->low, above = ci->high - ci->median;
    return (below > above ? below : above) / ci->median;
}

int par_ci_overlap(const struct par_ci *a, const struct par_ci *b)
{
    if (!a->available || !b->available)
        return -1;
    return a->low <= b->high && b->low <= a->high;
}

int par_paired_ratio_ci(const double *num, const double *den, size_t n, double level,
                        struct par_ci *ci)
{
    double *q = malloc((n ? n : 1) * sizeof *q);
    if (!q) {
        memset(ci, 0, sizeof *ci);
        return PAR_ENOMEM;
    }
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (!(den[i] > 0))
            rc = PAR_EINVAL;
        else
            q[i] = num[i] / den[i];
    }
    if (rc == 0)
        rc = par_median_ci(q, n, level, ci);
    else
        memset(ci, 0, sizeof *ci);
    free(q);
    return rc;
}

enum par_ci_side par_ci_side_of(const struct par_ci *ci, double x)
{
    if (!ci->available)
        return PAR_CI_UNAVAILABLE;
    if (ci->high < x)
        return PAR_CI_BELOW;
    if (ci->low > x)
        return PAR_CI_ABOVE;
    return PAR_CI_CONTAINS;
}
