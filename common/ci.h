/* Nonparametric confidence interval of the median by order statistics (the
 * binomial method), the one summary of repetition times this project trusts.
 *
 * Source: W. J. Conover, "Practical Nonparametric Statistics", 3rd ed.,
 * Wiley 1999, section 3.2 (confidence interval for a quantile); J.-Y. Le
 * Boudec, "Performance Evaluation of Computer and Communication Systems",
 * EPFL Press 2010, Theorem 2.1 and Table A.1 -- the method Hoefler & Belli
 * (SC'15, rule 5) recommend for non-normal timing data.
 *
 * For n independent samples of a continuous distribution with median m, the
 * number B of samples below m is Binomial(n, 1/2), so the interval between
 * the j-th and the (n+1-j)-th smallest samples, [X(j), X(n+1-j)], covers m
 * with probability P(j <= B <= n-j) = 1 - 2 P(B <= j-1), whatever the
 * distribution. We take the largest j whose coverage is still >= the level.
 * At the 95 % level no such j exists for n < 6 (n = 5 covers 93.75 % at
 * best): the interval is then "not available". */
#ifndef PAR_CI_H
#define PAR_CI_H
#include "export.h"
PAR_BEGIN_DECLS

#include <stddef.h>

#define PAR_CI_LEVEL 0.95
#define PAR_CI_MIN_SAMPLES 6   /* smallest n with a 95 % order-statistic CI */

struct par_ci {
    int available;      /* 0: too few samples for the level; low/high are NaN */
    size_t n;           /* samples used */
    double median;      /* of the samples (NaN when n == 0) */
    double low, high;   /* the interval, same unit as the samples */
    double coverage;    /* exact coverage of [low, high] (>= level), 0 if unavailable */
    size_t lo_rank, hi_rank; /* 1-based order statistics taken: j and n+1-j */
};

/* The ranks (1-based) of the order statistics bounding the level-CI of the
 * median of n samples: *j and *k = n+1-*j, and their exact coverage. Returns
 * 1 when the interval exists, 0 when n is too small for `level` (0 < level
 * < 1) or n == 0. Pure; no allocation. */
int par_median_ci_ranks(size_t n, double level, size_t *j, size_t *k, double *coverage);

/* The level-CI of the median of x[0..n) (seconds or any unit; x is not
 * modified). Returns 0, or PAR_ENOMEM when the scratch copy cannot be
 * allocated, or PAR_EINVAL for level outside (0, 1). n == 0 gives an
 * unavailable interval with a NaN median. */
int par_median_ci(const double *x, size_t n, double level, struct par_ci *ci);

/* The relative half-width of an available interval: the larger of
 * (median - low) and (high - median), over the median. The intervals are
 * asymmetric, so a target of +-5 % holds on both sides. +inf when the
 * interval is unavailable or the median is not positive. */
double par_ci_rel_half_width(const struct par_ci *ci);

/* 1 when two available intervals overlap (share at least one point), 0 when
 * they are disjoint, -1 when either is unavailable (cannot say). Disjoint
 * 95 % intervals are a conservative test of a difference of medians. */
int par_ci_overlap(const struct par_ci *a, const struct par_ci *b);

/* The level-CI of the median of the paired ratios num[i] / den[i], i < n:
 * e.g. one round's time of A over the same round's time of B, so that a
 * phase of the machine that slows both rows cancels out (Hoefler & Belli,
 * SC'15, rule 9). Same unit-less scale as the ratios. Returns 0;
 * PAR_EINVAL for a level outside (0, 1) or a den[i] that is not > 0;
 * PAR_ENOMEM. */
int par_paired_ratio_ci(const double *num, const double *den, size_t n, double level,
                        struct par_ci *ci);

/* Where an interval lies against a value x (1 for a ratio: "not different"). */
enum par_ci_side {
    PAR_CI_UNAVAILABLE = -2, /* too few samples: cannot say */
    PAR_CI_BELOW = -1,       /* high < x */
    PAR_CI_CONTAINS = 0,     /* low <= x <= high: not separable from x */
    PAR_CI_ABOVE = 1         /* low > x */
};
enum par_ci_side par_ci_side_of(const struct par_ci *ci, double x);

PAR_END_DECLS
#endif
