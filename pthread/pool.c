/* The thread pool: workers, their work-stealing deques, the bounded shared
 * queue, submit, join, shutdown.
 *
 * DESIGN
 * Workers: `nthreads` threads started by par_pool_create_ex, each with a
 * record (struct par_pool_worker) holding its Chase–Lev deque (deque.h). A
 * worker runs worker_main(): find a task (below), run it, repeat; sleep on
 * `work_cond` when there is none anywhere; leave once the pool is shut
 * down, nothing is queued and every accepted task has retired.
 *
 * Where tasks wait. Two kinds of queue:
 *   - the shared queue, for tasks submitted from outside the pool: a
 *     lock-free FIFO ring (mpmc.h) of min(capacity, RING_MAX) slots; a
 *     capacity above RING_MAX (PAR_UNBOUNDED included) spills the excess
 *     into `spill`, a growable FIFO under `lock`; while anything is
 *     spilled, new tasks go to the spill too and workers take from the ring
 *     first, so the order stays FIFO. It is bounded: backpressure (submit
 *     blocks, try_submit refuses) applies to outside submitters only.
 *   - one deque per worker, for tasks a worker of this pool submits or
 *     spawns (taskgroup.h): the worker pushes and pops at the bottom (LIFO,
 *     no lock and no read-modify-write unless it races for the last item),
 *     others steal at the top (FIFO, one compare-and-swap). A deque grows
 *     when full and never refuses or blocks, so a task never waits for room
 *     in its own pool (that could deadlock it). Deque items are pointers:
 *     a par_future (a submitted task; fire-and-forget ones get a future
 *     with no handle) or, tagged with the low bit, a task group child
 *     record living in its spawner's frame.
 * Finding work (worker_main and helping waiters alike): pop our own deque;
 * else steal, first from a hinted victim (the worker running the task we
 * wait for: leapfrogging), then from each other worker starting at a random
 * one; else take from the shared queue. A queued future carries one
 * reference owned by the queue, passed to the worker that takes it; its
 * state decides who runs it (compare-and-swap PENDING -> RUNNING: a
 * cancelled future, or one a waiting worker claimed to run inline, is a
 * "tombstone" and is just dropped).
 *
 * Counting: tasks accepted (counted by submitters) and retired (counted
 * when a task has finished or been cancelled, its callbacks included). Each
 * count is a sum of counters that only grow: the pool's `accepted` and
 * `retired` for threads that are not its workers (read-modify-writes), and
 * in each worker's record the tasks that worker submitted and retired
 * (written by that worker alone with a plain release store: no
 * read-modify-write and no shared line on the path of a task a worker
 * runs). The pool is quiet when the sums are equal; quiet_except() sums
 * every retired counter first (acquire), then every accepted one, and since
 * each only grows and a task is counted accepted before anyone can retire
 * it (its push, release, comes after the count), equal sums prove that at
 * that moment every accepted task had retired. An outside submitter counts
 * its task as accepted *before* it looks at `shutdown` and pushes (both
 * seq_cst), and retires it again if it cannot push: so a worker that sees
 * shutdown and a quiet pool knows that no push is in flight, and may leave.
 * A worker submitting is running a task that is not retired yet (its
 * retirement, a later release store, publishes the count), so its count
 * needs no such ordering. Task group children are not counted: their
 * spawner is a running (counted) task that syncs them before it returns, so
 * the pool cannot look quiet while one exists.
 * Who is told of a quiet pool, and when: a thread that is not a worker
 * retires under `lock` and wakes join / shutdown at once (retire,
 * retire_from_outside). A worker does not look per task: a worker that
 * retires a task is about to look for the next, and only when it finds
 * none (idle_wait, under `lock`) does it wake join / shutdown if the pool
 * is quiet, and the other sleepers when the pool may be left. Until then it
 * is still busy, so nothing is missed: a pool can only become quiet through
 * a worker's count when that worker then runs out of work (a retirement
 * inside a task, by a helping waiter, is followed by its enclosing task's).
 * Cancelled from outside: a task cancelled by a thread that is not one of
 * our workers retires only after its callbacks, which run in that thread;
 * `outside_cancels` counts those in progress, and that thread's own ones
 * are on a thread-local list. Join and shutdown(wait) called from such a
 * callback do not wait for the callback's own task (it would wait for
 * itself), and workers may leave a shut-down pool whose only unretired
 * tasks are such cancels (no worker will ever be needed for them).
 *
 * Sleeping, never spinning. Every sleeper (idle worker on `work_cond`,
 * blocked submitter on `room_cond`, helping worker on `help_cond`, join and
 * shutdown on `idle_cond`) takes `lock`, announces itself in an atomic
 * counter, issues a seq_cst fence and looks once more at what it waits for
 * (for a worker: the shared queue and every deque); every waker first makes
 * its change visible (a push: the deque's bottom or the ring's slot), issues
 * a seq_cst fence, then reads the counter and, only when it is not 0, takes
 * `lock` to signal. Workers and helpers also count themselves in `asleep`
 * (= sleepers + help_waiting, changed in the same critical sections), so
 * a push — the hot path of a spawn — reads one counter after its fence
 * (par__worker_pushed, pool_internal.h). With the two fences one of the two must see the other
 * (store-buffering cannot fool both), so no wake-up is lost, and a waker
 * with nobody asleep never touches the lock. So a worker that found nothing
 * to steal sleeps, and any later push anywhere wakes it. An idle worker is
 * signalled only when the sleepers outnumber the signals already on their
 * way (`wakes_pending`, decremented by every wake-up, so it may undercount
 * but never overcount: an overcount would leave work queued with every
 * worker asleep). Blocked submitters, the same way: a take from the shared
 * queue signals one (`room_cond`) when those asleep (`room_waiting`)
 * outnumber the signals on their way (`room_wakes_pending`), so one freed
 * slot still releases one blocked submit (like par_queue's get/put), but
 * the takes made while a woken submitter gets back onto a CPU do not each
 * take the lock to signal it again (they did: 19-48 signals per sleep, a
 * lock convoy between the workers and the submitter). A take skips the
 * signal only when it sees no more waiters than signals on their way, read
 * as one consistent pair (room_made: waiters first, acquire): then every
 * waiter it saw has a signal coming, and each woken submitter consumes its
 * signal, then (fence) looks at the queue, so it sees that take's free
 * slot (store-buffering again); a submitter that blocks later sees it
 * after its own announce and fence. A submitter that leaves its wait without
 * using a slot it was woken for (deadline, shutdown, or out of memory in
 * the spill) passes the signal on.
 *
 * Destroy waits for a quiet pool and every worker's exit, then joins them,
 * so no thread touches a freed pool. Deques live until destroy (thieves
 * may read a retired deque array until then).
 *
 * Lock order: future lock, then waiter lock, then pool `lock` (a leaf: code
 * holding it calls no user code and takes no other lock). `lock` protects
 * `spill`, the condition variables' predicates and the fields marked
 * "(lock)"; the sleeper counters are atomics so that wakers may read them
 * without it, but they only change under it. The deques take no lock. Tasks
 * and callbacks run with no lock held. State is per pool; the thread-locals
 * are each worker's pointers to its pool and record (par_pool_current) and
 * the list of outside cancels in progress. */
