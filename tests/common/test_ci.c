/* The CI of the median (common/ci.c) against a reference table and an
 * independent exact computation, and the warm-up drift detector
 * (common/warmup.c) on synthetic series. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "ci.h"
#include "error.h"
#include "warmup.h"

/* 95 % ranks (j, n+1-j) and coverage, computed with exact rational
 * arithmetic (Python's fractions and math.comb, not this code) and agreeing
 * with Le Boudec (2010), Table A.1. */
static const struct { size_t n, j, k; double cov; } table95[] = {
    { 6, 1, 6, 0.96875 },          { 7, 1, 7, 0.984375 },        { 8, 1, 8, 0.9921875 },
    { 9, 2, 8, 0.9609375 },        { 10, 2, 9, 0.978515625 },    { 11, 2, 10, 0.98828125 },
    { 12, 3, 10, 0.96142578125 },  { 13, 3, 11, 0.9775390625 },  { 15, 4, 12, 0.96484375 },
    { 17, 5, 13, 0.950958251953125 }, { 20, 6, 15, 0.9586105346679688 },
    { 25, 8, 18, 0.9567147493362427 }, { 30, 10, 21, 0.9572260547429323 },
    { 50, 18, 33, 0.9671608624357315 }, { 100, 40, 61, 0.9647997997822951 },
    { 200, 86, 115, 0.9599628083866005 },
};

static void ranks_match_the_reference_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof table95 / sizeof *table95; i++) {
        size_t j, k;
        double cov;
        if (!par_median_ci_ranks(table95[i].n, 0.95, &j, &k, &cov))
            fail_msg("n=%zu: no interval", table95[i].n);
        if (j != table95[i].j || k != table95[i].k || fabs(cov - table95[i].cov) > 1e-9)
            fail_msg("n=%zu: got (%zu,%zu) %.9f, want (%zu,%zu) %.9f", table95[i].n, j, k, cov,
                     table95[i].j, table95[i].k, table95[i].cov);
    }
}

/* An independent implementation: exact integer binomial counts. */
static void exact_ranks(size_t n, double level, size_t *j)
{
    uint64_t c[64] = { 1 }; /* row n of Pascal's triangle */
    for (size_t r = 1; r <= n; r++)
        for (size_t b = r; b >= 1; b--)
            c[b] += c[b - 1];
    double total = ldexp(1.0, (int)n);
    uint64_t below = 0; /* sum of c[0..jj-1] */
    *j = 0;
    for (size_t jj = 1; jj <= (n + 1) / 2; jj++) {
        below += c[jj - 1];
        if (1.0 - 2.0 * (double)below / total >= level)
            *j = jj;
    }
}

static void ranks_agree_with_exact_counts_for_every_small_n(void **state)
{
    (void)state;
    const double levels[] = { 0.90, 0.95, 0.99 };
    for (size_t l = 0; l < 3; l++)
        for (size_t n = 1; n <= 60; n++) {
            size_t want, j, k;
            double cov;
            exact_ranks(n, levels[l], &want);
            int ok = par_median_ci_ranks(n, levels[l], &j, &k, &cov);
            if (ok != (want > 0) || (ok && (j != want || k != n + 1 - want)))
                fail_msg("level %.2f n=%zu: got %d (%zu), want %zu", levels[l], n, ok, j, want);
        }
}

static void fewer_than_six_samples_have_no_95_interval(void **state)
{
    (void)state;
    const double x[] = { 5, 1, 4, 2, 3 };
    struct par_ci ci;
    for (size_t n = 0; n < PAR_CI_MIN_SAMPLES; n++) {
        assert_int_equal(par_median_ci(x, n, 0.95, &ci), 0);
        assert_false(ci.available);
        assert_true(isnan(ci.low) && isnan(ci.high));
        assert_true(isinf(par_ci_rel_half_width(&ci)));
    }
    assert_int_equal(par_median_ci(x, 5, 0.95, &ci), 0);
    assert_true(ci.median == 3.0);
    assert_int_equal(par_median_ci(x, 5, 1.5, &ci), PAR_EINVAL);
}

