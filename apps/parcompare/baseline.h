/* --baseline: compares this run with an earlier results.json.
 *
 * A point is matched by workload, back end, workers and the sizes its child
 * reported. It is a regression when it is slower by more than the threshold
 * AND by more than the noise: median - base > 3 * (MAD + base MAD), the
 * MADs being the unscaled median absolute deviations both runs recorded
 * (3 x MAD is about two standard deviations for normal noise). */
#ifndef PAR_CMP_BASELINE_H
#define PAR_CMP_BASELINE_H

#include <stddef.h>

#include <cJSON.h>

#include "matrix.h"

#define PAR__NOISE_MADS 3.0

/* Reads and checks a results.json (an object with a "records" array).
 * Returns it (owned: cJSON_Delete) or NULL with a one-line message. */
cJSON *par__baseline_load(const char *path, char *msg, size_t len);

/* Fills has_base, base_median, base_mad, change and regression of every
 * verified point.
 * Returns the number of regressions; *matched gets the number of points
 * that found a partner. */
int par__baseline_apply(struct par__matrix *m, const cJSON *base, double threshold,
                        int *matched);

#endif