#include "future_internal.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "deque.h"
#include "error.h"
#include "mpmc.h"
#include "ring.h"
#include "taskgroup.h"

/* Slots of the lock-free ring at most (a cache line each: 256 KiB),
 * allocated when the pool is made. Larger capacities spill into a list that
 * grows on demand. */
#define RING_MAX 4096

/* Initial slots of each worker's deque (8 bytes each); it doubles when full. */
#define DEQUE_INITIAL 1024

/* One task of the shared queue. `f` is its future, or NULL for a
 * fire-and-forget task (par_pool_submit with fut == NULL): those cost no
 * allocation at all. */
struct task {
    par_task_fn fn;
    void *arg;
    par_future *f;   /* holds the queue's reference when not NULL */
};

PAR__MPMC_DEFINE(task_mpmc, struct task)
PAR__RING_DEFINE(task_ring, struct task)

#define CHILD_TAG PAR__CHILD_TAG

struct par_pool {
    struct task_mpmc ring;    /* lock-free; push and pop ends on their own lines */

    /* The task counters (see DESIGN), written by different threads. Each
     * worker counts the tasks it retires in its own record. */
    _Alignas(PAR__CACHE_LINE) _Atomic size_t accepted;
    _Alignas(PAR__CACHE_LINE) _Atomic size_t retired;   /* by other threads */

    /* Read-mostly from here on. Read-only after creation: */
    _Alignas(PAR__CACHE_LINE) struct par_pool_opts opts;
    pthread_t *threads;
    struct par_pool_worker *workers;   /* opts.workers records, deques made */

    _Atomic int shutdown;     /* 1 once par_pool_shutdown was called */
    /* Sleeper counters: changed only under `lock`, read by wakers without. */
    _Atomic int sleepers;     /* workers asleep on work_cond */
    _Atomic int wakes_pending;   /* work_cond signals not yet consumed; <= sleepers */
    _Atomic int room_waiting; /* submitters asleep on room_cond */
    _Atomic int room_wakes_pending;   /* room_cond signals not yet consumed;
                                         <= room_waiting */
    _Atomic int help_waiting; /* helping workers asleep on help_cond */
    _Atomic int asleep;       /* sleepers + help_waiting: a pusher's one load */
    _Atomic int quiet_waiters;   /* join / shutdown asleep on idle_cond */
    _Atomic size_t spilled;   /* spill.count, for lock-free reads */
    _Atomic size_t outside_cancels;   /* (lock) see DESIGN */

