/* The thread pool: workers, the bounded work queue, submit, join, shutdown.
 *
 * DESIGN
 * Workers: `nthreads` threads started by par_pool_create_ex, each running
 * worker_main(): take the oldest queued task, run it if its future is still
 * PENDING (compare-and-swap to RUNNING; a cancelled or already claimed
 * future is a "tombstone" and is just dropped), repeat; sleep on
 * `work_cond` while the queue is empty; leave when the pool is shut down
 * and the queue is empty.
 *
 * Queue: one FIFO ring of task records (function, argument, future) under
 * `lock`, bounded by the user's capacity (tombstones count until a worker
 * drops them). A queued future carries one reference owned by the queue,
 * passed to the worker that pops it; a fire-and-forget task has no future
 * and costs no allocation. Ordering: tasks start in submission order,
 * except that a worker waiting on a future may run that task early (see
 * future.c) and a worker that submits to its own full queue runs the new
 * task inline.
 *
 * Sleeping, never spinning: idle workers sleep on `work_cond`; blocked
 * submitters on `room_cond`; workers that wait on a future and have nothing
 * to run on `help_cond`; join/shutdown on `idle_cond`. Wake-ups are
 * counted: a sleeping worker is signalled only when the queue holds more
 * tasks than the awake, not-busy workers will take (wake_worker_locked), and
 * a full queue wakes its blocked submitters when it has drained to half
 * (hysteresis), not on every pop.
 *
 * Completion: the thread that wins a future's state swap runs or cancels
 * it, completes it (future.c), and then decrements `unfinished` under
 * `lock` (a worker does it when it comes back for its next task, so a task
 * costs it one lock/unlock of the pool), waking join/shutdown at 0.
 * Destroy waits for unfinished == 0 and every worker's exit, then joins
 * them, so no thread touches a freed pool.
 *
 * Lock order: future lock, then waiter lock, then pool `lock` (a leaf: code
 * holding it calls no user code and takes no other lock). Tasks and
 * callbacks run with no lock held. State is per pool; the only thread-local
 * is each worker's pointer to its own pool (par_pool_current). */
#include "future_internal.h"

#include <stdatomic.h>
#include <stdlib.h>

#include "error.h"
#include "ring.h"

/* One queued task. `f` is its future, or NULL for a fire-and-forget task
 * (par_pool_submit with fut == NULL): those cost no allocation at all. */
struct task {
    par_task_fn fn;
    void *arg;
    par_future *f;   /* holds the queue's reference when not NULL */
};

PAR__RING_DEFINE(task_ring, struct task)

struct par_pool {
    /* Read-only after creation. */
    struct par_pool_opts opts;
    pthread_t *threads;
    size_t low_mark;          /* wake blocked submitters at or below this */

    pthread_mutex_t lock;     /* protects every field below */
    int nthreads;             /* workers started (final once create returns) */
    pthread_cond_t work_cond; /* idle workers: queue not empty, or shutdown */
    pthread_cond_t room_cond; /* blocked submitters: room, or shutdown */
    pthread_cond_t help_cond; /* helping waiters: work, or their future done */
    pthread_cond_t idle_cond; /* join / shutdown: unfinished == 0, exits */
    struct task_ring queue;   /* queued tasks */
    size_t unfinished;        /* accepted tasks not yet finished/cancelled */
    int shutdown;             /* 1 once par_pool_shutdown was called */
    int exited;               /* workers that left their loop */
    int idle_waiting;         /* workers sleeping on work_cond */
    int running;              /* workers between popping a task and coming back */
    int work_signals;         /* work_cond signals not yet consumed */
    int room_waiting;         /* submitters sleeping on room_cond */
    int room_signalled;       /* a room broadcast not yet seen by a submitter */
    int help_waiting;         /* helpers sleeping on help_cond */
    int idle_waiters;         /* threads sleeping on idle_cond */
};

static _Thread_local par_pool *tl_pool;

par_pool *par_pool_current(void)
{
    return tl_pool;
}

/* ---- queue, under p->lock ------------------------------------------------ */

static struct task pop_locked(par_pool *p)
{
    struct task t = task_ring_pop(&p->queue);
    if (p->room_waiting > 0 && !p->room_signalled && p->queue.count <= p->low_mark) {
        p->room_signalled = 1;
        par__broadcast(&p->room_cond);
    }
    return t;
}

/* Decides whether to wake a sleeping worker: when the queue holds more
 * tasks than the workers already awake and about to look at it
 * ("searching": not asleep, not running a task) plus those already
 * signalled. A burst of submits thus wakes a sleeper only when it is
 * needed, and a worker that pops passes the wake-up on when work is left (so
 * parallelism grows with the backlog). Helpers (workers waiting inside a
 * task) are woken when no sleeper is. Returns the condition to signal —
 * after unlocking, so that the woken thread does not at once block on the
 * lock we hold — or NULL. */
