/* --python: runs our Python 3 ports of the cheatsheet's timed programs
 * (bench/python/<script>.py, each printing one JSON line) with python3, and
 * sets their times beside the C points at the same sizes (the story rows,
 * tagged PAR__SET_PYTHON). */
#ifndef PAR_CMP_PYTHON_H
#define PAR_CMP_PYTHON_H

#include <stdio.h>

#include <cJSON.h>

#include "matrix.h"
#include "progress.h"
#include "tools.h"

#define PAR__PY_SCRIPTS 4

struct par__pyrun {
    int asked;                  /* --python was given */
    int ran;                    /* the ports were run */
    char why_not[256];          /* when asked but not run */
    int n;                      /* fib argument */
    size_t items;               /* map items */
    struct {
        const char *name;       /* "gil_demo" ... */
        char command[1024];
        int ok;
        char why[256];          /* when not ok */
        cJSON *json;            /* the line it printed; owned */
    } scripts[PAR__PY_SCRIPTS];
};

/* Sizes of the ports: --python-n/--python-items, else quick n=32 / full
 * n=35, 999,999 items. */
void par__python_init(struct par__pyrun *py, int asked, int full, int n, size_t items);

/* Where the ports are when --python-dir is not given: beside an installed
 * parcompare (<bindir>/<from_bin>, e.g. ../share/parcompare/python), else
 * `source_dir` (the source tree this build came from). Writes buf. */
const char *par__python_default_dir(const char *from_bin, const char *source_dir, char *buf,
                                    size_t len);

/* 1 when --python was given and python3 and the scripts in `dir` are
 * there; else 0, with why_not set when it was asked for. */
int par__python_ready(struct par__pyrun *py, const struct par__tools *t, const char *dir);

/* Runs the four scripts from `dir` (one progress step each) when ready.
 * Sets ran. */
void par__python_run(struct par__pyrun *py, const struct par__tools *t, const char *dir,
                     double timeout_s, struct par__progress *pg);

/* report.md's "Beside Python" section. */
void par__python_report(FILE *f, const struct par__pyrun *py, const struct par__matrix *m,
                        const struct par__tools *t);

/* The comparison as JSON (owned by the caller), or NULL when not run. */
cJSON *par__python_json(const struct par__pyrun *py, const struct par__matrix *m);

void par__python_free(struct par__pyrun *py);

#endif
