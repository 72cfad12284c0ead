/* 10 — Ensure tasks has done (using Event).
 *
 * Python: three workers print "wait event" and block on e.wait(); after
 * time.sleep(3) the main thread calls e.set() and all three go on.
 *
 * What C teaches that the Python hides: the sleep(3) is a guess that the
 * workers are waiting by then. A guess can be wrong (a loaded machine), and
 * then set() simply comes first: an Event stays set, so the late waiters go
 * straight through, and the output changes order. Here each worker says
 * "ready" on a semaphore right after printing, and main sets the event only
 * after three "ready"s: every "wait event" line comes before every
 * "get event set" line, on every run. (Among themselves, the three lines of
 * each kind come in whatever order the threads run.) */
#include <pthread.h>
#include <stdio.h>

#include "example.h"
#include "sync.h"

static par_event *e;
static par_sem *ready;

static void *worker(void *arg)
{
    int id = *(const int *)arg;
    printf("%d wait event\n", id);
    ex_check(par_sem_release(ready, 1), "release");
    ex_check(par_event_wait(e, PAR_FOREVER), "wait");  /* e.wait() */
    printf("%d get event set\n", id);
    return NULL;
}

int main(void)
{
    ex_check(par_event_create(&e), "par_event_create");
    ex_check(par_sem_create(&ready, 0), "par_sem_create");
    static const int ids[3] = { 1, 2, 3 };
    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        ex_check(pthread_create(&t[i], NULL, worker, (void *)&ids[i]), "pthread_create");
    for (int i = 0; i < 3; i++)  /* instead of time.sleep(3) */
        ex_check(par_sem_acquire(ready, PAR_FOREVER), "acquire");
    fflush(stdout);
    par_event_set(e);  /* e.set() */
    for (int i = 0; i < 3; i++)
        ex_check(pthread_join(t[i], NULL), "pthread_join");
    par_sem_destroy(ready);
    par_event_destroy(e);
    return 0;
}
