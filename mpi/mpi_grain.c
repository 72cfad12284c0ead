/* The grain workload (common/grain.h) on MPI ranks.
 *
 * DESIGN: rank r owns a contiguous block of tasks for every step, kept in a
 * local array with one halo slot at each end. stencil: each step every rank
 * posts non-blocking receives for its two halo values and sends its first
 * and last value to its left and right neighbours (8-byte messages; a
 * missing neighbour is MPI_PROC_NULL, whose receive leaves the slot at 0 as
 * the graph wants), waits for all four, then computes its block: halo
 * exchange, no collective per step. none: no values move; every rank
 * computes its block and all meet at MPI_Barrier, the barrier per step the
 * pattern asks for. At the end one Gatherv brings the last step to rank 0.
 * Messages between two ranks on one tag arrive in order and every step
 * completes its requests before the next, so one tag serves all steps. */
#include "mpi_internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "kernels.h"

enum { TAG_HALO = 13 };

int par__mpi_grain_alloc(struct par__mpi_grain *g, int rank, int size, size_t tasks)
{
    memset(g, 0, sizeof *g);
    if (tasks > INT_MAX)
        return PAR_ERANGE;
    g->active = (size_t)size > tasks ? (int)tasks : size;
    if (rank < g->active) {
        size_t e;
        par_grain_block(tasks, g->active, rank, &g->begin, &e);
        g->m = e - g->begin;
    }
    g->cur = calloc(g->m + 2, sizeof *g->cur);
    g->nxt = calloc(g->m + 2, sizeof *g->nxt);
    if (!g->cur || !g->nxt)
        return PAR_ENOMEM;
    if (rank == 0) {
        g->counts = calloc((size_t)size, sizeof *g->counts);
        g->displs = calloc((size_t)size, sizeof *g->displs);
        if (!g->counts || !g->displs)
            return PAR_ENOMEM;
        for (int r = 0; r < g->active; r++) {
            size_t b, e;
            par_grain_block(tasks, g->active, r, &b, &e);
            g->counts[r] = (int)(e - b);
            g->displs[r] = (int)b;
        }
    }
    for (size_t j = 0; j < g->m; j++)
        g->cur[1 + j] = par_grain_seed(g->begin + j);
    return 0;
}

void par__mpi_grain_halo(const struct par__mpi_grain *g, int64_t *cur, MPI_Comm comm, int rank)
{
    if (rank >= g->active)
        return;
    int left = rank > 0 ? rank - 1 : MPI_PROC_NULL;
    int right = rank + 1 < g->active ? rank + 1 : MPI_PROC_NULL;
    size_t m = g->m;
    MPI_Request req[4];
    MPI_Irecv(&cur[0], 1, MPI_INT64_T, left, TAG_HALO, comm, &req[0]);
    MPI_Irecv(&cur[m + 1], 1, MPI_INT64_T, right, TAG_HALO, comm, &req[1]);
    MPI_Isend(&cur[1], 1, MPI_INT64_T, left, TAG_HALO, comm, &req[2]);
    MPI_Isend(&cur[m], 1, MPI_INT64_T, right, TAG_HALO, comm, &req[3]);
    MPI_Waitall(4, req, MPI_STATUSES_IGNORE);
}

void par__mpi_grain_run(struct par__mpi_grain *g, MPI_Comm comm, int rank, int64_t iterations,
                        int64_t steps, enum par_pattern p, int64_t *out)
{
    size_t m = g->m;
    for (int64_t s = 0; s < steps; s++) {
        int64_t *cur = g->cur, *nxt = g->nxt;
        if (p == PAR_PATTERN_STENCIL) {
            par__mpi_grain_halo(g, cur, comm, rank);
            for (size_t j = 1; j <= m; j++)
                nxt[j] = par_grain_kernel(par_grain_mix(cur[j - 1], cur[j], cur[j + 1]),
                                          iterations);
        } else {
            for (size_t j = 1; j <= m; j++)
                nxt[j] = par_grain_kernel(cur[j], iterations);
            MPI_Barrier(comm);
        }
        g->cur = nxt;
        g->nxt = cur;
    }
    MPI_Gatherv(g->cur + 1, (int)m, MPI_INT64_T, out, g->counts, g->displs, MPI_INT64_T, 0, comm);
}

void par__mpi_grain_free(struct par__mpi_grain *g)
{
    free(g->cur);
    free(g->nxt);
    free(g->counts);
    free(g->displs);
    memset(g, 0, sizeof *g);
}
