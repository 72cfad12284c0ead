/* parcompare's task-size sweep: the advice table and the METG section built
 * from a doctored results.json "grain" object (no timing involved), and the
 * sweep as a user runs it with one back end forced to fail (the others
 * still run; nothing here depends on how fast anything is). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <cJSON.h>

#include "../../apps/parcompare/grain_report.h"
#include "run.h"

/* A sweep entry with the given METG result. */
static const char *entry(char *buf, size_t len, const char *be, const char *kind,
                         const char *pat, const char *status, double metg_us, double smallest)
{
    snprintf(buf, len, "{\"backend\":\"%s\",\"kind\":\"%s\",\"pattern\":\"%s\",\"points\":[],"
             "\"stopped\":\"efficiency below 10 %%\",\"metg\":{\"status\":\"%s\",\"metg_us\":%g,"
             "\"smallest_us\":%g,\"text\":\"%s %g\"}}", be, kind, pat, status, metg_us,
             smallest, status, metg_us);
    return buf;
}

static cJSON *doctored(void)
{
    char e[8][400], json[4096];
    snprintf(json, sizeof json,
             "{\"workers\":2,\"tasks_per_step\":2,\"factor\":2,\"reps\":11,\"sweeps\":"
             "[%s,%s,%s,%s,%s,%s,%s,%s]}",
             entry(e[0], 400, "pthread", "threads", "stencil", "ok", 2, 0.5),
             entry(e[1], 400, "omp", "threads", "stencil", "ok", 10, 0.5),
             entry(e[2], 400, "proc", "processes", "stencil", "ok", 400, 50),
             entry(e[3], 400, "mpi", "processes", "stencil", "ok", 100, 0.5),
             entry(e[4], 400, "pthread", "threads", "none", "ok", 5, 0.5),
             entry(e[5], 400, "omp", "threads", "none", "always", 0, 0.7),
             entry(e[6], 400, "proc", "processes", "none", "never", 0, 80),
             entry(e[7], 400, "mpi", "processes", "none", "rejected", 0, 0.5));
    cJSON *j = cJSON_Parse(json);
    assert_non_null(j);
    return j;
}

static char *advice(const cJSON *g, const char *pat, int *rows)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    *rows = par__grain_advice(f, g, pat);
    fclose(f);
    return text;
}

static void advice_table_reads_any_then_fewer_then_serial(void **state)
{
    (void)state;
    cJSON *g = doctored();
    int rows;
    char *t = advice(g, "stencil", &rows);
    assert_int_equal(rows, 5);
    const char *want[] = {
        "| at least 400 µs | any back end (proc, mpi, omp, pthread) |",
        "| 100 to 400 µs | mpi, omp, pthread |",
        "| 10 to 100 µs | threads only: omp, pthread |",
        "| 2 to 10 µs | threads only: pthread |",
        "| below 2 µs | serial: no back end reaches 50 % |",
    };
    for (size_t i = 0; i < 5; i++)
        if (!strstr(t, want[i]))
            fail_msg("advice lacks '%s':\n%s", want[i], t);
    free(t);
    cJSON_Delete(g);
}

/* Back ends that never reach 50 % (or whose sweep was rejected) are named;
 * one that was still above 50 % at the smallest task bounds the table. */
static void advice_names_the_back_ends_that_never_reach_50(void **state)
{
    (void)state;
    cJSON *g = doctored();
    int rows;
    char *t = advice(g, "none", &rows);
    const char *want[] = {
        ("| at least 5 µs | every back end but proc, mpi (pthread, omp) — those never reached "
         "50 % |"),
        "| 0.7 to 5 µs | threads only: omp |",
        "| below 0.7 µs | not measured: omp still reached 50 % at the smallest task swept |",
    };
    for (size_t i = 0; i < 3; i++)
        if (!strstr(t, want[i]))
            fail_msg("advice lacks '%s':\n%s", want[i], t);
    free(t);
    assert_int_equal(rows, 3);
    t = advice(g, "ring", &rows);   /* no sweep of that pattern */
    assert_int_equal(rows, 0);
    assert_string_equal(t, "");
    free(t);
    cJSON_Delete(g);
}

