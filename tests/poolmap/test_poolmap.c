/* poolmap as a user sees it: exit codes, one-line errors, JSON/CSV/text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include <unistd.h>

#include "poolmap_run.h"

static void help_lists_every_option_and_exits_0(void **state)
{
    (void)state;
    struct par_test_out r = POOLMAP("--help");
    assert_int_equal(r.status, 0);
    const char *opts[] = { "--workload", "--backend", "--workers", "--n", "--k", "--items",
                           "--cutoff", "--schedule", "--chunk", "--reps", "--warmup", "--json",
                           "--csv", "--seed-sizes", "--help", "--version" };
    for (size_t i = 0; i < sizeof opts / sizeof *opts; i++)
        if (!strstr(r.out, opts[i]))
            fail_msg("--help lacks %s", opts[i]);
    par_test_out_free(&r);
    r = POOLMAP("--version");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "poolmap "));
    par_test_out_free(&r);
}

/* Each bad input: exit 2, nothing on stdout, exactly one line on stderr
 * that starts with the program name and names the culprit. */
static void expect_usage_error(struct par_test_out r, const char *needle)
{
    if (r.status != 2)
        fail_msg("expected exit 2 for '%s', got %d (stderr: %s)", needle, r.status, r.err);
    assert_string_equal(r.out, "");
    assert_int_equal(par_test_lines(r.err), 1);
    assert_true(strncmp(r.err, "poolmap: ", 9) == 0);
    if (!strstr(r.err, needle))
        fail_msg("stderr '%s' lacks '%s'", r.err, needle);
    par_test_out_free(&r);
}

static void every_bad_input_is_one_line_and_exit_2(void **state)
{
    (void)state;
    expect_usage_error(POOLMAP("-j", "0"), "1..1024");
    expect_usage_error(POOLMAP("-j", "abc"), "'abc'");
    expect_usage_error(POOLMAP("-j", "-3"), "'-3'");
    expect_usage_error(POOLMAP("--backend", "nope"), "unknown back end 'nope'");
    expect_usage_error(POOLMAP("--workload", "nope"), "unknown workload 'nope'");
    expect_usage_error(POOLMAP("--workload", "fib", "--n", "100"), "fib(93) overflows int64");
    expect_usage_error(POOLMAP("--items", "0"), "--items");
    expect_usage_error(POOLMAP("--items", "999999999999999"), "memory");
    expect_usage_error(POOLMAP("--reps", "0"), "--reps");
    expect_usage_error(POOLMAP("--bogus"), "unknown option '--bogus'");
    expect_usage_error(POOLMAP("-w", "grain", "--iterations", "0"), "--iterations");
    expect_usage_error(POOLMAP("-w", "grain", "--pattern", "ring"), "unknown pattern 'ring'");
    expect_usage_error(POOLMAP("-w", "grain", "--steps", "0"), "--steps");
    expect_usage_error(POOLMAP("-w", "grain", "--tasks", "-1"), "--tasks");
    /* A bad OMP_NUM_THREADS: our one line only (the start-up guard keeps
     * libgomp from printing its own first), saying where the value is from. */
    static const char *const bad_threads[][2] = {
        { "OMP_NUM_THREADS=zero", "got 'zero'" },
        { "OMP_NUM_THREADS=0", "got '0'" },
        { "OMP_NUM_THREADS=4,", "got '4,'" },
        { "OMP_NUM_THREADS=4\n5", "got '4\\n5'" },
        { "OMP_NUM_THREADS=2000", "1..1024" },
    };
    for (size_t i = 0; i < sizeof bad_threads / sizeof *bad_threads; i++) {
        char *env[] = { (char *)bad_threads[i][0], NULL };
        expect_usage_error(POOLMAP_ENV(env, "-b", "serial"), bad_threads[i][1]);
        expect_usage_error(POOLMAP_ENV(env, "-b", "serial"), "OMP_NUM_THREADS (from the environment)");
    }
}

/* Arguments with control characters are quoted visibly: the error stays one
 * line and cannot fake a line of output. */
static void control_characters_in_arguments_are_shown_escaped(void **state)
{
    (void)state;
    expect_usage_error(POOLMAP("--backend", "omp\nverified  yes"), "'omp\\nverified  yes'");
    expect_usage_error(POOLMAP("-j", "2\r"), "'2\\r'");
    expect_usage_error(POOLMAP("--workload", "map\x1b[2J"), "'map\\x1b[2J'");
    expect_usage_error(POOLMAP("--schedule", "static\n"), "'static\\n'");
    expect_usage_error(POOLMAP("--bogus\nx"), "'--bogus\\nx'");
    expect_usage_error(POOLMAP("stray\targ"), "'stray\\targ'");
    expect_usage_error(POOLMAP("--n", "\x01"), "'\\x01'");
}

