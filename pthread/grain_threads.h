/* The grain workload (common/grain.h) on a par_pool, for the "pthread" and
 * "gil" back ends (backend_threads.c). Private to pthread/.
 *
 * DESIGN
 * SPMD, not one future per task: a grain call submits one long task per
 * worker; worker w owns the contiguous block par_grain_block(T, W, w) of
 * every step and all of them meet at a barrier after each step. Values live
 * in two shared arrays of T (previous and next step, swapped by parity), so
 * the stencil's halo is a read of the neighbour's slot after the barrier.
 * The barrier is the per-step cost that METG measures, so it is built for
 * it: a waiter first spins (reading one atomic) for at most spin_ns, then
 * sleeps on a condition variable. The spin lives only here, inside a grain
 * call: an idle pool never spins (its workers sleep in pool.c as before).
 * What the spin costs: while a peer is late, the waiting core burns up to
 * spin_ns per step instead of yielding it. PAR_GRAIN_SPIN_US (whole
 * microseconds, 0..100000, default PAR_GRAIN_SPIN_US_DEFAULT) sets it;
 * 0 sleeps at once.
 *
 * Requires a pool of at least `workers` threads that is otherwise idle: the
 * W tasks wait for each other, so all must run at once. */
#ifndef PAR_GRAIN_THREADS_H
#define PAR_GRAIN_THREADS_H

#include <stddef.h>

#include "gil.h"
#include "grain.h"
#include "pool.h"

#define PAR_GRAIN_SPIN_US_DEFAULT 50

/* Runs job on `workers` tasks of pool (with gil: every task holds the GIL
 * while it computes its block and offers it between tasks; NULL: no GIL).
 * Returns 0; PAR_EINVAL (a bad PAR_GRAIN_SPIN_US: one line in errmsg);
 * PAR_ENOMEM; a submit error. detail gets one line on how it ran. On
 * success *team is the number of threads that ran it: min(workers, tasks),
 * because those tasks passed every barrier together, so each ran on a
 * thread of its own at the same time. */
int par__grain_threads(par_pool *pool, par_gil *gil, int workers, const struct par_grain *job,
                       char *errmsg, size_t errlen, char *detail, size_t detlen, int *team);

#endif
