/* PAR_TEST_TIMES parsing and the series it plays (common/inject.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "error.h"
#include "inject.h"

static void a_matching_series_plays_once_then_cycles(void **state)
{
    (void)state;
    struct par_inject inj;
    char msg[256];
    assert_int_equal(par_inject_parse("omp:9;serial:0.5,0.2|0.01,0.02", "serial", 1, &inj, msg,
                                      sizeof msg), 0);
    assert_true(inj.active);
    const double want[] = { 0.5, 0.2, 0.01, 0.02, 0.01, 0.02 };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        assert_true(par_inject_time(&inj, i, 99.0) == want[i]);
}

static void the_wildcard_matches_and_the_first_match_wins(void **state)
{
    (void)state;
    struct par_inject inj;
    char msg[256];
    assert_int_equal(par_inject_parse("pthread:1;*:2;omp:3", "omp", 4, &inj, msg, sizeof msg), 0);
    assert_true(par_inject_time(&inj, 0, 99.0) == 2.0);
    assert_int_equal(par_inject_parse("pthread:1", "omp", 1, &inj, msg, sizeof msg), 0);
    assert_false(inj.active);
    assert_true(par_inject_time(&inj, 3, 99.0) == 99.0);
    assert_int_equal(par_inject_parse(NULL, "omp", 1, &inj, msg, sizeof msg), 0);
    assert_false(inj.active);
}

static void a_worker_count_narrows_the_match(void **state)
{
    (void)state;
    struct par_inject inj;
    char msg[256];
    const char *spec = "serial:1;*/2:2;pthread/4:4;*:3";
    const struct { const char *be; int j; double want; } cases[] = {
        { "serial", 2, 1 }, { "omp", 2, 2 }, { "pthread", 4, 4 }, { "omp", 4, 3 },
        { "pthread", 1, 3 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        assert_int_equal(par_inject_parse(spec, cases[i].be, cases[i].j, &inj, msg, sizeof msg),
                         0);
        assert_true(par_inject_time(&inj, 0, 99.0) == cases[i].want);
    }
}

static void malformed_series_are_refused(void **state)
{
    (void)state;
    const char *bad[] = { "serial", "serial:", "serial:1,", "serial:x", "serial:|1",
                          "serial:1|", "serial:-1", "*:1,,2" };
    struct par_inject inj;
    char msg[256];
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (par_inject_parse(bad[i], "serial", 1, &inj, msg, sizeof msg) != PAR_EINVAL)
            fail_msg("'%s' was accepted", bad[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_matching_series_plays_once_then_cycles),
        cmocka_unit_test(the_wildcard_matches_and_the_first_match_wins),
        cmocka_unit_test(a_worker_count_narrows_the_match),
        cmocka_unit_test(malformed_series_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
