/* Private to pthread/: the future object and what pool.c and future.c
 * need from each other. See future.c and pool.c for the design. */
#ifndef PAR_FUTURE_INTERNAL_H
#define PAR_FUTURE_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

#include "future.h"
#include "pool.h"
#include "pool_internal.h"
#include "sync_internal.h"

struct par__callback;
struct par__waiter_node;

/* The `state` word: an enum par_future_state in the low bits, plus
 * PAR__LISTENERS once a callback, a waiter or a sleeping thread has
 * registered (under `lock`). Completion without listeners is one
 * compare-and-swap and takes no lock; with listeners it takes `lock`. */
#define PAR__STATE_MASK 3
#define PAR__LISTENERS 4

/* The fields a worker touches when it runs a task nobody listens to (state
 * through code: 60 bytes) share the first cache line of the record, which
 * future.c allocates on a line boundary: handing a future from its
 * submitter to a worker and back moves one line each way, not two. */
struct par_future {
    /* State word (above). PENDING -> RUNNING and PENDING -> CANCELLED are
     * compare-and-swaps (the winner owns the task: it runs or cancels it
     * and then owes the pool one par__pool_task_finished); the final store
     * is a compare-and-swap too (no listeners) or is made under `lock`.
     * PAR__LISTENERS is only set under `lock`, and only while not final. */
    _Alignas(PAR__DEQUE_LINE) _Atomic int state;
    _Atomic int refs;      /* handles + the pool's own reference */
    _Atomic int helpers;   /* workers of `pool` helping while they wait on it */
    _Atomic int thief;     /* 1 + index of the worker running it (taken from
                              a deque or the queue), 0 before: where a waiting
                              worker steals first (leapfrogging) */
    int home;              /* 1 + index of the worker on whose deque it was
                              pushed, 0 for the shared queue; set before the
                              push, then read-only */

    /* Set at creation, then read-only. */
    par_pool *pool;
    par_task_fn fn;
    void *arg;

    /* Written once by the thread that finishes the task, before `state`
     * becomes final (release); read after seeing a final state (acquire). */
    void *value;
    int code;

    pthread_mutex_t lock;  /* protects the fields below */
    pthread_cond_t cond;   /* made on first use (cond_ready); broadcast at
                              completion when sleepers > 0 */
    int cond_ready;
    int sleepers;          /* threads in pthread_cond_wait on `cond` */
    struct par__callback *callbacks;   /* to run when finished, in order */
    struct par__callback **cb_tail;
    struct par__waiter_node *waiters;  /* wait()/as_completed() to notify */
    par_future *next_free;  /* in a thread's cache of free futures (future.c) */
};
_Static_assert(offsetof(struct par_future, code) + sizeof(int) <= PAR__DEQUE_LINE,
               "a task's hot fields fit in the future's first cache line");

/* ---- future.c, for pool.c ------------------------------------------------ */

/* A new future for fn(arg) on pool p, in `state` (PENDING, or RUNNING for a
 * task its creator runs at once), with `refs` references. NULL: no memory. */
par_future *par__future_new(par_pool *p, par_task_fn fn, void *arg, int state, int refs);

/* Runs a task whose PENDING -> RUNNING swap the caller won (or that was
 * created RUNNING) and completes its future (callbacks included). The
 * caller then owes the pool one par__pool_task_finished (workers fold it
 * into their next visit to the queue). The caller keeps its reference. */
void par__future_run(par_future *f);

/* par__future_run, then par__pool_task_finished. */
void par__future_run_inline(par_future *f);

/* Cancels a future whose PENDING -> CANCELLED swap the caller won: completes
 * it (callbacks run in the calling thread) and calls par__pool_task_finished. */
void par__future_finish_cancelled(par_future *f);

/* PENDING -> RUNNING / CANCELLED (keeping the listeners bit); 1 when this
 * caller won the swap. */
static inline int par__future_claim(par_future *f, int to)
{
    int old = atomic_load(&f->state);
    while ((old & PAR__STATE_MASK) == PAR_FUTURE_PENDING)
        if (atomic_compare_exchange_weak(&f->state, &old, to | (old & PAR__LISTENERS)))
            return 1;
    return 0;
}

/* ---- pool.c, for future.c ------------------------------------------------ */

/* One accepted task has finished or been cancelled and its callbacks ran. */
void par__pool_task_finished(par_pool *p);

#endif
