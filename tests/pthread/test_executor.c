/* par_executor_map: input order, chunking, errors, nesting, shutdown. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "error.h"
#include "executor.h"
#include "pool.h"

static int square_item(void *ctx, const void *in, void *out)
{
    (void)ctx;
    int64_t x = *(const int64_t *)in;
    *(int64_t *)out = x * x;
    return 0;
}

/* Fails on the items listed in ctx (a -1 terminated list). */
static int fail_some(void *ctx, const void *in, void *out)
{
    const int64_t *bad = ctx;
    int64_t x = *(const int64_t *)in;
    for (; *bad >= 0; bad++)
        if (x == *bad)
            return (int)(100 + x);
    *(int64_t *)out = x;
    return 0;
}

static void executor_map_returns_results_in_input_order(void **state)
{
    (void)state;
    par_pool *p;
    assert_int_equal(par_pool_create(&p, 3, 4), 0);
    enum { N = 1000 };
    int64_t in[N], out[N];
    for (int i = 0; i < N; i++) {
        in[i] = i;
        out[i] = -1;
    }
    size_t chunks[] = { 1, 7, 999, 1000, 5000, 0 };
    for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
        size_t failed = 0;
        assert_int_equal(par_executor_map(p, square_item, NULL, in, sizeof in[0], out,
                                          sizeof out[0], N, chunks[c], &failed), 0);
        assert_int_equal(failed, N);
        for (int i = 0; i < N; i++)
            assert_int_equal(out[i], (int64_t)i * i);
    }
    par_pool_destroy(p);
}

static void executor_map_reports_the_lowest_failing_index(void **state)
{
    (void)state;
    par_pool *p;
    assert_int_equal(par_pool_create(&p, 2, 4), 0);
    enum { N = 100 };
    int64_t in[N], out[N];
    for (int i = 0; i < N; i++)
        in[i] = i;
    int64_t bad[] = { 77, 31, 32, -1 };
    size_t failed = 0;
    assert_int_equal(par_executor_map(p, fail_some, bad, in, sizeof in[0], out, sizeof out[0],
                                      N, 10, &failed), 131);
    assert_int_equal(failed, 31);
    assert_int_equal(out[30], 30);   /* earlier items of the failing chunk were done */
    assert_int_equal(out[50], 50);   /* other chunks ran on */
    par_pool_destroy(p);
}

static void executor_auto_chunk_aims_at_four_chunks_per_worker(void **state)
{
    (void)state;
    assert_int_equal(par_executor_auto_chunk(0, 4), 0);
    assert_int_equal(par_executor_auto_chunk(1, 4), 1);
    assert_int_equal(par_executor_auto_chunk(999999, 2), 125000);
    assert_int_equal(par_executor_auto_chunk(64, 2), 8);
    assert_int_equal(par_executor_auto_chunk(10, 0), 3);   /* workers < 1 count as 1 */
}

static void executor_map_rejects_bad_arguments_and_accepts_empty_input(void **state)
{
    (void)state;
    par_pool *p;
    assert_int_equal(par_pool_create(&p, 1, 4), 0);
    int64_t x = 3, y;
    assert_int_equal(par_executor_map(NULL, square_item, NULL, &x, 8, &y, 8, 1, 0, NULL),
                     PAR_EINVAL);
    assert_int_equal(par_executor_map(p, NULL, NULL, &x, 8, &y, 8, 1, 0, NULL), PAR_EINVAL);
    assert_int_equal(par_executor_map(p, square_item, NULL, NULL, 8, &y, 8, 1, 0, NULL),
                     PAR_EINVAL);
    assert_int_equal(par_executor_map(p, square_item, NULL, NULL, 8, NULL, 8, 0, 0, NULL), 0);
    par_pool_destroy(p);
}

static void executor_map_on_a_shut_down_pool_returns_ESHUTDOWN_at_index_0(void **state)
{
    (void)state;
    par_pool *p;
    assert_int_equal(par_pool_create(&p, 1, 4), 0);
    par_pool_shutdown(p, 1, 0);
    int64_t in[3] = { 1, 2, 3 }, out[3];
    size_t failed = 99;
    assert_int_equal(par_executor_map(p, square_item, NULL, in, 8, out, 8, 3, 1, &failed),
                     PAR_ESHUTDOWN);
    assert_int_equal(failed, 0);
    par_pool_destroy(p);
}

/* A task that maps on its own pool: the waiting worker runs the chunks. */
static int nested_map_task(void *arg, void **result)
{
    (void)result;
    int64_t *buf = arg;
    return par_executor_map(par_pool_current(), square_item, NULL, buf, 8, buf + 16, 8,
                            16, 2, NULL);
}

static void executor_map_inside_a_task_of_the_same_pool_does_not_deadlock(void **state)
{
    (void)state;
    par_pool *p;
    assert_int_equal(par_pool_create(&p, 1, 2), 0);
    int64_t buf[32];
    for (int i = 0; i < 16; i++)
        buf[i] = i;
    par_future *f;
    assert_int_equal(par_pool_submit(p, nested_map_task, buf, &f), 0);
    assert_int_equal(par_future_result(f, PAR_FOREVER, NULL), 0);
    for (int i = 0; i < 16; i++)
        assert_int_equal(buf[16 + i], (int64_t)i * i);
    par_future_release(f);
    par_pool_destroy(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(executor_map_returns_results_in_input_order),
        cmocka_unit_test(executor_map_reports_the_lowest_failing_index),
        cmocka_unit_test(executor_auto_chunk_aims_at_four_chunks_per_worker),
        cmocka_unit_test(executor_map_rejects_bad_arguments_and_accepts_empty_input),
        cmocka_unit_test(executor_map_on_a_shut_down_pool_returns_ESHUTDOWN_at_index_0),
        cmocka_unit_test(executor_map_inside_a_task_of_the_same_pool_does_not_deadlock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
