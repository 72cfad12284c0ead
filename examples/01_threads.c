/* 01 — Create a thread via "threading".
 *
 * Python: subclass Thread and override run(), or pass target= and args=.
 * C: a thread is a function and one void * argument, both forms below.
 *
 * What C teaches that the Python hides:
 * - The argument is a pointer the thread reads later: it must outlive the
 *   thread (here, arrays in main that live until the joins), never the
 *   address of a loop variable that the next iteration overwrites.
 * - main must join. Returning from main ends the process and every thread in
 *   it, where Python quietly waits for its non-daemon threads at exit.
 * - There is no GIL: both workers really run at the same time, so the two
 *   lines of each pair may come out in either order. */
#include <pthread.h>
#include <stdio.h>

#include "example.h"

/* The "class Worker(Thread)" form: the object carries its thread and id. */
struct worker {
    pthread_t thread;
    int id;
};

static void *worker_run(void *self)  /* def run(self) */
{
    struct worker *w = self;
    printf("I am worker %d\n", w->id);
    return NULL;
}

static void worker_start(struct worker *w)  /* Thread.start() */
{
    ex_check(pthread_create(&w->thread, NULL, worker_run, w), "pthread_create");
}

/* The "target=Worker, args=(id,)" form: a plain function. */
static void *worker_fn(void *arg)
{
    printf("I am worker %d\n", *(const int *)arg);
    return NULL;
}

int main(void)
{
    struct worker t[2] = { { .id = 1 }, { .id = 2 } };
    worker_start(&t[0]);
    worker_start(&t[1]);
    for (int i = 0; i < 2; i++)
        ex_check(pthread_join(t[i].thread, NULL), "pthread_join");

    static const int ids[2] = { 1, 2 };
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        ex_check(pthread_create(&th[i], NULL, worker_fn, (void *)&ids[i]), "pthread_create");
    for (int i = 0; i < 2; i++)
        ex_check(pthread_join(th[i], NULL), "pthread_join");
    return 0;
}
