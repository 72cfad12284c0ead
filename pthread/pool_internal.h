/* Private to pthread/: what taskgroup.c needs from pool.c (the workers and
 * their deques). See pool.c for the design. */
#ifndef PAR_POOL_INTERNAL_H
#define PAR_POOL_INTERNAL_H

#include <stdatomic.h>

#include "pool.h"
#include "sync_internal.h"

struct par_pool_worker;
struct par_spawn;

/* The calling thread's worker record when it is a worker of p, else NULL. */
struct par_pool_worker *par__worker_of(par_pool *p);

/* 1 + the worker's index in its pool (for leapfrogging hints). */
int par__worker_id(const struct par_pool_worker *w);

/* Pushes a task group child on w's deque (w is the calling thread's) and
 * wakes a sleeping worker if one sleeps. 0, or -1 out of memory (nothing
 * pushed). */
int par__worker_push_child(struct par_pool_worker *w, struct par_spawn *c);

/* Pops and runs the newest task of w's own deque (w is the calling
 * thread's): 1, or 0 when it was empty. */
int par__worker_run_own(struct par_pool_worker *w);

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