static void interval_takes_the_right_order_statistics(void **state)
{
    (void)state;
    /* 10 samples, shuffled: sorted they are 1..10; 95 % takes X(2), X(9). */
    const double x[] = { 7, 3, 10, 1, 9, 2, 8, 5, 4, 6 };
    struct par_ci ci;
    assert_int_equal(par_median_ci(x, 10, 0.95, &ci), 0);
    assert_true(ci.available);
    assert_true(ci.median == 5.5 && ci.low == 2 && ci.high == 9);
    assert_true(x[0] == 7 && x[9] == 6); /* input untouched */
    /* half-widths 3.5 below and 3.5 above: 3.5 / 5.5 */
    assert_true(fabs(par_ci_rel_half_width(&ci) - 3.5 / 5.5) < 1e-12);

    const double y[] = { 20, 21, 22, 23, 24, 25 };
    struct par_ci cy;
    assert_int_equal(par_median_ci(y, 6, 0.95, &cy), 0);
    assert_true(cy.low == 20 && cy.high == 25);
    assert_int_equal(par_ci_overlap(&ci, &cy), 0);
    const double z[] = { 9, 9.5, 30, 31, 32, 33 };
    struct par_ci cz;
    assert_int_equal(par_median_ci(z, 6, 0.95, &cz), 0);
    assert_int_equal(par_ci_overlap(&ci, &cz), 1);
    struct par_ci none;
    assert_int_equal(par_median_ci(z, 3, 0.95, &none), 0);
    assert_int_equal(par_ci_overlap(&ci, &none), -1);
}

/* ---- warm-up -------------------------------------------------------------- */

/* Feeds x one sample at a time; returns the number of samples needed for a
 * decision (0 if none within len). */
static size_t feed(struct par_warmup *d, const double *x, size_t len)
{
    for (size_t i = 1; i <= len; i++)
        if (par_warmup_update(d, x, i))
            return i;
    return 0;
}

static void a_steady_series_needs_no_warm_up(void **state)
{
    (void)state;
    const double x[] = { 10.1, 9.9, 10.0, 10.2, 9.8, 10.0, 10.1, 9.9 };
    struct par_warmup d;
    par_warmup_init(&d, 0, 20);
    assert_int_equal(feed(&d, x, 8), 2 * PAR_WARMUP_WINDOW);
    assert_true(d.steady && !d.capped);
    assert_int_equal(d.cut, 0);
    /* The user's minimum is kept. */
    par_warmup_init(&d, 2, 20);
    assert_int_equal(feed(&d, x, 8), 2 + 2 * PAR_WARMUP_WINDOW);
    assert_int_equal(d.cut, 2);
}

static void a_falling_series_is_cut_where_it_levels(void **state)
{
    (void)state;
    /* The shape reported in issue 10 (mpirun -n 2 parmap map, ms). */
    const double x[] = { 106, 109, 27, 8.5, 8.0, 7.6, 8.0, 7.9, 8.1, 8.0, 7.8, 8.0 };
    struct par_warmup d;
    par_warmup_init(&d, 0, 20);
    assert_true(feed(&d, x, 12) > 0);
    assert_true(d.steady);
    assert_int_equal(d.cut, 3); /* 106, 109, 27 are warm-ups */
    /* A slow geometric decay, 20 % per run, then flat from run 10. */
    double g[30];
    for (size_t i = 0; i < 30; i++)
        g[i] = i < 10 ? 100.0 * pow(0.8, (double)i) : 100.0 * pow(0.8, 10.0);
    par_warmup_init(&d, 0, 25);
    assert_true(feed(&d, g, 30) > 0);
    assert_true(d.steady);
    assert_true(d.cut >= 8 && d.cut <= 10);
}

static void one_slow_first_run_is_a_warm_up(void **state)
{
    (void)state;
    /* A first-touch spike a window median would hide. */
    const double x[] = { 0.3, 0.010, 0.0102, 0.0098, 0.010, 0.0102, 0.0098, 0.010 };
    struct par_warmup d;
    par_warmup_init(&d, 0, 20);
    assert_true(feed(&d, x, 8) > 0);
    assert_true(d.steady);
    assert_int_equal(d.cut, 1);
}