static pthread_cond_t *wake_worker_locked(par_pool *p)
{
    int searching = p->nthreads - p->exited - p->idle_waiting - p->running;
    if (p->queue.count <= (size_t)(searching + p->work_signals))
        return NULL;
    if (p->idle_waiting > p->work_signals) {
        p->work_signals++;
        return &p->work_cond;
    }
    return p->help_waiting > 0 ? &p->help_cond : NULL;
}

static void signal_if(pthread_cond_t *c)
{
    if (c)
        par__signal(c);
}

/* Runs a popped task — unless its future was cancelled or claimed by a
 * waiter (a "tombstone") — and drops the queue's reference. Returns how
 * many tasks it finished (0 or 1): the caller owes par__pool_task_finished
 * that many times (see finished_locked). */
static int run_or_drop(struct task t)
{
    if (!t.f) {
        void *ignored = NULL;
        t.fn(t.arg, &ignored);   /* fire and forget: result and code dropped */
        return 1;
    }
    int ran = par__future_claim(t.f, PAR_FUTURE_RUNNING);
    if (ran)
        par__future_run(t.f);
    par_future_release(t.f);
    return ran;
}

/* Counts `n` finished tasks; caller holds p->lock. */
static void finished_locked(par_pool *p, int n)
{
    p->unfinished -= (size_t)n;
    if (n > 0 && p->unfinished == 0 && p->idle_waiters > 0)
        par__broadcast(&p->idle_cond);
}

void par__pool_task_finished(par_pool *p)
{
    par__lock(&p->lock);
    finished_locked(p, 1);
    par__unlock(&p->lock);
}

void par__pool_wake_helpers(par_pool *p)
{
    par__lock(&p->lock);
    if (p->help_waiting > 0)
        par__broadcast(&p->help_cond);
    par__unlock(&p->lock);
}

int par__pool_help_until(par_pool *p, int (*pred)(void *ctx), void *ctx,
                         const struct par__deadline *d)
{
    int rc = 0;
    par__lock(&p->lock);
    for (;;) {
        if (pred(ctx))
            break;
        if (p->queue.count > 0) {
            struct task t = pop_locked(p);
            par__unlock(&p->lock);
            int ran = run_or_drop(t);
            par__lock(&p->lock);
            finished_locked(p, ran);
            continue;
        }
        p->help_waiting++;
        rc = par__wait_until(&p->help_cond, &p->lock, d);
        p->help_waiting--;
        if (rc == ETIMEDOUT) {
            rc = pred(ctx) ? 0 : ETIMEDOUT;
            break;
        }
    }
    par__unlock(&p->lock);
    return rc;
}

/* ---- workers ------------------------------------------------------------- */

static void *worker_main(void *arg)
{
    par_pool *p = arg;
    tl_pool = p;
    if (p->opts.on_start)
        p->opts.on_start(p->opts.hook_ctx);
    par__lock(&p->lock);
    for (;;) {
        while (p->queue.count == 0 && !p->shutdown) {
            p->idle_waiting++;
            par__wait(&p->work_cond, &p->lock);
            p->idle_waiting--;
            if (p->work_signals > 0)
                p->work_signals--;
        }
        if (p->queue.count == 0)
            break;   /* shut down and drained */
        struct task t = pop_locked(p);
        p->running++;
        pthread_cond_t *wake = wake_worker_locked(p);   /* more left: pass it on */
        par__unlock(&p->lock);
        signal_if(wake);
        int ran = run_or_drop(t);
        par__lock(&p->lock);
        p->running--;
        finished_locked(p, ran);   /* folded into this visit: no extra lock */
    }
    par__unlock(&p->lock);
    if (p->opts.on_stop)
        p->opts.on_stop(p->opts.hook_ctx);
    tl_pool = NULL;
    par__lock(&p->lock);
    p->exited++;
    if (p->idle_waiters > 0)
        par__broadcast(&p->idle_cond);
    par__unlock(&p->lock);
    return NULL;
}

/* ---- life cycle ---------------------------------------------------------- */

static void free_pool(par_pool *p)
{
    par__cond_destroy(&p->idle_cond);
    par__cond_destroy(&p->help_cond);
    par__cond_destroy(&p->room_cond);
    par__cond_destroy(&p->work_cond);
    par__mutex_destroy(&p->lock);
    task_ring_free(&p->queue);
    free(p->threads);
    free(p);
}