/* OMP_SCHEDULE is read only by runs that have a schedule: -b serial and
 * fibtask take no notice of it; a run with a schedule refuses a bad one in
 * one line (a "|" in it included). */
static void omp_schedule_is_checked_only_where_it_is_used(void **state)
{
    (void)state;
    char *env[] = { "OMP_SCHEDULE=static|4", NULL };
    struct par_test_out r = POOLMAP_ENV(env, "-b", "serial", "--items", "100", "--reps", "1");
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    par_test_out_free(&r);
    r = POOLMAP_ENV(env, "-b", "pthread", "-w", "fibtask", "--n", "12", "--reps", "1");
    if (r.status == 2 && strstr(r.err, "not built"))
        skip();
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    par_test_out_free(&r);
    expect_usage_error(POOLMAP_ENV(env, "-b", "pthread", "--items", "100"),
                       "OMP_SCHEDULE (from the environment)");
    expect_usage_error(POOLMAP_ENV(env, "-b", "pthread", "--items", "100"), "got 'static|4'");
}

/* A result that cannot be written is a failure: `poolmap > /dev/full` exits 1
 * with one line naming the reason (was: exit 0, the result lost). */
static void a_result_that_cannot_be_written_exits_1(void **state)
{
    (void)state;
    if (access("/dev/full", W_OK) != 0)
        skip();  /* no /dev/full here: nothing to write to that always fails */
    static const char *const runs[] = {
        "\"$0\" -b serial --items 100 --reps 1 > /dev/full",
        "\"$0\" -b serial --items 100 --reps 1 --json > /dev/full",
        "\"$0\" --help > /dev/full",
    };
    for (size_t i = 0; i < sizeof runs / sizeof *runs; i++) {
        char *argv[] = { "/bin/sh", "-c", (char *)runs[i], (char *)par_test_bin("poolmap"), NULL };
        struct par_test_out r;
        assert_int_equal(par_test_run(argv, NULL, NULL, 60, &r), 0);
        if (r.status != 1 || par_test_lines(r.err) != 1 ||
            !strstr(r.err, "poolmap: cannot write the result to standard output: No space left"))
            fail_msg("%s: exit %d, stderr '%s'", runs[i], r.status, r.err);
        par_test_out_free(&r);
    }
}

static void a_back_end_not_built_says_why_and_exits_2(void **state)
{
    (void)state;
    struct par_test_out r = POOLMAP("--list-backends");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "serial   built"));
    const char *nb = strstr(r.out, " not built: ");
    if (!nb) {
        par_test_out_free(&r);
        skip(); /* everything is built here: nothing to ask for */
    }
    const char *start = nb;
    while (start > r.out && start[-1] != '\n')
        start--;
    char name[32];
    snprintf(name, sizeof name, "%.*s", (int)strcspn(start, " "), start);
    par_test_out_free(&r);
    char want[64];
    snprintf(want, sizeof want, "back end '%s' is not built", name);
    expect_usage_error(POOLMAP("--backend", name), want);
}

static cJSON *run_json(char *const *env, const char *w, struct par_test_out *r)
{
    /* parmap runs the cheatsheet's range(1, 5): its default list is heavy. */
    const char *items = strcmp(w, "parmap") ? "2000" : "4";
    *r = POOLMAP_ENV(env, "--json", "-b", "serial", "-w", w, "--items", items, "--n", "15",
                     "--k", "3", "--reps", "2");
    cJSON *j = cJSON_Parse(r->out);
    if (!j)
        fail_msg("not JSON: '%s' (stderr: %s)", r->out, r->err);
    return j;
}

static void json_is_one_object_with_the_record_keys(void **state)
{
    (void)state;
    const char *w[] = { "map", "fib", "parmap", "fibtask" };
    for (size_t i = 0; i < 4; i++) {
        struct par_test_out r;
        cJSON *j = run_json(NULL, w[i], &r);
        assert_int_equal(r.status, 0);
        assert_int_equal(par_test_lines(r.out), 1);
        const char *keys[] = { "tool", "workload", "backend", "workers", "params", "reps",
                               "times_s", "median_s", "min_s", "mad_s", "checksum", "verified",
                               "env" };
        for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
            if (!cJSON_GetObjectItemCaseSensitive(j, keys[k]))
                fail_msg("%s: missing key %s", w[i], keys[k]);
        assert_string_equal(cJSON_GetObjectItem(j, "tool")->valuestring, "poolmap");
        assert_string_equal(cJSON_GetObjectItem(j, "workload")->valuestring, w[i]);
        assert_string_equal(cJSON_GetObjectItem(j, "backend")->valuestring, "serial");
        assert_int_equal(cJSON_GetObjectItem(j, "workers")->valueint, 1);
        assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "times_s")), 2);
        assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "verified")));
        cJSON_Delete(j);
        par_test_out_free(&r);
    }
}

