/* parcompare's task-size sweep (--grain): for each back end at the machine's
 * core count and each pattern of the grain workload, I (kernel iterations
 * per task) falls by a constant factor from tasks of about 10 ms until the
 * efficiency drops below 10 %; every point is a child process (poolmap,
 * parmap, mpirun parmap) like the matrix's, verified against the serial
 * reference, and the serial back end runs the same graph at every I as the
 * efficiency's reference. METG(50 %) per back end and pattern comes from
 * common/metg.h; docs/metg.md says how this maps onto Task Bench.
 *
 * The result is one cJSON object (results.json's "grain" section), which is
 * also all that grain_report.c reads: the report can be rebuilt from a
 * results.json alone. Single-threaded. */
#ifndef PAR_CMP_GRAIN_SWEEP_H
#define PAR_CMP_GRAIN_SWEEP_H

#include <cJSON.h>

#include "matrix.h"
#include "progress.h"
#include "tools.h"

struct par__grain_plan {
    int full;                   /* fine sweep (factor 2) instead of the short one (4) */
    int workers;                /* workers per back end: the machine's cores */
    int backends[PAR__BE_COUNT];/* back ends to sweep (serial is the reference) */
    int nbackends;
    double timeout_s;           /* per child */
};

/* Fills a plan for `cores` cores from the usable back ends; `only` (count
 * `nonly`, may be 0) restricts them as --backends does. gil is swept in full
 * mode only (it cannot beat 1/workers: the short sweep leaves it out). */
void par__grain_plan_make(struct par__grain_plan *gp, int full, int cores,
                          const struct par__tools *t, const int *only, int nonly,
                          double timeout_s);

/* About how many child runs the sweep makes (for the progress count). */
size_t par__grain_points_estimate(const struct par__grain_plan *gp);

/* Runs the sweep. Returns the "grain" object (owned by the caller), or NULL
 * when out of memory. A back end that fails stops its own sweep (the failure
 * is recorded) and the others go on; *failures counts failed points. */
cJSON *par__grain_sweep(const struct par__grain_plan *gp, const struct par__tools *t,
                        struct par__progress *pg, int *failures);

#endif
