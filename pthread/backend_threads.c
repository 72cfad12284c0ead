/* The driver's back ends "pthread" and "gil": the workloads on a par_pool.
 *
 * DESIGN
 * open() creates one pool of run->workers threads (queue of QUEUE_CAPACITY
 * tasks) kept across map/tree calls; close() destroys it. The "gil" back end
 * is the same code with an emulated GIL (gil.h): worker threads attach the
 * kernel hooks when they start and detach them when they end, every chunk
 * holds the GIL while it computes and offers it at every item (the eval
 * breaker), and the hooks offer it inside fib and powself.
 *
 * map: the items are cut into chunks (chunk_plan below), one task per chunk.
 * The driver thread submits them and waits on their futures in submission
 * order, at most WINDOW futures outstanding (bounded memory whatever the
 * chunk size). Chunks write disjoint ranges of `out`; each future publishes
 * its chunk's writes to the driver thread.
 *
 * tree: fib(n) as a task tree on the pool's work-stealing deques, with a
 * task group (taskgroup.h) per call above the cutoff: the task for n spawns
 * n-1 (to its worker's deque, where an idle worker may steal it, or at once
 * past the spawn limit, taskgroup.h), computes
 * n-2 itself as a plain call, then syncs; a syncing worker runs other work
 * meanwhile, so nesting cannot deadlock. Calls with n <= cutoff are one
 * serial par_fib(n). The root is one submitted task (the driver thread is
 * not a worker). Arguments are pointers into a per-call table of nodes, one
 * per n; results travel in the child records and return values. No
 * allocation and no shared counter per task: the detail line's task count
 * is the size of the recursion (computed), and `steals` is the pool's
 * count of tasks that moved between workers. Under the GIL a task holds it
 * only while it computes, never while it spawns or syncs (CPython releases
 * it around blocking waits too).
 *
 * No lock of its own: all sharing goes through the pool and the futures. */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "error.h"
#include "executor.h"
#include "gil.h"
#include "grain_threads.h"
#include "par_pthread.h"
#include "pool.h"
#include "taskgroup.h"
#include "team.h"

#define QUEUE_CAPACITY 1024
#define WINDOW 2048

_Static_assert(sizeof(intptr_t) >= sizeof(int64_t), "tree results travel in a void *");

struct threads_state {
    par_pool *pool;
    par_gil *gil;                 /* NULL for "pthread" */
    struct par_team team;         /* pool threads that ran a task in the last call */
};

/* ---- open / close ------------------------------------------------------ */

static void worker_attach(void *ctx)
{
    par_gil_attach_thread(ctx);
}

static void worker_detach(void *ctx)
{
    (void)ctx;
    par_gil_detach_thread();
}

static void threads_close(struct par_run *run)
{
    struct threads_state *st = run->state;
    if (!st)
        return;
    par_pool_destroy(st->pool);
    par_gil_destroy(st->gil);
    free(st);
    run->state = NULL;
}

static int threads_open_common(struct par_run *run, int with_gil)
{
    if (run->workers < 1 || run->workers > PAR_POOL_MAX_WORKERS) {
        snprintf(run->errmsg, sizeof run->errmsg, "workers must be in [1, %d], not %d",
                 PAR_POOL_MAX_WORKERS, run->workers);
        return PAR_EINVAL;
    }
    struct threads_state *st = calloc(1, sizeof *st);
    if (!st) {
        snprintf(run->errmsg, sizeof run->errmsg, "out of memory");
        return PAR_ENOMEM;
    }
    run->state = st;
    struct par_pool_opts o = { .workers = run->workers, .queue_capacity = QUEUE_CAPACITY };
    if (with_gil) {
        double interval = run->opts && run->opts->switch_interval > 0
                              ? run->opts->switch_interval : PAR_GIL_DEFAULT_INTERVAL;
        int rc = par_gil_create(&st->gil, interval);
        if (rc != 0) {
            snprintf(run->errmsg, sizeof run->errmsg,
                     "switch interval %g s is outside (0, 10]", interval);
            return rc;
        }
        o.on_start = worker_attach;
        o.on_stop = worker_detach;
        o.hook_ctx = st->gil;
    }
    int rc = par_pool_create_ex(&st->pool, &o);
    if (rc != 0) {
        snprintf(run->errmsg, sizeof run->errmsg, "cannot start %d threads: %s",
                 run->workers, par_strerror(rc));
        return rc;
    }
    return 0;
}

