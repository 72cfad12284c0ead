/* Every workload x schedule x worker count on the omp back end equals the
 * serial reference. Small sizes: this checks answers, not speed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "grain_check.h"

#include "par_omp.h"
#include "workload.h"

static void check(enum par_workload w, enum par_schedule s, size_t chunk, int workers)
{
    struct par_opts o;
    char msg[256];
    par_opts_init(&o, w, "omp");
    o.items = w == PAR_W_PARMAP ? 37 : 10007;
    o.n = w == PAR_W_FIBTASK ? 22 : 18;
    o.k = 11;
    o.cutoff = 12;
    o.set_mask = PAR_SET_ITEMS | PAR_SET_N | PAR_SET_K | PAR_SET_CUTOFF;
    o.schedule = s;
    o.schedule_set = 1;
    o.chunk = chunk;
    o.chunk_set = 1;
    o.workers = workers;
    o.workers_from = "-j";
    assert_int_equal(par_opts_finish(&o, msg, sizeof msg), 0);
    struct par_workload_data d;
    assert_int_equal(par_workload_prepare(&d, &o, 1), 0);
    if (w == PAR_W_PARMAP) /* keep the list irregular but small enough for a test */
        for (size_t i = 0; i < d.n; i++) {
            d.in[i] = par_parmap_size(i) % 20000;
            d.ref[i] = par_powself_fast(d.in[i]);
        }
    struct par_run run = { .opts = &o, .workers = workers, .is_root = 1 };
    assert_int_equal(par_backend_omp.open(&run), 0);
    if (w == PAR_W_FIBTASK) {
        assert_int_equal(par_backend_omp.tree(&run, d.fib_n, d.cutoff, &d.tree_out), 0);
    } else {
        struct par_map job = { .kernel = d.kernel, .in = d.in, .out = d.out, .n = d.n,
                               .schedule = s, .chunk = chunk };
        assert_int_equal(par_backend_omp.map(&run, &job), 0);
    }
    if (par_workload_verify(&d, msg, sizeof msg))
        fail_msg("%s schedule=%s chunk=%zu workers=%d: %s", par_workload_name(w),
                 par_schedule_name(s), chunk, workers, msg);
    par_backend_omp.close(&run);
    par_workload_free(&d);
}

static void every_workload_schedule_and_worker_count_equals_serial(void **state)
{
    (void)state;
    const int workers[] = { 1, 2, 3, 7 };
    const size_t chunks[] = { 0, 1, 64 };
    for (int w = 0; w < PAR_W_GRAIN; w++) /* grain: its own test below */
        for (int s = PAR_SCHED_STATIC; s <= PAR_SCHED_GUIDED; s++)
            for (size_t c = 0; c < 3; c++)
                for (size_t j = 0; j < 4; j++)
                    check((enum par_workload)w, (enum par_schedule)s, chunks[c], workers[j]);
}

static void fibtask_with_cutoff_at_n_runs_serially_and_is_right(void **state)
{
    (void)state;
    struct par_opts o;
    par_opts_init(&o, PAR_W_FIBTASK, "omp");
    struct par_run run = { .opts = &o, .workers = 2, .is_root = 1 };
    int64_t r = 0;
    assert_int_equal(par_backend_omp.tree(&run, 20, 20, &r), 0);
    assert_int_equal(r, 6765);
    assert_int_equal(par_backend_omp.tree(&run, 20, 1, &r), 0);
    assert_int_equal(r, 6765);
}

static void version_string_names_the_openmp_release(void **state)
{
    (void)state;
    assert_non_null(par_omp_version());
    assert_true(par_omp_version()[0] >= '2' && par_omp_version()[0] <= '9');
}

static void grain_equals_serial_for_both_patterns_and_worker_counts(void **state)
{
    (void)state;
    const int workers[] = { 1, 2, 3, 5 };
    for (size_t w = 0; w < 4; w++) {
        struct par_opts o;
        par_opts_init(&o, PAR_W_GRAIN, "omp");
        struct par_run run = { .opts = &o, .workers = workers[w], .is_root = 1 };
        char msg[512] = "";
        assert_int_equal(par_backend_omp.open(&run), 0);
        int ok = par_test_grain_matches_serial(&par_backend_omp, &run, msg, sizeof msg);
        par_backend_omp.close(&run);
        if (!ok)
            fail_msg("%s", msg);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_workload_schedule_and_worker_count_equals_serial),
        cmocka_unit_test(fibtask_with_cutoff_at_n_runs_serially_and_is_right),
        cmocka_unit_test(version_string_names_the_openmp_release),
        cmocka_unit_test(grain_equals_serial_for_both_patterns_and_worker_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
