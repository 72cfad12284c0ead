/* 17 — What "with ThreadPoolExecutor" doing?
 *
 * Python: `with ThreadPoolExecutor(3) as e:` is e = ThreadPoolExecutor(3),
 * the body, then e.shutdown(wait=True) on the way out. Both halves print
 * fib(30) = 832040.
 *
 * What C teaches that the Python hides:
 * - C has no `with`: the pool's life is create ... shutdown + destroy, written
 *   out, and every path out of the block must reach the shutdown. The
 *   futures are handles with a reference count: the one submit gives you is
 *   released by you (par_future_release), whatever became of the task.
 * - shutdown(wait) lets every accepted task finish, then joins the workers;
 *   destroy frees the pool. A future outlives its pool: its result can still
 *   be read after the pool is gone.
 * - The cheatsheet's second half prints `res` from the first half (its
 *   fut.result() goes nowhere); here each half prints its own result. */
#include <inttypes.h>
#include <stdio.h>

#include "example.h"
#include "kernels.h"
#include "pool.h"

static int64_t result_of(par_future *fut)
{
    void *v;
    ex_check(par_future_result(fut, PAR_FOREVER, &v), "result");  /* fut.result() */
    return ((struct ex_fib_job *)v)->value;
}

int main(void)
{
    /* with futures.ThreadPoolExecutor(3) as e: */
    {
        par_pool *e;
        ex_check(par_pool_create(&e, 3, PAR_POOL_DEFAULT_CAPACITY), "par_pool_create");
        struct ex_fib_job job = { .n = 30 };
        par_future *fut;
        ex_check(par_pool_submit(e, ex_fib_task, &job, &fut), "submit");  /* e.submit(fib, 30) */
        int64_t res = result_of(fut);
        printf("%" PRId64 "\n", res);
        par_future_release(fut);
        par_pool_destroy(e);  /* the end of `with`: shutdown(wait=True), then free */
    }

    /* equal to */
    par_pool *e;
    ex_check(par_pool_create(&e, 3, PAR_POOL_DEFAULT_CAPACITY), "par_pool_create");
    struct ex_fib_job job = { .n = 30 };
    par_future *fut;
    ex_check(par_pool_submit(e, ex_fib_task, &job, &fut), "submit");
    ex_check(par_pool_shutdown(e, 1, 0), "shutdown");  /* e.shutdown(wait=True) */
    par_pool_destroy(e);
    printf("%" PRId64 "\n", result_of(fut));  /* the future outlives the pool */
    par_future_release(fut);
    return 0;
}
