/* The grain workload's graph: names, blocks, the stencil's dependences, and
 * the serial run against the jump-ahead reference. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "backend.h"
#include "error.h"
#include "grain.h"
#include "kernels.h"
#include "workload.h"

static void pattern_names_round_trip_and_unknown_is_refused(void **state)
{
    (void)state;
    enum par_pattern p;
    assert_int_equal(par_pattern_parse("none", &p), 0);
    assert_int_equal(p, PAR_PATTERN_NONE);
    assert_int_equal(par_pattern_parse("stencil", &p), 0);
    assert_int_equal(p, PAR_PATTERN_STENCIL);
    assert_int_equal(par_pattern_parse("stencil_1d", &p), PAR_EINVAL);
    assert_int_equal(par_pattern_parse("", &p), PAR_EINVAL);
    assert_int_equal(par_pattern_parse(NULL, &p), PAR_EINVAL);
    assert_string_equal(par_pattern_name(PAR_PATTERN_STENCIL), "stencil");
    assert_string_equal(par_pattern_name((enum par_pattern)9), "?");
}

static void blocks_cover_every_task_once_larger_first(void **state)
{
    (void)state;
    for (size_t t = 1; t < 40; t++)
        for (int w = 1; w <= 9; w++) {
            size_t at = 0, prev = (size_t)-1;
            for (int k = 0; k < w; k++) {
                size_t b, e;
                par_grain_block(t, w, k, &b, &e);
                assert_int_equal(b, at);
                assert_true(e >= b);
                assert_true(e - b <= prev);
                prev = e - b;
                at = e;
            }
            assert_int_equal(at, t);
        }
}

/* stencil: changing task j's value changes exactly tasks j-1, j, j+1 of the
 * next step's inputs; none: only task j. */
static void stencil_reads_both_neighbours_and_none_only_itself(void **state)
{
    (void)state;
    enum { T = 6 };
    int64_t a[T], b[T];
    for (size_t i = 0; i < T; i++)
        a[i] = b[i] = par_grain_seed(i);
    b[3] ^= 1;
    for (size_t i = 0; i < T; i++) {
        int s_diff = par_grain_input(a, T, i, PAR_PATTERN_STENCIL)
                  != par_grain_input(b, T, i, PAR_PATTERN_STENCIL);
        int n_diff = par_grain_input(a, T, i, PAR_PATTERN_NONE)
                  != par_grain_input(b, T, i, PAR_PATTERN_NONE);
        assert_int_equal(s_diff, i >= 2 && i <= 4);
        assert_int_equal(n_diff, i == 3);
    }
    /* a missing neighbour reads as 0 */
    assert_int_equal(par_grain_input(a, T, 0, PAR_PATTERN_STENCIL), par_grain_mix(0, a[0], a[1]));
    assert_int_equal(par_grain_input(a, T, T - 1, PAR_PATTERN_STENCIL),
                     par_grain_mix(a[T - 2], a[T - 1], 0));
}

static void serial_back_end_equals_reference_and_one_wrong_task_is_caught(void **state)
{
    (void)state;
    for (int p = 0; p < PAR_PATTERN_COUNT_; p++) {
        struct par_opts o;
        char msg[256];
        par_opts_init(&o, PAR_W_GRAIN, "serial");
        o.iterations = 300;
        o.tasks = 5;
        o.steps = 4;
        o.pattern = (enum par_pattern)p;
        o.workers = 1;
        o.workers_from = "-j";
        assert_int_equal(par_opts_finish(&o, msg, sizeof msg), 0);
        struct par_workload_data d;
        assert_int_equal(par_workload_prepare(&d, &o, 1), 0);
        struct par_run run = { .opts = &o, .workers = 1, .is_root = 1 };
        assert_int_equal(par_workload_verify(&d, msg, sizeof msg), PAR_EVERIFY); /* poisoned */
        assert_int_equal(par_backend_serial.grain(&run, &d.grain), 0);
        assert_int_equal(par_workload_verify(&d, msg, sizeof msg), 0);
        d.out[2] += 1;
        assert_int_equal(par_workload_verify(&d, msg, sizeof msg), PAR_EVERIFY);
        assert_non_null(strstr(msg, "grain task 2 of 5"));
        par_workload_free(&d);
    }
}

/* The stencil's first step by hand, against the reference. */
static void one_stencil_step_is_the_kernel_of_the_mixed_seeds(void **state)
{
    (void)state;
    int64_t ref[3];
    assert_int_equal(par_grain_reference(77, 3, 1, PAR_PATTERN_STENCIL, ref), 0);
    int64_t s0 = par_grain_seed(0), s1 = par_grain_seed(1), s2 = par_grain_seed(2);
    assert_int_equal(ref[1], par_grain_kernel(par_grain_mix(s0, s1, s2), 77));
    assert_int_equal(ref[0], par_grain_kernel(par_grain_mix(0, s0, s1), 77));
    assert_int_equal(ref[2], par_grain_kernel(par_grain_mix(s1, s2, 0), 77));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pattern_names_round_trip_and_unknown_is_refused),
        cmocka_unit_test(blocks_cover_every_task_once_larger_first),
        cmocka_unit_test(stencil_reads_both_neighbours_and_none_only_itself),
        cmocka_unit_test(serial_back_end_equals_reference_and_one_wrong_task_is_caught),
        cmocka_unit_test(one_stencil_step_is_the_kernel_of_the_mixed_seeds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
