/* The "pthread" and "gil" back ends against the serial answers: map with
 * every schedule and chunk choice, tree with several cutoffs, bad input. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "backend.h"
#include "error.h"
#include "grain_check.h"
#include "kernels.h"
#include "options.h"

extern const struct par_backend par_backend_pthread;
extern const struct par_backend par_backend_gil;

struct fixture {
    struct par_opts opts;
    struct par_run run;
};

static void open_backend(struct fixture *fx, const struct par_backend *be, int workers)
{
    par_opts_init(&fx->opts, PAR_W_MAP, be->name);
    fx->opts.switch_interval = 0.001;
    memset(&fx->run, 0, sizeof fx->run);
    fx->run.opts = &fx->opts;
    fx->run.workers = workers;
    fx->run.is_root = 1;
    assert_int_equal(be->open(&fx->run), 0);
}

static void check_map(const struct par_backend *be, int workers)
{
    struct fixture fx;
    open_backend(&fx, be, workers);
    enum { N = 5003 };
    static int64_t in[N], out[N];
    const enum par_kernel_id kernels[] = { PAR_K_SQUARE, PAR_K_FIB, PAR_K_POWSELF };
    const enum par_schedule scheds[] = { PAR_SCHED_STATIC, PAR_SCHED_DYNAMIC, PAR_SCHED_GUIDED };
    const size_t chunks[] = { 0, 1, 100, N + 7 };
    for (size_t k = 0; k < 3; k++) {
        const struct par_kernel *kern = par_kernel_get(kernels[k]);
        /* fib: small n; powself: x above PAR_TICK_EVERY so the tick hook runs */
        size_t n = kernels[k] == PAR_K_SQUARE ? N : 200;
        for (size_t i = 0; i < n; i++)
            in[i] = kernels[k] == PAR_K_POWSELF ? (int64_t)(5000 + i) : (int64_t)(i % 20 + 1);
        for (size_t s = 0; s < 3; s++)
            for (size_t c = 0; c < 4; c++) {
                memset(out, 0xff, sizeof out);
                struct par_map job = { kern, in, out, n, scheds[s], chunks[c] };
                assert_int_equal(be->map(&fx.run, &job), 0);
                for (size_t i = 0; i < n; i++)
                    assert_int_equal(out[i], kern->fn(in[i]));
                assert_non_null(strstr(fx.run.detail, "chunk="));
            }
    }
    be->close(&fx.run);
    assert_null(fx.run.state);
}

static void pthread_map_matches_serial_for_every_schedule_and_chunk(void **state)
{
    (void)state;
    check_map(&par_backend_pthread, 3);
}

static void gil_map_matches_serial_for_every_schedule_and_chunk(void **state)
{
    (void)state;
    check_map(&par_backend_gil, 2);
}

static void pthread_static_map_uses_one_chunk_per_worker_by_default(void **state)
{
    (void)state;
    struct fixture fx;
    open_backend(&fx, &par_backend_pthread, 4);
    static int64_t in[1000], out[1000];
    struct par_map job = { par_kernel_get(PAR_K_SQUARE), in, out, 1000, PAR_SCHED_STATIC, 0 };
    assert_int_equal(par_backend_pthread.map(&fx.run, &job), 0);
    assert_string_equal(fx.run.detail, "schedule=static,chunk=250,tasks=4");
    job.schedule = PAR_SCHED_DYNAMIC;
    assert_int_equal(par_backend_pthread.map(&fx.run, &job), 0);
    assert_string_equal(fx.run.detail, "schedule=dynamic,chunk=63,tasks=16");
    par_backend_pthread.close(&fx.run);
}

static void check_tree(const struct par_backend *be, int workers)
{
    struct fixture fx;
    open_backend(&fx, be, workers);
    const int cutoffs[] = { 0, 2, 10, 18, 30 };
    for (size_t c = 0; c < sizeof cutoffs / sizeof cutoffs[0]; c++)
        for (int n = 1; n <= 18; n += 17) {
            int64_t r = -1;
            assert_int_equal(be->tree(&fx.run, n, cutoffs[c], &r), 0);
            assert_int_equal(r, par_fib_fast(n));
        }
    int64_t r = -1;
    assert_int_equal(be->tree(&fx.run, 22, 12, &r), 0);
    assert_int_equal(r, 17711);
    assert_non_null(strstr(fx.run.detail, "cutoff=12"));
    assert_int_equal(be->tree(&fx.run, 0, 12, &r), PAR_ERANGE);
    assert_int_equal(be->tree(&fx.run, PAR_FIB_MAX_N + 1, 12, &r), PAR_ERANGE);
    assert_non_null(strstr(fx.run.errmsg, "fib n"));
    be->close(&fx.run);
}

static void pthread_tree_matches_fib_for_every_cutoff(void **state)
{
    (void)state;
    check_tree(&par_backend_pthread, 2);
}

static void gil_tree_matches_fib_for_every_cutoff(void **state)
{
    (void)state;
    check_tree(&par_backend_gil, 2);
}

static void open_rejects_zero_workers_with_a_message(void **state)
{
    (void)state;
    struct par_opts o;
    par_opts_init(&o, PAR_W_MAP, "pthread");
    struct par_run run = { .opts = &o, .workers = 0, .is_root = 1 };
    assert_int_equal(par_backend_pthread.open(&run), PAR_EINVAL);
    assert_non_null(strstr(run.errmsg, "workers"));
    par_backend_pthread.close(&run);
    o.switch_interval = 20;
    run.workers = 2;
    assert_int_equal(par_backend_gil.open(&run), PAR_EINVAL);
    assert_non_null(strstr(run.errmsg, "switch interval"));
    par_backend_gil.close(&run);
    assert_string_equal(par_backend_gil.kind, "threads");
    assert_string_equal(par_backend_pthread.kind, "threads");
}

/* grain: both patterns, several T, S, I and worker counts, on both back ends. */
static void grain_equals_serial_for_both_patterns_and_worker_counts(void **state)
{
    (void)state;
    const struct par_backend *bes[] = { &par_backend_pthread, &par_backend_gil };
    const int workers[] = { 1, 2, 3, 5 };
    for (size_t b = 0; b < 2; b++)
        for (size_t w = 0; w < 4; w++) {
            struct fixture fx;
            char msg[512] = "";
            open_backend(&fx, bes[b], workers[w]);
            int ok = par_test_grain_matches_serial(bes[b], &fx.run, msg, sizeof msg);
            bes[b]->close(&fx.run);
            if (!ok)
                fail_msg("%s", msg);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(grain_equals_serial_for_both_patterns_and_worker_counts),
        cmocka_unit_test(pthread_map_matches_serial_for_every_schedule_and_chunk),
        cmocka_unit_test(gil_map_matches_serial_for_every_schedule_and_chunk),
        cmocka_unit_test(pthread_static_map_uses_one_chunk_per_worker_by_default),
        cmocka_unit_test(pthread_tree_matches_fib_for_every_cutoff),
        cmocka_unit_test(gil_tree_matches_fib_for_every_cutoff),
        cmocka_unit_test(open_rejects_zero_workers_with_a_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
