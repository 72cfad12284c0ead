/* 19 — Future error handling.
 *
 * Python: spam() raises RuntimeError in a worker; the done callback prints
 * "callback handler", calls future.result(), which re-raises the error in
 * the callback, and prints "get RuntimeError".
 *
 * What C teaches that the Python hides: there are no exceptions to carry
 * across threads. A task fails by returning a non-zero code; the future
 * keeps that code, and par_future_result() hands it to every waiter and
 * callback, as result() re-raises. Nothing is printed or lost on the way:
 * an error nobody asks for is simply never seen, in C as in Python (which at
 * least logs exceptions raised inside callbacks). */
#include <stdio.h>

#include "example.h"
#include "pool.h"

enum { RUNTIME_ERROR = 1 };  /* an application's own code (positive) */

static int spam(void *arg, void **result)  /* def spam(): raise RuntimeError */
{
    (void)arg;
    (void)result;
    return RUNTIME_ERROR;
}

static void handler(par_future *f, void *ctx)
{
    (void)ctx;
    printf("callback handler\n");
    int rc = par_future_result(f, PAR_FOREVER, NULL);  /* res = future.result() */
    if (rc == RUNTIME_ERROR)                           /* except RuntimeError: */
        printf("get RuntimeError\n");
    else
        printf("unexpected: %d\n", rc);
}

int main(void)
{
    par_pool *e;  /* with futures.ThreadPoolExecutor(2) as e: */
    ex_check(par_pool_create(&e, 2, PAR_POOL_DEFAULT_CAPACITY), "par_pool_create");
    par_future *f;
    ex_check(par_pool_submit(e, spam, NULL, &f), "submit");
    ex_check(par_future_add_done_callback(f, handler, NULL), "add_done_callback");
    par_pool_destroy(e);  /* waits for the task and its callback */
    par_future_release(f);
    return 0;
}
