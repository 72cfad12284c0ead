/* bench_task_overhead as a user runs it: every row on a tiny run (the
 * benchmark checks each run's task count and exits 1 if one was lost, so
 * exit 0 means every task of every run was counted exactly once), and its
 * usage errors. No verdict depends on the times it prints.
 *
 *   test_bench_task_overhead        the par_pool and GLib rows
 *   test_bench_task_overhead omp    the libgomp row (label omp: not run
 *                                   under TSan, which does not see
 *                                   libgomp's synchronisation) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "run.h"

static const char *bench_path(void)
{
    static char path[4096];
    const char *dir = getenv("PAR_BENCH_DIR");
    if (!dir)
        fail_msg("PAR_BENCH_DIR is not set (run through ctest)");
    snprintf(path, sizeof path, "%s/bench_task_overhead", dir);
    return path;
}

static struct par_test_out run_bench_reps(const char *reps, const char *a1, const char *a2,
                                          const char *a3, const char *a4)
{
    char *argv[] = { (char *)bench_path(), "--tasks", "3000", "--reps", (char *)reps,
                     "--idle-seconds", "0", (char *)a1, (char *)a2, (char *)a3, (char *)a4,
                     NULL };
    struct par_test_out r;
    assert_int_equal(par_test_run(argv, NULL, NULL, 120, &r), 0);
    return r;
}

static struct par_test_out run_bench(const char *a1, const char *a2, const char *a3,
                                     const char *a4)
{
    return run_bench_reps("3", a1, a2, a3, a4);
}

/* One row: exit 0 (its counts were exact) and its line with a median. */
static void expect_row(const char *only, const char *row)
{
    struct par_test_out r = run_bench("--only", only, NULL, NULL);
    if (r.status != 0)
        fail_msg("--only %s: exit %d, stderr: %s", only, r.status, r.err);
    const char *line = strstr(r.out, row);
    if (!line)
        fail_msg("--only %s: no '%s' row in:\n%s", only, row, r.out);
    if (!strstr(line, "ns/task") && !strstr(line, "skipped"))
        fail_msg("--only %s: row without a figure: %s", only, line);
    par_test_out_free(&r);
}

static void every_pool_row_counts_its_tasks_exactly(void **state)
{
    (void)state;
    expect_row("futures", "par_pool, future per task");
    expect_row("join", "par_pool, submit + join");
    expect_row("nested", "par_pool, nested futures");
    expect_row("group", "par_pool, task group");
    expect_row("glib", "GLib GThreadPool");
    expect_row("serial", "serial loop, no pool");
}

/* The line of `row` in out (up to its newline), or a failure. */
static const char *line_of(const char *out, const char *row, char *buf, size_t size)
{
    const char *l = strstr(out, row);
    if (!l)
        fail_msg("no '%s' line in:\n%s", row, out);
    size_t len = strcspn(l, "\n");
    snprintf(buf, size, "%.*s", (int)(len < size ? len : size - 1), l);
    return buf;
}

/* Rows run in rounds; with 6 runs each gets a confidence interval, and each
 * of our rows a paired ratio against the peer, with its interval. The
 * verdict word after it depends on the times: not checked. (The pairing
 * and the verdict's rule are tested with injected samples in
 * tests/common/test_ci.c.) */
