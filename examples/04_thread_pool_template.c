/* 04 — Thread Pool Template.
 *
 * Python: Worker threads loop on a bounded Queue(num_t) of (f, args); the
 * pool's add_task() puts, wait_complete() is q.join(); exceptions are caught
 * and printed. Usage: 04_thread_pool_template [n]   (default 35)
 *
 * What C teaches that the Python hides:
 * - No exceptions: a task reports failure by its return value, and the worker
 *   prints par_strerror() of it where the Python prints the exception.
 * - The Python's workers are daemon threads, killed wherever they are when
 *   the interpreter exits. Here the pool ends for real: par_queue_shutdown()
 *   (Python 3.13's Queue.shutdown) makes every get() fail once the queue is
 *   empty, each worker returns, and we join them. Nothing is left running.
 * - Queue(num_t) is bounded: add_task() blocks while num_t tasks wait, which
 *   is backpressure on the producer (the library's pool does the same). */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "error.h"
#include "example.h"
#include "kernels.h"
#include "queue.h"

typedef int (*task_fn)(int64_t arg, int64_t *result);

struct task {
    task_fn f;
    int64_t arg;
};

struct thread_pool {
    par_queue *q;
    int num_t;
    pthread_t *workers;
};

static void *worker_run(void *arg)
{
    par_queue *q = arg;
    void *item;
    while (par_queue_get(q, &item, PAR_FOREVER) == 0) {  /* ESHUTDOWN: stop */
        struct task *t = item;
        int64_t res;
        int rc = t->f(t->arg, &res);
        if (rc == 0)
            printf("%" PRId64 "\n", res);       /* print f(*args, **kwargs) */
        else
            printf("%s\n", par_strerror(rc));  /* except Exception as e: print e */
        free(t);
        ex_check(par_queue_task_done(q), "task_done");
    }
    return NULL;
}

static void pool_init(struct thread_pool *p, int num_t)
{
    p->num_t = num_t;
    ex_check(par_queue_create(&p->q, (size_t)num_t), "par_queue_create");
    p->workers = calloc((size_t)num_t, sizeof *p->workers);
    if (!p->workers)
        ex_check(PAR_ENOMEM, "calloc");
    for (int i = 0; i < num_t; i++)
        ex_check(pthread_create(&p->workers[i], NULL, worker_run, p->q), "pthread_create");
}

static void add_task(struct thread_pool *p, task_fn f, int64_t arg)
{
    struct task *t = malloc(sizeof *t);
    if (!t)
        ex_check(PAR_ENOMEM, "malloc");
    *t = (struct task){ f, arg };
    ex_check(par_queue_put(p->q, t, PAR_FOREVER), "add_task");
}

static void wait_complete(struct thread_pool *p)
{
    ex_check(par_queue_join(p->q, PAR_FOREVER), "wait_complete");
}

static void pool_close(struct thread_pool *p)
{
    par_queue_shutdown(p->q);
    for (int i = 0; i < p->num_t; i++)
        ex_check(pthread_join(p->workers[i], NULL), "pthread_join");
    free(p->workers);
    par_queue_destroy(p->q);
}

static int fib_task(int64_t n, int64_t *result)
{
    if (n < 1 || n > PAR_FIB_MAX_N)
        return PAR_ERANGE;
    *result = par_fib(n);
    return 0;
}

int main(int argc, char **argv)
{
    int n = ex_int_arg(argc, argv, 1, 35, 1, 45);
    struct thread_pool pool;
    pool_init(&pool, 5);  /* ThreadPool() */
    for (int i = 0; i < 3; i++)
        add_task(&pool, fib_task, n);
    wait_complete(&pool);
    pool_close(&pool);
    return 0;
}