static int pthread_open(struct par_run *run)
{
    return threads_open_common(run, 0);
}

static int gil_open(struct par_run *run)
{
    return threads_open_common(run, 1);
}

/* ---- map --------------------------------------------------------------- */

struct chunk {
    struct threads_state *st;
    par_kernel_fn fn;
    const int64_t *in;
    int64_t *out;
    size_t begin, end;
};

static int chunk_task(void *arg, void **result)
{
    (void)result;
    const struct chunk *c = arg;
    par_team_mark(&c->st->team);
    par_gil *g = c->st->gil;
    if (g) {
        par_gil_acquire(g);
        for (size_t i = c->begin; i < c->end; i++) {
            par_gil_check(g);   /* eval breaker between items */
            c->out[i] = c->fn(c->in[i]);
        }
        par_gil_release(g);
    } else {
        for (size_t i = c->begin; i < c->end; i++)
            c->out[i] = c->fn(c->in[i]);
    }
    return 0;
}

/* Size of the chunk starting after `done` of n items.
 * static:  one block per worker, ceil(n / workers), unless --chunk is given;
 * dynamic: --chunk, else par_executor_auto_chunk (about 4 chunks per worker);
 * guided:  ceil(remaining / workers), never below --chunk (or 1): big chunks
 *          first, small ones at the end to even out the finish. */
static size_t chunk_size(const struct par_map *job, int workers, size_t done)
{
    size_t n = job->n, w = (size_t)workers;
    switch (job->schedule) {
    case PAR_SCHED_GUIDED: {
        size_t left = n - done, min = job->chunk ? job->chunk : 1;
        size_t c = left / w + (left % w != 0);
        return c < min ? min : c;
    }
    case PAR_SCHED_DYNAMIC:
        return job->chunk ? job->chunk : par_executor_auto_chunk(n, workers);
    case PAR_SCHED_STATIC:
    default:
        return job->chunk ? job->chunk : n / w + (n % w != 0);
    }
}

static int threads_map(struct par_run *run, const struct par_map *job)
{
    struct threads_state *st = run->state;
    if (job->n == 0)
        return 0;
    struct chunk *cs = malloc(WINDOW * sizeof *cs);
    par_future **fs = malloc(WINDOW * sizeof *fs);
    if (!cs || !fs) {
        free(cs);
        free(fs);
        snprintf(run->errmsg, sizeof run->errmsg, "out of memory");
        return PAR_ENOMEM;
    }
    int err = 0;
    size_t submitted = 0, awaited = 0, done = 0, first = 0, last = 0;
    par_team_begin(&st->team);
    while (done < job->n || awaited < submitted) {
        if (done < job->n && submitted - awaited < WINDOW && err == 0) {
            size_t c = chunk_size(job, run->workers, done);
            if (submitted == 0)
                first = c;
            last = c;   /* planned sizes, for the detail line */
            if (c > job->n - done)
                c = job->n - done;
            size_t slot = submitted % WINDOW;
            cs[slot] = (struct chunk){ st, job->kernel->fn, job->in, job->out, done, done + c };
            int rc = par_pool_submit(st->pool, chunk_task, &cs[slot], &fs[slot]);
            if (rc != 0) {
                err = rc;
                done = job->n;   /* stop submitting; still await the others */
                continue;
            }
            done += c;
            submitted++;
            continue;
        }
        size_t slot = awaited % WINDOW;
        int rc = par_future_result(fs[slot], PAR_FOREVER, NULL);
        if (rc != 0 && err == 0)
            err = rc;
        par_future_release(fs[slot]);
        awaited++;
    }
    free(fs);
    free(cs);
    run->workers_ran = par_team_end(&st->team);
    if (err != 0) {
        snprintf(run->errmsg, sizeof run->errmsg, "a chunk failed: %s", par_strerror(err));
        return err;
    }
    if (first == last)
        snprintf(run->detail, sizeof run->detail, "schedule=%s,chunk=%zu,tasks=%zu",
                 par_schedule_name(job->schedule), first, submitted);
    else
        snprintf(run->detail, sizeof run->detail, "schedule=%s,chunk=%zu..%zu,tasks=%zu",
                 par_schedule_name(job->schedule), first, last, submitted);
    if (st->gil)
        snprintf(run->detail + strlen(run->detail), sizeof run->detail - strlen(run->detail),
                 ",switch=%gms,handovers=%llu", 1e3 * par_gil_interval(st->gil),
                 (unsigned long long)par_gil_switches(st->gil));
    return 0;
}

