/* METG: the minimum effective task granularity of one back end, from an
 * efficiency-against-grain sweep (Slaughter et al., "Task Bench", SC'20;
 * docs/metg.md gives our definition and how it maps onto theirs).
 *
 * A sweep point is one task size: its granularity (wall time x workers /
 * tasks, seconds: the time per task *including* the runtime's overhead) and
 * its efficiency (serial time of the same graph / (workers x wall time),
 * a fraction: 1.0 = 100 %), each with the bounds that follow from the 95 %
 * confidence intervals of the medians they were computed from.
 *
 * METG(threshold) is the smallest granularity whose efficiency is still at
 * or above `threshold`, as Task Bench defines it (scripts/chart_metg.py):
 * the last point at or above it walking from the largest grain down,
 * interpolated linearly in granularity towards the next (smaller) point,
 * which is below it. A curve that dips under the threshold and comes back
 * (noise, or a sweep point that lost the CPU) answers with its smaller
 * crossing, and is flagged (crossings > 1). (Taking the first crossing
 * instead gave METGs of 0.75-2.9 ms for pthread and mpi in 3 of 11 quick
 * sweeps, from one large-grain point that lost the CPU.)
 * The interval: the same crossing on the pessimistic curve (every point at
 * its efficiency's lower bound) gives the upper end, the optimistic curve
 * the lower end. */
#ifndef PAR_METG_H
#define PAR_METG_H
#include "export.h"
PAR_BEGIN_DECLS

#include <stddef.h>

/* Efficiencies above this are a broken measurement (Task Bench rejects them). */
#define PAR_METG_REJECT_ABOVE 1.5

struct par_metg_point {
    double grain_s;          /* > 0: granularity, seconds per task */
    double eff;              /* efficiency (median), fraction */
    double eff_lo, eff_hi;   /* its 95 % bounds; NaN when not available */
};

enum par_metg_status {
    PAR_METG_OK = 0,      /* a crossing: metg_s is a number */
    PAR_METG_NEVER,       /* below the threshold at every point: "never reached" */
    PAR_METG_ALWAYS,      /* at or above it at every point: METG < the smallest grain */
    PAR_METG_REJECTED,    /* some efficiency > PAR_METG_REJECT_ABOVE: not a measurement */
    PAR_METG_EMPTY        /* no usable point */
};

struct par_metg {
    enum par_metg_status status;
    double threshold;        /* e.g. 0.5 */
    double metg_s;           /* OK: the crossing; NaN otherwise */
    double lo_s, hi_s;       /* OK: its interval; NaN when a bound is not available
                                (too few samples, or that curve does not cross) */
    int crossings;           /* times the median curve crosses the threshold downwards */
    size_t npoints;          /* usable points (grain > 0, efficiency finite) */
    double smallest_s, largest_s; /* the grains swept (NaN when none) */
    double best_eff;         /* the highest efficiency seen (NaN when none) */
};

/* METG(threshold) of pts[0..n) (any order; not modified; points with a
 * non-positive grain or a non-finite efficiency are ignored). 0 < threshold
 * < PAR_METG_REJECT_ABOVE. Never fails: the status says what was found.
 * Pure, thread-safe. */
void par_metg_compute(const struct par_metg_point *pts, size_t n, double threshold,
                      struct par_metg *out);

/* One line for a person: "3.2 µs [2.9, 3.6]" ("?" for a bound that is not
 * available), "never reached 50 % down to
 * 0.8 µs (best 31 %)", "above 50 % down to 0.8 µs: METG < 0.8 µs",
 * "rejected: efficiency 180 % > 150 % (broken measurement)", "no data".
 * Always NUL-terminated. */
void par_metg_text(const struct par_metg *m, char *buf, size_t len);

/* A sweep point from the serial back end's and a parallel back end's wall
 * times of the same graph (seconds: medians and their 95 % bounds, NaN when
 * not available), `workers` workers and tasks_total = T x S tasks:
 *   grain_s = par_s x workers / tasks_total       (Task Bench's granularity)
 *   eff     = serial_s / (workers x par_s)        (bounds: serial_lo with
 *             par_hi, serial_hi with par_lo; NaN when any is NaN) */
struct par_metg_point par_metg_point_make(double serial_s, double serial_lo, double serial_hi,
                                          double par_s, double par_lo, double par_hi,
                                          int workers, double tasks_total);

/* Seconds s as microseconds the way people read them: three significant
 * digits, no exponent ("0.812", "24", "1230"); "?" for NaN. */
void par_metg_us_text(double s, char *buf, size_t len);

/* "ok", "never", "always", "rejected", "empty". */
const char *par_metg_status_name(enum par_metg_status s);

PAR_END_DECLS
#endif
