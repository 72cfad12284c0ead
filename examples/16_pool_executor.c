/* 16 — PoolExecutor.
 *
 * Python: ThreadPoolExecutor(3).map(fib, [1, 2, 3, 4, 5]) prints 1 1 2 3 5
 * (and map's result is a lazy generator); then the "demo GIL": fib(35) twice
 * on ThreadPoolExecutor(2) takes 12.6 s, on ProcessPoolExecutor(2) 5.5 s.
 * Usage: 16_pool_executor [n]   (default 35)
 *
 * What C teaches that the Python hides:
 * - No GIL, so the thread pool is as fast as the process pool: both run the
 *   two fib calls at once. Processes now only add their fork and the copying
 *   of arguments and results (bytes over a socket, proc/procpool.h).
 * - par_executor_map is not lazy: it returns when every result is in the
 *   output array, in input order (the order Python's generator yields them
 *   in, too). For results as they finish, see 18_future_object. */
#include <inttypes.h>
#include <stdio.h>

#include "clock.h"
#include "example.h"
#include "executor.h"
#include "kernels.h"
#include "pool.h"
#include "procpool.h"

static int fib_thread_item(void *ctx, const void *in, void *out)
{
    (void)ctx;
    *(int64_t *)out = par_fib(*(const int64_t *)in);
    return 0;
}

static int fib_process_item(const void *ctx, const void *in, void *out)  /* in a worker process */
{
    (void)ctx;
    *(int64_t *)out = par_fib(*(const int64_t *)in);
    return 0;
}

static void thread_demo(int n)
{
    double s = par_now_s();
    par_pool *e;
    ex_check(par_pool_create(&e, 2, PAR_POOL_DEFAULT_CAPACITY), "par_pool_create");
    int64_t in[2] = { n, n }, out[2];
    ex_check(par_executor_map(e, fib_thread_item, NULL, in, sizeof *in, out, sizeof *out, 2, 1,
                              NULL), "map");
    par_pool_destroy(e);  /* the end of `with` */
    for (int i = 0; i < 2; i++)
        printf("%" PRId64 "\n", out[i]);
    printf("thread cost: %.3f\n", par_now_s() - s);
}

static void process_demo(int n)
{
    fflush(stdout);  /* the workers are forked copies of us, stdio buffers included */
    double s = par_now_s();
    par_proc_pool *e;
    ex_check(par_proc_pool_create(&e, 2), "par_proc_pool_create");
    int64_t in[2] = { n, n }, out[2];
    ex_check(par_proc_map(e, fib_process_item, NULL, 0, in, sizeof *in, out, sizeof *out, 2, 1,
                          NULL, 0), "map");
    par_proc_pool_destroy(e);
    for (int i = 0; i < 2; i++)
        printf("%" PRId64 "\n", out[i]);
    printf("process cost: %.3f\n", par_now_s() - s);
}

int main(int argc, char **argv)
{
    int n = ex_int_arg(argc, argv, 1, 35, 1, 45);

    par_pool *e;  /* with ThreadPoolExecutor(3) as e: */
    ex_check(par_pool_create(&e, 3, PAR_POOL_DEFAULT_CAPACITY), "par_pool_create");
    int64_t in[5] = { 1, 2, 3, 4, 5 }, res[5];
    ex_check(par_executor_map(e, fib_thread_item, NULL, in, sizeof *in, res, sizeof *res, 5, 1,
                              NULL), "map");  /* res = e.map(fib, [1,2,3,4,5]) */
    par_pool_destroy(e);
    for (int i = 0; i < 5; i++)
        printf("%" PRId64 " ", res[i]);  /* print(_, end=' ') */
    printf("\n");

    thread_demo(n);   /* threads first: no thread may run while the process pool forks */
    process_demo(n);
    return 0;
}
