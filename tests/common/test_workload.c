/* Workloads: inputs, independent references, verification and checksums. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "backend.h"
#include "error.h"
#include "workload.h"

static struct par_opts opts_for(enum par_workload w)
{
    struct par_opts o;
    char msg[256];
    par_opts_init(&o, w, "serial");
    o.items = w == PAR_W_PARMAP ? 5 : 1000; /* parmap items cost ~2M steps each */
    o.n = 20;
    o.k = 3;
    o.cutoff = 10;
    o.set_mask = PAR_SET_ITEMS | PAR_SET_N | PAR_SET_K | PAR_SET_CUTOFF;
    o.workers = 1;
    o.workers_from = "-j";
    assert_int_equal(par_opts_finish(&o, msg, sizeof msg), 0);
    return o;
}

/* Runs the serial back end on a prepared workload. */
static void run_serial(struct par_workload_data *d)
{
    struct par_opts o = opts_for(d->workload);
    struct par_run run = { .opts = &o, .workers = 1, .is_root = 1 };
    if (d->workload == PAR_W_FIBTASK) {
        assert_int_equal(par_backend_serial.tree(&run, d->fib_n, d->cutoff, &d->tree_out), 0);
        return;
    }
    struct par_map job = { .kernel = d->kernel, .in = d->in, .out = d->out, .n = d->n };
    assert_int_equal(par_backend_serial.map(&run, &job), 0);
}

static void serial_run_of_every_workload_verifies(void **state)
{
    (void)state;
    for (int w = 0; w < PAR_W_GRAIN; w++) { /* grain: test_grain.c */
        struct par_opts o = opts_for((enum par_workload)w);
        struct par_workload_data d;
        char msg[256];
        assert_int_equal(par_workload_prepare(&d, &o, 1), 0);
        assert_int_equal(par_workload_verify(&d, msg, sizeof msg), PAR_EVERIFY); /* poisoned */
        run_serial(&d);
        assert_int_equal(par_workload_verify(&d, msg, sizeof msg), 0);
        par_workload_free(&d);
    }
}

static void a_single_wrong_item_fails_verification_and_is_named(void **state)
{
    (void)state;
    struct par_opts o = opts_for(PAR_W_MAP);
    struct par_workload_data d;
    char msg[256];
    assert_int_equal(par_workload_prepare(&d, &o, 1), 0);
    run_serial(&d);
    d.out[517] += 1;
    assert_int_equal(par_workload_verify(&d, msg, sizeof msg), PAR_EVERIFY);
    assert_non_null(strstr(msg, "item 517 of 1000"));
    assert_non_null(strstr(msg, "square(517)"));
    par_workload_free(&d);
}

static void checksum_depends_on_order(void **state)
{
    (void)state;
    struct par_opts o = opts_for(PAR_W_MAP);
    struct par_workload_data d;
    assert_int_equal(par_workload_prepare(&d, &o, 1), 0);
    run_serial(&d);
    uint64_t a = par_workload_checksum(&d);
    int64_t t = d.out[1];
    d.out[1] = d.out[2];
    d.out[2] = t;
    assert_true(par_workload_checksum(&d) != a);
    par_workload_free(&d);
}

static void parmap_seed_sizes_give_the_cheatsheets_output(void **state)
{
    (void)state;
    struct par_opts o;
    char msg[256];
    par_opts_init(&o, PAR_W_PARMAP, "serial");
    o.seed_sizes = 1;
    o.workers = 1;
    o.workers_from = "-j";
    assert_int_equal(par_opts_finish(&o, msg, sizeof msg), 0);
    struct par_workload_data d;
    assert_int_equal(par_workload_prepare(&d, &o, 1), 0);
    run_serial(&d);
    const int64_t expect[] = { 1, 4, 27, 256 }; /* parmap(lambda x: x**x, range(1, 5)) */
    assert_int_equal(d.n, 4);
    assert_memory_equal(d.out, expect, sizeof expect);
    par_workload_free(&d);
}

static void parmap_list_is_irregular_and_deterministic(void **state)
{
    (void)state;
    int64_t lo = INT64_MAX, hi = 0;
    for (size_t i = 0; i < PAR_DEFAULT_PARMAP_ITEMS; i++) {
        int64_t s = par_parmap_size(i);
        assert_int_equal(s, par_parmap_size(i));
        assert_true(s >= 1);
        lo = s < lo ? s : lo;
        hi = s > hi ? s : hi;
    }
    assert_true(hi > 100 * lo); /* the largest item costs >100x the smallest */
}

static void fast_powself_agrees_with_the_kernel(void **state)
{
    (void)state;
    for (int64_t x = 0; x < 3000; x += 7)
        assert_int_equal(par_powself_fast(x), par_powself(x));
    assert_int_equal(par_powself_fast(123457), par_powself(123457));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(serial_run_of_every_workload_verifies),
        cmocka_unit_test(a_single_wrong_item_fails_verification_and_is_named),
        cmocka_unit_test(checksum_depends_on_order),
        cmocka_unit_test(parmap_seed_sizes_give_the_cheatsheets_output),
        cmocka_unit_test(parmap_list_is_irregular_and_deterministic),
        cmocka_unit_test(fast_powself_agrees_with_the_kernel),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
