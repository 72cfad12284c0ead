#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "stats.h"

static void stats_of_odd_vector_match_hand_computed_values(void **state)
{
    (void)state;
    const double x[] = { 3, 1, 4, 1, 5 };
    struct par_stats s;
    assert_int_equal(par_stats_compute(x, 5, &s), 0);
    assert_true(fabs(s.median - 3.0) < 1e-12);
    assert_true(fabs(s.min - 1.0) < 1e-12);
    assert_true(fabs(s.max - 5.0) < 1e-12);
    assert_true(fabs(s.mean - 2.8) < 1e-12);
    /* deviations from 2.8: .2 -1.8 1.2 -1.8 2.2 -> ss = 12.8, /4 = 3.2 */
    assert_true(fabs(s.stddev - sqrt(3.2)) < 1e-12);
    /* |x - 3| = 0 2 1 2 2 -> median 2 */
    assert_true(fabs(s.mad - 2.0) < 1e-12);
    assert_true(x[0] == 3 && x[4] == 5); /* input untouched */
}

static void median_of_even_vector_is_mean_of_middle_pair(void **state)
{
    (void)state;
    const double x[] = { 10, 2, 8, 4 };
    struct par_stats s;
    assert_int_equal(par_stats_compute(x, 4, &s), 0);
    assert_true(fabs(s.median - 6.0) < 1e-12);
    /* |x - 6| = 4 4 2 2 -> median 3 */
    assert_true(fabs(s.mad - 3.0) < 1e-12);
}

static void single_sample_has_zero_spread(void **state)
{
    (void)state;
    const double x[] = { 0.25 };
    struct par_stats s;
    assert_int_equal(par_stats_compute(x, 1, &s), 0);
    assert_true(s.median == 0.25 && s.min == 0.25 && s.max == 0.25);
    assert_true(s.stddev == 0.0 && s.mad == 0.0);
}

static void empty_input_gives_zeros(void **state)
{
    (void)state;
    struct par_stats s;
    assert_int_equal(par_stats_compute(NULL, 0, &s), 0);
    assert_int_equal(s.n, 0);
    assert_true(s.median == 0.0 && s.mean == 0.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stats_of_odd_vector_match_hand_computed_values),
        cmocka_unit_test(median_of_even_vector_is_mean_of_middle_pair),
        cmocka_unit_test(single_sample_has_zero_spread),
        cmocka_unit_test(empty_input_gives_zeros),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