static int init_sync(par_pool *p)
{
    if (par__mutex_init(&p->lock) != 0)
        return -1;
    pthread_cond_t *conds[] = { &p->work_cond, &p->room_cond, &p->help_cond, &p->idle_cond };
    for (size_t i = 0; i < sizeof conds / sizeof conds[0]; i++) {
        if (par__cond_init(conds[i]) != 0) {
            while (i-- > 0)
                par__cond_destroy(conds[i]);
            par__mutex_destroy(&p->lock);
            return -1;
        }
    }
    return 0;
}

/* Waits (caller holds p->lock) until every accepted task is finished and
 * every started worker has exited, or the deadline. 0 or ETIMEDOUT. */
static int wait_quiet_locked(par_pool *p, int for_exit, const struct par__deadline *d)
{
    int rc = 0;
    p->idle_waiters++;
    while (p->unfinished > 0 || (for_exit && p->exited < p->nthreads)) {
        if (par__wait_until(&p->idle_cond, &p->lock, d) == ETIMEDOUT) {
            if (p->unfinished > 0 || (for_exit && p->exited < p->nthreads))
                rc = ETIMEDOUT;
            break;
        }
    }
    p->idle_waiters--;
    return rc;
}

int par_pool_create_ex(par_pool **out, const struct par_pool_opts *opts)
{
    if (!out)
        return PAR_EINVAL;
    *out = NULL;
    if (!opts || opts->workers < 1 || opts->workers > PAR_POOL_MAX_WORKERS ||
        opts->queue_capacity == 0)
        return PAR_EINVAL;
    par_pool *p = calloc(1, sizeof *p);
    if (!p)
        return PAR_ENOMEM;
    p->opts = *opts;
    p->threads = calloc((size_t)opts->workers, sizeof *p->threads);
    if (!p->threads || init_sync(p) != 0) {
        free(p->threads);
        free(p);
        return PAR_ENOMEM;
    }
    task_ring_init(&p->queue, opts->queue_capacity);
    p->low_mark = opts->queue_capacity == PAR_UNBOUNDED ? 0 : opts->queue_capacity / 2;

    pthread_attr_t attr;
    if (pthread_attr_init(&attr) != 0) {
        free_pool(p);
        return PAR_ENOMEM;
    }
    int rc = 0;
    if (opts->stack_size > 0 && pthread_attr_setstacksize(&attr, opts->stack_size) != 0)
        rc = PAR_EINVAL;
    for (int i = 0; rc == 0 && i < opts->workers; i++) {
        if (pthread_create(&p->threads[i], &attr, worker_main, p) != 0) {
            rc = PAR_ESYS;
        } else {
            par__lock(&p->lock);
            p->nthreads++;
            par__unlock(&p->lock);
        }
    }
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        par__lock(&p->lock);
        p->shutdown = 1;
        par__broadcast(&p->work_cond);
        par__unlock(&p->lock);
        for (int i = 0; i < p->nthreads; i++)
            PAR__CHECK(pthread_join(p->threads[i], NULL));
        free_pool(p);
        return rc;
    }
    *out = p;
    return 0;
}

int par_pool_create(par_pool **out, int workers, size_t queue_capacity)
{
    struct par_pool_opts o = { .workers = workers, .queue_capacity = queue_capacity };
    return par_pool_create_ex(out, &o);
}

int par_pool_shutdown(par_pool *p, int wait, int cancel_pending)
{
    if (!p)
        return PAR_EINVAL;
    par__lock(&p->lock);
    p->shutdown = 1;
    par__broadcast(&p->work_cond);
    par__broadcast(&p->room_cond);
    par__broadcast(&p->help_cond);
    par__unlock(&p->lock);

    if (cancel_pending) {
        /* One at a time, so that callbacks (which may call into the pool)
         * run with no lock held. Workers may pop concurrently: those tasks
         * were about to start and simply run. */
        for (;;) {
            par__lock(&p->lock);
            int more = p->queue.count > 0;
            struct task t = more ? pop_locked(p) : (struct task){ NULL, NULL, NULL };
            par__unlock(&p->lock);
            if (!more)
                break;
            if (!t.f) {
                par__pool_task_finished(p);   /* fire and forget: not run */
                continue;
            }
            if (par__future_claim(t.f, PAR_FUTURE_CANCELLED))
                par__future_finish_cancelled(t.f);
            par_future_release(t.f);
        }
    }
    if (!wait)
        return 0;
    if (tl_pool == p)
        return PAR_EDEADLK;
    struct par__deadline forever = par__deadline_make(PAR_FOREVER);
    par__lock(&p->lock);
    wait_quiet_locked(p, 1, &forever);
    par__unlock(&p->lock);
    return 0;
}

void par_pool_destroy(par_pool *p)
{
    if (!p)
        return;
    if (tl_pool == p)
        abort();   /* a worker cannot join itself: a caller bug */
    par_pool_shutdown(p, 1, 0);
    for (int i = 0; i < p->nthreads; i++)
        PAR__CHECK(pthread_join(p->threads[i], NULL));
    free_pool(p);
}

