/* parcompare's overhead suite: the report's appendix built from a doctored
 * results.json "overhead" object (no timing involved), and the program with
 * one back end's suite forced to fail (the others are still reported) and
 * the flags that turn the suite and the sweep on and off. Nothing here
 * depends on how fast anything is: only which rows and lines exist. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <cJSON.h>

#include "../../apps/parcompare/overhead_report.h"
#include "run.h"

static const char doctored_json[] =
    "{\"workers\":2,\"samples\":11,\"method\":\"EPCC (doctored)\",\"backends\":["
    "{\"backend\":\"pthread\",\"status\":\"ok\",\"rows\":["
    "{\"op\":\"round trip\",\"backend\":\"pthread\",\"what\":\"one pool future\","
    "\"median_s\":9.6e-6,\"low_s\":8.78e-6,\"high_s\":9.92e-6,\"inner_reps\":256},"
    "{\"op\":\"fork/join\",\"backend\":\"pthread\",\"what\":\"map\","
    "\"median_s\":2e-5,\"low_s\":1.76e-5,\"high_s\":2.06e-5,\"inner_reps\":128}]},"
    "{\"backend\":\"omp\",\"status\":\"failed\",\"why\":\"exit 1: lost tasks\","
    "\"command\":\"bench_overhead --backend omp\",\"rows\":["
    "{\"op\":\"fork/join\",\"backend\":\"omp\",\"what\":\"empty parallel region\","
    "\"median_s\":3.12e-6,\"low_s\":3.01e-6,\"high_s\":3.33e-6,\"inner_reps\":1024}]},"
    "{\"backend\":\"gil\",\"status\":\"not measured\",\"why\":\"the pool plus a lock\"},"
    "{\"backend\":\"mpi\",\"status\":\"unavailable\",\"why\":\"mpirun was not found\"},"
    "{\"backend\":\"proc\",\"status\":\"ok\",\"rows\":["
    "{\"op\":\"teleport\",\"backend\":\"proc\",\"what\":\"a newer suite's row\","
    "\"median_s\":1e-3,\"low_s\":9e-4,\"high_s\":1.1e-3,\"inner_reps\":8}]}]}";

/* What fn writes, in a buffer the caller frees (through a temporary file:
 * gcc 12 takes open_memstream's buffer for a dangling local). */
static char *render(void (*fn)(FILE *, const cJSON *), const cJSON *o)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    fn(f, o);
    long n = ftell(f);
    assert_true(n >= 0);
    rewind(f);
    char *text = malloc((size_t)n + 1);
    assert_non_null(text);
    assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
    text[n] = '\0';
    fclose(f);
    return text;
}

static const char *after(const char *hay, const char *needle)
{
    const char *p = strstr(hay, needle);
    if (!p)
        fail_msg("lacks '%s' in:\n%s", needle, hay);
    return p;
}

/* Rows by operation (fork/join of every back end before any round trip),
 * then unknown operations; one line per back end without a clean run, a
 * failed one's kept rows said to be kept. */
static void appendix_orders_rows_and_names_every_back_end_without_rows(void **state)
{
    (void)state;
    cJSON *o = cJSON_Parse(doctored_json);
    assert_non_null(o);
    char *t = render(par__overhead_report, o);
    const char *p = after(t, "## Appendix: overheads of every back end");
    after(p, "2 workers (MPI: 2 ranks) and 11 samples");
    after(p, "Method (EPCC (doctored))");
    p = after(p, "| fork/join | pthread | 20 | [17.6, 20.6] | 128 | map |");
    p = after(p, "| fork/join | omp | 3.12 | [3.01, 3.33] | 1024 | empty parallel region |");
    p = after(p, "| round trip | pthread | 9.6 | [8.78, 9.92] | 256 | one pool future |");
    p = after(p, "| teleport | proc | 1000 | [900, 1100] | 8 | a newer suite's row |");
    after(p, "- omp: **failed**: exit 1: lost tasks (the rows it printed before are kept above)");
    after(p, "`bench_overhead --backend omp`");
    after(p, "- gil: not measured: the pool plus a lock\n");
    after(p, "- mpi: unavailable: mpirun was not found\n");
    assert_null(strstr(t, "- pthread:"));
    assert_null(strstr(t, "- proc:"));
    free(t);
    cJSON_Delete(o);
}

