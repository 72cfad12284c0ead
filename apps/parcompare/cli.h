/* parcompare's own command line. Parsing never exits and never prints: it
 * returns PAR_EINVAL with one line naming the option and what it accepts;
 * main prints it and exits 2. */
#ifndef PAR_CMP_CLI_H
#define PAR_CMP_CLI_H

#include <stddef.h>

#include "matrix.h"
#include "nodes.h"
#include "options.h"

#define PAR__MAX_WORKER_COUNTS 64

struct par__cli {
    int full;                               /* --full (else --quick) */
    int workloads[PAR_W_COUNT_];            /* in the order given, no repeats */
    int nworkloads;                         /* 0: all four */
    int backends[PAR__BE_COUNT];
    int nbackends;                          /* 0: every one built */
    int workers[PAR__MAX_WORKER_COUNTS];    /* ascending, no repeats */
    int nworkers;                           /* 0: 1..cores and 2*cores */
    int reps, warmup;                       /* -1: the mode's default (reps: adaptive) */
    int invocations;                        /* 0: the mode's default (invocations.h) */
    /* Adaptive repetitions (issue 10), checked here and passed to every child
     * as given; NULL: the mode's. */
    const char *ci_target, *max_reps, *time_budget, *max_warmup;
    size_t items, parmap_items;             /* 0: the mode's sizes */
    int n, k, cutoff;                       /* 0: the mode's sizes */
    int story;                              /* 0 after --no-story */
    int story_n;                            /* fib argument of the story (35) */
    size_t story_items;                     /* map items of the story (999,999) */
    int python;                             /* --python */
    int python_n;                           /* 0: the mode's */
    size_t python_items;                    /* 0: the mode's */
    const char *python_dir;                 /* NULL: par__python_default_dir */
    const char *baseline;                   /* NULL: no comparison */
    double threshold;                       /* fraction: 0.10 = 10 % slower */
    double timeout_s;                       /* per child */
    const char *out;                        /* NULL: results/<timestamp> */
    const char *bindir;                     /* NULL: next to parcompare */
    const char *mpirun;                     /* NULL: PATH */
    int bandwidth;                          /* 0 after --no-bandwidth */
    int stream_mib;                         /* --stream-mib; 0: bandwidth.h's rule */
    int grain;                              /* grain sweep: 0 no (--no-grain, or
                                               --workloads given), 1 besides the
                                               matrix (default), 2 only (--grain) */
    int overhead;                           /* the overhead suite: 1 with the default
                                               matrix or --overhead; 0 after
                                               --no-overhead, --workloads, --grain,
                                               --nodes */
    int skipped_for_nodes;                  /* --nodes turned the sweep or the suite off */
    struct par__nodes nodes;                /* --nodes, --hostfile (nodes.h) */
    int show_help, show_version;
};

/* Fills defaults, then parses argv. Strings in *c point into argv. Returns 0
 * or PAR_EINVAL with a one-line message in msg. Thread-unsafe (getopt). */
int par__cli_parse(struct par__cli *c, int argc, char **argv, char *msg, size_t len);

/* The --help text. */
void par__cli_usage(void *stream);

#endif