static void a_bimodal_series_is_steady_quickly(void **state)
{
    (void)state;
    const double x[] = { 20, 10, 20, 10, 20, 10, 20, 10, 20, 10, 20, 10 };
    struct par_warmup d;
    par_warmup_init(&d, 0, 20);
    assert_true(feed(&d, x, 12) > 0);
    assert_true(d.steady);
    assert_true(d.cut <= 1);
}

static void a_series_that_never_levels_hits_the_cap(void **state)
{
    (void)state;
    double x[40];
    for (size_t i = 0; i < 40; i++)
        x[i] = 1000.0 * pow(0.7, (double)i);
    struct par_warmup d;
    par_warmup_init(&d, 1, 5);
    assert_int_equal(feed(&d, x, 40), 5 + 2 * PAR_WARMUP_WINDOW);
    assert_true(d.capped && !d.steady);
    assert_int_equal(d.cut, 5);
}

/* ---- paired ratios ------------------------------------------------------- */

/* Rounds 1-5 fast for both, round 6 fast for ours and slow for the peer,
 * rounds 7-11 slow for both: paired, ten of the eleven ratios are 0.5. The
 * ratio of the two medians would be 1/200 (ours' median 1, the peer's 200):
 * a pairing mistake shows. */
static void paired_ratios_follow_the_rounds(void **state)
{
    (void)state;
    double ours[11] = { 1, 1, 1, 1, 1, 1, 100, 100, 100, 100, 100 };
    double peer[11] = { 2, 2, 2, 2, 2, 200, 200, 200, 200, 200, 200 };
    struct par_ci ci;
    assert_int_equal(par_paired_ratio_ci(ours, peer, 11, PAR_CI_LEVEL, &ci), 0);
    assert_true(ci.available);
    assert_true(fabs(ci.median - 0.5) < 1e-12);
    assert_true(fabs(ci.high - 0.5) < 1e-12);
    assert_true(fabs(ci.low - 0.5) < 1e-12);   /* 2nd smallest of 11: 0.5 */
    assert_int_equal(par_ci_side_of(&ci, 1.0), PAR_CI_BELOW);
    /* the other way round: 2, above 1 */
    assert_int_equal(par_paired_ratio_ci(peer, ours, 11, PAR_CI_LEVEL, &ci), 0);
    assert_true(fabs(ci.median - 2.0) < 1e-12);
    assert_int_equal(par_ci_side_of(&ci, 1.0), PAR_CI_ABOVE);
}

static void paired_ratio_sides_and_bad_input(void **state)
{
    (void)state;
    double a[6] = { 1, 2, 3, 4, 5, 6 };
    double b[6] = { 2, 2, 2, 2, 2, 2 };   /* ratios 0.5 .. 3: the interval holds 1 */
    struct par_ci ci;
    assert_int_equal(par_paired_ratio_ci(a, b, 6, PAR_CI_LEVEL, &ci), 0);
    assert_int_equal(par_ci_side_of(&ci, 1.0), PAR_CI_CONTAINS);
    assert_int_equal(par_paired_ratio_ci(a, b, 5, PAR_CI_LEVEL, &ci), 0);
    assert_int_equal(par_ci_side_of(&ci, 1.0), PAR_CI_UNAVAILABLE);   /* 5 < 6 */
    b[3] = 0;
    assert_int_equal(par_paired_ratio_ci(a, b, 6, PAR_CI_LEVEL, &ci), PAR_EINVAL);
    assert_int_equal(par_paired_ratio_ci(a, a, 6, 1.5, &ci), PAR_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(paired_ratios_follow_the_rounds),
        cmocka_unit_test(paired_ratio_sides_and_bad_input),
        cmocka_unit_test(ranks_match_the_reference_table),
        cmocka_unit_test(ranks_agree_with_exact_counts_for_every_small_n),
        cmocka_unit_test(fewer_than_six_samples_have_no_95_interval),
        cmocka_unit_test(interval_takes_the_right_order_statistics),
        cmocka_unit_test(a_steady_series_needs_no_warm_up),
        cmocka_unit_test(a_falling_series_is_cut_where_it_levels),
        cmocka_unit_test(one_slow_first_run_is_a_warm_up),
        cmocka_unit_test(a_bimodal_series_is_steady_quickly),
        cmocka_unit_test(a_series_that_never_levels_hits_the_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
