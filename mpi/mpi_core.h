/* The MPI back end's machinery, shared inside mpi/ by the "mpi" and
 * "hybrid" back ends (not installed, not for apps/): the same protocol
 * (header Bcast, agreement, barriers around the work, static
 * Scatterv/Gatherv or dynamic master/worker, fibtask leaves handed out
 * dynamically; see mpi_backend.c), with a hook for how each rank computes
 * its own share. "mpi" computes it in a plain loop on the rank's one
 * thread; "hybrid" with OpenMP threads inside the rank (NPB-MZ style). */
#ifndef PAR_MPI_CORE_H
#define PAR_MPI_CORE_H

#include <stddef.h>
#include <stdint.h>

#include <mpi.h>

#include "backend.h"

struct par__mpi_grain;

/* How one rank computes its share. Called only on the calling rank's main
 * thread, between the barriers of a call (the timed region); MPI is never
 * called from inside the map and leaf hooks, and the grain hook calls it
 * from the calling (main) thread only, so MPI_THREAD_FUNNELED is enough. */
struct par__mpi_compute {
    void *ctx;          /* passed to the hooks; owned by the caller */
    int threads;        /* threads per rank, for the record's placement (>= 1) */
    /* out[i] = k->fn(in[i]) for i in [0, n). Returns 0 or a PAR_E* code. */
    int (*map)(void *ctx, const struct par_kernel *k, const int64_t *in, int64_t *out,
               size_t n);
    /* *out = fib(n), splitting further at `cutoff` (fibtask leaves). 0 or PAR_E*. */
    int (*leaf)(void *ctx, int n, int cutoff, int64_t *out);
    /* Optional: the threads that took part in the last map or leaf call on
     * this rank (the OpenMP team), for the record's workers_ran; NULL or a
     * value < 1 counts the rank as one worker. */
    int (*team)(void *ctx);
    /* Optional: the grain steps of this rank's block g (mpi_internal.h) and
     * the final gather into out (root; NULL elsewhere), with the rank's own
     * threads; its halo messages and barriers on comm, from the main thread
     * only. NULL: par__mpi_grain_run's plain loop. Cannot fail (g is
     * allocated before). */
    void (*grain)(void *ctx, struct par__mpi_grain *g, MPI_Comm comm, int rank,
                  int64_t iterations, int64_t steps, enum par_pattern p, int64_t *out);
    /* Optional: frees ctx; par__mpi_close calls it before MPI_Finalize. */
    void (*release)(void *ctx);
};

/* MPI_Init_thread(thread_level) unless MPI is initialised already (then the
 * level in force must be at least thread_level), a duplicate of
 * MPI_COMM_WORLD, run->workers = ranks, run->workers_from = "launcher",
 * and the placement: every rank's processor name gathered, run->placement
 * set on the root. Collective. Returns 0 or PAR_EMPI / PAR_ENOTSUP /
 * PAR_ENOMEM with run->errmsg; par__mpi_close must follow either way. */
int par__mpi_open(struct par_run *run, int thread_level);

/* After a successful open: the ranks in the job, and the ranks on this
 * rank's node (same processor name; >= 1). */
int par__mpi_ranks(const struct par_run *run);
int par__mpi_ranks_on_node(const struct par_run *run);

/* Sets the compute hooks (copied) used from the next call on, and the
 * placement's threads per rank; the core then owns c->ctx (close releases
 * it). Every rank must set the same kind of hooks. */
void par__mpi_set_compute(struct par_run *run, const struct par__mpi_compute *c);

/* The back-end operations (collective; see backend.h). */
int par__mpi_map(struct par_run *run, const struct par_map *job);
int par__mpi_tree(struct par_run *run, int n, int cutoff, int64_t *result);
int par__mpi_grain(struct par_run *run, const struct par_grain *job);
int par__mpi_agree(struct par_run *run, int decision);
double par__mpi_reduce_time(struct par_run *run, double seconds);
void par__mpi_close(struct par_run *run);

#endif
