/* Rule 11's bound (bandwidth.c) on injected bandwidths: map's byte count,
 * the bandwidth a worker count can have, the bound, the array-size rule,
 * PAR_TEST_BANDWIDTH; and the STREAM triad kernel itself (stream.c) on a
 * small array: it runs on 1 and 2 threads and checks its own result. No
 * verdict depends on a measured time. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../apps/parcompare/bandwidth.h"
#include "../../apps/parcompare/stream.h"
#include "error.h"

#define MIB ((size_t)1 << 20)

static int close_to(double a, double b)
{
    return fabs(a - b) <= 1e-12 * fabs(b);
}

static struct par__bandwidth injected(double one, double all, int threads)
{
    struct par__bandwidth bw;
    memset(&bw, 0, sizeof bw);
    bw.state = PAR__BW_INJECTED;
    bw.one_gbs = one;
    bw.all_gbs = all;
    bw.threads = threads;
    return bw;
}

static void map_moves_16_bytes_per_item(void **state)
{
    (void)state;
    assert_int_equal(PAR__MAP_BYTES_PER_ITEM, 16);
    assert_true(par__map_bytes(1000) == 16000);
    assert_true(par__map_bytes(4e6) == 64e6);
    assert_true(par__map_bytes(0) == 0);
    assert_int_equal(PAR__TRIAD_BYTES_PER_ELEMENT, 24); /* STREAM's count for triad */
}

static void bandwidth_grows_with_workers_up_to_the_machines(void **state)
{
    (void)state;
    /* 2 cores: 10 GB/s alone, 15 together. */
    struct par__bandwidth bw = injected(10, 15, 2);
    assert_true(par__bandwidth_for(&bw, 1) == 10);
    assert_true(par__bandwidth_for(&bw, 2) == 15);
    assert_true(par__bandwidth_for(&bw, 4) == 15); /* oversubscribed: the cores' share */
    assert_true(isnan(par__bandwidth_for(&bw, 0)));
    /* 4 cores, 10 alone, 25 together: linear until the machine's limit. */
    bw = injected(10, 25, 4);
    assert_true(par__bandwidth_for(&bw, 2) == 20);
    assert_true(par__bandwidth_for(&bw, 3) == 25);
    assert_true(par__bandwidth_for(&bw, 4) == 25);
    /* One thread faster than the measured team (a noisy run): the team's
     * figure is the most a full machine gets. */
    bw = injected(30, 25, 4);
    assert_true(par__bandwidth_for(&bw, 1) == 25);
    /* No measurement: no bandwidth, no bound. */
    bw.state = PAR__BW_NONE;
    assert_true(isnan(par__bandwidth_for(&bw, 1)));
    assert_true(isnan(par__map_bound_s(&bw, 1e6, 1)));
    assert_true(isnan(par__bandwidth_for(NULL, 1)));
}

static void the_bound_is_bytes_over_bandwidth(void **state)
{
    (void)state;
    struct par__bandwidth bw = injected(10, 15, 2);
    /* 1e6 items: 16e6 B; at 10 GB/s 1.6 ms, at 15 GB/s 1.0667 ms. */
    assert_true(close_to(par__map_bound_s(&bw, 1e6, 1), 1.6e-3));
    assert_true(close_to(par__map_bound_s(&bw, 1e6, 2), 16e6 / 15e9));
    assert_true(close_to(par__map_bound_s(&bw, 1e6, 8), 16e6 / 15e9));
    assert_true(close_to(par__map_bound_s(&bw, 4e6, 1), 6.4e-3));
    assert_true(par__map_bound_s(&bw, 0, 1) == 0);
    assert_true(isnan(par__map_bound_s(&bw, NAN, 1)));
}

