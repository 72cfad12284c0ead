/* The overhead suite in parcompare's run: bench_overhead (bench/overhead.c,
 * the EPCC method) as one child per back end — `bench_overhead --backend B
 * --json` for pthread, omp and proc, `mpirun -n 2 bench_overhead --mpi
 * --json` for mpi — and its rows gathered into results.json's "overhead"
 * object, which is all overhead_report.c reads. A back end whose child fails
 * keeps the rows it printed before failing, gets one line saying why, and
 * the others still run. Single-threaded. */
#ifndef PAR_CMP_OVERHEAD_H
#define PAR_CMP_OVERHEAD_H

#include <stddef.h>

#include <cJSON.h>

#include "plan.h"
#include "progress.h"
#include "tools.h"

/* Children the suite will start for this plan (for the progress count; 0
 * when bench_overhead was not found). */
size_t par__overhead_children(const struct par__plan *pl, const struct par__tools *t);

/* Runs the suite for the plan's back ends (and lists its skipped ones as
 * unavailable) with pl->cores workers. Returns the "overhead" object (owned
 * by the caller), or NULL when out of memory; *failures counts back ends
 * whose child failed. */
cJSON *par__overhead_run(const struct par__plan *pl, const struct par__tools *t,
                         double timeout_s, struct par__progress *pg, int *failures);

#endif
