/* parcompare's "fastest" / "tied with" verdict (uncertainty.c,
 * par__mark_fastest) on injected medians and CIs: Hoefler & Belli's rule
 * that a comparison is a test, not eyeballing. No program runs, no time is
 * measured: the points are built here. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "../../apps/parcompare/uncertainty.h"

#define MAXP 8

struct fixture {
    struct par__point pts[MAXP];
    struct par__matrix m;
};

static int in_matrix(const struct par__point *p)
{
    return (p->sets & PAR__SET_MATRIX) != 0;
}

static void start(struct fixture *f)
{
    memset(f, 0, sizeof *f);
    f->m.pts = f->pts;
    f->m.cap = MAXP;
}

/* Adds a verified map point; lo/hi NaN: no CI (fewer than 6 samples). */
static struct par__point *add(struct fixture *f, enum par__be be, int workers, double median,
                              double lo, double hi, int samples)
{
    assert_true(f->m.n < MAXP);
    struct par__point *p = &f->pts[f->m.n++];
    p->sets = PAR__SET_MATRIX;
    p->workload = PAR_W_MAP;
    p->backend = be;
    p->workers = workers;
    p->status = PAR__ST_OK;
    p->median = median;
    p->ci_low = lo;
    p->ci_high = hi;
    p->samples = samples;
    p->fastest = 7;                       /* stale marks the call must clear */
    p->tied_with = &f->pts[MAXP - 1];
    return p;
}

static void mark(struct fixture *f)
{
    par__mark_fastest(&f->m, PAR_W_MAP, in_matrix);
}

static void fastest_only_when_its_ci_lies_below_the_runner_ups(void **state)
{
    (void)state;
    struct fixture f;
    start(&f);
    struct par__point *serial = add(&f, PAR__BE_SERIAL, 1, 0.100, 0.098, 0.102, 10);
    struct par__point *omp = add(&f, PAR__BE_OMP, 2, 0.050, 0.049, 0.051, 10);
    struct par__point *pth = add(&f, PAR__BE_PTHREAD, 2, 0.060, 0.058, 0.062, 10);
    mark(&f);
    assert_int_equal(omp->fastest, 1);
    assert_null(omp->tied_with);
    assert_int_equal(pth->fastest, 0);
    assert_null(pth->tied_with);
    assert_int_equal(serial->fastest, 0);
    assert_null(serial->tied_with);
    char buf[64];
    assert_string_equal(par__fastest_text(omp, buf, sizeof buf), "fastest");
    assert_string_equal(par__fastest_text(pth, buf, sizeof buf), "");
}

static void overlapping_cis_are_tied_with_the_runner_up(void **state)
{
    (void)state;
    struct fixture f;
    start(&f);
    add(&f, PAR__BE_SERIAL, 1, 0.100, 0.098, 0.102, 10);
    struct par__point *omp = add(&f, PAR__BE_OMP, 2, 0.050, 0.045, 0.056, 10);
    struct par__point *pth = add(&f, PAR__BE_PTHREAD, 2, 0.055, 0.052, 0.060, 10);
    mark(&f);
    assert_int_equal(omp->fastest, 0);
    assert_ptr_equal(omp->tied_with, pth);
    assert_int_equal(pth->fastest, 0);
    assert_null(pth->tied_with);
    char buf[64];
    assert_string_equal(par__fastest_text(omp, buf, sizeof buf), "tied with pthread -j 2");

    /* Touching ends (hi == runner-up's lo) overlap: still tied. */
    omp->ci_high = 0.052;
    mark(&f);
    assert_int_equal(omp->fastest, 0);
    assert_ptr_equal(omp->tied_with, pth);
    /* Just below: told apart. */
    omp->ci_high = 0.0519;
    mark(&f);
    assert_int_equal(omp->fastest, 1);
    assert_null(omp->tied_with);
}

