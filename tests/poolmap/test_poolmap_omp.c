/* poolmap on OpenMP: the worker count from OMP_NUM_THREADS, and the same
 * checksums as serial for every workload. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

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
        cmocka_unit_test(every_workload_on_omp_has_the_serial_checksum),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
