/* 08 — Implement "Monitor" (using RLock).
 *
 * Python: foo() takes the monitor's RLock, sleeps 5 s, then calls ker(),
 * which takes the same lock again; task2 calls ker() meanwhile and must wait.
 * Output: 1 in foo, 1 in ker, 2 in ker.
 *
 * What C teaches that the Python hides:
 * - Re-entrancy is bookkeeping: a re-entrant lock is a plain lock plus an
 *   owner and a depth (pthread/sync.c's par_rlock). foo() -> ker() takes it
 *   twice and gives it back twice; only then can task2 enter.
 * - A plain lock is not re-entrant: taken twice by its owner, a default
 *   pthread mutex hangs forever, as Python's Lock would. An error-checking
 *   mutex answers EDEADLK instead (shown at the end).
 * - The sleep(5) only made sure task2 calls ker() while task1 is inside the
 *   monitor. Here task2 waits for an event that task1 sets inside foo(), so
 *   the output is the same on every run. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>

#include "example.h"
#include "sync.h"

static par_rlock *monitor_lock;   /* class monitor: lock = RLock() */
static par_event *task1_in_foo;

static void ker(int tid)
{
    ex_check(par_rlock_acquire(monitor_lock, PAR_FOREVER), "acquire");  /* with monitor.lock: */
    printf("%d in ker\n", tid);
    ex_check(par_rlock_release(monitor_lock), "release");
}

static void foo(int tid)
{
    ex_check(par_rlock_acquire(monitor_lock, PAR_FOREVER), "acquire");
    printf("%d in foo\n", tid);
    fflush(stdout);
    par_event_set(task1_in_foo);   /* instead of time.sleep(5) */
    ker(tid);                      /* the same thread takes the lock again */
    ex_check(par_rlock_release(monitor_lock), "release");
}

static void *task1(void *arg)
{
    foo(*(const int *)arg);
    return NULL;
}

static void *task2(void *arg)
{
    ex_check(par_event_wait(task1_in_foo, PAR_FOREVER), "wait");
    ker(*(const int *)arg);        /* blocks until task1 has left the monitor */
    return NULL;
}

int main(void)
{
    ex_check(par_rlock_create(&monitor_lock), "par_rlock_create");
    ex_check(par_event_create(&task1_in_foo), "par_event_create");
    static const int id1 = 1, id2 = 2;
    pthread_t t1, t2;
    ex_check(pthread_create(&t1, NULL, task1, (void *)&id1), "pthread_create");
    ex_check(pthread_create(&t2, NULL, task2, (void *)&id2), "pthread_create");
    ex_check(pthread_join(t1, NULL), "pthread_join");
    ex_check(pthread_join(t2, NULL), "pthread_join");
    par_event_destroy(task1_in_foo);
    par_rlock_destroy(monitor_lock);

    /* The same nesting on a plain (error-checking) mutex. */
    pthread_mutexattr_t a;
    pthread_mutex_t plain;
    ex_check(pthread_mutexattr_init(&a), "mutexattr_init");
    ex_check(pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK), "mutexattr_settype");
    ex_check(pthread_mutex_init(&plain, &a), "mutex_init");
    ex_check(pthread_mutex_lock(&plain), "lock");
    int again = pthread_mutex_lock(&plain);
    printf("a plain lock taken again by its owner: %s\n",
           again == EDEADLK ? "EDEADLK (a default mutex, like Python's Lock, would hang)"
                            : "locked?!");
    ex_check(pthread_mutex_unlock(&plain), "unlock");
    pthread_mutex_destroy(&plain);
    pthread_mutexattr_destroy(&a);
    return again == EDEADLK ? 0 : 1;
}
