/* The output folder and the machine-readable files in it: results.json
 * (every record, the environment, the story, the Python comparison, the
 * baseline verdicts) and results.csv (one row per point). */
#ifndef PAR_CMP_FILES_H
#define PAR_CMP_FILES_H

#include <stddef.h>
#include <stdio.h>

#include <cJSON.h>

#include "bandwidth.h"
#include "baseline.h"
#include "matrix.h"
#include "plan.h"
#include "python.h"
#include "tools.h"

/* What one run of parcompare was, for the files and the report. */
struct par__summary {
    const char *command;          /* parcompare's own command line */
    char started[32];             /* UTC, ISO 8601 */
    double wall_s;
    int exit_status;
    const struct par__plan *plan;
    const struct par__tools *tools;
    const struct par__pyrun *python;
    int story_ran;
    int story_n;
    size_t story_items;
    const char *baseline;         /* path, or NULL */
    double threshold;
    int matched, regressions;
    int unjudged;                 /* matched points without a verdict (either reason) */
    struct par__verdicts verdicts; /* the details (baseline.h) */
    char plots[12][64];           /* PNG file names written, in the folder */
    int nplots;
    char why_no_plots[256];       /* when none were drawn */
    double others_cores;          /* cores other processes kept busy (NaN: unknown) */
    double steal_cores;           /* cores the hypervisor took (NaN: unknown) */
    double loadavg_start;         /* 1-minute load average before the first point */
    const cJSON *grain;           /* the --grain sweep (grain_sweep.h), or NULL */
    const struct par__bandwidth *bandwidth; /* the STREAM measurement, or NULL (not run) */
    const cJSON *overhead;        /* the overhead suite (overhead.h), or NULL */
    int report_ok, data_ok;       /* report.md / results.json+csv written whole */
};

/* Makes the output folder: `given` (created with its parents when missing),
 * or a new results/<YYYYmmdd-HHMMSS> under the current folder. Checks that a
 * file can be written there. Returns 0 with the folder in dir, or -1 with a
 * one-line message. */
int par__out_prepare(const char *given, char *dir, size_t len, char *msg, size_t msglen);

/* The environment: the children's (host, cores, CPU, compiler, flags, OpenMP
 * and MPI versions) plus binding settings and tool versions. Owned by the
 * caller. */
cJSON *par__env_json(const struct par__matrix *m, const struct par__tools *t);

/* Opens dir/name for writing; NULL with a one-line message on failure. */
FILE *par__open_out(const char *dir, const char *name, char *msg, size_t msglen);

/* Closes a file from par__open_out; -1 with a message when the data did not
 * reach it. */
int par__close_out(FILE *f, const char *dir, const char *name, char *msg, size_t msglen);

/* Writes dir/results.json and dir/results.csv. Returns 0, or -1 with a
 * one-line message. */
int par__write_results(const char *dir, const struct par__matrix *m,
                       const struct par__summary *s, char *msg, size_t msglen);

/* results.json alone, and results.csv alone (par__write_results is both):
 * each written whole or not at all (NAME.part, renamed when complete).
 * Return 0, or -1 with a one-line message. */
int par__write_json_file(const char *dir, const struct par__matrix *m,
                         const struct par__summary *s, char *msg, size_t msglen);
int par__write_csv_file(const char *dir, const struct par__matrix *m, char *msg, size_t msglen);

/* After each point: results.json ("complete": false, "points_done") and
 * results.csv with the first `done` points, so that what was measured
 * survives an interrupt or a later failure. Returns 0, or -1 with a message
 * (the previous versions of both files are then still whole). */
int par__save_progress(const char *dir, const struct par__matrix *m,
                       const struct par__summary *s, size_t done, char *msg, size_t msglen);

/* 1 when dir/name is a whole PNG (signature and final IEND chunk); gnuplot
 * says nothing when the disk fills and leaves a truncated file. */
int par__png_complete(const char *dir, const char *name);

/* Comma-separated names of a point's sets ("matrix", "story+python"). */
const char *par__sets_text(int sets, char *buf, size_t len);

#endif
