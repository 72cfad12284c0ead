/* --baseline: compares this run with an earlier results.json.
 *
 * A point is matched by workload, back end, workers and the sizes its child
 * reported. It is a regression when all three hold:
 *   1. it is slower by more than the threshold (--threshold, default 10 %);
 *   2. significantly so within the runs: its 95 % CI of the median lies
 *      wholly above the baseline's (disjoint 95 % intervals: a difference at
 *      well under the 5 % level; Hoefler & Belli, SC'15, rule 7);
 *   3. beyond the run-to-run noise: the gap between the two intervals,
 *      ln(CI low now / CI high in the baseline), exceeds the noise floor,
 *      the largest ratio two invocations of one point showed, over every
 *      point of this run and of the baseline (invocations.h). The gap, not
 *      the ratio of the medians: a baseline whose two invocations of a point
 *      both fell in a fast phase of the host (story map pthread -j 10: 0.97
 *      and 1.04 ms, then 1.26-1.61 ms in five later runs) put an identical
 *      binary's median at +61 % over a floor of 59 %; the intervals' gap
 *      was 45 %. Without
 *      3, an identical binary "regressed" by up to 46 % on this project's
 *      VM: the CIs describe one invocation each. The floor is taken over all
 *      workloads, not per workload, because what moves an invocation here is
 *      mostly the host (a slow phase of the VM hits any workload): with a
 *      per-workload floor, 2 of 76 points of an identical binary were still
 *      flagged (fibtask proc -j 1 +38 % over a fibtask floor of 33 %, with
 *      a fib floor of 52 % in the same run).
 * When either side has no CI (fewer than 6 samples: --reps 1 with two
 * invocations, or a baseline from before the CIs), or neither run measured
 * any point in two invocations (--invocations 1, and a baseline without
 * them), there is no verdict: the point "cannot be judged",
 * whatever its change. */
#ifndef PAR_CMP_BASELINE_H
#define PAR_CMP_BASELINE_H

#include <stddef.h>

#include <cJSON.h>

#include "matrix.h"


/* Reads and checks a results.json (an object with a "records" array).
 * Returns it (owned: cJSON_Delete) or NULL with a one-line message. */
cJSON *par__baseline_load(const char *path, char *msg, size_t len);

/* What --baseline found. */
struct par__verdicts {
    int matched;                  /* points with a partner in the baseline */
    int regressions;
    int no_ci;                    /* cannot judge: no CI on one side */
    int no_floor;                 /* cannot judge: the workload's noise floor is unknown */
    double floor_all;             /* the noise floor the verdicts use: over every
                                     workload; ln ratio (>= 0), -1 unknown */
    double floor[PAR_W_COUNT_];   /* the same per workload, for the record; NaN when no
                                     point of it found a partner */
};

/* Fills has_base, base_median, base_mad, base_ci_low/high, change,
 * regression and cannot_judge of every verified point, and *v. Returns the
 * number of regressions. */
int par__baseline_apply(struct par__matrix *m, const cJSON *base, double threshold,
                        struct par__verdicts *v);

#endif
