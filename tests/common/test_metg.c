/* METG on injected efficiency curves: no timing is measured here. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "metg.h"

#define US 1e-6

/* A curve over grains 1024, 512, ..., 1 µs from efficiencies given largest
 * first; bounds +-0.05 around each. */
static size_t curve(struct par_metg_point *p, const double *eff, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (struct par_metg_point){ ldexp(1024 * US, -(int)i), eff[i], eff[i] - 0.05,
                                        eff[i] + 0.05 };
    return n;
}

static void monotone_curve_interpolates_linearly_between_the_points_around_50(void **state)
{
    (void)state;
    const double e[] = { 0.99, 0.98, 0.95, 0.9, 0.8, 0.6, 0.4, 0.2, 0.1 };
    struct par_metg_point p[9];
    struct par_metg m;
    par_metg_compute(p, curve(p, e, 9), 0.5, &m);
    assert_int_equal(m.status, PAR_METG_OK);
    /* between 32 µs (60 %) and 16 µs (40 %): halfway, 24 µs */
    assert_true(fabs(m.metg_s - 24 * US) < 1e-12);
    assert_int_equal(m.crossings, 1);
    /* the pessimistic curve crosses at a larger grain: 0.55 at 32 µs, 0.35
     * at 16 µs -> 32 - 16 * (0.05 / 0.2) = 28 µs */
    assert_true(fabs(m.hi_s - 28 * US) < 1e-12);
    /* optimistic: 0.65 at 32, 0.45 at 16 -> 32 - 16 * 0.75 = 20 µs */
    assert_true(fabs(m.lo_s - 20 * US) < 1e-12);
    assert_true(m.lo_s <= m.metg_s && m.metg_s <= m.hi_s);
    char buf[128];
    par_metg_text(&m, buf, sizeof buf);
    assert_string_equal(buf, "24 µs [20, 28]");
}

static void order_of_the_points_does_not_matter(void **state)
{
    (void)state;
    const double e[] = { 0.99, 0.9, 0.7, 0.3, 0.1 };
    struct par_metg_point p[5], q[5];
    struct par_metg a, b;
    curve(p, e, 5);
    for (size_t i = 0; i < 5; i++)
        q[i] = p[(i * 3) % 5];
    par_metg_compute(p, 5, 0.5, &a);
    par_metg_compute(q, 5, 0.5, &b);
    assert_int_equal(a.status, PAR_METG_OK);
    assert_true(a.metg_s == b.metg_s && a.lo_s == b.lo_s && a.hi_s == b.hi_s);
}

/* Noise that does not cross: the answer stays between the same two points. */
static void noisy_curve_crosses_once_between_the_right_points(void **state)
{
    (void)state;
    const double e[] = { 0.97, 1.02, 0.93, 0.96, 0.71, 0.78, 0.52, 0.31, 0.36, 0.12 };
    struct par_metg_point p[10];
    struct par_metg m;
    par_metg_compute(p, curve(p, e, 10), 0.5, &m);
    assert_int_equal(m.status, PAR_METG_OK);
    assert_int_equal(m.crossings, 1);
    /* between 1024/64 = 16 µs (52 %) and 8 µs (31 %) */
    assert_true(m.metg_s < 16 * US && m.metg_s > 8 * US);
}

/* A dip below 50 % and back: the first crossing from the large-grain side is
 * the answer (conservative), and the curve is flagged. */
static void curve_crossing_twice_answers_with_the_smaller_crossing(void **state)
{
    (void)state;
    const double e[] = { 0.95, 0.9, 0.45, 0.8, 0.7, 0.4, 0.2 };
    struct par_metg_point p[7];
    struct par_metg m;
    par_metg_compute(p, curve(p, e, 7), 0.5, &m);
    assert_int_equal(m.status, PAR_METG_OK);
    assert_int_equal(m.crossings, 2);
    /* Task Bench's smallest grain at or above 50 %: between 64 µs (70 %)
     * and 32 µs (40 %), not the dip between 512 and 256 µs. */
    assert_true(m.metg_s > 32 * US && m.metg_s < 64 * US);
}

static void never_reaching_50_says_so_with_the_smallest_grain(void **state)
{
    (void)state;
    const double e[] = { 0.45, 0.4, 0.3, 0.2, 0.08 };
    struct par_metg_point p[5];
    struct par_metg m;
    par_metg_compute(p, curve(p, e, 5), 0.5, &m);
    assert_int_equal(m.status, PAR_METG_NEVER);
    assert_true(isnan(m.metg_s));
    char buf[128];
    par_metg_text(&m, buf, sizeof buf);
    assert_string_equal(buf, "never reached 50 % down to 64 µs (best 45 %)");
}

static void above_50_everywhere_gives_an_upper_bound_not_a_number(void **state)
{
    (void)state;
    const double e[] = { 0.99, 0.9, 0.8, 0.7, 0.6 };
    struct par_metg_point p[5];
    struct par_metg m;
    par_metg_compute(p, curve(p, e, 5), 0.5, &m);
    assert_int_equal(m.status, PAR_METG_ALWAYS);
    assert_true(isnan(m.metg_s));
    char buf[128];
    par_metg_text(&m, buf, sizeof buf);
    assert_string_equal(buf, "above 50 % down to 64 µs: METG < 64 µs");
}

