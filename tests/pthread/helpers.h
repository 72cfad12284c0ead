/* Test helpers shared by the pthread/ tests: tasks that block on events so
 * that a test decides when each task may finish (orderings are forced by
 * events, never by sleeps), and small counters. */
#ifndef PAR_TEST_PTHREAD_HELPERS_H
#define PAR_TEST_PTHREAD_HELPERS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

#include "future.h"
#include "pool.h"
#include "sync.h"

/* A task that announces it started, then waits until released. */
struct gate {
    par_event *started;   /* set by the task when it begins */
    par_event *release;   /* the task waits for it */
    int code;             /* what the task returns */
    intptr_t value;       /* what it stores as its result */
};

void gate_init(struct gate *g, int code, intptr_t value);
void gate_fini(struct gate *g);
int gate_task(void *arg, void **result);

/* A task that returns (intptr_t)arg * 2 as its result. */
int double_task(void *arg, void **result);

/* A task that returns (int)(intptr_t)arg as its error code. */
int fail_task(void *arg, void **result);

/* A task that increments the _Atomic long at arg. */
int count_task(void *arg, void **result);

/* A done callback that increments the _Atomic int at ctx. */
void count_callback(par_future *f, void *ctx);

/* A 1-worker pool whose worker is held in a gate task, so that later
 * submissions stay PENDING until the gate is released (b.g.release). */
struct busy_pool {
    struct gate g;
    par_future *busy;   /* the gate task's future (owned) */
    par_pool *p;
};

/* Starts it with a queue of `capacity`; the gate task will return `code`
 * and the result `value`. Returns once the worker is inside the gate. */
void busy_pool_start(struct busy_pool *b, size_t capacity, int code, intptr_t value);

/* Releases the gate (if not yet), destroys the pool, frees everything. */
void busy_pool_stop(struct busy_pool *b);

/* Waits until thread `tid` of this process sleeps (state S in /proc): it
 * is then most likely blocked inside the call under test. Only makes a test
 * take the path it is about more often; no verdict may depend on it. */
void wait_until_asleep(pid_t tid);

/* Starts thread *t running fn(arg), which stores its tid (gettid) in *tid
 * first, and waits until that thread sleeps (wait_until_asleep). */
void start_until_asleep(pthread_t *t, void *(*fn)(void *), void *arg, _Atomic int *tid);

#endif
