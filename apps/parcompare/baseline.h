/* --baseline: compares this run with an earlier results.json.
 *
 * A point is matched by workload, back end, workers and the sizes its child
 * reported. It is a regression when it is slower by more than the threshold
 * AND significantly so: its 95 % CI of the median lies wholly above the
 * baseline's (disjoint 95 % intervals: a difference at well under the 5 %
 * level; Hoefler & Belli, SC'15, rule 7). When either side has no CI (fewer
 * than 6 samples: --reps 1..5, or a baseline from before the CIs) there is
 * no verdict: the point "cannot be judged", whatever its change. */
#ifndef PAR_CMP_BASELINE_H
#define PAR_CMP_BASELINE_H

#include <stddef.h>

#include <cJSON.h>

#include "matrix.h"


/* Reads and checks a results.json (an object with a "records" array).
 * Returns it (owned: cJSON_Delete) or NULL with a one-line message. */
cJSON *par__baseline_load(const char *path, char *msg, size_t len);

/* Fills has_base, base_median, base_mad, base_ci_low/high, change,
 * regression and cannot_judge of every verified point. Returns the number
 * of regressions; *matched gets the number of points that found a partner,
 * *unjudged the number of those that could not be judged. */
int par__baseline_apply(struct par__matrix *m, const cJSON *base, double threshold,
                        int *matched, int *unjudged);

#endif
