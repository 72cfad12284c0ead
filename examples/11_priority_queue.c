/* 11 — Thread-safe priority queue (using Condition).
 *
 * Python: a heap under a Condition; three values go in, a popping thread
 * prints them highest priority first, prints "wait..." when the heap is
 * empty, and another thread puts a new value every 3 s, forever. (The
 * Python names the threads the wrong way round: "producer" pops and
 * "consumer" puts. The names are kept.)
 *
 * What C teaches that the Python hides:
 * - The values are the cheatsheet's own, not random(), and the every-3-s put
 *   happens when the popper has said "wait..." (a semaphore, not a sleep), so
 *   the output is exactly the cheatsheet's, on every run.
 * - par_pqueue is the same design (pthread/pqueue.c: a heap, one mutex, a
 *   condition variable the getter sleeps on) with the loop `while empty:
 *   wait()` written once, inside. The "wait..." here comes from a get with
 *   timeout 0 (PAR_EAGAIN: would block) followed by a blocking get.
 * - It ends: after two rounds the putter sends a poison pill (NULL, lowest
 *   priority) and both threads are joined. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "error.h"
#include "example.h"
#include "pqueue.h"
#include "sync.h"

static par_pqueue *priq;
static par_sem *popper_waits;    /* the popper said "wait..." */

/* The queue holds the value's text; its priority is value * 10. */
static void put(const char *value)
{
    ex_check(par_pqueue_put(priq, (void *)value, strtod(value, NULL) * 10, PAR_FOREVER), "put");
}

static const char *pop(void)
{
    void *item;
    int rc = par_pqueue_get(priq, &item, NULL, PAR_NOWAIT);
    if (rc == PAR_EAGAIN) {
        printf("wait...\n");
        fflush(stdout);
        ex_check(par_sem_release(popper_waits, 1), "release");
        rc = par_pqueue_get(priq, &item, NULL, PAR_FOREVER);
    }
    ex_check(rc, "get");
    return item;
}

static void *producer(void *arg)  /* pops */
{
    (void)arg;
    const char *v;
    while ((v = pop()) != NULL)
        printf("%s\n", v);
    return NULL;
}

static void *consumer(void *arg)  /* puts */
{
    (void)arg;
    ex_check(par_sem_acquire(popper_waits, PAR_FOREVER), "acquire");  /* time.sleep(3) */
    printf("consumer put value\n");
    fflush(stdout);
    put("0.09123101305407577");
    ex_check(par_sem_acquire(popper_waits, PAR_FOREVER), "acquire");
    ex_check(par_pqueue_put(priq, NULL, -1.0, PAR_FOREVER), "put");  /* the pill */
    return NULL;
}

int main(void)
{
    ex_check(par_pqueue_create(&priq, PAR_UNBOUNDED), "par_pqueue_create");
    ex_check(par_sem_create(&popper_waits, 0), "par_sem_create");
    put("0.20990624606296315");  /* the cheatsheet's three random() values */
    put("0.6657491871045683");
    put("0.5278797439991247");
    pthread_t t1, t2;
    ex_check(pthread_create(&t1, NULL, producer, NULL), "pthread_create");
    ex_check(pthread_create(&t2, NULL, consumer, NULL), "pthread_create");
    ex_check(pthread_join(t1, NULL), "pthread_join");
    ex_check(pthread_join(t2, NULL), "pthread_join");
    par_sem_destroy(popper_waits);
    par_pqueue_destroy(priq);
    return 0;
}