static void no_suite_no_appendix_and_no_rows_said(void **state)
{
    (void)state;
    char *t = render(par__overhead_report, NULL);
    assert_string_equal(t, "");
    free(t);
    cJSON *o = cJSON_Parse("{\"workers\":2,\"samples\":11,\"backends\":["
                           "{\"backend\":\"omp\",\"status\":\"unavailable\",\"why\":\"x\"}]}");
    t = render(par__overhead_report, o);
    after(t, "No back end was measured.");
    after(t, "- omp: unavailable: x");
    free(t);
    cJSON_Delete(o);
}

/* ---- the program --------------------------------------------------------- */

/* dir/name's text (the caller frees it); fails the test when missing. */
static char *read_in(const char *dir, const char *name)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *text = par_test_slurp(path);
    if (!text)
        fail_msg("%s is missing", path);
    return text;
}

static void remove_tree(const char *dir)
{
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static struct par_test_out parcompare(char *const env[], char *const args[])
{
    char *argv[32];
    int n = 0;
    argv[n++] = (char *)par_test_bin("parcompare");
    for (; *args && n < 31; args++)
        argv[n++] = *args;
    argv[n] = NULL;
    struct par_test_out r;
    if (par_test_run(argv, env, NULL, 280, &r))
        fail_msg("could not run parcompare");
    return r;
}

static const cJSON *entry_of(const cJSON *overhead, const char *be)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(overhead, "backends"))
        if (!strcmp(cJSON_GetObjectItem(e, "backend")->valuestring, be))
            return e;
    return NULL;
}

/* proc's suite fails at once; pthread's still runs and every one of its
 * five operations is in results.json and the appendix; gil has its line;
 * the failure is in the exit status and on stderr in one line. */
static void a_failing_back_end_leaves_the_others_reported(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_pc_overhead_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *env[] = { "PAR_TEST_FAULT=proc:fail", NULL };
    char *args[] = { "--workloads", "fib", "--backends", "pthread,proc,gil", "--workers", "1",
                     "--n", "12", "--k", "2", "--reps", "1", "--warmup", "0", "--no-story",
                     "--overhead", "--out", dir, NULL };
    struct par_test_out r = parcompare(env, args);
    if (r.status != 1)
        fail_msg("exit %d\n%s\n%s", r.status, r.out, r.err);
    if (par_test_count(r.err, "overheads proc") != 1 ||
        !strstr(r.err, "injected failure (PAR_TEST_FAULT)"))
        fail_msg("stderr lacks the one line for proc:\n%s", r.err);
    assert_non_null(strstr(r.out, "Overheads of every back end"));
    char *text = read_in(dir, "results.json");
    cJSON *j = cJSON_Parse(text);
    assert_non_null(j);
    const cJSON *o = cJSON_GetObjectItem(j, "overhead");
    assert_non_null(o);
    const cJSON *pt = entry_of(o, "pthread"), *pr = entry_of(o, "proc"), *gil = entry_of(o, "gil");
    assert_non_null(pt);
    assert_non_null(pr);
    assert_non_null(gil);
    assert_null(entry_of(o, "serial"));
    assert_string_equal(cJSON_GetObjectItem(pt, "status")->valuestring, "ok");
    assert_string_equal(cJSON_GetObjectItem(pr, "status")->valuestring, "failed");
    assert_non_null(strstr(cJSON_GetObjectItem(pr, "why")->valuestring, "injected failure"));
    assert_string_equal(cJSON_GetObjectItem(gil, "status")->valuestring, "not measured");
    const char *want[] = { "fork/join", "barrier", "empty task", "map item", "round trip" };
    for (int i = 0; i < 5; i++) {
        int found = 0;
        const cJSON *row;
        cJSON_ArrayForEach(row, cJSON_GetObjectItem(pt, "rows")) {
            if (strcmp(cJSON_GetObjectItem(row, "op")->valuestring, want[i]))
                continue;
            found++;
            /* a number with its interval around it, whatever its size */
            double m = cJSON_GetObjectItem(row, "median_s")->valuedouble;
            assert_true(cJSON_GetObjectItem(row, "low_s")->valuedouble <= m);
            assert_true(cJSON_GetObjectItem(row, "high_s")->valuedouble >= m);
            assert_true(cJSON_GetObjectItem(row, "inner_reps")->valuedouble >= 8);
        }
        if (found != 1)
            fail_msg("pthread has %d '%s' rows", found, want[i]);
    }
    cJSON_Delete(j);
    free(text);
    text = read_in(dir, "report.md");
    const char *p = after(text, "## Appendix: overheads of every back end");
    after(p, "| round trip | pthread |");
    after(p, "- proc: **failed**: exit 1: bench_overhead: proc: injected failure");
    after(p, "- gil: not measured:");
    free(text);
    par_test_out_free(&r);
    remove_tree(dir);
}

