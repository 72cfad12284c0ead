/* The result record every run prints: as text, one JSON object or CSV. */
#ifndef PAR_REPORT_H
#define PAR_REPORT_H
#include "export.h"
PAR_BEGIN_DECLS

#include <stdint.h>
#include <stdio.h>

#include "ci.h"
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
    struct par_ci ci;           /* 95 % CI of the median of times (ci.h) */
    int warmups;                /* warm-up runs discarded */
    int warmup_steady;          /* 1 steady, 0 the cap/budget ended it, -1 test off */
    const char *stop;           /* why repetitions stopped (par_stop_name) */
    int target_reached;         /* CI half-width within opts->ci_target */
    int workers_ran;            /* most workers that took part in any run; 0 unknown */
    uint64_t checksum;
    int verified;
    const char *error;          /* NULL or one line: why it failed */
    const struct par_env *env;
    const struct par_placement *placement; /* MPI runs: where the ranks ran; else NULL */
};

void par_report_text(FILE *f, const struct par_result *r);
/* The sampling part alone (repetitions, warm-ups, median and CI): text
 * lines, or JSON members each starting with a comma. */
void par_report_sampling_text(FILE *f, const struct par_result *r);
void par_report_sampling_json(FILE *f, const struct par_result *r);

/* The one-line team warning ("asked for 4 workers, 1 took part"), or NULL
 * when the back end ran the team asked for or does not report it. */
const char *par_report_team_warning(const struct par_result *r, char *buf, size_t len);
void par_report_json(FILE *f, const struct par_result *r);
void par_report_csv(FILE *f, const struct par_result *r, int header);

PAR_END_DECLS
#endif
