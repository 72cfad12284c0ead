/* One fine-grained point beside the matrix: fibtask split down to cutoff
 * 10 (millions of tasks of ~100 ns each) on serial, pthread and omp at
 * every core. The matrix's fibtask is coarse on purpose (cutoff 23); at
 * this grain what decides is each scheduler's cost per task (work-stealing
 * deques against a shared task queue), which the report shows here. */
#ifndef PAR_CMP_FINEGRAIN_H
#define PAR_CMP_FINEGRAIN_H

#include <stdio.h>

#include "matrix.h"
#include "plan.h"

#define PAR__FINE_CUTOFF 10

/* Adds the points (tagged PAR__SET_FINE) when the plan has the fibtask
 * workload: serial at 1 worker, pthread and omp (those the plan runs) at
 * pl->cores workers, at the plan's fibtask n. Returns 0 or -1 (out of
 * memory). */
int par__finegrain_plan(struct par__matrix *m, const struct par__plan *pl);

/* The report.md section (Markdown); nothing when no point was planned. */
void par__finegrain_report(FILE *f, const struct par__matrix *m, const struct par__plan *pl);

#endif
