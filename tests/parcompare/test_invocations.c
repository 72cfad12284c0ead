/* invocations.c on made-up records: pooling a second invocation into a
 * point (median, CI widened to the invocation medians, samples, the smaller
 * team), a failed invocation failing the point, and the run-to-run noise
 * floor. No child is run; the order of the rounds is checked on the
 * program's progress lines (test_parcompare). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "invocations.h"
#include "records.h"

/* A verified point whose record has the given times; its summary is
 * whatever a child would have written (only what the merge reads). */
static struct par__point point_with(const double *t, size_t n, double median, double lo,
                                    double hi, int workers_ran)
{
    struct par__point p;
    memset(&p, 0, sizeof p);
    p.workload = PAR_W_MAP;
    p.backend = PAR__BE_SERIAL;
    p.workers = 1;
    p.status = PAR__ST_OK;
    p.wall_s = 1.0;
    p.result = cJSON_CreateObject();
    cJSON *times = cJSON_AddArrayToObject(p.result, "times_s");
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(times, cJSON_CreateNumber(t[i]));
    cJSON_AddStringToObject(p.result, "workload", "map");
    cJSON_AddNumberToObject(p.result, "median_s", median);
    cJSON_AddNumberToObject(p.result, "samples", (double)n);
    cJSON_AddNumberToObject(p.result, "warmups", 1);
    cJSON_AddBoolToObject(p.result, "ci_available", !isnan(lo));
    cJSON_AddNumberToObject(p.result, "ci_low_s", isnan(lo) ? 0 : lo);
    cJSON_AddNumberToObject(p.result, "ci_high_s", isnan(hi) ? 0 : hi);
    cJSON_AddNumberToObject(p.result, "ci_target", 0.05);
    cJSON_AddStringToObject(p.result, "stop", "target");
    if (workers_ran)
        cJSON_AddNumberToObject(p.result, "workers_ran", workers_ran);
    p.median = median;
    return p;
}

static void a_second_invocation_is_pooled(void **state)
{
    (void)state;
    /* Two invocations, each steady, 20 % apart: 10 ms and 12 ms. */
    const double a[] = { 0.0100, 0.0101, 0.0099, 0.0100, 0.0102, 0.0098 };
    const double b[] = { 0.0120, 0.0121, 0.0119, 0.0120, 0.0122, 0.0118 };
    struct par__point p = point_with(a, 6, 0.0100, 0.0098, 0.0102, 2);
    struct par__point q = point_with(b, 6, 0.0120, 0.0118, 0.0122, 1);
    assert_int_equal(par__invocation_first(&p), 0);
    assert_int_equal(par__invocation_merge(&p, &q), 0);
    assert_null(q.result);
    assert_int_equal(p.status, PAR__ST_OK);
    assert_int_equal(p.samples, 12);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(p.result, "times_s")),
                     12);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(p.result,
                                                                        "invocations")), 2);
    /* Pooled median of the 12: between the two groups, (0.0102 + 0.0118)/2. */
    assert_true(fabs(p.median - 0.0110) < 1e-12);
    /* The pooled 95 % CI of 12 samples is [X(3), X(10)] = [0.0100, 0.0120];
     * widened to hold both invocation medians (0.0100 and 0.0120). */
    assert_true(fabs(p.ci_low - 0.0100) < 1e-12);
    assert_true(fabs(p.ci_high - 0.0120) < 1e-12);
    assert_false(p.target_reached); /* +-9 % is wider than the 5 % target */
    assert_int_equal(p.workers_ran, 1); /* the smaller team */
    assert_true(fabs(par__json_num(p.result, "warmups") - 2) < 1e-12);
    assert_true(fabs(p.wall_s - 2.0) < 1e-12);
    cJSON_Delete(p.result);
}

static void the_ci_is_widened_to_every_invocation_median(void **state)
{
    (void)state;
    /* Invocation 2's samples straddle invocation 1's, but its own median
     * (reported by the child) is far out: the interval must contain it. */
    const double a[] = { 0.010, 0.010, 0.010, 0.010, 0.010, 0.010 };
    const double b[] = { 0.010, 0.010, 0.010, 0.010, 0.010, 0.010 };
    struct par__point p = point_with(a, 6, 0.010, 0.010, 0.010, 0);
    struct par__point q = point_with(b, 6, 0.015, 0.010, 0.010, 0);
    assert_int_equal(par__invocation_merge(&p, &q), 0);
    assert_true(fabs(p.ci_low - 0.010) < 1e-12);
    assert_true(fabs(p.ci_high - 0.015) < 1e-12);
    cJSON_Delete(p.result);
}

