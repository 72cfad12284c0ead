/* The grain workload (common/grain.h) on the process pool.
 *
 * DESIGN: the parent is the hub. Each step is one par_proc_map_bounds over
 * the T tasks, cut into one contiguous block per worker (the static
 * schedule): the parent computes every task's input from the previous
 * step's values (the stencil's mix, or the task's own value), the block's
 * inputs go down the worker's socket, the block's outputs come back, and
 * the map's return is the step's barrier. So values move worker -> parent ->
 * worker (gather through the root), two messages per worker per step, not
 * a halo exchange between neighbours: the pool has no worker-to-worker
 * channels, and adding them (socket pairs inherited at fork) would give up
 * what the pool promises when a worker dies mid-task (its neighbour would
 * block forever on a socket whose other end the parent still holds).
 * The kernel's iteration count travels as the map's ctx bytes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "grain.h"
#include "kernels.h"
#include "proc_internal.h"

/* Runs in a worker: one task's kernel. */
static int grain_item(const void *ctx, const void *in, void *out)
{
    int64_t iters, x, y;
    memcpy(&iters, ctx, sizeof iters);
    memcpy(&x, in, sizeof x);
    y = par_grain_kernel(x, iters);
    memcpy(out, &y, sizeof y);
    return 0;
}

int par__proc_grain(par_proc_pool *pool, int workers, const struct par_grain *job, char *errmsg,
                    size_t errlen, char *detail, size_t detlen)
{
    size_t t = job->tasks, w = (size_t)workers > t ? t : (size_t)workers;
    int64_t *vals = malloc(t * sizeof *vals), *in = malloc(t * sizeof *in);
    size_t *bounds = malloc((w + 1) * sizeof *bounds);
    if (!vals || !in || !bounds) {
        free(vals);
        free(in);
        free(bounds);
        snprintf(errmsg, errlen, "out of memory");
        return PAR_ENOMEM;
    }
    for (size_t k = 0; k < w; k++) {
        size_t e;
        par_grain_block(t, (int)w, (int)k, &bounds[k], &e);
    }
    bounds[w] = t;
    for (size_t i = 0; i < t; i++)
        vals[i] = par_grain_seed(i);
    int rc = 0;
    for (int64_t s = 0; s < job->steps && rc == 0; s++) {
        for (size_t i = 0; i < t; i++)
            in[i] = par_grain_input(vals, t, i, job->pattern);
        rc = par_proc_map_bounds(pool, grain_item, &job->iterations, sizeof job->iterations, in,
                                 sizeof *in, vals, sizeof *vals, bounds, w, errmsg, errlen);
    }
    if (rc == 0)
        memcpy(job->out, vals, t * sizeof *vals);
    snprintf(detail, detlen, "one map per step through the parent, %zu blocks", w);
    free(vals);
    free(in);
    free(bounds);
    return rc;
}