static void a_wrong_result_is_reported_unverified_with_exit_1(void **state)
{
    (void)state;
    char *env[] = { "PAR_TEST_FAULT=serial:wrong", NULL };
    struct par_test_out r;
    cJSON *j = run_json(env, "map", &r);
    assert_int_equal(r.status, 1);
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(j, "verified")));
    assert_non_null(strstr(cJSON_GetObjectItem(j, "error")->valuestring, "item 1000 of 2000"));
    assert_int_equal(par_test_lines(r.err), 1);
    cJSON_Delete(j);
    par_test_out_free(&r);

    char *env2[] = { "PAR_TEST_FAULT=*:fail", NULL };
    j = run_json(env2, "fibtask", &r);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(cJSON_GetObjectItem(j, "error")->valuestring, "injected failure"));
    cJSON_Delete(j);
    par_test_out_free(&r);
}

static void csv_and_text_outputs_agree_on_the_checksum(void **state)
{
    (void)state;
    struct par_test_out c = POOLMAP("--csv", "-b", "serial", "-w", "fib", "--n", "12", "--k", "2");
    struct par_test_out t = POOLMAP("-b", "serial", "-w", "fib", "--n", "12", "--k", "2");
    assert_int_equal(c.status, 0);
    assert_int_equal(t.status, 0);
    assert_int_equal(par_test_lines(c.out), 2);
    assert_true(strncmp(c.out, "tool,workload,backend,", 22) == 0);
    const char *sum = strstr(t.out, "checksum  ");
    assert_non_null(sum);
    char hex[19];
    snprintf(hex, sizeof hex, "%.18s", sum + 10);
    assert_non_null(strstr(c.out, hex));
    assert_non_null(strstr(t.out, "verified  yes"));
    par_test_out_free(&c);
    par_test_out_free(&t);
}

/* grain through the program: verified on serial and the thread pool, both
 * patterns, with its sizes in the record; a wrong result is caught. */
static void grain_runs_verified_and_records_its_sizes(void **state)
{
    (void)state;
    const char *bes[] = { "serial", "pthread", "gil" };
    const char *pats[] = { "none", "stencil" };
    for (size_t b = 0; b < 3; b++)
        for (size_t p = 0; p < 2; p++) {
            struct par_test_out r = POOLMAP("--json", "-b", bes[b], "-j", "3", "-w", "grain",
                                            "--pattern", pats[p], "--iterations", "500",
                                            "--steps", "7", "--tasks", "5", "--reps", "2");
            cJSON *j = cJSON_Parse(r.out);
            if (r.status != 0 || !j)
                fail_msg("%s %s: exit %d, '%s' (stderr: %s)", bes[b], pats[p], r.status, r.out,
                         r.err);
            cJSON *params = cJSON_GetObjectItem(j, "params");
            assert_int_equal(cJSON_GetObjectItem(params, "iterations")->valueint, 500);
            assert_int_equal(cJSON_GetObjectItem(params, "tasks")->valueint, 5);
            assert_int_equal(cJSON_GetObjectItem(params, "steps")->valueint, 7);
            assert_string_equal(cJSON_GetObjectItem(params, "pattern")->valuestring, pats[p]);
            assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "verified")));
            /* The team: the pool's grain tasks meet at every barrier, so
             * min(-j, tasks) threads ran it (serial does not count). */
            cJSON *team = cJSON_GetObjectItem(j, "workers_ran");
            if (b == 0)
                assert_true(cJSON_IsNull(team));
            else
                assert_int_equal(team->valueint, 3);
            cJSON_Delete(j);
            par_test_out_free(&r);
        }
    char *env[] = { "PAR_TEST_FAULT=pthread:wrong", NULL };
    struct par_test_out r = POOLMAP_ENV(env, "-b", "pthread", "-w", "grain", "--iterations",
                                        "10", "--steps", "3");
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "grain task"));
    par_test_out_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(help_lists_every_option_and_exits_0),
        cmocka_unit_test(every_bad_input_is_one_line_and_exit_2),
        cmocka_unit_test(grain_runs_verified_and_records_its_sizes),
        cmocka_unit_test(control_characters_in_arguments_are_shown_escaped),
        cmocka_unit_test(a_result_that_cannot_be_written_exits_1),
        cmocka_unit_test(omp_schedule_is_checked_only_where_it_is_used),
        cmocka_unit_test(a_back_end_not_built_says_why_and_exits_2),
        cmocka_unit_test(json_is_one_object_with_the_record_keys),
        cmocka_unit_test(a_wrong_result_is_reported_unverified_with_exit_1),
        cmocka_unit_test(csv_and_text_outputs_agree_on_the_checksum),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
