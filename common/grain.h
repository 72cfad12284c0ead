/* The grain workload: the task graph Task Bench uses to measure the minimum
 * effective task granularity (METG; Slaughter et al., SC'20; our definition
 * in docs/metg.md).
 *
 * T tasks per step, S steps. Task i of step s computes
 *     v[s][i] = par_grain_kernel(input(s, i), I)
 * where v[-1][i] = par_grain_seed(i) and
 *     none     input = v[s-1][i]: a task chains only on its own previous value,
 *              so no value ever moves between workers (Task Bench's no_comm);
 *              back ends still synchronise once per step (a barrier), which
 *              is the cost this pattern measures;
 *     stencil  input = par_grain_mix(v[s-1][i-1], v[s-1][i], v[s-1][i+1]),
 *              a missing neighbour (i = 0, i = T-1) reading as 0: the 1-D
 *              stencil (Task Bench's stencil_1d); neighbours exchange one
 *              value per step (halo messages between processes, shared
 *              memory between threads).
 * The result is v[S-1][0..T): every task of every step feeds it, so one
 * wrong or skipped task changes it. The work is T*S*I kernel iterations.
 *
 * The reference (par_grain_reference) runs the same graph with the kernel's
 * O(log I) jump-ahead, an independent algorithm, so a bug in the kernel loop
 * is caught as well as one in a back end. */
#ifndef PAR_GRAIN_H
#define PAR_GRAIN_H
#include "export.h"
PAR_BEGIN_DECLS

#include <stddef.h>
#include <stdint.h>

enum par_pattern { PAR_PATTERN_NONE = 0, PAR_PATTERN_STENCIL = 1, PAR_PATTERN_COUNT_ };

#define PAR_GRAIN_MAX_ITERATIONS INT64_C(1000000000000)  /* 1e12: hours per task */
#define PAR_GRAIN_MAX_TASKS 1000000
#define PAR_GRAIN_MAX_STEPS 100000000

/* One grain job, as a back end receives it. */
struct par_grain {
    int64_t iterations;        /* I >= 1: kernel iterations per task */
    size_t tasks;              /* T >= 1: tasks per step */
    int64_t steps;             /* S >= 1 */
    enum par_pattern pattern;
    int64_t *out;              /* T values of the last step; written by the back
                                  end (MPI: on rank 0 only, may be NULL elsewhere) */
};

/* "none" / "stencil" ("?" for other values). */
const char *par_pattern_name(enum par_pattern p);
/* 0 and *p set, or PAR_EINVAL for an unknown name. */
int par_pattern_parse(const char *s, enum par_pattern *p);

/* v[-1][i]: the value before the first step. */
int64_t par_grain_seed(size_t i);

/* A stencil task's input from its left, own and right previous values
 * (0 for a missing neighbour). Order-sensitive and cheap. */
int64_t par_grain_mix(int64_t left, int64_t self, int64_t right);

/* The input of task i given all of the previous step's T values. */
int64_t par_grain_input(const int64_t *prev, size_t tasks, size_t i, enum par_pattern p);

/* One step for tasks [begin, end): next[i] = kernel(input(prev, i), I).
 * prev holds all T values of the previous step. The shared-memory back ends'
 * inner loop. */
void par_grain_step(const int64_t *prev, int64_t *next, size_t tasks, size_t begin, size_t end,
                    int64_t iterations, enum par_pattern p);

/* The block of tasks worker w of `workers` owns (contiguous, sizes differ by
 * at most one, the larger first): [*begin, *end). */
void par_grain_block(size_t tasks, int workers, int w, size_t *begin, size_t *end);

/* The whole graph on the calling thread with the timed kernel; job->out gets
 * the result. scratch: 2*T int64 the caller owns. The serial back end. */
void par_grain_run_serial(const struct par_grain *job, int64_t *scratch);

/* The whole graph with the jump-ahead kernel into ref[0..T). Returns 0 or
 * PAR_ENOMEM. */
int par_grain_reference(int64_t iterations, size_t tasks, int64_t steps, enum par_pattern p,
                        int64_t *ref);

PAR_END_DECLS
#endif