    /* Written at every sleep and wake-up: kept off the line above, which
     * every push and take reads. */
    _Alignas(PAR__CACHE_LINE) pthread_mutex_t lock;
    pthread_cond_t work_cond; /* idle workers: a task is ready, or shutdown */
    pthread_cond_t room_cond; /* blocked submitters: room, or shutdown */
    pthread_cond_t help_cond; /* helping waiters: work, or their future done */
    pthread_cond_t idle_cond; /* join / shutdown: quiet, or a worker exited */
    struct task_ring spill;   /* (lock) tasks beyond the ring, oldest first */
    int nthreads;             /* (lock) workers started; final once create returns */
    int exited;               /* (lock) workers that left their loop */
};

static _Thread_local par_pool *tl_pool;
_Thread_local struct par_pool_worker *par__tl_worker;
#define tl_worker par__tl_worker
static _Thread_local struct par__cancel_frame *tl_cancels;

par_pool *par_pool_current(void)
{
    return tl_pool;
}

static void full_fence(void)
{
    atomic_thread_fence(memory_order_seq_cst);
}

static int load_int(_Atomic int *a)
{
    return atomic_load_explicit(a, memory_order_relaxed);
}

/* ---- counting ------------------------------------------------------------ */

/* At most `own` accepted tasks have not retired. `retired` is read first
 * (see DESIGN). quiet_except(p, 0): the pool is quiet. */
static int quiet_except(par_pool *p, size_t own)
{
    size_t r = atomic_load(&p->retired);
    for (int i = 0; i < p->opts.workers; i++)
        r += atomic_load(&p->workers[i].retired);
    size_t a = atomic_load(&p->accepted);
    for (int i = 0; i < p->opts.workers; i++)
        a += atomic_load(&p->workers[i].accepted);
    return a - r <= own;
}

/* The calling thread's outside cancels of p now running their callbacks. */
static size_t own_cancels(par_pool *p)
{
    size_t n = 0;
    for (struct par__cancel_frame *c = tl_cancels; c; c = c->up)
        n += c->p == p;
    return n;
}

/* Workers may leave: shut down, and nothing left that needs a worker. */
static int may_exit(par_pool *p)
{
    return atomic_load_explicit(&p->shutdown, memory_order_relaxed) &&
           quiet_except(p, atomic_load(&p->outside_cancels));
}

/* After `retired` grew: wakes whoever waits for a quiet pool, if it is.
 * `locked`: the caller holds p->lock already. */
static void quiet_maybe_reached(par_pool *p, int locked)
{
    full_fence();
    int joiners = load_int(&p->quiet_waiters) > 0;
    int exiting = atomic_load_explicit(&p->shutdown, memory_order_relaxed) &&
                  load_int(&p->sleepers) > 0;
    if (!(joiners || exiting) || !quiet_except(p, atomic_load(&p->outside_cancels)))
        return;
    if (!locked)
        par__lock(&p->lock);
    if (p->quiet_waiters > 0)
        par__broadcast(&p->idle_cond);
    if (p->shutdown && p->sleepers > 0)
        par__broadcast(&p->work_cond);   /* they may leave now */
    if (!locked)
        par__unlock(&p->lock);
}

/* Counts one task retired by w, the calling worker, in its own record: a
 * plain store on its own line, no read-modify-write and no fence. Whoever
 * waits for a quiet pool hears of it when w next finds nothing to do
 * (announce_idle): until then w is running tasks, so the pool is not quiet
 * because of w's count alone — see DESIGN. */
static void retire_here(struct par_pool_worker *w)
{
    atomic_store_explicit(&w->retired, atomic_load_explicit(&w->retired, memory_order_relaxed) + 1,
                          memory_order_release);
}

/* Counts n tasks as retired (finished, cancelled, or not pushed after all)
 * by any thread, and wakes at once whoever waits for a quiet pool. */
static void retire(par_pool *p, size_t n)
{
    if (n == 0)
        return;
    atomic_fetch_add(&p->retired, n);
    quiet_maybe_reached(p, 0);
}

/* Retires one task from a thread that is not one of p's workers, under the
 * lock: our count may make the pool quiet, and a thread that sees that may
 * destroy the pool; it can only see it under this lock (join, shutdown and
 * exiting workers all look under it), so only after we are done with the
 * pool. Workers need not: the pool is not freed before they have exited. */
static void retire_from_outside(par_pool *p, int was_cancel)
{
    par__lock(&p->lock);
    atomic_fetch_add(&p->retired, 1);
    if (was_cancel)
        atomic_fetch_sub(&p->outside_cancels, 1);
    quiet_maybe_reached(p, 1);
    par__unlock(&p->lock);
}

void par__pool_task_finished(par_pool *p)
{
    struct par_pool_worker *w = par__worker_of(p);
    if (w)
        retire_here(w);   /* a worker running inline, inside a task */
    else
        retire_from_outside(p, 0);
}