/* A bound curve whose crossing lies on the wrong side of the median's
 * gives no bound ("?"), never an interval that excludes METG. */
static void a_bound_crossing_on_the_wrong_side_is_not_used(void **state)
{
    (void)state;
    const double e[] = { 0.9, 0.6, 0.3, 0.2 };
    struct par_metg_point p[4];
    curve(p, e, 4);
    /* the optimistic curve's only (so last) crossing is between 1024 and
     * 512 µs, above the median's crossing (between 512 and 256 µs) */
    p[0].eff_hi = 0.95;
    p[1].eff_hi = 0.4;
    p[2].eff_hi = 0.45;
    p[3].eff_hi = 0.1;
    struct par_metg m;
    par_metg_compute(p, 4, 0.5, &m);
    assert_int_equal(m.status, PAR_METG_OK);
    assert_true(m.metg_s > 256 * US && m.metg_s < 512 * US);
    assert_true(isnan(m.lo_s));
    assert_true(m.hi_s >= m.metg_s);
    char buf[128];
    par_metg_text(&m, buf, sizeof buf);
    assert_non_null(strstr(buf, "[?, "));
}

static void efficiency_above_150_percent_rejects_the_sweep(void **state)
{
    (void)state;
    const double e[] = { 0.99, 1.7, 0.6, 0.3 };
    struct par_metg_point p[4];
    struct par_metg m;
    par_metg_compute(p, curve(p, e, 4), 0.5, &m);
    assert_int_equal(m.status, PAR_METG_REJECTED);
    assert_true(isnan(m.metg_s));
    char buf[128];
    par_metg_text(&m, buf, sizeof buf);
    assert_non_null(strstr(buf, "rejected"));
    /* 150 % itself is allowed */
    const double f[] = { 1.5, 0.3 };
    par_metg_compute(p, curve(p, f, 2), 0.5, &m);
    assert_int_equal(m.status, PAR_METG_OK);
}

static void missing_bounds_give_a_metg_without_an_interval(void **state)
{
    (void)state;
    const double e[] = { 0.9, 0.6, 0.3 };
    struct par_metg_point p[3];
    curve(p, e, 3);
    p[1].eff_lo = p[1].eff_hi = NAN;   /* fewer than 6 repetitions there */
    struct par_metg m;
    par_metg_compute(p, 3, 0.5, &m);
    assert_int_equal(m.status, PAR_METG_OK);
    assert_true(isnan(m.lo_s) && isnan(m.hi_s));
    char buf[128];
    par_metg_text(&m, buf, sizeof buf);
    assert_non_null(strstr(buf, "interval n/a"));
}

static void no_usable_point_is_empty(void **state)
{
    (void)state;
    struct par_metg m;
    par_metg_compute(NULL, 0, 0.5, &m);
    assert_int_equal(m.status, PAR_METG_EMPTY);
    struct par_metg_point p[2] = { { 0, 0.9, 0.8, 1 }, { 1e-6, NAN, NAN, NAN } };
    par_metg_compute(p, 2, 0.5, &m);
    assert_int_equal(m.status, PAR_METG_EMPTY);
    assert_string_equal(par_metg_status_name(m.status), "empty");
}

/* From the medians and intervals of the serial and the parallel times. */
static void a_point_from_two_timings_follows_the_definitions(void **state)
{
    (void)state;
    /* serial 2.0 s [1.9, 2.2]; 2 workers 1.25 s [1.0, 1.6]; 1000 tasks */
    struct par_metg_point p = par_metg_point_make(2.0, 1.9, 2.2, 1.25, 1.0, 1.6, 2, 1000);
    assert_true(fabs(p.grain_s - 2.5e-3) < 1e-15);     /* 1.25 s x 2 / 1000 */
    assert_true(fabs(p.eff - 0.8) < 1e-15);            /* 2.0 / (2 x 1.25) */
    assert_true(fabs(p.eff_lo - 1.9 / 3.2) < 1e-15);   /* slowest parallel, fastest serial */
    assert_true(fabs(p.eff_hi - 1.1) < 1e-15);         /* 2.2 / 2.0 */
    p = par_metg_point_make(2.0, NAN, NAN, 1.25, 1.0, 1.6, 2, 1000);
    assert_true(isnan(p.eff_lo) && isnan(p.eff_hi) && fabs(p.eff - 0.8) < 1e-15);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(monotone_curve_interpolates_linearly_between_the_points_around_50),
        cmocka_unit_test(order_of_the_points_does_not_matter),
        cmocka_unit_test(noisy_curve_crosses_once_between_the_right_points),
        cmocka_unit_test(curve_crossing_twice_answers_with_the_smaller_crossing),
        cmocka_unit_test(never_reaching_50_says_so_with_the_smallest_grain),
        cmocka_unit_test(above_50_everywhere_gives_an_upper_bound_not_a_number),
        cmocka_unit_test(a_bound_crossing_on_the_wrong_side_is_not_used),
        cmocka_unit_test(efficiency_above_150_percent_rejects_the_sweep),
        cmocka_unit_test(missing_bounds_give_a_metg_without_an_interval),
        cmocka_unit_test(no_usable_point_is_empty),
        cmocka_unit_test(a_point_from_two_timings_follows_the_definitions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
