/* Private to mpi/: the grain operation's halo exchange (mpi_grain.c), called
 * by mpi_backend.c inside its usual call shape (header, agree, clocks). */
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

/* The steps and the final gather into out (root only; others pass NULL).
 * Collective over comm. */
void par__mpi_grain_run(struct par__mpi_grain *g, MPI_Comm comm, int rank, int64_t iterations,
                        int64_t steps, enum par_pattern p, int64_t *out);

void par__mpi_grain_free(struct par__mpi_grain *g);

#endif