void par__pool_cancel_begin(par_pool *p, struct par__cancel_frame *fr)
{
    fr->outside = tl_pool != p;
    if (!fr->outside)
        return;
    fr->p = p;
    fr->up = tl_cancels;
    tl_cancels = fr;
    par__lock(&p->lock);
    atomic_fetch_add(&p->outside_cancels, 1);
    if (p->shutdown && p->sleepers > 0)
        par__broadcast(&p->work_cond);   /* this may be all that kept them */
    par__unlock(&p->lock);
}

void par__pool_cancel_end(par_pool *p, struct par__cancel_frame *fr)
{
    if (!fr->outside) {
        retire(p, 1);
        return;
    }
    tl_cancels = fr->up;   /* callbacks nest: fr is the newest */
    retire_from_outside(p, 1);
}

/* ---- the shared queue ---------------------------------------------------- */

/* The capacity is larger than the ring: tasks beyond it spill. */
static int spills(const par_pool *p)
{
    return p->opts.queue_capacity > p->ring.size;
}

/* The spill may take one more task: the queue as a whole holds fewer than
 * the capacity (caller holds the lock, so the spill is stable; while it is
 * not empty, nothing new enters the ring). */
static int spill_has_room_locked(par_pool *p)
{
    size_t cap = p->opts.queue_capacity;
    return spills(p) &&
           (cap == PAR_UNBOUNDED || task_mpmc_count(&p->ring) + p->spill.count < cap);
}

/* Queues t: 1, 0 when the queue is full, -1 when the spill is out of memory. */
static int put(par_pool *p, struct task t)
{
    if (atomic_load_explicit(&p->spilled, memory_order_acquire) == 0 &&
        task_mpmc_push(&p->ring, t))
        return 1;
    if (!spills(p))
        return 0;
    int rc = 0;
    par__lock(&p->lock);
    if (spill_has_room_locked(p)) {
        rc = task_ring_reserve(&p->spill) == 0 ? 1 : -1;
        if (rc == 1) {
            task_ring_push(&p->spill, t);
            atomic_store(&p->spilled, p->spill.count);
        }
    }
    par__unlock(&p->lock);
    return rc;
}

/* Takes the oldest spilled task (caller holds the lock): 1, or 0 if none. */
static int take_spilled_locked(par_pool *p, struct task *t)
{
    if (p->spill.count == 0)
        return 0;
    *t = task_ring_pop(&p->spill);
    atomic_store(&p->spilled, p->spill.count);
    return 1;
}

/* One more room_cond signal is on its way, if a blocked submitter has none
 * yet (caller holds the lock). */
static void room_signal_locked(par_pool *p)
{
    if (p->room_waiting > p->room_wakes_pending) {
        p->room_wakes_pending++;
        par__signal(&p->room_cond);
    }
}

/* A task left the shared queue: one slot is free, so one blocked submitter
 * (if any sleeps and no signal is on its way to it) is woken to use it
 * (DESIGN). */
static void room_made(par_pool *p)
{
    full_fence();
    /* `room_waiting` first, with acquire, then `room_wakes_pending`: a
     * woken submitter consumes its signal before it leaves (both
     * read-modify-writes), so a count of waiters that already shows it
     * gone also shows its signal consumed. Read the other way round (or in
     * an unspecified order, as one expression), an old pending count could
     * meet the new waiter count and hide a submitter asleep with no signal
     * coming (DESIGN). */
    int waiting = atomic_load_explicit(&p->room_waiting, memory_order_acquire);
    if (waiting <= load_int(&p->room_wakes_pending))
        return;
    par__lock(&p->lock);
    room_signal_locked(p);
    par__unlock(&p->lock);
}

/* Takes the oldest task of the shared queue: 1, or 0 when nothing is ready. */
static int take(par_pool *p, struct task *t)
{
    int got = task_mpmc_pop(&p->ring, t);
    if (!got && atomic_load_explicit(&p->spilled, memory_order_acquire) > 0) {
        par__lock(&p->lock);
        got = task_mpmc_pop(&p->ring, t) || take_spilled_locked(p, t);
        par__unlock(&p->lock);
    }
    if (got)
        room_made(p);
    return got;
}

/* Some deque holds a task (a snapshot; the caller orders it with a fence). */
static int any_deque_ready(par_pool *p)
{
    for (int i = 0; i < p->opts.workers; i++)
        if (par__deque_size(&p->workers[i].dq) > 0)
            return 1;
    return 0;
}

/* A task could be taken now (caller holds the lock, so `spill` is stable). */
static int ready_locked(par_pool *p)
{
    return task_mpmc_ready(&p->ring) || p->spill.count > 0 || any_deque_ready(p);
}

/* Room for one more task in the shared queue (caller holds the lock). */
static int has_room_locked(par_pool *p)
{
    return (p->spill.count == 0 && !task_mpmc_full(&p->ring)) || spill_has_room_locked(p);
}

