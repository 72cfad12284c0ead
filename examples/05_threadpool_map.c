/* 05 — Using multiprocessing ThreadPool, and "Compare with map performance".
 *
 * Python: ThreadPool(5).map(lambda x: x**2, range(5)) gives [0, 1, 4, 9, 16];
 * then a pool of 10 maps x**2 over 999,999 items and loses to plain map()
 * (0.56 s vs 0.39 s), "since GIL". Usage: 05_threadpool_map [items]
 *
 * What C teaches that the Python could not:
 * - Without a GIL the pool can win, but only if each task carries enough
 *   work. x*x costs a nanosecond; a task costs a queue hand-over and a
 *   future (a microsecond or so). With chunks (Python's pool.map also cuts
 *   the list into len/(4*workers) pieces) the overhead is paid a few dozen
 *   times; with one item per task it is paid a million times and the pool is
 *   far slower than the loop, GIL or not. The three timings show it. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "clock.h"
#include "example.h"
#include "executor.h"
#include "kernels.h"
#include "pool.h"

static int square_item(void *ctx, const void *in, void *out)  /* lambda x: x**2 */
{
    (void)ctx;
    *(int64_t *)out = par_square(*(const int64_t *)in);
    return 0;
}

static void print_list(const int64_t *v, size_t n)
{
    printf("[");
    for (size_t i = 0; i < n; i++)
        printf("%s%" PRId64, i ? ", " : "", v[i]);
    printf("]\n");
}

int main(int argc, char **argv)
{
    size_t items = (size_t)ex_int_arg(argc, argv, 1, 999999, 1, 100000000);

    par_pool *pool5;
    ex_check(par_pool_create(&pool5, 5, PAR_POOL_DEFAULT_CAPACITY), "par_pool_create");
    int64_t in5[5] = { 0, 1, 2, 3, 4 }, out5[5];
    ex_check(par_executor_map(pool5, square_item, NULL, in5, sizeof *in5, out5, sizeof *out5,
                              5, 0, NULL), "map");  /* pool.map(lambda x: x**2, range(5)) */
    print_list(out5, 5);
    par_pool_destroy(pool5);

    int64_t *in = malloc(items * sizeof *in);
    int64_t *a = malloc(items * sizeof *a), *b = malloc(items * sizeof *b),
            *c = malloc(items * sizeof *c);
    if (!in || !a || !b || !c)
        ex_check(PAR_ENOMEM, "malloc");
    for (size_t i = 0; i < items; i++)
        in[i] = (int64_t)i;

    par_pool *pool;
    ex_check(par_pool_create(&pool, 10, PAR_POOL_DEFAULT_CAPACITY), "par_pool_create");
    printf("pool_map\n");
    double s = par_now_s();
    ex_check(par_executor_map(pool, square_item, NULL, in, sizeof *in, a, sizeof *a, items, 0,
                              NULL), "map");
    printf("cost: %.6f\n", par_now_s() - s);

    printf("ordinary_map\n");
    par_kernel_fn square = par_kernel_get(PAR_K_SQUARE)->fn;  /* called like map() calls it */
    s = par_now_s();
    for (size_t i = 0; i < items; i++)
        b[i] = square(in[i]);
    printf("cost: %.6f\n", par_now_s() - s);

    printf("pool_map, one item per task\n");
    s = par_now_s();
    ex_check(par_executor_map(pool, square_item, NULL, in, sizeof *in, c, sizeof *c, items, 1,
                              NULL), "map");
    printf("cost: %.6f\n", par_now_s() - s);
    par_pool_destroy(pool);

    size_t bad = 0;
    for (size_t i = 0; i < items; i++)
        bad += a[i] != b[i] || c[i] != b[i];
    printf("all three maps agree on %zu items: %s\n", items, bad ? "NO" : "yes");
    free(in);
    free(a);
    free(b);
    free(c);
    return bad != 0;
}
