/* The "proc" back end: the driver's map and tree on a pool of forked worker
 * processes (procpool.h).
 *
 * DESIGN
 * Workers: run->workers processes forked in open() by the driver's thread
 * (the pool's owner), reaped in close(). map: the items are cut into chunks
 * by the schedule (below) and handed out in order to whichever worker is
 * free; each chunk's inputs go down its worker's socket and its outputs come
 * back straight into job->out at the chunk's offset (input order). The
 * kernel travels as its id (the chunk's ctx bytes), not as a pointer: the
 * same convention as the MPI back end, where pointers differ between ranks.
 * tree: fib(n) is unrolled to a few leaves per worker (fibsplit.h) and the
 * leaves, largest first, are mapped one per chunk; the result is their sum.
 * grain: one map per step through the parent (proc_grain.c says why not a
 * halo exchange between workers).
 *
 * Schedules (the chunk plan; chunks are always handed out on demand):
 *   static   one contiguous block per worker (n/workers items each)
 *   dynamic  chunks of --chunk items (default: n / (8 * workers))
 *   guided   chunks of ceil(remaining / workers), never below --chunk (1)
 *
 * Team size (run->workers_ran): the workers that sent back at least one
 * chunk of the call (par_proc_pool_map_team). Chunks are handed to idle
 * workers in slot order, so a static map of n >= workers items reaches
 * every worker, and one of n < workers items exactly n of them. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "error.h"
#include "fibsplit.h"
#include "proc_internal.h"
#include "par_proc.h"
#include "procpool.h"

struct proc_state {
    par_proc_pool *pool;
};

static int proc_open(struct par_run *run)
{
    int workers = run->workers > 0 ? run->workers : 1;
    if (workers > PAR_PROC_MAX_WORKERS) {
        snprintf(run->errmsg, sizeof run->errmsg, "at most %d worker processes",
                 PAR_PROC_MAX_WORKERS);
        return PAR_EINVAL;
    }
    struct proc_state *st = calloc(1, sizeof *st);
    if (!st)
        return PAR_ENOMEM;
    int rc = par_proc_pool_create(&st->pool, workers);
    if (rc) {
        snprintf(run->errmsg, sizeof run->errmsg, "cannot fork %d worker processes: %s", workers,
                 par_strerror(rc));
        free(st);
        return rc;
    }
    run->state = st;
    run->workers = workers;
    snprintf(run->detail, sizeof run->detail, "workers=%d forked processes", workers);
    return 0;
}

static void proc_close(struct par_run *run)
{
    struct proc_state *st = run->state;
    if (!st)
        return;
    par_proc_pool_destroy(st->pool);
    free(st);
    run->state = NULL;
}

/* Runs in a worker: one item through the kernel named by the ctx id. */
static int kernel_item(const void *ctx, const void *in, void *out)
{
    int32_t id;
    int64_t x, y;
    memcpy(&id, ctx, sizeof id);
    const struct par_kernel *k = par_kernel_get((enum par_kernel_id)id);
    if (!k)
        return PAR_EINVAL;
    memcpy(&x, in, sizeof x);
    y = k->fn(x);
    memcpy(out, &y, sizeof y);
    return 0;
}

static size_t ceil_div(size_t a, size_t b)
{
    return a / b + (a % b != 0);
}

/* Chunk bounds for n > 0 items (see the schedules above). *bounds is owned by
 * the caller. Returns 0 or PAR_ENOMEM. */
