/* Private to mpi/: the grain operation's halo exchange (mpi_grain.c, and
 * hybrid_grain.c with threads in each rank), called by mpi_backend.c inside
 * its usual call shape (header, agree, clocks). */
#ifndef PAR_MPI_INTERNAL_H
#define PAR_MPI_INTERNAL_H

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>

#include "grain.h"

/* One rank's part of a grain job. Ranks [0, active) own contiguous blocks
 * (par_grain_block over `active` ranks, active = min(ranks, T)); the others
 * own nothing and only take part in the barriers and the gather. */
struct par__mpi_grain {
    size_t begin, m;          /* this rank's tasks [begin, begin+m) */
    int active;
    int64_t *cur, *nxt;       /* m+2 each: [0] left halo, [1..m] own, [m+1] right halo */
    int *counts, *displs;     /* root: the gather's layout */
};

/* Collective in spirit but local: no communication. Returns 0, PAR_ENOMEM or
 * PAR_ERANGE (T beyond MPI's int counts). g is always safe to free. */
int par__mpi_grain_alloc(struct par__mpi_grain *g, int rank, int size, size_t tasks);

/* One step's halo exchange on rank `rank`'s values cur (m+2 slots, laid out
 * as g's): its first and last own values to the neighbour ranks, theirs
 * into cur[0] and cur[m+1] (a missing neighbour leaves the slot as it is: 0).
 * A rank without tasks does nothing. Collective between neighbours. */
void par__mpi_grain_halo(const struct par__mpi_grain *g, int64_t *cur, MPI_Comm comm, int rank);

/* The steps and the final gather into out (root only; others pass NULL).
 * Collective over comm. */
void par__mpi_grain_run(struct par__mpi_grain *g, MPI_Comm comm, int rank, int64_t iterations,
                        int64_t steps, enum par_pattern p, int64_t *out);

void par__mpi_grain_free(struct par__mpi_grain *g);

/* The same steps and gather with `threads` OpenMP threads sharing the
 * rank's block (hybrid_grain.c; built with the hybrid back end). MPI is
 * called from the calling thread only. Collective over comm. Returns the
 * team that ran (fewer than `threads` when the rank has fewer tasks). */
int par__hybrid_grain_run(struct par__mpi_grain *g, MPI_Comm comm, int rank, int threads,
                          int64_t iterations, int64_t steps, enum par_pattern p, int64_t *out);

#endif
