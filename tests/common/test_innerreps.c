/* The EPCC-style rule for inner repetitions (common/innerreps.c) on
 * injected trial durations: no clock is read, so no verdict depends on how
 * fast or loaded the machine is. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "innerreps.h"

#define MS 1e-3
#define US 1e-6

static void target_is_a_floor_or_a_thousand_clock_ticks(void **state)
{
    (void)state;
    assert_true(par_innerreps_target_s(1e-9, 2 * MS) == 2 * MS);    /* ns clock: the floor */
    assert_true(fabs(par_innerreps_target_s(1 * MS, 2 * MS) - 1.0) < 1e-12); /* jiffies: 1 s */
    assert_true(fabs(par_innerreps_target_s(4 * US, 2 * MS) - 4 * MS) < 1e-12);
    assert_true(par_innerreps_target_s(0, 2 * MS) == 2 * MS);
    assert_true(par_innerreps_target_s(NAN, 2 * MS) == 2 * MS);
    double r = par_clock_resolution_s();
    assert_true(r > 0 && r < 1.0);
}

/* Below the floor the count jumps to it, whatever the trials say: one
 * operation that happened to take 8 ms is not a sample. */
static void never_fewer_than_the_floor(void **state)
{
    (void)state;
    double slow[] = { 8 * MS, 8 * MS, 8 * MS };
    assert_int_equal(par_innerreps_next(0, NULL, 0, 2 * MS, 1L << 30), PAR_INNERREPS_MIN);
    assert_int_equal(par_innerreps_next(1, slow, 3, 2 * MS, 1L << 30), PAR_INNERREPS_MIN);
    /* ... but the floor never exceeds the cap */
    assert_int_equal(par_innerreps_next(1, slow, 3, 2 * MS, 4), 4);
    /* at the floor, slow trials make it final */
    assert_int_equal(par_innerreps_next(PAR_INNERREPS_MIN, slow, 3, 2 * MS, 1L << 30),
                     PAR_INNERREPS_MIN);
}

/* Trials of a 3 µs operation double the count until 2 ms; the sequence is
 * the one the rule must give (8, 16, ..., 1024: 1024 x 3 µs = 3.07 ms). */
static void doubles_until_the_median_trial_lasts_the_target(void **state)
{
    (void)state;
    long k = par_innerreps_next(0, NULL, 0, 2 * MS, 1L << 30), steps = 0;
    for (;;) {
        double t[PAR_INNERREPS_TRIALS];
        for (int i = 0; i < PAR_INNERREPS_TRIALS; i++)
            t[i] = (double)k * 3 * US;
        long next = par_innerreps_next(k, t, PAR_INNERREPS_TRIALS, 2 * MS, 1L << 30);
        if (next == k)
            break;
        assert_int_equal(next, 2 * k);
        k = next;
        assert_true(++steps < 40);
    }
    assert_int_equal(k, 1024);
}

/* Two of five trials preempted (a worker waiting 8 ms for a core): the
 * median is still a fast trial, so the count keeps growing. The old rule's
 * fastest-of-three would also grow here, but stopped when three slow trials
 * came in a row; the median needs three of five. */
static void preempted_trials_do_not_stop_the_growth(void **state)
{
    (void)state;
    double t[] = { 8 * MS, 16 * 3 * US, 8.5 * MS, 16 * 3 * US, 16 * 3.1 * US };
    assert_int_equal(par_innerreps_next(16, t, 5, 2 * MS, 1L << 30), 32);
    /* and two lucky trials do not stop it either */
    double lucky[] = { 2.5 * MS, 100 * US, 2.1 * MS, 90 * US, 95 * US };
    assert_int_equal(par_innerreps_next(16, lucky, 5, 2 * MS, 1L << 30), 32);
    /* three long ones do: most trials last the target */
    double most[] = { 2.5 * MS, 100 * US, 2.1 * MS, 2.2 * MS, 95 * US };
    assert_int_equal(par_innerreps_next(16, most, 5, 2 * MS, 1L << 30), 16);
}

static void the_cap_and_odd_inputs(void **state)
{
    (void)state;
    double fast[] = { 1 * US, 1 * US, 1 * US };
    assert_int_equal(par_innerreps_next(48, fast, 3, 2 * MS, 64), 64);  /* 2k capped */
    assert_int_equal(par_innerreps_next(64, fast, 3, 2 * MS, 64), 64);  /* at the cap: final */
    double nan3[] = { NAN, NAN, NAN };
    assert_int_equal(par_innerreps_next(8, nan3, 3, 2 * MS, 1L << 30), 16);
    assert_int_equal(par_innerreps_next(8, NULL, 0, 2 * MS, 1L << 30), 16);
    double even[] = { 1, 4, 2, 3 };
    assert_true(par_innerreps_median(even, 4) == 2.5);
    assert_true(isnan(par_innerreps_median(even, 0)));
    assert_true(even[0] == 1 && even[1] == 4); /* not sorted in place */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(target_is_a_floor_or_a_thousand_clock_ticks),
        cmocka_unit_test(never_fewer_than_the_floor),
        cmocka_unit_test(doubles_until_the_median_trial_lasts_the_target),
        cmocka_unit_test(preempted_trials_do_not_stop_the_growth),
        cmocka_unit_test(the_cap_and_odd_inputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