/* ---- submitting ---------------------------------------------------------- */

/* Runs a task at once in the calling worker ("caller runs"); its future,
 * if any, is created RUNNING. Caller holds no lock; the task was counted in
 * `unfinished`. */
static void run_here(par_pool *p, struct task t, par_future **fut)
{
    if (!t.f) {
        run_or_drop(t);
        par__pool_task_finished(p);
        return;
    }
    atomic_store(&t.f->state, PAR_FUTURE_RUNNING);
    par__future_run_inline(t.f);
    par_future_release(t.f);   /* the reference the queue would have held */
    *fut = t.f;
}

static int submit(par_pool *p, par_task_fn fn, void *arg, double timeout_s, par_future **fut)
{
    if (fut)
        *fut = NULL;
    if (!p || !fn)
        return PAR_EINVAL;
    struct task t = { fn, arg, NULL };
    if (fut) {
        t.f = par__future_new(p, fn, arg, PAR_FUTURE_PENDING, 2);   /* caller + queue */
        if (!t.f)
            return PAR_ENOMEM;
    }
    struct par__deadline d;
    int have_deadline = 0;
    int rc = 0;

    par__lock(&p->lock);
    for (;;) {
        if (p->shutdown) {
            rc = PAR_ESHUTDOWN;
            break;
        }
        if (p->queue.count < p->queue.limit)
            break;
        if (timeout_s == 0) {
            rc = PAR_EAGAIN;
            break;
        }
        if (tl_pool == p) {
            /* A worker must not block on its own queue: caller runs. */
            p->unfinished++;
            par__unlock(&p->lock);
            run_here(p, t, fut);
            return 0;
        }
        if (!have_deadline) {
            d = par__deadline_make(timeout_s);
            have_deadline = 1;
        }
        p->room_waiting++;
        int w = par__wait_until(&p->room_cond, &p->lock, &d);
        p->room_waiting--;
        p->room_signalled = 0;
        if (w == ETIMEDOUT && !p->shutdown && p->queue.count >= p->queue.limit) {
            rc = PAR_ETIMEDOUT;
            break;
        }
    }
    if (rc == 0 && task_ring_reserve(&p->queue) != 0)
        rc = PAR_ENOMEM;
    if (rc != 0) {
        par__unlock(&p->lock);
        if (t.f) {
            atomic_store(&t.f->refs, 1);
            par_future_release(t.f);
        }
        return rc;
    }
    task_ring_push(&p->queue, t);
    p->unfinished++;
    pthread_cond_t *wake = wake_worker_locked(p);
    par__unlock(&p->lock);
    signal_if(wake);
    if (fut)
        *fut = t.f;
    return 0;
}

int par_pool_submit(par_pool *p, par_task_fn fn, void *arg, par_future **fut)
{
    return submit(p, fn, arg, PAR_FOREVER, fut);
}

int par_pool_try_submit(par_pool *p, par_task_fn fn, void *arg, par_future **fut)
{
    return submit(p, fn, arg, PAR_NOWAIT, fut);
}

int par_pool_submit_timed(par_pool *p, par_task_fn fn, void *arg, double timeout_s,
                          par_future **fut)
{
    return submit(p, fn, arg, timeout_s, fut);
}

/* ---- waiting ------------------------------------------------------------- */

int par_pool_join(par_pool *p, double timeout_s)
{
    if (!p)
        return PAR_EINVAL;
    if (tl_pool == p)
        return PAR_EDEADLK;
    par__lock(&p->lock);
    int rc = 0;
    if (p->unfinished > 0) {
        if (timeout_s == 0) {
            rc = PAR_EAGAIN;
        } else {
            struct par__deadline d = par__deadline_make(timeout_s);
            rc = wait_quiet_locked(p, 0, &d) == 0 ? 0 : PAR_ETIMEDOUT;
        }
    }
    par__unlock(&p->lock);
    return rc;
}

/* ---- information --------------------------------------------------------- */

int par_pool_workers(const par_pool *p)
{
    return p ? p->nthreads : 0;
}

size_t par_pool_capacity(const par_pool *p)
{
    return p ? p->opts.queue_capacity : 0;
}

size_t par_pool_pending(par_pool *p)
{
    if (!p)
        return 0;
    par__lock(&p->lock);
    size_t n = p->queue.count;
    par__unlock(&p->lock);
    return n;
}

int par_pool_is_shutdown(par_pool *p)
{
    if (!p)
        return 0;
    par__lock(&p->lock);
    int s = p->shutdown;
    par__unlock(&p->lock);
    return s;
}
