/* What parcompare may say about a point's time given its uncertainty
 * (issue 10; Hoefler & Belli, SC'15, rules 5-8):
 *   - every time is a median with its 95 % CI (from the child's record); a
 *     point with fewer than 6 samples has none, and says so;
 *   - a speed-up S = T1/T comes with the interval [T1_lo/T_hi, T1_hi/T_lo]
 *     built from the two CIs' ends (if both CIs hold, S lies in it: joint
 *     coverage >= 0.95^2 ~ 90 %);
 *   - "fastest" only when the best median's CI lies wholly below the
 *     runner-up's; otherwise the two are tied. */
#ifndef PAR_CMP_UNCERTAINTY_H
#define PAR_CMP_UNCERTAINTY_H

#include <stddef.h>
#include <stdio.h>

#include <cJSON.h>

#include "matrix.h"

/* Reads ci_low/ci_high/samples/warmups/target_reached from p->result (a
 * verified point); leaves NaN/0 where the record has none. */
void par__point_read_sampling(struct par__point *p);

/* Fills p->speedup_low/high against the serial reference s (both verified,
 * both with CIs), else leaves them NaN. */
void par__speedup_bounds(struct par__point *p, const struct par__point *s);

/* Marks the fastest verified matrix point of workload w (p->fastest), or,
 * when its CI overlaps the runner-up's or either has no CI, records the
 * runner-up in p->tied_with instead. in_set selects the points considered. */
void par__mark_fastest(struct par__matrix *m, int w, int (*in_set)(const struct par__point *));

/* The time of a point in `scale` units per second: "8.12 [7.9, 8.4]" with a
 * CI, "8.12 (3 samples, no CI)" without, "8.12 (1 sample)" for one, and
 * "FAILED" for a failed point. Returns buf. */
const char *par__time_text(const struct par__point *p, double scale, char *buf, size_t len);

/* "fastest", "tied with omp -j 2" or "" (buf when needed). */
const char *par__fastest_text(const struct par__point *p, char *buf, size_t len);

/* Adds to a point's results.json record: speedup_low/high, tied_with (a
 * label or null); and for a failed point replaces every time (median, MAD,
 * CI...) by null: a failed run has no median. */
void par__record_uncertainty(cJSON *r, const struct par__point *p);

/* The CSV columns this module owns, header and row (each starting with a
 * comma, no newline). */
extern const char par__uncertainty_csv_header[];
void par__uncertainty_csv(FILE *f, const struct par__point *p);

#endif
