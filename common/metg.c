/* METG from an efficiency sweep (see metg.h). */
#include "metg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The points to use, largest grain first, in a fixed-size walk: sweeps have
 * tens of points, so an insertion sort into a caller-owned array is plenty. */
#define MAX_POINTS 512

static size_t usable_sorted(const struct par_metg_point *pts, size_t n,
                            struct par_metg_point *out)
{
    size_t m = 0;
    for (size_t i = 0; i < n && m < MAX_POINTS; i++) {
        if (!(pts[i].grain_s > 0) || !isfinite(pts[i].grain_s) || !isfinite(pts[i].eff))
            continue;
        size_t j = m++;
        while (j > 0 && out[j - 1].grain_s < pts[i].grain_s) {
            out[j] = out[j - 1];
            j--;
        }
        out[j] = pts[i];
    }
    return m;
}

/* A point's efficiency: pick 0 the median, -1 the low bound, +1 the high. */
static double eff_of(const struct par_metg_point *p, int pick)
{
    return pick < 0 ? p->eff_lo : pick > 0 ? p->eff_hi : p->eff;
}

/* The last downward crossing of `thr` walking from the largest grain (the
 * smallest grain still at or above it, as Task Bench's chart_metg.py takes),
 * on the curve chosen by `pick`. Returns the interpolated grain; NaN when the
 * curve never falls from at-or-above to below, when it is back at or above
 * at the smallest grain, or when a bound it needs is not available. *count
 * (may be NULL) gets the number of downward crossings. */
static double crossing(const struct par_metg_point *p, size_t m, double thr, int pick,
                       int *count)
{
    double at = NAN;
    int n = 0;
    for (size_t i = 0; i + 1 < m; i++) {
        double a = eff_of(&p[i], pick), b = eff_of(&p[i + 1], pick);
        if (isnan(a) || isnan(b))
            return NAN;
        if (a >= thr && b < thr) {
            n++;
            double f = (a - thr) / (a - b);   /* in (0, 1] */
            at = p[i].grain_s + f * (p[i + 1].grain_s - p[i].grain_s);
        }
    }
    if (count)
        *count = n;
    if (m > 0 && eff_of(&p[m - 1], pick) >= thr)
        return NAN; /* recovered by the smallest grain: below the sweep */
    return at;
}

void par_metg_compute(const struct par_metg_point *pts, size_t n, double threshold,
                      struct par_metg *out)
{
    static _Thread_local struct par_metg_point p[MAX_POINTS];
    memset(out, 0, sizeof *out);
    out->threshold = threshold;
    out->metg_s = out->lo_s = out->hi_s = NAN;
    out->smallest_s = out->largest_s = out->best_eff = NAN;
    size_t m = pts ? usable_sorted(pts, n, p) : 0;
    out->npoints = m;
    if (m == 0) {
        out->status = PAR_METG_EMPTY;
        return;
    }
    out->largest_s = p[0].grain_s;
    out->smallest_s = p[m - 1].grain_s;
    out->best_eff = p[0].eff;
    for (size_t i = 0; i < m; i++)
        if (p[i].eff > out->best_eff)
            out->best_eff = p[i].eff;
    if (out->best_eff > PAR_METG_REJECT_ABOVE) {
        out->status = PAR_METG_REJECTED;
        return;
    }
    int above = 0;
    for (size_t i = 0; i < m; i++)
        above += p[i].eff >= threshold;
    if (!above) {
        out->status = PAR_METG_NEVER;
        return;
    }
    out->metg_s = crossing(p, m, threshold, 0, &out->crossings);
    if (isnan(out->metg_s)) {
        /* Some point is at or above and none is followed by one below: the
         * smallest grain is still at or above (a curve that starts below at
         * the largest grains and rises is read the same way). */
        out->status = PAR_METG_ALWAYS;
        return;
    }
    out->status = PAR_METG_OK;
    out->hi_s = crossing(p, m, threshold, -1, NULL);
    out->lo_s = crossing(p, m, threshold, +1, NULL);
    /* On a noisy curve a bound's first crossing can fall on the wrong side
     * of the median's (the bound curves cross elsewhere); such a bound says
     * nothing about this crossing: not available. */
    if (out->hi_s < out->metg_s)
        out->hi_s = NAN;
    if (out->lo_s > out->metg_s)
        out->lo_s = NAN;
}

struct par_metg_point par_metg_point_make(double serial_s, double serial_lo, double serial_hi,
                                          double par_s, double par_lo, double par_hi,
                                          int workers, double tasks_total)
{
    double w = workers > 0 ? workers : 1;
    struct par_metg_point p = { par_s * w / tasks_total, serial_s / (w * par_s), NAN, NAN };
    if (!isnan(serial_lo) && !isnan(serial_hi) && !isnan(par_lo) && !isnan(par_hi)) {
        p.eff_lo = serial_lo / (w * par_hi);
        p.eff_hi = serial_hi / (w * par_lo);
    }
    return p;
}

const char *par_metg_status_name(enum par_metg_status s)
{
    switch (s) {
    case PAR_METG_OK: return "ok";
    case PAR_METG_NEVER: return "never";
    case PAR_METG_ALWAYS: return "always";
    case PAR_METG_REJECTED: return "rejected";
    default: return "empty";
    }
}

void par_metg_us_text(double s, char *buf, size_t len)
{
    double us = s * 1e6;
    if (isnan(us))
        snprintf(buf, len, "?");
    else if (us >= 1000)
        snprintf(buf, len, "%.0f", us);
    else
        snprintf(buf, len, "%.3g", us);
}

void par_metg_text(const struct par_metg *m, char *buf, size_t len)
{
    char a[32], b[32], c[32];
    int pct = (int)lround(m->threshold * 100);
    switch (m->status) {
    case PAR_METG_OK:
        par_metg_us_text(m->metg_s, a, sizeof a);
        if (isnan(m->lo_s) && isnan(m->hi_s)) {
            snprintf(buf, len, "%s µs [interval n/a]", a);
        } else {
            /* a bound whose curve does not cross (or lacks samples) is "?" */
            par_metg_us_text(m->lo_s, b, sizeof b);
            par_metg_us_text(m->hi_s, c, sizeof c);
            snprintf(buf, len, "%s µs [%s, %s]", a, b, c);
        }
        break;
    case PAR_METG_NEVER:
        par_metg_us_text(m->smallest_s, a, sizeof a);
        snprintf(buf, len, "never reached %d %% down to %s µs (best %.0f %%)", pct, a,
                 m->best_eff * 100);
        break;
    case PAR_METG_ALWAYS:
        par_metg_us_text(m->smallest_s, a, sizeof a);
        snprintf(buf, len, "above %d %% down to %s µs: METG < %s µs", pct, a, a);
        break;
    case PAR_METG_REJECTED:
        snprintf(buf, len, "rejected: efficiency %.0f %% > %.0f %% (broken measurement)",
                 m->best_eff * 100, PAR_METG_REJECT_ABOVE * 100);
        break;
    default:
        snprintf(buf, len, "no data");
        break;
    }
}
