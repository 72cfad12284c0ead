/* The kernels really do their work: fib(n) makes 2*fib(n)-1 calls, counted
 * through the same thread-local hook the timed code recurses through. This
 * file is built three times (the build's level, -O2, -O3). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kernels.h"

static _Thread_local int64_t calls;

static int64_t counting_fib(int64_t n)
{
    calls++;
    return par_fib_step(n);
}

static void fib_makes_two_fib_n_minus_one_calls(void **state)
{
    (void)state;
    for (int n = 1; n <= 27; n++) {
        calls = 0;
        par_fib_self = counting_fib;
        int64_t r = par_fib(n);
        par_fib_self = par_fib_step;
        assert_int_equal(r, par_fib_fast(n));
        assert_int_equal(calls, 2 * par_fib_fast(n) - 1);
    }
}

static void fib_matches_known_values(void **state)
{
    (void)state;
    assert_int_equal(par_fib(1), 1);
    assert_int_equal(par_fib(2), 1);
    assert_int_equal(par_fib(20), 6765);
    assert_int_equal(par_fib(30), 832040);
    assert_int_equal(par_fib_fast(35), 9227465);
    assert_int_equal(par_fib_fast(PAR_FIB_MAX_N), INT64_C(7540113804746346429));
    assert_int_equal(par_fib(PAR_FIB_MAX_N + 1), -1); /* refused, not overflowed */
}

static int ticks;
static void count_tick(void) { ticks++; }

static void powself_matches_cheatsheet_and_ticks_every_block(void **state)
{
    (void)state;
    /* parmap(lambda x: x**x, range(1, 5)) printed [1, 4, 27, 256] */
    assert_int_equal(par_powself(1), 1);
    assert_int_equal(par_powself(2), 4);
    assert_int_equal(par_powself(3), 27);
    assert_int_equal(par_powself(4), 256);
    assert_int_equal(par_powself(0), 1);
    /* 10**10 < 2^61 - 1, so no reduction yet */
    assert_int_equal(par_powself(10), INT64_C(10000000000));
    ticks = 0;
    par_kernel_tick = count_tick;
    (void)par_powself(3 * PAR_TICK_EVERY + 1);
    par_kernel_tick = NULL;
    assert_int_equal(ticks, 4);
}

static void square_wraps_instead_of_overflowing(void **state)
{
    (void)state;
    assert_int_equal(par_square(999998), INT64_C(999996000004));
    assert_int_equal(par_square(-3), 9);
    assert_int_equal(par_square(INT64_C(1) << 32), 0); /* 2^64 wraps to 0 */
}

static void kernel_table_maps_ids_to_functions(void **state)
{
    (void)state;
    assert_ptr_equal(par_kernel_get(PAR_K_SQUARE)->fn, par_square);
    assert_ptr_equal(par_kernel_get(PAR_K_FIB)->fn, par_fib);
    assert_ptr_equal(par_kernel_get(PAR_K_POWSELF)->fn, par_powself);
    assert_null(par_kernel_get(PAR_K_COUNT_));
    assert_null(par_kernel_get((enum par_kernel_id)-1));
}

/* The grain kernel does I dependent multiply-adds: its result equals the
 * O(log I) jump-ahead for every I (including 0, and across tick blocks),
 * and it ticks once per PAR_TICK_EVERY iterations, as powself does. */
static void grain_kernel_equals_jump_ahead_and_ticks_every_block(void **state)
{
    (void)state;
    const int64_t xs[] = { 0, 1, -7, INT64_C(0x123456789abcdef) };
    for (size_t k = 0; k < 4; k++)
        for (int64_t n = 0; n <= 3 * PAR_TICK_EVERY + 3; n += n < 40 ? 1 : 997)
            assert_int_equal(par_grain_kernel(xs[k], n), par_grain_kernel_fast(xs[k], n));
    /* one step by hand: a*x + c with Knuth's MMIX constants (kernels.c) */
    assert_int_equal(par_grain_kernel(5, 1),
                     (int64_t)(5 * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407)));
    ticks = 0;
    par_kernel_tick = count_tick;
    (void)par_grain_kernel(1, 2 * PAR_TICK_EVERY + 1);
    par_kernel_tick = NULL;
    assert_int_equal(ticks, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fib_makes_two_fib_n_minus_one_calls),
        cmocka_unit_test(fib_matches_known_values),
        cmocka_unit_test(powself_matches_cheatsheet_and_ticks_every_block),
        cmocka_unit_test(square_wraps_instead_of_overflowing),
        cmocka_unit_test(kernel_table_maps_ids_to_functions),
        cmocka_unit_test(grain_kernel_equals_jump_ahead_and_ticks_every_block),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
