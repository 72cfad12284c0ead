/* The result record every run prints: as text, one JSON object or CSV. */
#ifndef PAR_REPORT_H
#define PAR_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "env.h"
#include "options.h"
#include "placement.h"
#include "stats.h"

struct par_result {
    const char *tool;           /* "poolmap", "parmap" */
    const char *backend;
    const char *kind;           /* "serial", "threads", "processes" */
    const struct par_opts *opts;
    int workers;                /* as the back end ran them */
    const char *detail;         /* back end's one line, may be "" */
    const double *times;        /* reps seconds (may be fewer if a run failed) */
    int ntimes;
    struct par_stats stats;
    uint64_t checksum;
    int verified;
    const char *error;          /* NULL or one line: why it failed */
    const struct par_env *env;
    const struct par_placement *placement; /* MPI runs: where the ranks ran; else NULL */
};

void par_report_text(FILE *f, const struct par_result *r);
void par_report_json(FILE *f, const struct par_result *r);
void par_report_csv(FILE *f, const struct par_result *r, int header);

#endif
