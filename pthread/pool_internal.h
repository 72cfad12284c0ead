/* Private to pthread/: what taskgroup.c needs from pool.c (the workers and
 * their deques). See pool.c for the design. */
#ifndef PAR_POOL_INTERNAL_H
#define PAR_POOL_INTERNAL_H

#include <stdatomic.h>
#include <stdint.h>

#include "deque.h"
#include "pool.h"
#include "sync_internal.h"

struct par_spawn;

/* A deque item with the low bit set is a task group child (a struct
 * par_spawn in its spawner's frame); otherwise it is a par_future. */
#define PAR__CHILD_TAG ((uintptr_t)1)

/* A task group spawn runs the child at once, in the spawner, while the
 * spawner's deque already holds this many items per worker of the pool
 * (taskgroup.c). A rule like libgomp's, per worker: GOMP_task runs a task
 * undeferred while more than 64 x (team size) tasks wait in the whole team
 * (gcc, libgomp/task.c). */
#define PAR__SPAWN_LIMIT_PER_WORKER 64

/* One worker's record (pool.c makes them, one per thread). The deque's top
 * and bottom have cache lines of their own (deque.h); the fields below
 * share one more line, written by the owner only and read by others
 * rarely (steal counts, quiet checks), so the owner keeps it in its cache. */
struct par_pool_worker {
    struct par__deque dq;
    _Alignas(PAR__DEQUE_LINE) par_pool *pool;
    _Atomic int *asleep;          /* the pool's count of threads asleep on
                                     work_cond or help_cond (pool.c DESIGN) */
    int index;
    int spawn_limit;              /* children a spawn leaves queued here at
                                     most before it runs the next one at
                                     once (taskgroup.c); read-only */
    uint32_t rng;                 /* victim choice; owner only */
    _Atomic unsigned long steals; /* written by the owner only (relaxed) */
    _Atomic size_t retired;       /* tasks this worker retired; written by
                                     the owner only (release), summed by
                                     quiet checks (pool.c DESIGN) */
    _Atomic size_t accepted;      /* tasks this worker submitted (likewise) */
};

/* The calling thread's worker record (of whichever pool), else NULL. */
extern _Thread_local struct par_pool_worker *par__tl_worker;

/* The calling thread's worker record when it is a worker of p, else NULL. */
static inline struct par_pool_worker *par__worker_of(par_pool *p)
{
    struct par_pool_worker *w = par__tl_worker;
    return w && w->pool == p ? w : NULL;
}

/* 1 + the worker's index in its pool (for leapfrogging hints). */
static inline int par__worker_id(const struct par_pool_worker *w)
{
    return w->index + 1;
}

/* Wakes a sleeping worker (or the helpers) of p after a push; the caller
 * issued the seq_cst fence and saw a sleeper (par__worker_pushed). */
void par__pool_wake_for_work(par_pool *p);

/* After w pushed on its own deque: the sleep protocol's waker half (pool.c
 * DESIGN) — a seq_cst fence, then one load; the pool's lock only when a
 * thread sleeps. */
static inline void par__worker_pushed(struct par_pool_worker *w)
{
    atomic_thread_fence(memory_order_seq_cst);
    if (atomic_load_explicit(w->asleep, memory_order_relaxed) > 0)
        par__pool_wake_for_work(w->pool);
}

/* Pushes a task group child on w's deque (w is the calling thread's) and
 * wakes a sleeping worker if one sleeps. 0, or -1 out of memory (nothing
 * pushed). */
static inline int par__worker_push_child(struct par_pool_worker *w, struct par_spawn *c)
{
    if (par__deque_push(&w->dq, (void *)((uintptr_t)c | PAR__CHILD_TAG)) != 0)
        return -1;
    par__worker_pushed(w);
    return 0;
}

/* Pops the newest item of w's own deque (w is the calling thread's), or
 * NULL. The size check first saves the pop's fence when the deque is
 * empty: only the owner pushes, so `bottom` is exact, and a stale `top` is
 * too small, so a size of 0 proves the deque empty. */
static inline void *par__worker_pop(struct par_pool_worker *w)
{
    if (par__deque_size(&w->dq) == 0)
        return NULL;
    return par__deque_pop(&w->dq);
}

/* Runs a deque item that w (the calling thread's record) popped or stole:
 * a group child, or a future (retired afterwards). */
void par__worker_run_item(struct par_pool_worker *w, void *item);

/* Pops and runs the newest task of w's own deque (w is the calling
 * thread's): 1, or 0 when it was empty. */
static inline int par__worker_run_own(struct par_pool_worker *w)
{
    void *x = par__worker_pop(w);
    if (!x)
        return 0;
    par__worker_run_item(w, x);
    return 1;
}

/* Runs a group child (taskgroup.c): fn, outcome into the record, then
 * counts it done. `self` is the running worker. */
void par__spawn_run(struct par_spawn *c, struct par_pool_worker *self);

/* Runs work of p (own deque, then steals — first from the worker
 * 1 + *thief names, when thief != NULL and it is set — then the shared
 * queue) until pred(ctx) is true, sleeping on p's helper condition when
 * nothing is ready anywhere. The caller is one of p's workers. Every event
 * that can make pred true must, after it is visible (seq_cst), call
 * par__pool_wake_helpers(p). pred must only read atomics (it runs under p's
 * lock). Returns 0 when pred became true, ETIMEDOUT at the deadline. */
int par__pool_help_until(par_pool *p, int (*pred)(void *ctx), void *ctx,
                         const struct par__deadline *d, _Atomic int *thief);

/* A task being cancelled: pool.c notes cancels made by threads that are
 * not p's workers while their callbacks run (join and shutdown called from
 * such a callback must not wait for it). Lives in the cancelling frame. */
struct par__cancel_frame {
    par_pool *p;
    struct par__cancel_frame *up;   /* the thread's list of such cancels */
    int outside;
};

/* Before a cancelled task's callbacks run (after its claim was won). */
void par__pool_cancel_begin(par_pool *p, struct par__cancel_frame *fr);

/* After its callbacks ran: retires the task (replaces par__pool_task_finished). */
void par__pool_cancel_end(par_pool *p, struct par__cancel_frame *fr);

/* Wakes p's helping waiters so they re-check their predicates: cheap when
 * none sleeps (a fence and a load). */
void par__pool_wake_helpers(par_pool *p);

#endif
