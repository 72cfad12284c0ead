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

static struct par_test_out run_bench(const char *a1, const char *a2, const char *a3,
                                     const char *a4)
{
    char *argv[] = { (char *)bench_path(), "--tasks", "3000", "--reps", "3", "--idle-seconds",
                     "0", (char *)a1, (char *)a2, (char *)a3, (char *)a4, NULL };
    struct par_test_out r;
    assert_int_equal(par_test_run(argv, NULL, NULL, 120, &r), 0);
    return r;
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
}

int main(int argc, char **argv)
{
    const struct CMUnitTest pools[] = {
        cmocka_unit_test(every_pool_row_counts_its_tasks_exactly),
        cmocka_unit_test(bad_input_is_one_line_and_exit_2),
    };
    const struct CMUnitTest omp[] = {
        cmocka_unit_test(the_libgomp_row_counts_its_tasks_exactly),
    };
    if (argc > 1 && strcmp(argv[1], "omp") == 0)
        return cmocka_run_group_tests(omp, NULL, NULL);
    return cmocka_run_group_tests(pools, NULL, NULL);
}
