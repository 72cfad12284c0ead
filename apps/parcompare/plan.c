#include "plan.h"
#include "nodes.h"

#include <string.h>

/* --quick sizes: each serial point takes roughly 0.15-0.2 s on a current
 * core (Release build), so that the whole matrix, gil, the cheatsheet points
 * and MPI start-up included, takes about one minute on 2 cores (two at most
 * on a slower or busy one). map stays fine-grained on purpose: x*x is a few
 * nanoseconds per item, and the table should show what that means. */
static const struct par__sizes quick_sizes[PAR_W_COUNT_] = {
    [PAR_W_MAP] = { .items = 4000000 },
    /* fib and parmap: about 45 and 90 ms per serial run, so that a point's
     * 6 samples in each of its 2 invocations keep the run near 2 minutes. */
    [PAR_W_FIB] = { .n = 32, .k = 8 },
    [PAR_W_PARMAP] = { .items = 16 },
    [PAR_W_FIBTASK] = { .n = 38, .cutoff = 23 },
};

#define DEFAULT_WARMUP 1
/* Adaptive repetitions: the quick mode's budget keeps the matrix near two
 * minutes on 2 cores (6 samples are taken whatever the budget). */
#define QUICK_MAX_REPS "30"
#define QUICK_BUDGET_S "1"
#define FULL_MAX_REPS "100"
#define FULL_BUDGET_S "10"

static void apply_overrides(struct par__plan *pl, const struct par__cli *c)
{
    if (c->items)
        pl->sizes[PAR_W_MAP].items = c->items;
    if (c->parmap_items)
        pl->sizes[PAR_W_PARMAP].items = c->parmap_items;
    if (c->k)
        pl->sizes[PAR_W_FIB].k = c->k;
    if (c->n) {
        pl->sizes[PAR_W_FIB].n = c->n;
        pl->sizes[PAR_W_FIBTASK].n = c->n;
        /* The mode's cutoff belongs to the mode's n; let the program choose. */
        if (!c->cutoff)
            pl->sizes[PAR_W_FIBTASK].cutoff = 0;
    }
    if (c->cutoff)
        pl->sizes[PAR_W_FIBTASK].cutoff = c->cutoff;
}

void par__plan_make(struct par__plan *pl, const struct par__cli *c, const struct par__tools *t,
                    int cores)
{
    memset(pl, 0, sizeof *pl);
    pl->full = c->full;
    pl->cores = cores;
    if (c->nworkloads) {
        memcpy(pl->workloads, c->workloads, sizeof pl->workloads);
        pl->nworkloads = c->nworkloads;
    } else {
        for (int w = 0; w < PAR_W_GRAIN; w++)   /* grain is swept by --grain */
            pl->workloads[pl->nworkloads++] = w;
    }

    int wanted[PAR__BE_COUNT] = { 0 };
    if (c->nbackends) {
        for (int i = 0; i < c->nbackends; i++)
            wanted[c->backends[i]] = 1;
    } else {
        for (int be = 0; be < PAR__BE_COUNT; be++)
            wanted[be] = 1;
    }
    wanted[PAR__BE_SERIAL] = 1; /* the reference of every speed-up */
    /* hybrid is a --nodes comparison: by default it joins only there. */
    if (!c->nbackends && !c->nodes.ncounts)
        wanted[PAR__BE_HYBRID] = 0;
    pl->nodes = c->nodes.ncounts ? &c->nodes : NULL;
    for (int be = 0; be < PAR__BE_COUNT; be++) {
        if (!wanted[be])
            continue;
        if (t->usable[be])
            pl->backends[pl->nbackends++] = be;
        else
            pl->skipped[pl->nskipped++] = be;
    }

    if (c->nworkers) {
        memcpy(pl->workers, c->workers, sizeof pl->workers);
        pl->nworkers = c->nworkers;
    } else {
        /* Every count up to 8 cores; beyond, powers of two and the core
         * count, so that a big machine's quick run stays quick. */
        for (int j = 1; j <= cores; j = cores <= 8 ? j + 1 : (2 * j < cores ? 2 * j : cores)) {
            pl->workers[pl->nworkers++] = j;
            if (j == cores)
                break;
        }
        if (2 * cores <= PAR_MAX_WORKERS)
            pl->workers[pl->nworkers++] = 2 * cores; /* one oversubscribed point */
    }

    if (!c->full)
        memcpy(pl->sizes, quick_sizes, sizeof pl->sizes);
    apply_overrides(pl, c);
    pl->reps = c->reps > 0 ? c->reps : 0;
    pl->invocations = c->invocations > 0 ? c->invocations : c->full ? 3 : 2;
    /* Quick: no compulsory warm-up; the drift test (with its first-run spike
     * rule) still discards a slow start, and a point costs 6 runs at least. */
    pl->warmup = c->warmup >= 0 ? c->warmup : c->full ? DEFAULT_WARMUP : 0;
    pl->ci_target = c->ci_target ? c->ci_target : "5";
    pl->max_reps = c->max_reps ? c->max_reps : c->full ? FULL_MAX_REPS : QUICK_MAX_REPS;
    pl->time_budget = c->time_budget ? c->time_budget : c->full ? FULL_BUDGET_S : QUICK_BUDGET_S;
    pl->max_warmup = c->max_warmup ? c->max_warmup : "20";
}

int par__plan_matrix(const struct par__plan *pl, struct par__matrix *m)
{
    /* The serial references run first, on a machine no earlier point has
     * disturbed (an MPI run's teardown can linger into the next point). */
    for (int wi = 0; wi < pl->nworkloads; wi++) {
        enum par_workload w = (enum par_workload)pl->workloads[wi];
        struct par__point p = {
            .sets = PAR__SET_MATRIX, .workload = w, .backend = PAR__BE_SERIAL, .workers = 1,
            .sizes = pl->sizes[w], .reps = pl->reps, .warmup = pl->warmup,
        };
        if (par__matrix_add(m, &p) < 0)
            return -1;
    }
    for (int wi = 0; wi < pl->nworkloads; wi++) {
        enum par_workload w = (enum par_workload)pl->workloads[wi];
        for (int bi = 0; bi < pl->nbackends; bi++) {
            int be = pl->backends[bi];
            /* With --nodes the MPI back ends run per node count (nodes.c). */
            if (pl->nodes && (be == PAR__BE_MPI || be == PAR__BE_HYBRID))
                continue;
            for (int ji = 0; ji < pl->nworkers && be != PAR__BE_SERIAL; ji++) {
                struct par__point p = {
                    .sets = PAR__SET_MATRIX, .workload = w, .backend = be,
                    .workers = pl->workers[ji], .sizes = pl->sizes[w], .reps = pl->reps,
                    .warmup = pl->warmup,
                    /* hybrid on one node: one rank, the workers as its threads */
                    .threads = be == PAR__BE_HYBRID ? pl->workers[ji] : 0,
                };
                if (par__matrix_add(m, &p) < 0)
                    return -1;
            }
        }
    }
    if (pl->nodes) {
        int hybrid = 0;
        for (int bi = 0; bi < pl->nbackends; bi++)
            hybrid |= pl->backends[bi] == PAR__BE_HYBRID;
        return par__nodes_plan(pl->nodes, pl, hybrid, m);
    }
    return 0;
}
