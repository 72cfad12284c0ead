/* 18 — Future Object: add_done_callback and as_completed.
 *
 * Python: thread_v1 submits fib(30), fib(31), fib(32) and prints each result
 * from a done callback; thread_v2 prints them as futures.as_completed()
 * yields them; both print "end" after the `with` block.
 *
 * What C teaches that the Python hides:
 * - Where a callback runs: in the worker thread that finished the task (or
 *   at once, in the caller, if the future was already done when the callback
 *   was added). It runs concurrently with everything else, so what it
 *   touches must be thread-safe: here only printf, which locks stdout.
 * - The order is the order of finishing, not of submitting: fib(30) is
 *   usually first because it is the smallest, not because it went in first.
 *   The test checks the set of results and that "end" comes last, which is
 *   what the pool promises (the end of `with` waits for every task and its
 *   callbacks). */
#include <inttypes.h>
#include <stdio.h>

#include "example.h"
#include "kernels.h"
#include "pool.h"

static void handler(par_future *f, void *ctx)  /* def handler(future): */
{
    (void)ctx;
    void *v;
    ex_check(par_future_result(f, PAR_FOREVER, &v), "result");  /* returns at once: done */
    printf("res: %" PRId64 "\n", ((struct ex_fib_job *)v)->value);
}

static void thread_v1(void)
{
    struct ex_fib_job jobs[3];
    par_pool *e;
    ex_check(par_pool_create(&e, 3, PAR_POOL_DEFAULT_CAPACITY), "par_pool_create");
    for (int i = 0; i < 3; i++) {
        jobs[i] = (struct ex_fib_job){ .n = 30 + i };
        par_future *f;
        ex_check(par_pool_submit(e, ex_fib_task, &jobs[i], &f), "submit");
        ex_check(par_future_add_done_callback(f, handler, NULL), "add_done_callback");
        par_future_release(f);  /* the pool keeps its own reference until the callback ran */
    }
    par_pool_destroy(e);  /* the end of `with`: tasks and callbacks are done */
    printf("end\n");
}

static void thread_v2(void)
{
    struct ex_fib_job jobs[3];
    par_future *to_do[3];
    par_pool *e;
    ex_check(par_pool_create(&e, 3, PAR_POOL_DEFAULT_CAPACITY), "par_pool_create");
    for (int i = 0; i < 3; i++) {
        jobs[i] = (struct ex_fib_job){ .n = 30 + i };
        ex_check(par_pool_submit(e, ex_fib_task, &jobs[i], &to_do[i]), "submit");
    }
    par_as_completed *it;
    ex_check(par_as_completed_begin(&it, to_do, 3, PAR_FOREVER), "as_completed");
    par_future *f;
    while (par_as_completed_next(it, &f) == 0 && f) {  /* for _f in as_completed(to_do): */
        void *v;
        ex_check(par_future_result(f, PAR_FOREVER, &v), "result");
        printf("res: %" PRId64 "\n", ((struct ex_fib_job *)v)->value);
    }
    par_as_completed_end(it);
    par_pool_destroy(e);
    for (int i = 0; i < 3; i++)
        par_future_release(to_do[i]);
    printf("end\n");
}

int main(void)
{
    printf(">>> thread_v1()\n");
    fflush(stdout);
    thread_v1();
    printf(">>> thread_v2()\n");
    fflush(stdout);
    thread_v2();
    return 0;
}
