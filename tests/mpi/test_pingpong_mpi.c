/* pingpong under mpiexec on this one node: one verified JSON record naming
 * both ranks' host (this one: shared memory), positive figures for every
 * sample (their size is for bench/ and parcompare, never a verdict here),
 * the link cap from PARCOMPARE_LINK_RATE; the wrong rank count and bad
 * options are one-line usage errors (exit 2). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <cjson/cJSON.h>

#include "mpirun.h"
#include "run.h"

static void all_positive(const cJSON *arr, int n)
{
    assert_int_equal(cJSON_GetArraySize(arr), n);
    for (int i = 0; i < n; i++) {
        double v = cJSON_GetArrayItem(arr, i)->valuedouble;
        if (!(v > 0))
            fail_msg("sample %d is %g", i, v);
    }
}

static void two_ranks_on_one_node_give_a_verified_record(void **state)
{
    (void)state;
    char *env[] = { "PARCOMPARE_LINK_RATE=100mbit", NULL };
    struct par_test_out r = par_test_mpirun("pingpong", env, 120, NULL, 2,
                                            PAR_ARGS("--json", "--iters", "50", "--samples", "4"));
    if (r.status != 0 || r.timed_out)
        fail_msg("status %d, stderr: %s", r.status, r.err);
    assert_int_equal(par_test_lines(r.out), 1);
    cJSON *j = cJSON_Parse(r.out);
    assert_non_null(j);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "verified")));
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "same_node")));
    char host[256] = "";
    gethostname(host, sizeof host - 1);
    cJSON *hosts = cJSON_GetObjectItem(j, "hosts");
    assert_string_equal(cJSON_GetArrayItem(hosts, 0)->valuestring, host);
    assert_string_equal(cJSON_GetArrayItem(hosts, 1)->valuestring, host);
    cJSON *lat = cJSON_GetObjectItem(j, "latency");
    assert_int_equal(cJSON_GetObjectItem(lat, "bytes")->valueint, 8);
    assert_int_equal(cJSON_GetObjectItem(lat, "round_trips")->valueint, 50);
    all_positive(cJSON_GetObjectItem(lat, "samples_us"), 4);
    cJSON *bw = cJSON_GetObjectItem(j, "bandwidth");
    assert_int_equal(cJSON_GetObjectItem(bw, "bytes")->valueint, 1 << 20);
    int windows = cJSON_GetObjectItem(bw, "windows")->valueint;
    assert_true(windows >= 1 && windows <= 20);
    all_positive(cJSON_GetObjectItem(bw, "samples_MBps"), 4);
    assert_string_equal(cJSON_GetObjectItem(j, "link_rate")->valuestring, "100mbit");
    assert_string_equal(cJSON_GetObjectItem(j, "link_rate_source")->valuestring,
                        "PARCOMPARE_LINK_RATE");
    cJSON_Delete(j);
    par_test_out_free(&r);

    r = par_test_mpirun("pingpong", NULL, 120, NULL, 2, PAR_ARGS("--quick"));
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "(one node: shared memory)"));
    assert_non_null(strstr(r.out, "  verified  yes\n"));
    par_test_out_free(&r);
}

static void wrong_rank_counts_and_options_are_usage_errors(void **state)
{
    (void)state;
    struct par_test_out r = par_test_mpirun("pingpong", NULL, 30, NULL, 3, PAR_ARGS("--quick"));
    assert_false(r.timed_out);
    assert_int_equal(r.status, 2);
    assert_int_equal(par_test_count(r.err, "pingpong: "), 1);
    assert_non_null(strstr(r.err, "needs exactly 2 MPI ranks (mpirun -n 2), got 3"));
    par_test_out_free(&r);
    r = par_test_mpirun("pingpong", NULL, 30, NULL, 2, PAR_ARGS("--iters", "0"));
    assert_int_equal(r.status, 2);
    assert_int_equal(par_test_count(r.err, "pingpong: "), 1);
    assert_non_null(strstr(r.err, "--iters: expected a whole number in 1..1000000, got '0'"));
    par_test_out_free(&r);
    r = par_test_mpirun("pingpong", NULL, 30, NULL, 2, PAR_ARGS("--bogus"));
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "pingpong: unknown argument '--bogus'"));
    par_test_out_free(&r);
    /* a link cap below 1 bit/s is not a rate it can record */
    char *slow[] = { "PARCOMPARE_LINK_RATE=0.5bit", NULL };
    r = par_test_mpirun("pingpong", slow, 30, NULL, 2, PAR_ARGS("--quick"));
    assert_int_equal(r.status, 2);
    assert_int_equal(par_test_count(r.err, "pingpong: "), 1);
    assert_non_null(strstr(r.err, "PARCOMPARE_LINK_RATE (from the environment): '0.5bit' is "
                                  "below 1 bit/s"));
    par_test_out_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(two_ranks_on_one_node_give_a_verified_record),
        cmocka_unit_test(wrong_rank_counts_and_options_are_usage_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