static void report_section_lists_every_sweep_and_both_advice_tables(void **state)
{
    (void)state;
    cJSON *g = doctored();
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    const char plots[2][64] = { "speedup-fib.png", "grain-stencil.png" };
    par__grain_report(f, g, plots, 2);
    fclose(f);
    assert_non_null(strstr(text, "## Task granularity: METG(50 %)"));
    assert_non_null(strstr(text, "| proc | none | never 0 |"));
    assert_non_null(strstr(text, "| stencil: task size |"));
    assert_non_null(strstr(text, "| none: task size |"));
    assert_non_null(strstr(text, "![grain-stencil.png](grain-stencil.png)"));
    assert_null(strstr(text, "speedup-fib.png"));
    free(text);
    cJSON_Delete(g);
}

/* ---- the program --------------------------------------------------------- */

static struct par_test_out parcompare(char *const env[], char *const args[])
{
    char *argv[24];
    int n = 0;
    argv[n++] = (char *)par_test_bin("parcompare");
    for (; *args && n < 23; args++)
        argv[n++] = *args;
    argv[n] = NULL;
    struct par_test_out r;
    if (par_test_run(argv, env, NULL, 300, &r))
        fail_msg("could not run parcompare");
    return r;
}

/* proc fails at its first point; pthread's sweep runs to its end anyway,
 * every pthread point verified; the failure is in the files and the exit. */
static void a_back_end_failing_mid_sweep_leaves_the_others_running(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_pc_grain_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *env[] = { "PAR_TEST_FAULT=proc:fail", NULL };
    char *args[] = { "--grain", "--backends", "pthread,proc", "--out", dir, NULL };
    struct par_test_out r = parcompare(env, args);
    if (r.status != 1)
        fail_msg("exit %d\n%s\n%s", r.status, r.out, r.err);
    assert_non_null(strstr(r.out, "METG(50 %)"));
    char path[400];
    snprintf(path, sizeof path, "%s/results.json", dir);
    char *text = par_test_slurp(path);
    assert_non_null(text);
    cJSON *j = cJSON_Parse(text);
    assert_non_null(j);
    cJSON *sweeps = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "grain"), "sweeps"), *s;
    int pthread_points = 0, proc_failed = 0;
    cJSON_ArrayForEach(s, sweeps) {
        const char *be = cJSON_GetObjectItem(s, "backend")->valuestring;
        const char *stop = cJSON_GetStringValue(cJSON_GetObjectItem(s, "stopped"));
        cJSON *p;
        cJSON_ArrayForEach(p, cJSON_GetObjectItem(s, "points")) {
            if (strcmp(be, "pthread") == 0) {
                assert_string_equal(cJSON_GetObjectItem(p, "status")->valuestring, "ok");
                pthread_points++;
            }
        }
        if (strcmp(be, "proc") == 0) {
            assert_non_null(stop);
            assert_non_null(strstr(stop, "failed at I="));
            assert_non_null(strstr(stop, "injected failure"));
            proc_failed++;
        }
        assert_non_null(cJSON_GetObjectItem(s, "metg"));
    }
    assert_int_equal(proc_failed, 2);   /* both patterns */
    assert_true(pthread_points >= 2);   /* at least one per pattern */
    cJSON_Delete(j);
    free(text);
    snprintf(path, sizeof path, "%s/report.md", dir);
    text = par_test_slurp(path);
    assert_non_null(text);
    assert_non_null(strstr(text, "## Task granularity: METG(50 %)"));
    assert_non_null(strstr(text, "| stencil: task size |"));
    free(text);
    par_test_out_free(&r);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void grain_flags_in_conflict_are_one_line_and_exit_2(void **state)
{
    (void)state;
    char *a1[] = { "--grain", "--no-grain", NULL };
    char *a2[] = { "--workloads", "fib,grain", NULL };
    char *const *cases[] = { a1, a2 };
    const char *needles[] = { "--grain and --no-grain: choose one", "--grain sweeps it" };
    for (int i = 0; i < 2; i++) {
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
        cmocka_unit_test(advice_table_reads_any_then_fewer_then_serial),
        cmocka_unit_test(advice_names_the_back_ends_that_never_reach_50),
        cmocka_unit_test(report_section_lists_every_sweep_and_both_advice_tables),
        cmocka_unit_test(grain_flags_in_conflict_are_one_line_and_exit_2),
        cmocka_unit_test(a_back_end_failing_mid_sweep_leaves_the_others_running),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
