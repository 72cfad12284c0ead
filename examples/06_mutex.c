/* 06 — Mutex lock.
 *
 * Python: two threads take a Lock around a print, first with
 * acquire()/release(), then with `with lock:`. Usage: 06_mutex [increments]
 *
 * What C teaches that the Python hides:
 * - A Lock is a pthread_mutex_t. C has no `with`: the closest thing is a
 *   function that locks, calls, and unlocks, so no early return can forget
 *   the unlock (with_lock below).
 * - What the lock is for. Without a GIL, two threads doing `counter += 1`
 *   really interleave: each reads the counter, adds one, writes it back, and
 *   one thread's write wipes out the other's. (The unlocked counter uses
 *   relaxed atomic loads and stores: the same lost updates, without the
 *   undefined behaviour of a plain data race.) With the mutex, not one
 *   increment is lost. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#include "example.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void *getlock(void *arg)  /* lock.acquire(); print; lock.release() */
{
    int id = *(const int *)arg;
    ex_check(pthread_mutex_lock(&lock), "lock");
    printf("task%d get\n", id);
    ex_check(pthread_mutex_unlock(&lock), "unlock");
    return NULL;
}

/* `with lock: body(arg)` */
static void with_lock(pthread_mutex_t *m, void (*body)(void *), void *arg)
{
    ex_check(pthread_mutex_lock(m), "lock");
    body(arg);
    ex_check(pthread_mutex_unlock(m), "unlock");
}

static void say_get(void *arg)
{
    printf("task%d get\n", *(const int *)arg);
}

static void *getlock_with(void *arg)
{
    with_lock(&lock, say_get, arg);
    return NULL;
}

static void run_two(void *(*fn)(void *))
{
    static const int ids[2] = { 1, 2 };
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        ex_check(pthread_create(&t[i], NULL, fn, (void *)&ids[i]), "pthread_create");
    for (int i = 0; i < 2; i++)
        ex_check(pthread_join(t[i], NULL), "pthread_join");
}

/* ---- what the lock protects ---------------------------------------------- */

static int increments;
static long locked_counter;            /* protected by lock */
static atomic_long unlocked_counter;   /* no lock: read-add-write, racing */
static pthread_barrier_t start;        /* both counters start together */

static void start_together(void)
{
    int rc = pthread_barrier_wait(&start);
    if (rc != PTHREAD_BARRIER_SERIAL_THREAD)
        ex_check(rc, "pthread_barrier_wait");
}

static void *count_locked(void *arg)
{
    (void)arg;
    start_together();
    for (int i = 0; i < increments; i++) {
        ex_check(pthread_mutex_lock(&lock), "lock");
        locked_counter++;
        ex_check(pthread_mutex_unlock(&lock), "unlock");
    }
    return NULL;
}

static void *count_unlocked(void *arg)
{
    (void)arg;
    start_together();
    for (int i = 0; i < increments; i++) {
        long v = atomic_load_explicit(&unlocked_counter, memory_order_relaxed);
        atomic_store_explicit(&unlocked_counter, v + 1, memory_order_relaxed);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    increments = ex_int_arg(argc, argv, 1, 10000000, 1, 100000000);
    run_two(getlock);
    run_two(getlock_with);

    ex_check(pthread_barrier_init(&start, NULL, 2), "pthread_barrier_init");
    run_two(count_locked);
    run_two(count_unlocked);
    pthread_barrier_destroy(&start);
    printf("counter += 1, %d times in each of 2 threads:\n", increments);
    printf("  with the lock:    %ld\n", locked_counter);
    printf("  without the lock: %ld (updates lost: %ld)\n",
           atomic_load(&unlocked_counter), 2L * increments - atomic_load(&unlocked_counter));
    return 0;
}
