/* A thread pool with futures: C's answer to Python's ThreadPoolExecutor
 * (submit, shutdown) and to the cheatsheet's "Thread Pool Template"
 * (add_task, wait_complete).
 *
 * A pool owns a fixed set of worker threads, one bounded FIFO work queue
 * for tasks submitted from outside, and one work-stealing deque per worker
 * (deque.h) for tasks its own workers submit. par_pool_submit() queues a
 * task and hands back a future (future.h); a worker takes it, runs it, and
 * completes the future: the result or error goes to the future's waiters
 * and its done callbacks. An idle worker takes, in this order: the newest
 * task of its own deque, the oldest task of another worker's deque
 * (stealing), the oldest task of the shared queue. For trees of small
 * tasks, task groups (taskgroup.h: spawn/sync, no allocation) are cheaper
 * than a future per task.
 * Each pool owns all of its state: two pools in one process never interfere.
 * Idle workers and blocked callers sleep on condition variables; nothing
 * spins. See pool.c for the design and lock order.
 *
 * Backpressure: the shared queue holds at most `queue_capacity` tasks.
 * submit blocks while it is full (and proceeds as soon as one slot frees),
 * par_pool_try_submit fails with PAR_EAGAIN, and par_pool_submit_timed
 * waits at most a given time. A task that submits to its own pool never
 * blocks and is never refused for room (that could deadlock the pool): its
 * task goes to the worker's own deque, which grows as needed; the capacity
 * does not apply there.
 *
 * fork(): a child process must not use a pool created before the fork (its
 * workers do not exist there); it may only leak it.
 *
 * Thread-safety: every function may be called from any thread, including the
 * pool's own workers (tasks and callbacks), except where stated. */
#ifndef PAR_POOL_H
#define PAR_POOL_H
#include "export.h"
PAR_BEGIN_DECLS

#include <stddef.h>

#include "future.h"
#include "timeout.h"

typedef struct par_pool par_pool;

/* A sensible queue_capacity when you have no better idea (0 is rejected). */
#define PAR_POOL_DEFAULT_CAPACITY 1024

struct par_pool_opts {
    int workers;              /* >= 1 (at most PAR_POOL_MAX_WORKERS) */
    size_t queue_capacity;    /* >= 1, or PAR_UNBOUNDED */
    size_t stack_size;        /* worker stack in bytes; 0 = system default */
    /* Optional hooks, run in each worker thread: on_start before it takes
     * its first task, on_stop after its last (used by the gil back end to
     * install thread-local kernel hooks). NULL = none. */
    void (*on_start)(void *hook_ctx);
    void (*on_stop)(void *hook_ctx);
    void *hook_ctx;           /* borrowed; must outlive the pool */
};

#define PAR_POOL_MAX_WORKERS 1024

/* Creates a pool and starts its workers; *out receives it (owned by the
 * caller: par_pool_destroy). Returns 0; PAR_EINVAL for out/opts NULL,
 * workers outside [1, PAR_POOL_MAX_WORKERS] or queue_capacity 0; PAR_ENOMEM;
 * PAR_ESYS when a thread cannot be started (nothing is leaked then). On
 * failure *out is set to NULL. */
int par_pool_create_ex(par_pool **out, const struct par_pool_opts *opts);

/* Same, with default options: `workers` threads, a queue of `queue_capacity`. */
int par_pool_create(par_pool **out, int workers, size_t queue_capacity);

/* Shuts the pool down (as par_pool_shutdown(p, 1, 0): every accepted task
 * still runs), joins the workers and frees the pool. Futures you still hold
 * stay valid (release them as usual). Must not be called from one of the
 * pool's own workers (that would join itself: the call then aborts, as a
 * broken invariant). NULL is ignored. Not thread-safe with other calls on
 * the same pool: call it once, when nobody else uses the pool. */
void par_pool_destroy(par_pool *p);

/* ---- submitting ---------------------------------------------------------- */

/* Queues fn(arg) and, when fut != NULL, stores a new future handle in *fut
 * (owned by the caller: par_future_release). With fut == NULL the task is
 * "fire and forget": it still runs, and its result and error are dropped
 * (use par_pool_join to wait for it). `arg` is borrowed: it must stay valid
 * until the task has finished. Blocks while the queue is full.
 * Returns 0; PAR_EINVAL (p or fn NULL); PAR_ESHUTDOWN after par_pool_shutdown
 * (also when the shutdown happens while submit is blocked); PAR_ENOMEM.
 * On failure the task is not queued and *fut is set to NULL. */
int par_pool_submit(par_pool *p, par_task_fn fn, void *arg, par_future **fut);

/* Like par_pool_submit, but never blocks: PAR_EAGAIN when the queue is full. */
int par_pool_try_submit(par_pool *p, par_task_fn fn, void *arg, par_future **fut);

/* Like par_pool_submit, but waits at most timeout_s for room in the queue
 * (timeout.h: PAR_EAGAIN for 0, PAR_ETIMEDOUT when it expires). */
int par_pool_submit_timed(par_pool *p, par_task_fn fn, void *arg, double timeout_s,
                          par_future **fut);

/* ---- waiting and stopping ------------------------------------------------ */

/* Waits until every task accepted so far (and every task those submit) has
 * finished or been cancelled, and its callbacks have run: the queue is empty
 * and no worker is busy (Python's Queue.join, the template's wait_complete).
 * Returns 0, PAR_EAGAIN / PAR_ETIMEDOUT, PAR_EINVAL (p NULL), or PAR_EDEADLK
 * when called from one of p's workers (it would wait for itself). */
int par_pool_join(par_pool *p, double timeout_s);

/* Stops the pool accepting work: from now on submit answers PAR_ESHUTDOWN.
 * cancel_pending != 0 cancels every task still in the shared queue (their
 * futures become CANCELLED and their callbacks run in this thread before it
 * returns); otherwise queued tasks still run. Tasks on the workers' deques
 * (submitted by running tasks, which may be waiting for them) always run. wait != 0 then waits until every
 * accepted task has finished and the workers have exited; wait == 0 returns
 * at once (par_pool_destroy joins the workers later).
 * May be called more than once: later calls are not errors; they may add
 * cancel_pending and wait again. Returns 0; PAR_EINVAL (p NULL); PAR_EDEADLK
 * when wait != 0 and the caller is one of p's workers (the shutdown itself,
 * and any cancelling, has still happened). Called (with wait) from a done
 * callback that runs in the thread that cancelled a future of p, it does
 * not wait for that future's own callbacks (they are the caller); the same
 * holds for par_pool_join. */
int par_pool_shutdown(par_pool *p, int wait, int cancel_pending);

/* ---- information (never block; values may be stale when they return) ----- */

int par_pool_workers(const par_pool *p);        /* number of worker threads */
size_t par_pool_capacity(const par_pool *p);    /* queue capacity */
size_t par_pool_pending(par_pool *p);           /* tasks queued (shared queue and
                                                   deques), not yet started */
unsigned long par_pool_steals(par_pool *p);     /* tasks taken from another worker's
                                                   deque so far (0 for NULL) */
int par_pool_is_shutdown(par_pool *p);          /* 1 after par_pool_shutdown */

/* The pool whose worker is the calling thread, or NULL. */
par_pool *par_pool_current(void);

PAR_END_DECLS
#endif
