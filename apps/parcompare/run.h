/* Running one point: which program and launcher it needs, the command line,
 * and turning the child's exit, signal, timeout and JSON into a status. */
#ifndef PAR_CMP_RUN_H
#define PAR_CMP_RUN_H

#include <stddef.h>

#include "matrix.h"
#include "tools.h"

/* The flags parcompare gives mpirun (Open MPI), as one string for records:
 * more ranks than cores, no binding, the ob1 messaging layer for a fast
 * start on one node (and --allow-run-as-root for root); "" for another
 * MPI's mpirun. Returns a static buffer, rewritten by each call. */
const char *par__mpirun_flags(const struct par__tools *t);

/* mpirun and the flags above, one per entry, into v (at most cap; the
 * strings are static or t's); the caller adds -n, the program and its
 * arguments. Returns the count. */
int par__mpirun_argv(const struct par__tools *t, const char **v, int cap);

/* Runs p as a child of poolmap / parmap / mpirun and fills its outcome
 * (status, why, command, wall time, result, env, median, mad). Returns 0, or
 * -1 when out of memory. */
int par__run_point(struct par__point *p, const struct par__tools *t, double timeout_s);

/* The adaptive-repetition flags every child gets when its point has no
 * fixed --reps: --ci-target, --max-reps, --time-budget, --max-warmup values
 * (strings kept, not copied). Call once before running points. */
void par__run_sampling(const char *ci_target, const char *max_reps, const char *time_budget,
                       const char *max_warmup);

/* "fib omp -j 2" for progress lines. */
const char *par__point_label(const struct par__point *p, char *buf, size_t len);

#endif
