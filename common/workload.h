/* The four workloads: their inputs, their serial reference answers and the
 * check of a back end's output against them.
 *
 * map      out[i] = square(i), i in [0, items)             (fine-grained)
 * fib      out[i] = fib(n), k times                         (coarse, regular)
 * parmap   out[i] = powself(x_i) over an irregular list     (load balance)
 * fibtask  fib(n) as one tree of tasks, serial below cutoff (nested tasks)
 * grain    T tasks x S steps of a compute-bound kernel (grain.h)     (METG)
 *
 * References are computed by independent, cheaper algorithms (closed forms,
 * iterative fib, square-and-multiply), so checking costs little and a bug in
 * a kernel is caught as well as a bug in a back end. */
#ifndef PAR_WORKLOAD_H
#define PAR_WORKLOAD_H
#include "export.h"
PAR_BEGIN_DECLS

#include <stddef.h>
#include <stdint.h>

#include "kernels.h"
#include "options.h"

struct par_workload_data {
    enum par_workload workload;
    const struct par_kernel *kernel; /* map-like workloads; NULL for fibtask */
    size_t n;            /* number of items (map-like) */
    int64_t *in;         /* owned; n items */
    int64_t *out;        /* owned; n items, written by the back end */
    int64_t *ref;        /* owned; n items, the reference answers */
    int fib_n, cutoff;   /* fibtask */
    int64_t tree_ref;    /* fibtask reference: fib(fib_n) */
    int64_t tree_out;    /* fibtask result from the back end */
    struct par_grain grain; /* grain: the job (grain.out is `out`, n = tasks) */
};

/* Builds inputs and references for o->workload (after par_opts_finish).
 * With alloc_io == 0 only what the caller needs to receive results is
 * skipped (MPI ranks other than 0 pass 0: no in/out/ref arrays).
 * grain: o->tasks must be resolved (>= 1; the driver sets one task per
 * worker after the back end opened, when --tasks was 0).
 * Returns 0 or PAR_ENOMEM; on failure nothing stays allocated. */
int par_workload_prepare(struct par_workload_data *d, const struct par_opts *o, int alloc_io);

void par_workload_free(struct par_workload_data *d);

/* Poisons the outputs before a repetition so a back end that writes nothing
 * cannot pass on the previous repetition's results. */
void par_workload_reset(struct par_workload_data *d);

/* Compares the back end's output with the reference. Returns 0, or
 * PAR_EVERIFY with a one-line description of the first difference in msg. */
int par_workload_verify(const struct par_workload_data *d, char *msg, size_t msglen);

/* Order-sensitive 64-bit checksum of the results (FNV-1a over the values; for
 * fibtask the result itself). */
uint64_t par_workload_checksum(const struct par_workload_data *d);

/* The irregular list of parmap: the i-th size for a list of `count` items
 * (deterministic; see workload.c). */
int64_t par_parmap_size(size_t i);

/* x**x mod 2^61-1 by square-and-multiply: the reference for powself. */
int64_t par_powself_fast(int64_t x);

PAR_END_DECLS
#endif
