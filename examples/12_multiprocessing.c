/* 12 — Multiprocessing: solving the GIL problem via processes.
 *
 * Python: map(fib, [35]*5) in one process (23.8 s) vs Pool(5).map (13.2 s).
 * (The cheatsheet's fib has a typo, `if n >= 2: return 1`, which would make
 * every call return 1 at once; its timings are those of the real fib, used
 * here.) Usage: 12_multiprocessing [n]   (default 35)
 *
 * What C teaches that the Python hides:
 * - What fork copies: each worker is a copy of this process, so it can call
 *   fib by its address (no pickling of functions); only the numbers cross,
 *   as bytes over a socket (proc/procpool.h).
 * - C has no GIL to escape: threads would speed this up just as well (see
 *   02_gil and 16_pool_executor). Processes cost a fork per worker and a copy
 *   of every argument and result; they buy isolation (a crashing worker
 *   cannot corrupt the parent) and, in Python, a GIL each. */
#include <inttypes.h>
#include <stdio.h>

#include "clock.h"
#include "example.h"
#include "kernels.h"
#include "procpool.h"

#define K 5

static int fib_item(const void *ctx, const void *in, void *out)  /* runs in a worker */
{
    (void)ctx;
    *(int64_t *)out = par_fib(*(const int64_t *)in);
    return 0;
}

static void report(const char *name, const int64_t *res, double seconds)
{
    printf("%s", name);
    for (int i = 0; i < K; i++)
        printf(" %" PRId64, res[i]);
    printf("  %.3f s\n", seconds);
}

int main(int argc, char **argv)
{
    int n = ex_int_arg(argc, argv, 1, 35, 1, 45);
    int64_t in[K], out[K];
    for (int i = 0; i < K; i++)
        in[i] = n;  /* [35]*5 */

    double s = par_now_s();
    for (int i = 0; i < K; i++)  /* nomultiprocess(): map(fib, [35]*5) */
        out[i] = par_fib(in[i]);
    report("nomultiprocess: ", out, par_now_s() - s);

    fflush(stdout);  /* the workers are forked: they must not inherit unflushed output */
    s = par_now_s();
    par_proc_pool *pool;
    ex_check(par_proc_pool_create(&pool, K), "par_proc_pool_create");  /* Pool(5) */
    char why[256] = "";
    int rc = par_proc_map(pool, fib_item, NULL, 0, in, sizeof *in, out, sizeof *out, K, 1,
                          why, sizeof why);
    if (rc)
        fprintf(stderr, "%s\n", why);
    ex_check(rc, "par_proc_map");
    par_proc_pool_destroy(pool);
    report("hasmultiprocess:", out, par_now_s() - s);
    return 0;
}