/* A parcompare whose folder holds poolmap but no bench_overhead (beside it
 * or in ../bench): one line says the suite is skipped and why, the matrix
 * runs, and the appendix lists the back end as unavailable. */
static void no_suite_program_is_one_line_and_the_rest_runs(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_pc_nosuite_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char bin[64], link[96], out[96];
    snprintf(bin, sizeof bin, "%s/bin", dir);
    assert_int_equal(mkdir(bin, 0755), 0);
    snprintf(link, sizeof link, "%s/poolmap", bin);
    assert_int_equal(symlink(par_test_bin("poolmap"), link), 0);
    snprintf(out, sizeof out, "%s/out", dir);
    char *args[] = { "--bin-dir", bin, "--workloads", "fib", "--backends", "pthread", "--workers",
                     "1", "--n", "12", "--k", "2", "--reps", "1", "--warmup", "0", "--no-story",
                     "--overhead", "--out", out, NULL };
    struct par_test_out r = parcompare(NULL, args);
    if (r.status != 0)
        fail_msg("exit %d\n%s\n%s", r.status, r.out, r.err);
    if (par_test_count(r.err, "skipping the overhead suite: bench_overhead was not found") != 1)
        fail_msg("stderr lacks the one line:\n%s", r.err);
    char *text = read_in(out, "report.md");
    const char *p = after(text, "## Appendix: overheads of every back end");
    after(p, "No back end was measured.");
    after(p, "- pthread: unavailable: bench_overhead was not found");
    free(text);
    par_test_out_free(&r);
    remove_tree(dir);
}

static void suite_and_sweep_flags_in_conflict_are_one_line_and_exit_2(void **state)
{
    (void)state;
    char *a1[] = { "--overhead", "--no-overhead", NULL };
    char *a2[] = { "--nodes", "1", "--grain", NULL };
    char *a3[] = { "--nodes", "1", "--overhead", NULL };
    char *const *cases[] = { a1, a2, a3 };
    const char *needles[] = { "--overhead and --no-overhead: choose one",
                              "--grain and --nodes: the task-size sweep runs on one node",
                              "--overhead and --nodes: the overhead suite runs on one node" };
    for (int i = 0; i < 3; i++) {
        struct par_test_out r = parcompare(NULL, cases[i]);
        assert_int_equal(r.status, 2);
        assert_int_equal(par_test_count(r.err, "\n"), 1);
        if (!strstr(r.err, needles[i]))
            fail_msg("stderr '%s' lacks '%s'", r.err, needles[i]);
        par_test_out_free(&r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(appendix_orders_rows_and_names_every_back_end_without_rows),
        cmocka_unit_test(no_suite_no_appendix_and_no_rows_said),
        cmocka_unit_test(suite_and_sweep_flags_in_conflict_are_one_line_and_exit_2),
        cmocka_unit_test(a_failing_back_end_leaves_the_others_reported),
        cmocka_unit_test(no_suite_program_is_one_line_and_the_rest_runs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