/* After a push (shared queue or a deque): wakes a sleeping worker unless
 * enough are being woken already, else the helpers (workers waiting inside
 * a task) if any sleep. */
void par__pool_wake_for_work(par_pool *p)
{
    int sleepers = load_int(&p->sleepers);
    if (sleepers > 0 && load_int(&p->wakes_pending) < sleepers) {
        par__lock(&p->lock);
        int wake = p->sleepers > p->wakes_pending;
        if (wake)
            p->wakes_pending++;
        par__unlock(&p->lock);
        if (wake) {
            /* After unlocking, so the woken thread does not at once block on
             * the lock we hold. A sleeper may only leave its wait through
             * the lock, so the signal still finds one (or is not needed). */
            par__signal(&p->work_cond);
            return;
        }
    }
    if (load_int(&p->help_waiting) > 0) {
        par__lock(&p->lock);
        if (p->help_waiting > 0)
            par__broadcast(&p->help_cond);
        par__unlock(&p->lock);
    }
}

/* After a push on the shared queue: the waker half of the sleep protocol. */
static void work_added(par_pool *p)
{
    full_fence();
    if (load_int(&p->asleep) > 0)
        par__pool_wake_for_work(p);
}

/* ---- running what was found ---------------------------------------------- */

/* Runs a future's task unless it is a tombstone, drops the queue's
 * reference; returns how many tasks it finished (0 or 1), for retire(). */
static int run_future(par_future *f, struct par_pool_worker *self)
{
    int ran = par__future_claim(f, PAR_FUTURE_RUNNING);
    if (ran) {
        atomic_store_explicit(&f->thief, self->index + 1, memory_order_relaxed);
        par__future_run(f);
    }
    par_future_release(f);
    return ran;
}

/* Runs a task taken from the shared queue; returns how many to retire. */
static int run_task(struct task t, struct par_pool_worker *self)
{
    if (!t.f) {
        void *ignored = NULL;
        t.fn(t.arg, &ignored);   /* fire and forget: result and code dropped */
        return 1;
    }
    return run_future(t.f, self);
}

void par__worker_run_item(struct par_pool_worker *self, void *item)
{
    uintptr_t u = (uintptr_t)item;
    if (u & CHILD_TAG)
        par__spawn_run((struct par_spawn *)(u & ~CHILD_TAG), self);
    else if (run_future(item, self))
        retire_here(self);
}

/* A random victim index in [0, n), xorshift32 (Marsaglia 2003). */
static int next_victim(struct par_pool_worker *w, int n)
{
    uint32_t x = w->rng;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    w->rng = x;
    return (int)(x % (uint32_t)n);
}

/* Steals one item from victim v, retrying while it loses races (the
 * deque is not empty then). NULL when v's deque is empty. A first look
 * without a fence skips empty deques cheaply (their lines stay shared in
 * our cache); sleeping re-checks every deque after a fence (idle_wait). */
static void *steal_from(par_pool *p, int v)
{
    struct par__deque *q = &p->workers[v].dq;
    if (par__deque_size(q) == 0)
        return NULL;
    void *x;
    int r;
    while ((r = par__deque_steal(q, &x)) < 0)
        ;
    return r > 0 ? x : NULL;
}

/* Steals from `hint` (a worker index, or -1), then from every other worker
 * starting at a random one. NULL when every deque looked empty. */
static void *steal_any(par_pool *p, struct par_pool_worker *w, int hint)
{
    int n = p->opts.workers;
    void *x = NULL;
    if (n < 2)
        return NULL;
    if (hint >= 0 && hint < n && hint != w->index)
        x = steal_from(p, hint);
    int start = next_victim(w, n);
    for (int i = 0; !x && i < n; i++) {
        int v = (start + i) % n;
        if (v != w->index && v != hint)
            x = steal_from(p, v);
    }
    if (x)
        atomic_store_explicit(&w->steals, atomic_load_explicit(&w->steals, memory_order_relaxed) + 1,
                              memory_order_relaxed);
    return x;
}

/* Finds one task (own deque, steal, shared queue) and runs it: 1, or 0 when
 * nothing was found. `hint`: the victim to steal from first, or -1. */
static int run_one(par_pool *p, struct par_pool_worker *w, int hint)
{
    void *x = par__worker_pop(w);
    if (!x)
        x = steal_any(p, w, hint);
    if (x) {
        par__worker_run_item(w, x);
        return 1;
    }
    struct task t;
    if (take(p, &t)) {
        if (run_task(t, w))
            retire_here(w);
        return 1;
    }
    return 0;
}

/* ---- helping: a worker waiting on a future or a task group ---------------- */

void par__pool_wake_helpers(par_pool *p)
{
    full_fence();
    if (load_int(&p->help_waiting) == 0)
        return;
    par__lock(&p->lock);
    if (p->help_waiting > 0)
        par__broadcast(&p->help_cond);
    par__unlock(&p->lock);
}