static void a_failed_invocation_fails_the_point(void **state)
{
    (void)state;
    const double a[] = { 0.010, 0.011, 0.009, 0.010, 0.010, 0.010 };
    struct par__point p = point_with(a, 6, 0.010, 0.009, 0.011, 0);
    struct par__point q = point_with(a, 6, 0.010, 0.009, 0.011, 0);
    q.status = PAR__ST_CRASHED;
    snprintf(q.why, sizeof q.why, "crashed (SIGSEGV)");
    assert_int_equal(par__invocation_merge(&p, &q), 0);
    assert_int_equal(p.status, PAR__ST_CRASHED);
    assert_string_equal(p.why, "crashed (SIGSEGV)");
    assert_true(isnan(p.median));
    /* And a failed point stays failed, whatever comes next. */
    struct par__point r = point_with(a, 6, 0.010, 0.009, 0.011, 0);
    assert_int_equal(par__invocation_merge(&p, &r), 0);
    assert_int_equal(p.status, PAR__ST_CRASHED);
    assert_null(r.result);
    cJSON_Delete(p.result);
}

static cJSON *record(const char *workload, const char *status, const double *medians, int n)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "workload", workload);
    cJSON_AddStringToObject(r, "status", status);
    cJSON *inv = cJSON_AddArrayToObject(r, "invocations");
    for (int i = 0; i < n; i++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddNumberToObject(e, "median_s", medians[i]);
        cJSON_AddItemToArray(inv, e);
    }
    return r;
}

static void the_noise_floor_is_the_largest_gap_of_one_point(void **state)
{
    (void)state;
    cJSON *records = cJSON_CreateArray();
    const double steady[] = { 0.010, 0.0105 };
    const double bimodal[] = { 0.005, 0.009, 0.007 };
    const double one[] = { 0.001 };
    const double failed[] = { 0.001, 0.1 };
    cJSON_AddItemToArray(records, record("map", "ok", steady, 2));
    cJSON_AddItemToArray(records, record("map", "ok", bimodal, 3));
    cJSON_AddItemToArray(records, record("fib", "ok", one, 1));
    cJSON_AddItemToArray(records, record("fib", "crashed", failed, 2));
    /* map: the bimodal point, 9 ms over 5 ms; the steady one is smaller. */
    assert_true(fabs(par__noise_floor(NULL, records, "map") - log(0.009 / 0.005)) < 1e-12);
    /* fib: one invocation only, and the failed record does not count. */
    assert_true(par__noise_floor(NULL, records, "fib") < 0);
    assert_true(par__noise_floor(NULL, records, "parmap") < 0);
    /* Every workload: still the bimodal map point (the failed fib record is out). */
    assert_true(fabs(par__noise_floor(NULL, records, NULL) - log(0.009 / 0.005)) < 1e-12);
    /* This run's points count too. */
    const double t[] = { 0.010, 0.010, 0.010, 0.010, 0.010, 0.010 };
    struct par__point p = point_with(t, 6, 0.010, 0.010, 0.010, 0);
    struct par__point q = point_with(t, 6, 0.030, 0.010, 0.010, 0);
    p.workload = PAR_W_FIB;
    cJSON_ReplaceItemInObject(p.result, "workload", cJSON_CreateString("fib"));
    assert_int_equal(par__invocation_merge(&p, &q), 0);
    struct par__matrix m = { .pts = &p, .n = 1, .cap = 1 };
    assert_true(fabs(par__noise_floor(&m, records, "fib") - log(3.0)) < 1e-12);
    cJSON_Delete(p.result);
    cJSON_Delete(records);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_second_invocation_is_pooled),
        cmocka_unit_test(the_ci_is_widened_to_every_invocation_median),
        cmocka_unit_test(a_failed_invocation_fails_the_point),
        cmocka_unit_test(the_noise_floor_is_the_largest_gap_of_one_point),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