static void expect_ratio_against(const char *peer_key, const char *peer_title)
{
    char only[64];
    snprintf(only, sizeof only, "futures,join,%s", peer_key);
    struct par_test_out r = run_bench_reps("6", "--only", only, NULL, NULL);
    if (r.status != 0)
        fail_msg("--only %s: exit %d, stderr: %s", only, r.status, r.err);
    char buf[256];
    if (strstr(line_of(r.out, peer_title + strlen("time of "), buf, sizeof buf), "skipped")) {
        par_test_out_free(&r);
        skip();   /* the peer was not found at configure time */
    }
    const char *row = line_of(r.out, "par_pool, future per task", buf, sizeof buf);
    if (!strstr(row, "ns/task  95% CI ["))
        fail_msg("row without its interval: %s", row);
    const char *head = strstr(r.out, peer_title);
    if (!head || !(head = strstr(head, "in the same round")))
        fail_msg("no ratio section for %s in:\n%s", peer_title, r.out);
    const char *ratio = line_of(head, "par_pool, submit + join", buf, sizeof buf);
    double q = 0, lo = 0, hi = 0;
    if (sscanf(ratio + strlen("par_pool, submit + join"), " %lf 95%% CI [%lf, %lf]", &q, &lo,
               &hi) != 3)
        fail_msg("ratio line not 'ratio  95%% CI [low, high]': %s", ratio);
    if (!(lo > 0 && lo <= q && q <= hi))
        fail_msg("ratio outside its own interval: %s", ratio);
    par_test_out_free(&r);
}

static void our_rows_get_a_paired_ratio_against_glib(void **state)
{
    (void)state;
    expect_ratio_against("glib", "time of GLib GThreadPool");
}

static void our_rows_get_a_paired_ratio_against_libgomp(void **state)
{
    (void)state;
    expect_ratio_against("omp", "time of OpenMP tasks (libgomp)");
}

/* With fewer than 6 runs there is no 95 % interval: it says so. */
static void too_few_runs_say_the_interval_is_not_available(void **state)
{
    (void)state;
    struct par_test_out r = run_bench("--only", "join", NULL, NULL);
    assert_int_equal(r.status, 0);
    char buf[256];
    const char *row = line_of(r.out, "par_pool, submit + join", buf, sizeof buf);
    if (!strstr(row, "95% CI n/a"))
        fail_msg("3 runs, yet: %s", row);
    par_test_out_free(&r);
}

static void the_libgomp_row_counts_its_tasks_exactly(void **state)
{
    (void)state;
    expect_row("omp", "OpenMP tasks");
}

static void expect_usage_error(struct par_test_out r, const char *needle)
{
    if (r.status != 2)
        fail_msg("expected exit 2 for '%s', got %d (stderr: %s)", needle, r.status, r.err);
    assert_string_equal(r.out, "");
    assert_int_equal(par_test_lines(r.err), 1);
    if (!strstr(r.err, needle))
        fail_msg("stderr '%s' lacks '%s'", r.err, needle);
    par_test_out_free(&r);
}

static void bad_input_is_one_line_and_exit_2(void **state)
{
    (void)state;
    expect_usage_error(run_bench("--tasks", "0", NULL, NULL), "--tasks");
    expect_usage_error(run_bench("--reps", "x", NULL, NULL), "--reps");
    expect_usage_error(run_bench("--only", "gcd", NULL, NULL), "usage:");
    expect_usage_error(run_bench("--frobnicate", NULL, NULL, NULL), "usage:");
    expect_usage_error(run_bench("--only", "futures,gcd", NULL, NULL), "usage:");
    expect_usage_error(run_bench("--only", "futures,", NULL, NULL), "usage:");
    expect_usage_error(run_bench("--only", "join", "--only", "futures"), "usage:");
}

int main(int argc, char **argv)
{
    const struct CMUnitTest pools[] = {
        cmocka_unit_test(every_pool_row_counts_its_tasks_exactly),
        cmocka_unit_test(our_rows_get_a_paired_ratio_against_glib),
        cmocka_unit_test(too_few_runs_say_the_interval_is_not_available),
        cmocka_unit_test(bad_input_is_one_line_and_exit_2),
    };
    const struct CMUnitTest omp[] = {
        cmocka_unit_test(the_libgomp_row_counts_its_tasks_exactly),
        cmocka_unit_test(our_rows_get_a_paired_ratio_against_libgomp),
    };
    if (argc > 1 && strcmp(argv[1], "omp") == 0)
        return cmocka_run_group_tests(omp, NULL, NULL);
    return cmocka_run_group_tests(pools, NULL, NULL);
}