/* ---- tree -------------------------------------------------------------- */

struct fib_node {
    struct threads_state *st;
    int n, cutoff;
    struct fib_node *table;   /* node of m is table[m] */
};

static int fib_task(void *arg, void **result)
{
    struct fib_node *node = arg;
    struct threads_state *st = node->st;
    par_team_mark(&st->team);
    int64_t r;
    if (node->n <= node->cutoff) {
        if (st->gil)
            par_gil_acquire(st->gil);
        r = par_fib(node->n);
        if (st->gil)
            par_gil_release(st->gil);
        *result = (void *)(intptr_t)r;
        return 0;
    }
    par_task_group g;
    struct par_spawn a;
    par_task_group_init(&g, st->pool);
    /* A spawn never fails to run its child (ENOMEM: it ran here). */
    (void)par_task_group_spawn(&g, &a, fib_task, &node->table[node->n - 1]);
    void *vb = NULL;
    int rb = fib_task(&node->table[node->n - 2], &vb);
    int ra = par_task_group_sync(&g);   /* always: `a` lives in this frame */
    if (ra != 0 || rb != 0)
        return ra != 0 ? ra : rb;
    r = (int64_t)(intptr_t)a.result + (int64_t)(intptr_t)vb;
    *result = (void *)(intptr_t)r;
    return 0;
}

/* Calls of fib_task for fib(n) with this cutoff: 1 for a leaf, else
 * 1 + calls(n-1) + calls(n-2). */
static unsigned long tree_calls(int n, int cutoff)
{
    unsigned long c[PAR_FIB_MAX_N + 1];
    for (int m = 0; m <= n; m++)
        c[m] = m <= cutoff || m < 2 ? 1 : 1 + c[m - 1] + c[m - 2];
    return c[n];
}

static int threads_tree(struct par_run *run, int n, int cutoff, int64_t *result)
{
    struct threads_state *st = run->state;
    if (n < 1 || n > PAR_FIB_MAX_N) {
        snprintf(run->errmsg, sizeof run->errmsg, "fib n must be in [1, %d], not %d",
                 PAR_FIB_MAX_N, n);
        return PAR_ERANGE;
    }
    if (cutoff < 2)
        cutoff = 2;   /* fib(2) and fib(1) are leaves anyway */
    struct fib_node table[PAR_FIB_MAX_N + 1];
    for (int m = 0; m <= n; m++)
        table[m] = (struct fib_node){ st, m, cutoff, table };
    unsigned long steals0 = par_pool_steals(st->pool);
    par_team_begin(&st->team);
    par_future *f = NULL;
    int rc = par_pool_submit(st->pool, fib_task, &table[n], &f);
    void *v = NULL;
    if (rc == 0)
        rc = par_future_result(f, PAR_FOREVER, &v);
    par_future_release(f);
    run->workers_ran = par_team_end(&st->team);
    if (rc != 0) {
        snprintf(run->errmsg, sizeof run->errmsg, "fib task failed: %s", par_strerror(rc));
        return rc;
    }
    *result = (int64_t)(intptr_t)v;
    snprintf(run->detail, sizeof run->detail, "cutoff=%d,tasks=%lu,steals=%lu%s", cutoff,
             tree_calls(n, cutoff), par_pool_steals(st->pool) - steals0, st->gil ? ",gil" : "");
    return 0;
}

/* ---- grain (grain_threads.c) ------------------------------------------- */

static int threads_grain(struct par_run *run, const struct par_grain *job)
{
    struct threads_state *st = run->state;
    return par__grain_threads(st->pool, st->gil, run->workers, job, run->errmsg,
                              sizeof run->errmsg, run->detail, sizeof run->detail,
                              &run->workers_ran);
}

const struct par_backend par_backend_pthread = {
    .name = "pthread", .kind = "threads",
    .open = pthread_open, .map = threads_map, .tree = threads_tree, .close = threads_close,
    .grain = threads_grain,
};

const struct par_backend par_backend_gil = {
    .name = "gil", .kind = "threads",
    .open = gil_open, .map = threads_map, .tree = threads_tree, .close = threads_close,
    .grain = threads_grain,
};