static int plan(size_t n, size_t workers, enum par_schedule sched, size_t chunk, size_t **bounds,
                size_t *nchunks, size_t *first_chunk)
{
    size_t cap = sched == PAR_SCHED_STATIC ? (workers < n ? workers : n)
               : sched == PAR_SCHED_DYNAMIC ? 0 : 64;
    if (sched == PAR_SCHED_DYNAMIC) {
        if (chunk == 0)
            chunk = ceil_div(n, 8 * workers);
        cap = ceil_div(n, chunk);
    }
    size_t *b = malloc((cap + 1) * sizeof *b);
    if (!b)
        return PAR_ENOMEM;
    size_t c = 0;
    if (sched == PAR_SCHED_STATIC) {
        for (c = 0; c < cap; c++)
            b[c] = c * (n / cap) + (c < n % cap ? c : n % cap);
    } else if (sched == PAR_SCHED_DYNAMIC) {
        for (c = 0; c < cap; c++)
            b[c] = c * chunk;
    } else {
        size_t min = chunk ? chunk : 1, at = 0;
        while (at < n) {
            if (c == cap) {
                size_t *nb = realloc(b, (2 * cap + 1) * sizeof *nb);
                if (!nb) {
                    free(b);
                    return PAR_ENOMEM;
                }
                b = nb;
                cap *= 2;
            }
            size_t k = ceil_div(n - at, workers);
            if (k < min)
                k = min;
            if (k > n - at)
                k = n - at;
            b[c++] = at;
            at += k;
        }
    }
    b[c] = n;
    *bounds = b;
    *nchunks = c;
    *first_chunk = c ? b[1] - b[0] : 0;
    return 0;
}

static int proc_map(struct par_run *run, const struct par_map *job)
{
    struct proc_state *st = run->state;
    if (!job || !job->kernel)
        return PAR_EINVAL;
    if (job->n == 0)
        return 0;
    size_t *bounds, nchunks, first;
    if (plan(job->n, (size_t)run->workers, job->schedule, job->chunk, &bounds, &nchunks, &first))
        return PAR_ENOMEM;
    int32_t id = (int32_t)job->kernel->id;
    int rc = par_proc_map_bounds(st->pool, kernel_item, &id, sizeof id, job->in, sizeof *job->in,
                                 job->out, sizeof *job->out, bounds, nchunks, run->errmsg,
                                 sizeof run->errmsg);
    run->workers_ran = par_proc_pool_map_team(st->pool);
    snprintf(run->detail, sizeof run->detail, "schedule=%s chunks=%zu first_chunk=%zu workers=%d",
             par_schedule_name(job->schedule), nchunks, first, run->workers);
    free(bounds);
    return rc;
}

static int proc_tree(struct par_run *run, int n, int cutoff, int64_t *result)
{
    struct proc_state *st = run->state;
    int64_t *leaves, *vals;
    size_t count;
    int depth;
    int rc = par_fib_split(n, cutoff, 8 * (size_t)run->workers, &leaves, &count, &depth);
    if (rc)
        return rc;
    vals = malloc(count * sizeof *vals);
    size_t *bounds = malloc((count + 1) * sizeof *bounds);
    if (!vals || !bounds) {
        free(leaves);
        free(vals);
        free(bounds);
        return PAR_ENOMEM;
    }
    for (size_t i = 0; i <= count; i++)
        bounds[i] = i;
    int32_t id = PAR_K_FIB;
    rc = par_proc_map_bounds(st->pool, kernel_item, &id, sizeof id, leaves, sizeof *leaves, vals,
                             sizeof *vals, bounds, count, run->errmsg, sizeof run->errmsg);
    run->workers_ran = par_proc_pool_map_team(st->pool);
    if (rc == 0) {
        int64_t sum = 0;
        for (size_t i = 0; i < count; i++)
            sum += vals[i];
        *result = sum;
    }
    snprintf(run->detail, sizeof run->detail, "tree: depth=%d leaves=%zu workers=%d", depth,
             count, run->workers);
    free(leaves);
    free(vals);
    free(bounds);
    return rc;
}

static int proc_grain(struct par_run *run, const struct par_grain *job)
{
    struct proc_state *st = run->state;
    int rc = par__proc_grain(st->pool, run->workers, job, run->errmsg, sizeof run->errmsg,
                             run->detail, sizeof run->detail);
    run->workers_ran = par_proc_pool_map_team(st->pool); /* the last step's map */
    return rc;
}

const struct par_backend par_backend_proc = {
    .name = "proc",
    .kind = "processes",
    .open = proc_open,
    .map = proc_map,
    .tree = proc_tree,
    .close = proc_close,
    .reduce_time = NULL,
    .grain = proc_grain,
};
