/* 03 — Consumer and Producer.
 *
 * Python: a producer puts (fib, 35) on a Queue at random moments, forever; a
 * consumer gets, prints task(arg), and calls task_done(). Usage:
 * 03_producer_consumer [n] [tasks]   (default 35 and 5)
 *
 * What C teaches that the Python hides:
 * - Who owns an item: the producer mallocs each task, the queue only passes
 *   the pointer along, the consumer frees it. Python's garbage collector
 *   makes that question disappear.
 * - A program must end. Python's loops run forever and the interpreter never
 *   exits; here the producer makes a fixed number of tasks and then puts a
 *   poison pill (NULL) that tells the consumer to stop, and main joins both.
 * - q.join() waits on the task_done() count, not on the threads: it returns
 *   when every item put has been processed (par_queue_join). */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "example.h"
#include "kernels.h"
#include "queue.h"

struct task {
    int64_t (*fn)(int64_t);
    int64_t arg;
};

struct shared {
    par_queue *q;
    int n, count;
};

static void *producer(void *arg)
{
    struct shared *sh = arg;
    unsigned seed = 1;
    for (int i = 0; i < sh->count; i++) {
        ex_pause_ms(rand_r(&seed) % 4);  /* time.sleep(random()*5), in ms */
        struct task *t = malloc(sizeof *t);
        if (!t)
            ex_check(PAR_ENOMEM, "malloc");
        *t = (struct task){ .fn = par_fib, .arg = sh->n };
        ex_check(par_queue_put(sh->q, t, PAR_FOREVER), "put");  /* q.put((fib, 35)) */
    }
    ex_check(par_queue_put(sh->q, NULL, PAR_FOREVER), "put");  /* the poison pill */
    return NULL;
}

static void *consumer(void *arg)
{
    struct shared *sh = arg;
    for (;;) {
        void *item;
        ex_check(par_queue_get(sh->q, &item, PAR_FOREVER), "get");  /* task, arg = q.get() */
        struct task *t = item;
        if (t) {
            printf("%" PRId64 "\n", t->fn(t->arg));  /* print task(arg) */
            free(t);
        }
        ex_check(par_queue_task_done(sh->q), "task_done");
        if (!t)
            return NULL;
    }
}

int main(int argc, char **argv)
{
    struct shared sh = { .n = ex_int_arg(argc, argv, 1, 35, 1, 45),
                         .count = ex_int_arg(argc, argv, 2, 5, 0, 1000) };
    ex_check(par_queue_create(&sh.q, PAR_UNBOUNDED), "par_queue_create");  /* Queue() */
    pthread_t t1, t2;
    ex_check(pthread_create(&t1, NULL, producer, &sh), "pthread_create");
    ex_check(pthread_create(&t2, NULL, consumer, &sh), "pthread_create");
    ex_check(pthread_join(t1, NULL), "pthread_join");
    ex_check(par_queue_join(sh.q, PAR_FOREVER), "par_queue_join");  /* every item done */
    ex_check(pthread_join(t2, NULL), "pthread_join");
    par_queue_destroy(sh.q);
    return 0;
}
