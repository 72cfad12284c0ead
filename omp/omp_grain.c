/* The grain workload (common/grain.h) on OpenMP: one parallel region for the
 * whole graph; thread w owns the contiguous block par_grain_block(T, W, w)
 * of every step (what `omp for schedule(static)` would give, spelled out so
 * the seed loop and the steps use the same blocks), and an `omp barrier`
 * ends each step. Values live in two shared arrays of T, swapped by parity,
 * so the stencil's halo is a read of the neighbour's slot after the
 * barrier. The barrier's cost is libgomp's (it spins for GOMP_SPINCOUNT /
 * OMP_WAIT_POLICY before it sleeps), which is what METG measures here. */
#include "omp_internal.h"
#include "par_omp.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

int par__omp_grain(struct par_run *run, const struct par_grain *job)
{
    size_t t = job->tasks;
    int64_t *buf = malloc(2 * t * sizeof *buf);
    if (!buf) {
        snprintf(run->errmsg, sizeof run->errmsg, "out of memory");
        return PAR_ENOMEM;
    }
    /* No more threads than tasks: an empty block would still pay every barrier. */
    int want = (size_t)run->workers > t ? (int)t : run->workers, used = 0;
    int64_t iters = job->iterations, steps = job->steps;
    enum par_pattern p = job->pattern;
#pragma omp parallel num_threads(want) shared(used)
    {
        int me = omp_get_thread_num(), n = omp_get_num_threads();
        size_t b, e;
        par_grain_block(t, n, me, &b, &e);
        if (me == 0)
            used = n;
        for (size_t i = b; i < e; i++)
            buf[i] = par_grain_seed(i);
#pragma omp barrier
        for (int64_t s = 0; s < steps; s++) {
            const int64_t *prev = buf + (size_t)(s % 2) * t;
            int64_t *next = buf + (size_t)((s + 1) % 2) * t;
            par_grain_step(prev, next, t, b, e, iters, p);
#pragma omp barrier
        }
    }
    memcpy(job->out, buf + (size_t)(steps % 2) * t, t * sizeof *job->out);
    free(buf);
    snprintf(run->detail, sizeof run->detail, "omp parallel, %d threads, omp barrier per step",
             used);
    run->workers_ran = used;   /* the team OpenMP gave (OMP_THREAD_LIMIT, OMP_DYNAMIC) */
    return 0;
}