static void arrays_follow_streams_rule_within_the_modes_limits(void **state)
{
    (void)state;
    assert_int_equal(par__bandwidth_array_bytes(0, 0, 0), 32 * MIB);          /* unknown cache */
    assert_int_equal(par__bandwidth_array_bytes(10 * MIB, 0, 0), 40 * MIB);   /* 4 x LLC */
    assert_int_equal(par__bandwidth_array_bytes(512 * MIB, 0, 0), 64 * MIB);  /* quick's cap */
    assert_int_equal(par__bandwidth_array_bytes(512 * MIB, 1, 0), 256 * MIB); /* full's cap */
    assert_int_equal(par__bandwidth_array_bytes(512 * MIB, 1, 3), 3 * MIB);   /* --stream-mib */
    assert_int_equal(par__bandwidth_array_bytes(3 * MIB + 5, 0, 0) % 8, 0);
}

static void injected_values_replace_the_measurement(void **state)
{
    (void)state;
    double one, all;
    char msg[256];
    assert_int_equal(par__bandwidth_parse("12.5,20", &one, &all, msg, sizeof msg), 0);
    assert_true(one == 12.5 && all == 20);
    const char *bad[] = { "12.5", "", ",3", "3,", "a,b", "0,5", "-1,5", "5,1e9", "1,2,3" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        msg[0] = '\0';
        if (par__bandwidth_parse(bad[i], &one, &all, msg, sizeof msg) != PAR_EINVAL)
            fail_msg("'%s' was accepted", bad[i]);
        assert_non_null(strstr(msg, "PAR_TEST_BANDWIDTH"));
        assert_null(strchr(msg, '\n'));
    }
    assert_int_equal(par__bandwidth_parse(NULL, &one, &all, msg, sizeof msg), PAR_EINVAL);

    struct par__bandwidth bw;
    setenv("PAR_TEST_BANDWIDTH", "12.5,20", 1);
    assert_int_equal(par__bandwidth_measure(&bw, 2, 0, 0), 0);
    assert_int_equal(bw.state, PAR__BW_INJECTED);
    assert_true(bw.one_gbs == 12.5 && bw.all_gbs == 20);
    assert_int_equal(bw.threads, 2);
    setenv("PAR_TEST_BANDWIDTH", "fast", 1);
    assert_int_equal(par__bandwidth_measure(&bw, 2, 0, 0), PAR_EINVAL);
    assert_non_null(strstr(bw.why, "PAR_TEST_BANDWIDTH"));
    unsetenv("PAR_TEST_BANDWIDTH");
}

static void derive_puts_the_bound_on_map_matrix_points_only(void **state)
{
    (void)state;
    struct par__point pts[4];
    memset(pts, 0, sizeof pts);
    struct par__matrix m = { .pts = pts, .n = 4, .cap = 4 };
    /* map, 2 workers, the child's record says 1e6 items */
    pts[0] = (struct par__point){ .sets = PAR__SET_MATRIX, .workload = PAR_W_MAP,
                                  .backend = PAR__BE_OMP, .workers = 2 };
    pts[0].result = cJSON_Parse("{\"params\":{\"items\":1000000}}");
    assert_non_null(pts[0].result);
    /* map without a record: the items asked for */
    pts[1] = (struct par__point){ .sets = PAR__SET_MATRIX, .workload = PAR_W_MAP,
                                  .backend = PAR__BE_SERIAL, .workers = 1,
                                  .sizes = { .items = 2000000 } };
    pts[2] = (struct par__point){ .sets = PAR__SET_MATRIX, .workload = PAR_W_FIB,
                                  .backend = PAR__BE_OMP, .workers = 2 };
    pts[3] = (struct par__point){ .sets = PAR__SET_STORY, .workload = PAR_W_MAP,
                                  .backend = PAR__BE_OMP, .workers = 2 };
    struct par__bandwidth bw = injected(10, 16, 2);
    par__bandwidth_derive(&m, &bw);
    assert_true(close_to(pts[0].bw_bound_s, 1e-3));   /* 16e6 B at 16 GB/s */
    assert_true(close_to(pts[1].bw_bound_s, 3.2e-3)); /* 32e6 B at 10 GB/s */
    assert_true(isnan(pts[2].bw_bound_s));
    assert_true(isnan(pts[3].bw_bound_s));

    /* The line under the map table, ascending worker counts, in ms. */
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    par__bandwidth_bound_line(f, &m, 1e3, "ms", 0);
    fclose(f);
    assert_non_null(strstr(text, "at least 3.2 ms at 1 worker, 1 ms at 2 workers\n"));
    free(text);

    /* Without a bandwidth: no bound anywhere, no line. */
    par__bandwidth_derive(&m, NULL);
    assert_true(isnan(pts[0].bw_bound_s) && isnan(pts[1].bw_bound_s));
    f = open_memstream(&text, &len);
    par__bandwidth_bound_line(f, &m, 1e3, "ms", 0);
    fclose(f);
    assert_string_equal(text, "");
    free(text);
    cJSON_Delete(pts[0].result);
}

