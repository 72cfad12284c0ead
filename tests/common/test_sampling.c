/* When the driver stops repeating (common/sampling.c), on injected series. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "error.h"
#include "sampling.h"

static const struct par_sampling_cfg adaptive = {
    .fixed_reps = 0, .max_reps = 40, .ci_target = 0.05, .budget_s = 1e9,
    .warmup_first = 1, .warmup_cap = 20,
};

/* Feeds series[i % len] until the sampler stops; returns the runs made. */
static size_t run(struct par_sampler *s, const double *series, size_t len)
{
    for (size_t i = 0; i < 10000; i++)
        if (par_sampler_add(s, series[i % len]))
            return i + 1;
    fail_msg("the sampler never stopped");
    return 0;
}

static void a_tight_series_stops_at_six_samples_on_target(void **state)
{
    (void)state;
    const double x[] = { 1.00, 1.01, 0.99 };
    struct par_sampler s;
    assert_int_equal(par_sampler_init(&s, &adaptive), 0);
    assert_int_equal(run(&s, x, 3), 1 + 6);
    size_t n;
    par_sampler_samples(&s, &n);
    assert_int_equal(n, 6);
    assert_int_equal(s.stop, PAR_STOP_TARGET);
    assert_int_equal(par_sampler_warmups(&s), 1);
    par_sampler_free(&s);
}

static void a_wide_series_runs_to_max_reps_or_the_budget(void **state)
{
    (void)state;
    const double x[] = { 1.0, 2.0 }; /* CI [1, 2] around 1.5: never +-5 % */
    struct par_sampler s;
    assert_int_equal(par_sampler_init(&s, &adaptive), 0);
    run(&s, x, 2);
    size_t n;
    par_sampler_samples(&s, &n);
    assert_int_equal(n, 40);
    assert_int_equal(s.stop, PAR_STOP_MAX_REPS);
    par_sampler_free(&s);

    struct par_sampling_cfg budget = adaptive;
    budget.budget_s = 3.0; /* spent after 2-3 runs; 6 samples are still taken */
    assert_int_equal(par_sampler_init(&s, &budget), 0);
    run(&s, x, 2);
    par_sampler_samples(&s, &n);
    assert_int_equal(n, PAR_CI_MIN_SAMPLES);
    assert_int_equal(s.stop, PAR_STOP_BUDGET);
    par_sampler_free(&s);
}

static void fixed_reps_keep_exactly_that_many_after_the_warm_up(void **state)
{
    (void)state;
    struct par_sampling_cfg fixed = adaptive;
    fixed.fixed_reps = 2;
    const double x[] = { 100, 50, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10 };
    struct par_sampler s;
    assert_int_equal(par_sampler_init(&s, &fixed), 0);
    for (size_t i = 0; i < 12 && !par_sampler_add(&s, x[i]);)
        i++;
    size_t n;
    const double *kept = par_sampler_samples(&s, &n);
    assert_int_equal(n, 2);
    assert_true(kept[0] == 10 && kept[1] == 10);
    assert_int_equal(par_sampler_warmups(&s), 2);
    assert_int_equal(s.stop, PAR_STOP_FIXED);
    assert_true(s.warm.steady);
    par_sampler_free(&s);

    /* Detector off (cap == first): exactly the first W runs are warm-ups. */
    fixed.warmup_cap = fixed.warmup_first = 1;
    fixed.fixed_reps = 3;
    assert_int_equal(par_sampler_init(&s, &fixed), 0);
    assert_int_equal(run(&s, x, 12), 4);
    kept = par_sampler_samples(&s, &n);
    assert_true(n == 3 && kept[0] == 50);
    par_sampler_free(&s);
}

static void inconsistent_configurations_are_refused(void **state)
{
    (void)state;
    struct par_sampler s;
    struct par_sampling_cfg c = adaptive;
    c.max_reps = 5;
    assert_int_equal(par_sampler_init(&s, &c), PAR_EINVAL);
    c = adaptive;
    c.warmup_cap = 0;
    assert_int_equal(par_sampler_init(&s, &c), PAR_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_tight_series_stops_at_six_samples_on_target),
        cmocka_unit_test(a_wide_series_runs_to_max_reps_or_the_budget),
        cmocka_unit_test(fixed_reps_keep_exactly_that_many_after_the_warm_up),
        cmocka_unit_test(inconsistent_configurations_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