int par__pool_help_until(par_pool *p, int (*pred)(void *ctx), void *ctx,
                         const struct par__deadline *d, _Atomic int *thief)
{
    struct par_pool_worker *w = tl_worker;
    for (;;) {
        if (pred(ctx))
            return 0;
        int hint = thief ? atomic_load_explicit(thief, memory_order_relaxed) - 1 : -1;
        if (run_one(p, w, hint))
            continue;
        int rc = 0;
        par__lock(&p->lock);
        atomic_fetch_add(&p->help_waiting, 1);
        atomic_fetch_add(&p->asleep, 1);
        full_fence();
        if (!pred(ctx) && !ready_locked(p))
            rc = par__wait_until(&p->help_cond, &p->lock, d);
        atomic_fetch_sub(&p->asleep, 1);
        atomic_fetch_sub(&p->help_waiting, 1);
        par__unlock(&p->lock);
        if (rc == ETIMEDOUT)
            return pred(ctx) ? 0 : ETIMEDOUT;
    }
}

/* ---- workers ------------------------------------------------------------- */

/* A worker found nothing to do (caller holds the lock): the tasks it
 * retired since (retire_here) may have made the pool quiet, so it wakes
 * join / shutdown if they wait and it is. The lock orders this with their
 * look at the counters (wait_quiet_locked), so one of the two sees the
 * other. */
static void announce_idle_locked(par_pool *p)
{
    if (p->quiet_waiters > 0 && quiet_except(p, atomic_load(&p->outside_cancels)))
        par__broadcast(&p->idle_cond);
}

/* Nothing was ready: sleeps until a task is, or the pool may be left.
 * Returns 1 to look for work again, 0 to leave. */
static int idle_wait(par_pool *p)
{
    int stay = 1;
    par__lock(&p->lock);
    announce_idle_locked(p);
    atomic_fetch_add(&p->sleepers, 1);
    atomic_fetch_add(&p->asleep, 1);
    full_fence();
    for (;;) {
        if (ready_locked(p))
            break;
        if (may_exit(p)) {
            stay = 0;
            if (p->sleepers > 1)
                par__broadcast(&p->work_cond);   /* the others may leave too */
            break;
        }
        par__wait(&p->work_cond, &p->lock);
        /* A signal is consumed, even when what it announced was taken by
         * another worker and we sleep again. (A spurious wake-up counts
         * too: one signal too many later, never one too few.) */
        if (p->wakes_pending > 0)
            p->wakes_pending--;
    }
    atomic_fetch_sub(&p->asleep, 1);
    int left = atomic_fetch_sub(&p->sleepers, 1) - 1;
    if (p->wakes_pending > left)
        p->wakes_pending = left;   /* signals on their way to nobody */
    par__unlock(&p->lock);
    return stay;
}

static void *worker_main(void *arg)
{
    struct par_pool_worker *w = arg;
    par_pool *p = w->pool;
    tl_pool = p;
    tl_worker = w;
    if (p->opts.on_start)
        p->opts.on_start(p->opts.hook_ctx);
    for (;;) {
        if (!run_one(p, w, -1) && !idle_wait(p))
            break;
    }
    if (p->opts.on_stop)
        p->opts.on_stop(p->opts.hook_ctx);
    tl_pool = NULL;
    tl_worker = NULL;
    par__lock(&p->lock);
    p->exited++;
    if (p->quiet_waiters > 0)
        par__broadcast(&p->idle_cond);
    par__unlock(&p->lock);
    return NULL;
}

/* ---- life cycle ---------------------------------------------------------- */

static void free_workers(par_pool *p, int n)
{
    for (int i = 0; i < n; i++)
        par__deque_destroy(&p->workers[i].dq);
    free(p->workers);
}

