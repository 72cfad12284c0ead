/* Back end "omp" (kind "threads").
 *
 * map: `#pragma omp parallel for schedule(runtime)` with the schedule and
 * chunk of the job set through omp_set_schedule(), so --schedule/--chunk and
 * OMP_SCHEDULE (when no flag is given; the driver reads it) decide.
 * tree: one task per call above the cutoff, taskwait for the two halves,
 * par_fib() below it; started from a single thread of a parallel region.
 * grain: one parallel region, a block of tasks per thread, `omp barrier`
 * after each step (omp_grain.c).
 * Threads: run->workers (from -j, else OMP_NUM_THREADS, else the cores). */
#ifndef PAR_OMP_H
#define PAR_OMP_H
#include "export.h"
PAR_BEGIN_DECLS

#include "backend.h"

extern const struct par_backend par_backend_omp;

/* "4.5 (201511)" for the OpenMP this back end was compiled with. */
const char *par_omp_version(void);

PAR_END_DECLS
#endif
