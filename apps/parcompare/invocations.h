/* Independent invocations of a point, and the run-to-run noise they show.
 *
 * Why more than one invocation: the repetitions a child times share one
 * process -- one memory placement, one page layout, one state of the host --
 * so they are correlated, and their CI says how well THAT invocation's median
 * is known, not where the next invocation will land. On this project's 2-core
 * VM the serial map point (4 M items) had medians of 5.1, 7.0 and 9.5 ms in
 * successive invocations whose own 95 % CIs were about +-2 % (poolmap -w map
 * -b serial --items 4000000 --reps 8, twelve invocations, load 0.9,
 * 2026-11-30), so a baseline taken from one invocation "regressed" by +46 %
 * against an identical binary. Variation has levels (iterations inside an
 * invocation, invocations inside a run); the level with real variance must
 * be replicated (T. Kalibera and R. Jones, "Rigorous Benchmarking in
 * Reasonable Time", ISMM'13; Georges, Buytaert and Eeckhout, OOPSLA'07).
 *
 * What parcompare does:
 *   - every point runs in N invocations (--invocations, default 2 in --quick,
 *     3 in --full), in rounds over the whole plan, every round in plan order
 *     (main.c, run_all): a point's invocations are one whole round apart, so
 *     they see different phases of the host and their medians show how much
 *     it drifts. Reversing every other round would run the last point's two
 *     invocations back to back, in one phase: its CI would come out too
 *     narrow and the noise floor too low. The price -- later points of the
 *     plan run later on average -- is small: the comparisons parcompare
 *     makes are between back ends of one workload, adjacent in the plan;
 *   - a point's samples are pooled: its median and 95 % order-statistics CI
 *     come from all of them, and the CI is then widened to contain every
 *     invocation's median. The pooled CI alone would treat correlated
 *     samples as independent; the invocation medians are the least the
 *     between-invocation spread demands;
 *   - the run-to-run noise floor is the largest ratio between two invocation
 *     medians of any one point, in this run or in the baseline
 *     (par__noise_floor). A change no larger than that is one two
 *     invocations of the same binary showed on this machine, and --baseline
 *     does not call it a regression (baseline.h).
 * A point fails when any of its invocations fails. */
#ifndef PAR_CMP_INVOCATIONS_H
#define PAR_CMP_INVOCATIONS_H

#include <cJSON.h>

#include "matrix.h"

#define PAR__MAX_INVOCATIONS 20

/* Starts the "invocations" array of a point's record from its first run
 * (an entry with its median, CI, samples, warm-ups, stop reason and wall
 * time). Call once after the first invocation; a point without a result is
 * left alone. Returns 0, or -1 when out of memory. */
int par__invocation_first(struct par__point *p);

/* Folds a later invocation `next` (run with the same command) into p:
 *   - next failed: p takes next's status, reason, exit code and record (the
 *     point fails); p's own record is freed;
 *   - both verified: next's times are appended to p's "times_s", the
 *     summary (median, min, max, mean, stddev, MAD, samples, reps,
 *     warm-ups, CI, target_reached, workers_ran = the smaller) is computed
 *     again from the pooled samples, the CI is widened to contain every
 *     invocation median, and next's entry is added to "invocations".
 * p failed already: nothing changes. next's JSON is consumed (freed or moved)
 * either way. Returns 0, or -1 when out of memory (p is then unchanged
 * apart from next's JSON being freed). */
int par__invocation_merge(struct par__point *p, struct par__point *next);

/* The run-to-run noise floor of `workload` (a workload name, or NULL for
 * every workload): the largest |ln(a/b)| between two invocation medians of
 * any one record of that workload, over the records of `records` (a
 * results.json "records" array, may be NULL) and the verified points of m
 * (may be NULL).
 * Returns it (>= 0), or -1 when no record of that workload had two
 * invocations (the floor is unknown). */
double par__noise_floor(const struct par__matrix *m, const cJSON *records, const char *workload);

#endif