static void free_pool(par_pool *p)
{
    par__cond_destroy(&p->idle_cond);
    par__cond_destroy(&p->help_cond);
    par__cond_destroy(&p->room_cond);
    par__cond_destroy(&p->work_cond);
    par__mutex_destroy(&p->lock);
    task_ring_free(&p->spill);
    task_mpmc_free(&p->ring);
    free_workers(p, p->opts.workers);
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

/* The worker records with their deques: 0, or -1 (nothing left allocated). */
static int init_workers(par_pool *p)
{
    int n = p->opts.workers;
    p->workers = aligned_alloc(PAR__CACHE_LINE, (size_t)n * sizeof *p->workers);
    if (!p->workers)
        return -1;
    for (int i = 0; i < n; i++) {
        struct par_pool_worker *w = &p->workers[i];
        if (par__deque_init(&w->dq, DEQUE_INITIAL) != 0) {
            free_workers(p, i);
            p->workers = NULL;
            return -1;
        }
        w->pool = p;
        w->index = i;
        w->spawn_limit = PAR__SPAWN_LIMIT_PER_WORKER * n;
        w->rng = 2654435761u * (uint32_t)(i + 1);   /* any non-zero seed */
        w->asleep = &p->asleep;
        atomic_init(&w->steals, 0);
        atomic_init(&w->retired, 0);
        atomic_init(&w->accepted, 0);
    }
    return 0;
}

/* Waits (caller holds p->lock) until at most `own` tasks are unretired
 * (the caller's own outside cancels) and, with for_exit, every started
 * worker has exited, or the deadline. 0 or ETIMEDOUT. */
static int wait_quiet_locked(par_pool *p, int for_exit, size_t own,
                             const struct par__deadline *d)
{
    int rc = 0;
    atomic_fetch_add(&p->quiet_waiters, 1);
    full_fence();
    while (!quiet_except(p, own) || (for_exit && p->exited < p->nthreads)) {
        if (par__wait_until(&p->idle_cond, &p->lock, d) == ETIMEDOUT) {
            if (!quiet_except(p, own) || (for_exit && p->exited < p->nthreads))
                rc = ETIMEDOUT;
            break;
        }
    }
    atomic_fetch_sub(&p->quiet_waiters, 1);
    return rc;
}

/* A zeroed pool, aligned for its cache-line-aligned members (malloc only
 * promises 16 bytes). */
static par_pool *alloc_pool(void)
{
    size_t size = (sizeof(par_pool) + PAR__CACHE_LINE - 1) / PAR__CACHE_LINE * PAR__CACHE_LINE;
    par_pool *p = aligned_alloc(PAR__CACHE_LINE, size);
    if (p)
        memset(p, 0, size);
    return p;
}

int par_pool_create_ex(par_pool **out, const struct par_pool_opts *opts)
{
    if (!out)
        return PAR_EINVAL;
    *out = NULL;
    if (!opts || opts->workers < 1 || opts->workers > PAR_POOL_MAX_WORKERS ||
        opts->queue_capacity == 0)
        return PAR_EINVAL;
    par_pool *p = alloc_pool();
    if (!p)
        return PAR_ENOMEM;
    p->opts = *opts;
    size_t cap = opts->queue_capacity;
    size_t ring_size = cap < RING_MAX ? cap : RING_MAX;
    p->threads = calloc((size_t)opts->workers, sizeof *p->threads);
    if (!p->threads || task_mpmc_init(&p->ring, ring_size) != 0 || init_sync(p) != 0) {
        free(p->ring.slots);
        free(p->threads);
        free(p);
        return PAR_ENOMEM;
    }
    task_ring_init(&p->spill, PAR_UNBOUNDED);
    if (init_workers(p) != 0) {
        p->opts.workers = 0;   /* nothing to free there */
        free_pool(p);
        return PAR_ENOMEM;
    }

    pthread_attr_t attr;
    if (pthread_attr_init(&attr) != 0) {
        free_pool(p);
        return PAR_ENOMEM;
    }
    int rc = 0;
    if (opts->stack_size > 0 && pthread_attr_setstacksize(&attr, opts->stack_size) != 0)
        rc = PAR_EINVAL;
    for (int i = 0; rc == 0 && i < opts->workers; i++) {
        if (pthread_create(&p->threads[i], &attr, worker_main, &p->workers[i]) != 0) {
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
        atomic_store(&p->shutdown, 1);
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
    atomic_store(&p->shutdown, 1);
    par__broadcast(&p->work_cond);
    par__broadcast(&p->room_cond);
    par__broadcast(&p->help_cond);
    par__unlock(&p->lock);

    if (cancel_pending) {
        /* The shared queue only: tasks on the deques were submitted by
         * running tasks, which may wait for them; they run. One at a time,
         * so that callbacks (which may call into the pool) run with no lock
         * held. Workers may take tasks concurrently: those were about to
         * start and simply run. */
        struct task t;
        while (take(p, &t)) {
            if (!t.f) {
                retire(p, 1);   /* fire and forget: not run */
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
    wait_quiet_locked(p, 1, own_cancels(p), &forever);
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

/* Sleeps until the shared queue may have room, the pool is shut down, or
 * the deadline. Returns 0, or PAR_ETIMEDOUT when still full at the
 * deadline. */
static int wait_for_room(par_pool *p, const struct par__deadline *d)
{
    int rc = 0;
    par__lock(&p->lock);
    atomic_fetch_add(&p->room_waiting, 1);
    full_fence();   /* announce, then look again (DESIGN) */
    while (!p->shutdown && !has_room_locked(p)) {
        int timed_out = par__wait_until(&p->room_cond, &p->lock, d) == ETIMEDOUT;
        /* A signal is consumed (a spurious wake-up or a deadline too: one
         * signal too many later, never one too few), then we look again
         * after a fence (DESIGN). */
        if (p->room_wakes_pending > 0)
            p->room_wakes_pending--;
        full_fence();
        if (timed_out) {
            if (!p->shutdown && !has_room_locked(p))
                rc = PAR_ETIMEDOUT;
            break;
        }
    }
    int left = atomic_fetch_sub(&p->room_waiting, 1) - 1;
    if (p->room_wakes_pending > left)
        p->room_wakes_pending = left;   /* signals on their way to nobody */
    /* Leaving without using room that a signal may have been meant for
     * (shutdown, or a signal that raced with our deadline): pass it on. */
    if (p->shutdown || rc != 0)
        room_signal_locked(p);
    par__unlock(&p->lock);
    return rc;
}

/* Frees the future of a task that was never queued (NULL: none): the
 * caller's and the queue's references were never handed out. */
static void drop_unqueued(par_future *f)
{
    if (f) {
        atomic_store(&f->refs, 1);
        par_future_release(f);
    }
}

/* A submit from one of p's own workers: onto its deque, never blocks. */
static int submit_nested(par_pool *p, struct par_pool_worker *w, par_task_fn fn, void *arg,
                         par_future **fut)
{
    par_future *f = par__future_new(p, fn, arg, PAR_FUTURE_PENDING, fut ? 2 : 1);
    if (!f)
        return PAR_ENOMEM;
    f->home = par__worker_id(w);
    /* In w's own count: w is running a task, so the pool cannot look quiet
     * before w retires that task, and that (release) store comes after
     * this one (DESIGN). */
    atomic_store_explicit(&w->accepted, atomic_load_explicit(&w->accepted, memory_order_relaxed) + 1,
                          memory_order_release);
    int rc = 0;
    if (atomic_load(&p->shutdown))
        rc = PAR_ESHUTDOWN;
    else if (par__deque_push(&w->dq, f) != 0)
        rc = PAR_ENOMEM;
    if (rc != 0) {
        retire(p, 1);
        drop_unqueued(f);
        return rc;
    }
    par__worker_pushed(w);
    if (fut)
        *fut = f;
    return 0;
}

static int submit(par_pool *p, par_task_fn fn, void *arg, double timeout_s, par_future **fut)
{
    if (fut)
        *fut = NULL;
    if (!p || !fn)
        return PAR_EINVAL;
    if (tl_pool == p)
        return submit_nested(p, tl_worker, fn, arg, fut);
    struct task t = { fn, arg, NULL };
    if (fut) {
        t.f = par__future_new(p, fn, arg, PAR_FUTURE_PENDING, 2);   /* caller + queue */
        if (!t.f)
            return PAR_ENOMEM;
    }
    struct par__deadline d;
    int have_deadline = 0;
    int rc;
    for (;;) {
        atomic_fetch_add(&p->accepted, 1);   /* before the shutdown check: DESIGN */
        if (atomic_load(&p->shutdown)) {
            rc = PAR_ESHUTDOWN;
            break;
        }
        int put_rc = put(p, t);
        if (put_rc == 1) {
            work_added(p);
            if (fut)
                *fut = t.f;
            return 0;
        }
        if (put_rc < 0) {
            /* Out of memory in the spill after a wait: we may have used
             * up a signal sent for room we now leave free, and another
             * blocked submitter may have none coming (DESIGN). Passed on
             * as a take passes on the slot it frees; one signal too many
             * is harmless. */
            if (have_deadline)
                room_made(p);
            rc = PAR_ENOMEM;
            break;
        }
        if (timeout_s == 0) {
            rc = PAR_EAGAIN;
            break;
        }
        retire(p, 1);   /* not queued after all; accepted again on the retry */
        if (!have_deadline) {
            d = par__deadline_make(timeout_s);
            have_deadline = 1;
        }
        if (wait_for_room(p, &d) != 0) {
            drop_unqueued(t.f);
            return PAR_ETIMEDOUT;
        }
    }
    retire(p, 1);   /* counted as accepted above, but refused */
    drop_unqueued(t.f);
    return rc;
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
    size_t own = own_cancels(p);
    par__lock(&p->lock);
    int rc = 0;
    if (!quiet_except(p, own)) {
        if (timeout_s == 0) {
            rc = PAR_EAGAIN;
        } else {
            struct par__deadline d = par__deadline_make(timeout_s);
            rc = wait_quiet_locked(p, 0, own, &d) == 0 ? 0 : PAR_ETIMEDOUT;
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
    size_t n = task_mpmc_count(&p->ring) + atomic_load(&p->spilled);
    for (int i = 0; i < p->opts.workers; i++)
        n += (size_t)par__deque_size(&p->workers[i].dq);
    return n;
}

unsigned long par_pool_steals(par_pool *p)
{
    unsigned long n = 0;
    for (int i = 0; p && i < p->opts.workers; i++)
        n += atomic_load_explicit(&p->workers[i].steals, memory_order_relaxed);
    return n;
}

int par_pool_is_shutdown(par_pool *p)
{
    return p ? atomic_load(&p->shutdown) : 0;
}
