/* The "proc" back end through the contract the driver uses: every workload
 * under every schedule and a few worker counts gives the serial answer, and
 * the fib splitter covers the whole recursion tree. Small sizes: answers,
 * not speed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <errno.h>
#include <cmocka.h>

#include "backend.h"
#include "error.h"
#include "fibsplit.h"
#include "grain_check.h"
#include "workload.h"

extern const struct par_backend par_backend_proc;

struct sizes {
    size_t items;
    int n, k, cutoff;
};

/* Opens the back end once and runs one workload under each schedule and a
 * few chunk sizes on it, verifying every answer. */
static void run_all_schedules(enum par_workload w, int workers)
{
    const struct sizes sz = { w == PAR_W_PARMAP ? 29 : 5003, w == PAR_W_FIBTASK ? 24 : 17, 9, 14 };
    struct par_opts o;
    char msg[256];
    par_opts_init(&o, w, "proc");
    o.items = sz.items;
    o.n = sz.n;
    o.k = sz.k;
    o.cutoff = sz.cutoff;
    o.set_mask = PAR_SET_ITEMS | PAR_SET_N | PAR_SET_K | PAR_SET_CUTOFF;
    o.workers = workers;
    o.workers_from = "-j";
    assert_int_equal(par_opts_finish(&o, msg, sizeof msg), 0);
    struct par_workload_data d;
    assert_int_equal(par_workload_prepare(&d, &o, 1), 0);
    if (w == PAR_W_PARMAP) /* a smaller irregular list: powself of up to 5e4 */
        for (size_t i = 0; i < d.n; i++) {
            d.in[i] = par_parmap_size(i) % 50000;
            d.ref[i] = par_powself_fast(d.in[i]);
        }
    struct par_run run = { .opts = &o, .workers = workers, .is_root = 1 };
    assert_int_equal(par_backend_proc.open(&run), 0);
    assert_int_equal(run.workers, workers);
    const size_t chunks[] = { 0, 1, 100 };
    for (int s = PAR_SCHED_STATIC; s <= PAR_SCHED_GUIDED; s++) {
        for (size_t c = 0; c < sizeof chunks / sizeof *chunks; c++) {
            par_workload_reset(&d);
            int rc;
            if (w == PAR_W_FIBTASK) {
                rc = par_backend_proc.tree(&run, d.fib_n, d.cutoff, &d.tree_out);
            } else {
                struct par_map job = { .kernel = d.kernel, .in = d.in, .out = d.out, .n = d.n,
                                       .schedule = (enum par_schedule)s, .chunk = chunks[c] };
                rc = par_backend_proc.map(&run, &job);
            }
            if (rc)
                fail_msg("%s: %s", par_strerror(rc), run.errmsg);
            if (par_workload_verify(&d, msg, sizeof msg))
                fail_msg("%s on %d workers, schedule %s, chunk %zu: %s", par_workload_name(w),
                         workers, par_schedule_name((enum par_schedule)s), chunks[c], msg);
        }
    }
    par_backend_proc.close(&run);
    par_workload_free(&d);
    errno = 0;
    assert_int_equal(waitpid(-1, NULL, WNOHANG), -1); /* close reaped every worker */
}

static void every_workload_and_schedule_equals_serial_on_1_2_and_5_workers(void **state)
{
    (void)state;
    const int workers[] = { 1, 2, 5 };
    for (int w = 0; w < PAR_W_GRAIN; w++) /* grain: its own test below */
        for (size_t j = 0; j < sizeof workers / sizeof *workers; j++)
            run_all_schedules((enum par_workload)w, workers[j]);
}

static int64_t sum_fib(const int64_t *v, size_t n)
{
    int64_t s = 0;
    for (size_t i = 0; i < n; i++)
        s += par_fib_fast((int)v[i]);
    return s;
}

static void fib_split_leaves_sum_to_fib_n_largest_first(void **state)
{
    (void)state;
    int64_t *v;
    size_t n;
    int depth;
    assert_int_equal(par_fib_split(30, 10, 16, &v, &n, &depth), 0);
    assert_true(n >= 16);
    assert_int_equal(depth, 4); /* 1, 2, 4, 8, 16 leaves */
    assert_int_equal(sum_fib(v, n), par_fib_fast(30));
    for (size_t i = 1; i < n; i++)
        assert_true(v[i - 1] >= v[i]);
    free(v);
    /* The cutoff stops the unrolling: nothing below it is split. */
    assert_int_equal(par_fib_split(20, 20, 1000, &v, &n, &depth), 0);
    assert_int_equal(n, 2); /* 20 -> 19, 18, both below the cutoff */
    assert_int_equal(sum_fib(v, n), par_fib_fast(20));
    free(v);
    assert_int_equal(par_fib_split(2, 1, 8, &v, &n, &depth), 0);
    assert_int_equal(n, 1);
    assert_int_equal(depth, 0);
    free(v);
    assert_int_equal(par_fib_split(0, 1, 8, &v, &n, NULL), PAR_EINVAL);
    assert_int_equal(par_fib_split(93, 1, 8, &v, &n, NULL), PAR_EINVAL);
}

static void grain_equals_serial_for_both_patterns_and_worker_counts(void **state)
{
    (void)state;
    const int workers[] = { 1, 2, 5 };
    for (size_t w = 0; w < 3; w++) {
        struct par_opts o;
        par_opts_init(&o, PAR_W_GRAIN, "proc");
        struct par_run run = { .opts = &o, .workers = workers[w], .is_root = 1 };
        char msg[512] = "";
        assert_int_equal(par_backend_proc.open(&run), 0);
        int ok = par_test_grain_matches_serial(&par_backend_proc, &run, msg, sizeof msg);
        par_backend_proc.close(&run);
        if (!ok)
            fail_msg("%s", msg);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_workload_and_schedule_equals_serial_on_1_2_and_5_workers),
        cmocka_unit_test(fib_split_leaves_sum_to_fib_n_largest_first),
        cmocka_unit_test(grain_equals_serial_for_both_patterns_and_worker_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
