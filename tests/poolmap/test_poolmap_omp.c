/* poolmap on OpenMP: the worker count from OMP_NUM_THREADS, and the same
 * checksums as serial for every workload. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "ompenv_table.h"
#include "poolmap_run.h"

static void omp_num_threads_10_runs_10_workers_and_says_so(void **state)
{
    (void)state;
    char *env[] = { "OMP_NUM_THREADS=10", NULL };
    struct par_test_out r = POOLMAP_ENV(env, "--items", "5000", "--reps", "1");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "map on omp (threads), 10 workers (from OMP_NUM_THREADS)"));
    assert_non_null(strstr(r.out, "verified  yes"));
    par_test_out_free(&r);
}

/* Every spelling of the libgomp table (tests/support/ompenv_table.h): what
 * libgomp accepts, poolmap runs with, and nothing but our own output
 * appears; what libgomp refuses is our one line and exit 2, with no libgomp
 * line before it. */
static void omp_num_threads_spellings_as_libgomp_reads_them(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof ompenv_threads_rows / sizeof *ompenv_threads_rows; i++) {
        const struct ompenv_threads_row *row = &ompenv_threads_rows[i];
        char var[64], want[80];
        snprintf(var, sizeof var, "OMP_NUM_THREADS=%s", row->value);
        char *env[] = { var, NULL };
        struct par_test_out r = POOLMAP_ENV(env, "--items", "2000", "--reps", "1", "--warmup", "0");
        int ours = row->accepted && row->threads <= 1024;
        snprintf(want, sizeof want, "%ld workers (from OMP_NUM_THREADS)", row->threads);
        if (!row->value[0]) {
            ours = 1;  /* empty: as if unset (libgomp too runs on, with its default) */
            snprintf(want, sizeof want, "workers (from cores)");
        }
        if (ours ? (r.status != 0 || !strstr(r.out, want) || r.err[0])
                 : (r.status != 2 || par_test_lines(r.err) != 1 ||
                    strncmp(r.err, "poolmap: OMP_NUM_THREADS (from the environment)", 47)))
            fail_msg("row %zu: exit %d, stdout '%.80s', stderr '%s'", i, r.status, r.out, r.err);
        par_test_out_free(&r);
    }
}

static void omp_schedule_spellings_as_libgomp_reads_them(void **state)
{
    (void)state;
    static const char *const kinds[] = { "?", "static", "dynamic", "guided", "static" };
    for (size_t i = 0; i < sizeof ompenv_schedule_rows / sizeof *ompenv_schedule_rows; i++) {
        const struct ompenv_schedule_row *row = &ompenv_schedule_rows[i];
        char var[64], want[80];
        snprintf(var, sizeof var, "OMP_SCHEDULE=%s", row->value);
        char *env[] = { var, NULL };
        struct par_test_out r = POOLMAP_ENV(env, "--items", "2000", "--reps", "1", "--warmup", "0");
        int ours = row->accepted && !row->ours_differ;
        snprintf(want, sizeof want, "schedule  %s, ", kinds[row->kind]);
        if (!row->value[0]) {
            ours = 1;  /* empty: as if unset (libgomp too runs on, with its default) */
            snprintf(want, sizeof want, "schedule  static, ");
        }
        if (ours ? (r.status != 0 || !strstr(r.out, want) || r.err[0])
                 : (r.status != 2 || par_test_lines(r.err) != 1 ||
                    strncmp(r.err, "poolmap: OMP_SCHEDULE (from the environment)", 44)))
            fail_msg("row %zu '%s': exit %d, stdout '%.120s', stderr '%s'", i, row->value,
                     r.status, r.out, r.err);
        par_test_out_free(&r);
    }
}

static char *checksum_of(const char *backend, const char *w, const char *j)
{
    const char *items = strcmp(w, "parmap") ? "3000" : "4"; /* parmap: range(1, 5) */
    struct par_test_out r = POOLMAP("--json", "-b", backend, "-w", w, "-j", j, "--items", items,
                                    "--n", "16", "--k", "5", "--reps", "1", "--warmup", "0");
    if (r.status != 0)
        fail_msg("%s %s -j %s: exit %d: %s", backend, w, j, r.status, r.err);
    cJSON *o = cJSON_Parse(r.out);
    assert_non_null(o);
    char *sum = strdup(cJSON_GetObjectItem(o, "checksum")->valuestring);
    cJSON_Delete(o);
    par_test_out_free(&r);
    return sum;
}

static void every_workload_on_omp_has_the_serial_checksum(void **state)
{
    (void)state;
    const char *w[] = { "map", "fib", "parmap", "fibtask" };
    for (size_t i = 0; i < 4; i++) {
        char *ref = checksum_of("serial", w[i], "1");
        char *a = checksum_of("omp", w[i], "2");
        char *b = checksum_of("omp", w[i], "3");
        assert_string_equal(a, ref);
        assert_string_equal(b, ref);
        free(ref);
        free(a);
        free(b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(omp_num_threads_10_runs_10_workers_and_says_so),
        cmocka_unit_test(omp_num_threads_spellings_as_libgomp_reads_them),
        cmocka_unit_test(omp_schedule_spellings_as_libgomp_reads_them),
        cmocka_unit_test(every_workload_on_omp_has_the_serial_checksum),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
