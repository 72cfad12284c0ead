/* Summary statistics of repetition times. */
#ifndef PAR_STATS_H
#define PAR_STATS_H
#include "export.h"
PAR_BEGIN_DECLS

#include <stddef.h>

struct par_stats {
    size_t n;
    double median, min, max, mean;
    double stddev;  /* sample standard deviation (n-1); 0 when n < 2 */
    double mad;     /* median absolute deviation from the median, unscaled */
};

/* Computes the statistics of x[0..n). n == 0 gives all zeros. Does not modify
 * x; allocates a scratch copy (returns PAR_ENOMEM if that fails), else 0. */
int par_stats_compute(const double *x, size_t n, struct par_stats *out);

/* Median of x[0..n), n >= 1; sorts x in place. */
double par_median_inplace(double *x, size_t n);

PAR_END_DECLS
#endif
