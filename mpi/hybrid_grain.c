/* The grain workload (common/grain.h) on the hybrid back end: MPI ranks x
 * OpenMP threads inside each rank.
 *
 * DESIGN: between ranks it is the mpi back end's layout (mpi_grain.c): rank
 * r owns a contiguous block of tasks with one halo slot at each end, the
 * stencil's halo values travel as 8-byte Isend/Irecv with the neighbour
 * ranks, and the none pattern meets at MPI_Barrier once per step. Inside a
 * rank, one parallel region lasts the whole graph (no fork/join per step):
 * thread t owns the sub-block par_grain_block(m, threads, t) of the rank's
 * m tasks, and per step
 *     stencil: master exchanges the halo   | omp barrier | all compute | omp barrier
 *     none:    all compute | omp barrier   | master MPI_Barrier        | omp barrier
 * Only the master thread (the rank's main thread, which called MPI_Init)
 * calls MPI: MPI_THREAD_FUNNELED. The barrier after the halo exchange
 * publishes the received slots to the other threads; the one that ends a
 * step makes every value of the step visible before the next exchange
 * sends or overwrites any. The buffers swap by the step's parity, the same
 * on every thread. */
#include "mpi_core.h"
#include "mpi_internal.h"

#include <omp.h>

#include "kernels.h"

int par__hybrid_grain_run(struct par__mpi_grain *g, MPI_Comm comm, int rank, int threads,
                          int64_t iterations, int64_t steps, enum par_pattern p, int64_t *out)
{
    int team = 0;
    size_t m = g->m;
    int64_t *a = g->cur, *b = g->nxt;
    /* No more threads than tasks (at least one: a rank without tasks still
     * meets the others at every step). */
    int want = threads < 1 ? 1 : threads;
    if ((size_t)want > m)
        want = m > 0 ? (int)m : 1;
#pragma omp parallel num_threads(want)
    {
        size_t lo, hi;
        par_grain_block(m, omp_get_num_threads(), omp_get_thread_num(), &lo, &hi);
#pragma omp master
        team = omp_get_num_threads();
        for (int64_t s = 0; s < steps; s++) {
            int64_t *cur = s % 2 ? b : a, *nxt = s % 2 ? a : b;
            if (p == PAR_PATTERN_STENCIL) {
#pragma omp master
                par__mpi_grain_halo(g, cur, comm, rank);
#pragma omp barrier
                for (size_t j = lo + 1; j <= hi; j++)
                    nxt[j] = par_grain_kernel(par_grain_mix(cur[j - 1], cur[j], cur[j + 1]),
                                              iterations);
            } else {
                for (size_t j = lo + 1; j <= hi; j++)
                    nxt[j] = par_grain_kernel(cur[j], iterations);
#pragma omp barrier
#pragma omp master
                MPI_Barrier(comm);
            }
#pragma omp barrier
        }
    }
    g->cur = steps % 2 ? b : a;
    g->nxt = steps % 2 ? a : b;
    MPI_Gatherv(g->cur + 1, (int)m, MPI_INT64_T, out, g->counts, g->displs, MPI_INT64_T, 0, comm);
    return team;
}
