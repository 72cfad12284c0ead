/* The points parcompare runs: one (workload, back end, workers, sizes) each,
 * and what became of them. A point is run once as a child process; its
 * record (the child's JSON) and status are stored on the point.
 *
 * Points come in sets: the matrix proper (the tables and plots), the
 * cheatsheet story (the cheatsheet's own sizes) and the C side of the Python
 * comparison. A point needed by two sets is run once (par__matrix_add
 * de-duplicates and ORs the set bits).
 *
 * Not thread-safe: parcompare is single-threaded. */
#ifndef PAR_CMP_MATRIX_H
#define PAR_CMP_MATRIX_H

#include <stddef.h>

#include <cJSON.h>

#include "options.h"

/* Back ends, in the order tables and plots list them. */
enum par__be {
    PAR__BE_SERIAL, PAR__BE_PTHREAD, PAR__BE_GIL, PAR__BE_OMP, PAR__BE_PROC, PAR__BE_MPI,
    PAR__BE_HYBRID, PAR__BE_COUNT
};

/* Name of a back end ("serial" ...); "?" for an out-of-range value. */
const char *par__be_name(int be);

/* "serial", "threads" or "processes": how a back end runs its workers. */
const char *par__be_kind(int be);

/* Back end by name; -1 when unknown. */
int par__be_parse(const char *name);

/* Sizes passed to a child; 0 means "not passed: the program's default". */
struct par__sizes {
    size_t items;   /* map: items; parmap: list length */
    int n, k, cutoff;
    /* grain (the --grain sweep, grain_sweep.c) */
    long long iterations, steps, tasks;
    int pattern;    /* enum par_pattern */
};

#define PAR__SET_MATRIX 1   /* the tables and plots */
#define PAR__SET_STORY  2   /* the cheatsheet's timings, at its sizes */
#define PAR__SET_PYTHON 4   /* C beside the Python ports, at their sizes */
#define PAR__SET_NODES  8   /* the --nodes dimension (nodes.h) */
#define PAR__SET_FINE  16   /* fibtask at a fine cutoff (finegrain.h) */

/* What became of a point. PENDING -> one of the others, once. */
enum par__status {
    PAR__ST_PENDING,     /* not run yet */
    PAR__ST_OK,          /* exit 0, JSON read, verified */
    PAR__ST_UNVERIFIED,  /* the child ran but a result differed from serial */
    PAR__ST_FAILED,      /* non-zero exit without a verified record */
    PAR__ST_CRASHED,     /* killed by a signal it did not ask for */
    PAR__ST_TIMEOUT,     /* ran past --timeout and was killed with its group */
    PAR__ST_BADOUTPUT,   /* exit 0 but no readable JSON record */
    PAR__ST_NOSTART,     /* the program could not be started */
};

/* One word for a status ("ok", "unverified", "timeout" ...). */
const char *par__status_name(enum par__status st);

struct par__point {
    int sets;                      /* PAR__SET_* bits */
    enum par_workload workload;
    enum par__be backend;
    int workers;
    struct par__sizes sizes;
    int reps, warmup;
    int nodes;                     /* --nodes points (nodes.h): nodes asked for; 0 = one
                                      node, the launcher's default */
    int threads;                   /* hybrid: OpenMP threads per rank (workers = ranks x
                                      threads); 0 for other back ends */

    /* Filled when run. */
    enum par__status status;
    char why[320];                 /* one line when status is not OK */
    char command[1024];            /* the command line, for the record */
    double wall_s;                 /* the child's whole life, start-up included */
    int exit_code;                 /* -1 when killed by a signal */
    cJSON *result;                 /* the child's record without "env"; owned, may be NULL */
    cJSON *env;                    /* the child's "env" object; owned, may be NULL */
    double median, mad;            /* from result; NaN when there is none */
    /* The child's sampling (uncertainty.c); NaN/0 when there is none. */
    double ci_low, ci_high;        /* 95 % CI of the median; NaN when unavailable */
    int samples, warmups;          /* timed samples, warm-ups taken */
    int target_reached;            /* the CI met the child's --ci-target */
    int workers_ran;               /* most workers that took part; 0 not reported */

    /* Derived (table.c): NaN when not applicable. */
    double speedup, efficiency, karp_flatt;
    double speedup_low, speedup_high; /* from the CI ends of both medians; NaN without CIs */
    int fastest;                   /* 1 on the fastest verified point of its workload when
                                      its CI lies below the runner-up's */
    const struct par__point *tied_with; /* else the runner-up it cannot be told from */
    double bw_bound_s;             /* map: the memory-bandwidth bound on its time
                                      (bandwidth.h); NaN elsewhere, 0 before derived */

    /* Baseline comparison (baseline.c). */
    int has_base;                  /* a matching point was found in the baseline */
    double base_median, base_mad;
    double change;                 /* median / base_median - 1 */
    double base_ci_low, base_ci_high; /* NaN when the baseline had no CI */
    int regression;                /* slower beyond threshold and significantly */
    int cannot_judge;              /* 0, or why there is no verdict: PAR__NO_CI (too few
                                      samples here or there), PAR__NO_FLOOR (run-to-run
                                      noise unknown: one invocation; baseline.h) */
};

#define PAR__NO_CI 1
#define PAR__NO_FLOOR 2

struct par__matrix {
    struct par__point *pts;        /* owned */
    size_t n, cap;
};

/* Adds a point (status PENDING) unless an equal one (workload, back end,
 * workers, sizes, reps, warm-up) is there; either way ORs `p->sets` into it.
 * Returns its index, or -1 when out of memory. */
long par__matrix_add(struct par__matrix *m, const struct par__point *p);

/* The point equal to the given coordinates, or NULL. */
struct par__point *par__matrix_find(struct par__matrix *m, enum par_workload w,
                                    enum par__be be, int workers, const struct par__sizes *s);

/* Frees every point's JSON and the array. */
void par__matrix_free(struct par__matrix *m);

/* Number of points whose status is a failure (not OK, not PENDING). */
size_t par__matrix_failures(const struct par__matrix *m);

/* 1 when the two size sets are equal. */
int par__sizes_equal(const struct par__sizes *a, const struct par__sizes *b);

/* The sizes of a point as text ("n=31, k=16"); `buf` is returned. Uses the
 * child's record when there is one (it knows the defaults), else the sizes
 * that were asked for ("default" where 0). */
const char *par__point_sizes_text(const struct par__point *p, char *buf, size_t len);

#endif