static void the_json_says_what_was_measured_and_how(void **state)
{
    (void)state;
    struct par__bandwidth bw = injected(12.5, 20, 2);
    bw.array_bytes = 64 * MIB;
    bw.llc_bytes = 32 * MIB;
    cJSON *o = par__bandwidth_json(&bw);
    assert_non_null(o);
    assert_string_equal(cJSON_GetObjectItem(o, "state")->valuestring, "injected (test)");
    assert_true(cJSON_GetObjectItem(o, "one_thread_gbs")->valuedouble == 12.5);
    assert_true(cJSON_GetObjectItem(o, "all_cores_gbs")->valuedouble == 20);
    assert_true(cJSON_GetObjectItem(o, "map_bytes_per_item")->valuedouble == 16);
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(o, "stream_size_rule_met"))); /* 64 < 128 */
    cJSON_Delete(o);
    bw.state = PAR__BW_NONE;
    snprintf(bw.why, sizeof bw.why, "skipped");
    o = par__bandwidth_json(&bw);
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "one_thread_gbs")));
    assert_string_equal(cJSON_GetObjectItem(o, "why")->valuestring, "skipped");
    cJSON_Delete(o);
}

static void the_triad_runs_on_one_and_two_threads_and_checks_itself(void **state)
{
    (void)state;
    struct par__triad one, all;
    size_t n = (size_t)1 << 16; /* 512 KiB per array: a check of the code, not a figure */
    assert_int_equal(par__triad_measure(n, 2, 3, &one, &all), 0);
    assert_int_equal(one.threads, 1);
    assert_int_equal(all.threads, 2);
    assert_int_equal(one.n, n);
    assert_int_equal(all.reps, 3);
    assert_true(one.best_s > 0 && all.best_s > 0);
    /* GB/s is STREAM's 24 bytes per element over the best time. */
    assert_true(close_to(one.gbs, 24.0 * (double)n / one.best_s / 1e9));
    assert_true(close_to(all.gbs, 24.0 * (double)n / all.best_s / 1e9));
    assert_int_equal(par__triad_measure(7, 1, 1, &one, &all), 0);
    assert_true(one.best_s == all.best_s); /* one thread: one measurement */
    assert_int_equal(par__triad_measure(1, 2, 1, &one, &all), PAR_EINVAL); /* n < threads */
    assert_int_equal(par__triad_measure(n, 0, 1, &one, &all), PAR_EINVAL);
    assert_int_equal(par__triad_measure(n, 1, 0, &one, &all), PAR_EINVAL);
    assert_int_equal(par__triad_measure(n, 1, 1, NULL, &all), PAR_EINVAL);
}

int main(void)
{
    unsetenv("PAR_TEST_BANDWIDTH");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(map_moves_16_bytes_per_item),
        cmocka_unit_test(bandwidth_grows_with_workers_up_to_the_machines),
        cmocka_unit_test(the_bound_is_bytes_over_bandwidth),
        cmocka_unit_test(arrays_follow_streams_rule_within_the_modes_limits),
        cmocka_unit_test(injected_values_replace_the_measurement),
        cmocka_unit_test(derive_puts_the_bound_on_map_matrix_points_only),
        cmocka_unit_test(the_json_says_what_was_measured_and_how),
        cmocka_unit_test(the_triad_runs_on_one_and_two_threads_and_checks_itself),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