static void the_runner_up_is_the_second_smallest_median_in_any_order(void **state)
{
    (void)state;
    struct fixture f;
    start(&f);
    /* Best found last, runner-up first: the comparison is with 0.055, not
     * with the 0.080 point between them. */
    struct par__point *run = add(&f, PAR__BE_PROC, 2, 0.055, 0.050, 0.070, 10);
    add(&f, PAR__BE_PTHREAD, 2, 0.080, 0.079, 0.081, 10);
    struct par__point *best = add(&f, PAR__BE_OMP, 2, 0.040, 0.039, 0.052, 10);
    mark(&f);
    assert_int_equal(best->fastest, 0);
    assert_ptr_equal(best->tied_with, run);
}

static void failed_points_are_left_out(void **state)
{
    (void)state;
    struct fixture f;
    start(&f);
    /* The quickest "median" is a failed run: it neither wins nor ties,
     * nor is it anyone's runner-up. */
    struct par__point *bad = add(&f, PAR__BE_MPI, 2, 0.001, 0.0009, 0.0011, 10);
    bad->status = PAR__ST_FAILED;
    struct par__point *zero = add(&f, PAR__BE_GIL, 2, 0.0, NAN, NAN, 0); /* no median */
    struct par__point *omp = add(&f, PAR__BE_OMP, 2, 0.050, 0.049, 0.051, 10);
    struct par__point *pth = add(&f, PAR__BE_PTHREAD, 2, 0.060, 0.058, 0.062, 10);
    mark(&f);
    assert_int_equal(bad->fastest, 0);
    assert_null(bad->tied_with);
    assert_int_equal(zero->fastest, 0);
    assert_null(zero->tied_with);
    assert_int_equal(omp->fastest, 1);
    assert_int_equal(pth->fastest, 0);

    /* Points of another workload or outside the set are not compared. */
    struct par__point *other = add(&f, PAR__BE_PROC, 2, 0.051, 0.040, 0.060, 10);
    other->workload = PAR_W_FIB;
    struct par__point *story = add(&f, PAR__BE_PROC, 4, 0.0505, 0.040, 0.060, 10);
    story->sets = PAR__SET_STORY;
    mark(&f);
    assert_int_equal(omp->fastest, 1);
    assert_null(omp->tied_with);
}

static void without_a_ci_nobody_is_fastest(void **state)
{
    (void)state;
    struct fixture f;
    start(&f);
    /* One sample each (or fewer than 6): far apart medians, but no CI, so
     * the verdict is "tied", never "fastest". */
    struct par__point *omp = add(&f, PAR__BE_OMP, 2, 0.010, NAN, NAN, 1);
    struct par__point *pth = add(&f, PAR__BE_PTHREAD, 2, 0.090, NAN, NAN, 1);
    mark(&f);
    assert_int_equal(omp->fastest, 0);
    assert_ptr_equal(omp->tied_with, pth);
    /* Only the runner-up lacks a CI: still no verdict. */
    omp->ci_low = 0.0099;
    omp->ci_high = 0.0101;
    omp->samples = 10;
    mark(&f);
    assert_int_equal(omp->fastest, 0);
    assert_ptr_equal(omp->tied_with, pth);
    /* A single sample's time says so and shows no interval. */
    char buf[64];
    assert_string_equal(par__time_text(pth, 1e3, buf, sizeof buf), "90 (1 sample)");
}

static void a_lone_point_is_fastest_and_an_empty_workload_has_none(void **state)
{
    (void)state;
    struct fixture f;
    start(&f);
    mark(&f); /* nothing: no crash */
    struct par__point *only = add(&f, PAR__BE_SERIAL, 1, 0.1, NAN, NAN, 1);
    mark(&f);
    assert_int_equal(only->fastest, 1);
    assert_null(only->tied_with);
    only->status = PAR__ST_TIMEOUT;
    mark(&f);
    assert_int_equal(only->fastest, 0);
    char buf[64];
    assert_string_equal(par__time_text(only, 1e3, buf, sizeof buf), "FAILED");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fastest_only_when_its_ci_lies_below_the_runner_ups),
        cmocka_unit_test(overlapping_cis_are_tied_with_the_runner_up),
        cmocka_unit_test(the_runner_up_is_the_second_smallest_median_in_any_order),
        cmocka_unit_test(failed_points_are_left_out),
        cmocka_unit_test(without_a_ci_nobody_is_fastest),
        cmocka_unit_test(a_lone_point_is_fastest_and_an_empty_workload_has_none),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
