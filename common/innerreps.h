/* How many times an operation is repeated inside one timed sample, the way
 * the EPCC OpenMP micro-benchmarks choose it (J. M. Bull, "Measuring
 * synchronisation and scheduling overheads in OpenMP", EWOMP 1999; syncbench
 * and taskbench 3.x start their inner count at 10 and double it until one
 * sample lasts a target time): the operation's cost is then a sample's time,
 * minus a reference loop's of the same count, over the count.
 *
 * Why each part of the rule (bench/overhead.c uses it; docs/metg.md shows
 * the table):
 *  - a floor of PAR_INNERREPS_MIN: with one operation per sample, every
 *    scheduler delay (a worker waiting ~ms for a core on a busy machine)
 *    is a whole sample, so the samples split into two modes microseconds and
 *    milliseconds apart and the median's interval spans both (the omp
 *    fork/join row once read 2.79 µs [2.74, 7984]);
 *  - the target: at least 1000 ticks of the clock (its resolution is then
 *    0.1 % of a sample) and at least a floor in seconds;
 *  - the median of several trials decides: one preempted trial neither stops
 *    the growth early (the old rule's fastest-of-three stopped at one
 *    operation when three trials in a row were slowed) nor does one lucky
 *    trial.
 * Pure functions; thread-safe. */
#ifndef PAR_INNERREPS_H
#define PAR_INNERREPS_H
#include "export.h"
PAR_BEGIN_DECLS

#include <stddef.h>

#define PAR_INNERREPS_MIN 8        /* never fewer operations per sample */
#define PAR_INNERREPS_TRIALS 5     /* trials per candidate count (odd: a median) */
#define PAR_INNERREPS_TICKS 1000.0 /* a sample lasts at least this many clock ticks */

/* The shortest a sample may last, in seconds: the larger of floor_s and
 * PAR_INNERREPS_TICKS x resolution_s (resolution <= 0 or NaN: floor_s). */
double par_innerreps_target_s(double resolution_s, double floor_s);

/* CLOCK_MONOTONIC's resolution in seconds (clock_getres; 1e-9 when it cannot
 * be read). The clock par_now_ns reads. */
double par_clock_resolution_s(void);

/* One step of the rule. k: the count the trials ran with; trial_s: the
 * durations of n >= 1 trials of k operations (not modified); max_k: the cap.
 * Returns k itself when k is final (k >= PAR_INNERREPS_MIN and the median
 * trial lasts at least target_s, or k >= max_k), else the next count to try:
 * PAR_INNERREPS_MIN when k is below it, else 2k capped at max_k. n == 0 or a
 * NaN median counts as too short. */
long par_innerreps_next(long k, const double *trial_s, size_t n, double target_s, long max_k);

/* The median of x[0..n) (n <= 64 used; NaN for n == 0). x is not modified. */
double par_innerreps_median(const double *x, size_t n);

PAR_END_DECLS
#endif
