/* What the matrix will be: workloads, the back ends that can run here,
 * worker counts, sizes and repetitions for --quick or --full. */
#ifndef PAR_CMP_PLAN_H
#define PAR_CMP_PLAN_H

#include "cli.h"
#include "matrix.h"
#include "tools.h"

struct par__plan {
    int full;                               /* 0: quick */
    int workloads[PAR_W_COUNT_];
    int nworkloads;
    int backends[PAR__BE_COUNT];            /* to run, in table order (serial first) */
    int nbackends;
    int skipped[PAR__BE_COUNT];             /* asked for (or default) but not usable */
    int nskipped;
    int workers[PAR__MAX_WORKER_COUNTS];
    int nworkers;
    struct par__sizes sizes[PAR_W_COUNT_];  /* per workload; 0 = program default */
    int reps, warmup;                       /* reps 0: adaptive */
    int invocations;                        /* processes per point (invocations.h) */
    const char *ci_target, *max_reps, *time_budget, *max_warmup; /* passed to children */
    int cores;
    const struct par__nodes *nodes;         /* --nodes given: MPI points per node count */
};

/* Decides the plan. Never fails: back ends that cannot run are listed in
 * skipped (their reasons are in t->why). */
void par__plan_make(struct par__plan *pl, const struct par__cli *c, const struct par__tools *t,
                    int cores);

/* Adds the matrix points: serial at 1 worker for every workload first, then
 * per workload every other back end at every worker count. Returns 0 or -1
 * (out of memory). */
int par__plan_matrix(const struct par__plan *pl, struct par__matrix *m);

#endif
