/* The fib server's own kernel: the naive fib recursion of common/kernels.c,
 * with cooperative cancellation. It is a separate function (not a hook on
 * par_fib) so that the benchmark kernel every back end times stays exactly
 * as it is, and so that the server's checks cost the benchmark nothing.
 *
 * Cancellation: every FIB_CANCEL_EVERY calls the recursion reads the stop
 * and cancel flags (relaxed loads: a flag only ever goes 0 -> 1 and nothing
 * else is published through it) and, when `check` is set, calls it; once any
 * says stop, every pending call returns at once, so even fib(92) unwinds in
 * microseconds (at most FIB_CANCEL_EVERY calls plus the recursion depth). */
#ifndef FIBSERVER_FIBCANCEL_H
#define FIBSERVER_FIBCANCEL_H

#include <stdatomic.h>
#include <stdint.h>

#define FIB_CANCEL_EVERY 4096  /* calls between two looks at the flags */

struct fib_cancel {
    const atomic_int *stop;     /* server-wide stop (may be NULL) */
    const atomic_int *cancel;   /* this job's cancel flag (may be NULL) */
    /* Optional slow check (a poll() of the client's socket, in coro mode):
     * returns non-zero to cancel. Called every FIB_CANCEL_EVERY * 256 calls. */
    int (*check)(void *ctx);
    void *ctx;
};

/* fib(n), n in [1, 92], by the naive recursion. Returns the value, or -1
 * when it was cancelled (then the work was abandoned part-way). Thread-safe:
 * each call keeps its own countdown. */
int64_t fib_cancellable(int64_t n, const struct fib_cancel *c);

#endif
