/* The cheatsheet story: every timing the cheatsheet printed, the C point
 * that answers it, measured now, and one sentence on what changed and why.
 * The same eight timings are what the Python ports (bench/python) measure,
 * so python.c reuses the rows. */
#ifndef PAR_CMP_STORY_H
#define PAR_CMP_STORY_H

#include <stdio.h>

#include <cJSON.h>

#include "matrix.h"
#include "tools.h"

/* One printed timing and its C counterparts. */
struct par__story_row {
    const char *section;    /* the cheatsheet's section title */
    const char *script;     /* our Python port (bench/python/<script>.py) */
    const char *timing;     /* the name the port prints, = the cheatsheet's function */
    double printed_s;       /* the figure the cheatsheet printed */
    enum par_workload workload;
    int calls;              /* fib: how many fib(n) calls; 0 for map */
    enum par__be be;        /* the C counterpart */
    int workers;
    int alt_be;             /* a second counterpart shown beside it (gil), or -1 */
};

#define PAR__STORY_ROWS 8
extern const struct par__story_row par__story_rows[PAR__STORY_ROWS];

/* The sizes of row r at fib argument n and map items. */
struct par__sizes par__story_sizes(const struct par__story_row *r, int n, size_t items);

/* Adds the C points of every row at (n, items), for the back ends usable
 * here, tagged with `set`. Returns 0 or -1 (out of memory). */
int par__story_plan(struct par__matrix *m, const struct par__tools *t, int n, size_t items,
                    int reps, int warmup, int set);

/* The C point of row r (its main or alt back end) at (n, items), or NULL
 * when it was not planned (back end not usable here). */
const struct par__point *par__story_point(const struct par__matrix *m,
                                          const struct par__story_row *r, int alt, int n,
                                          size_t items);

/* "12.3 ms", "1.24 s", "850 µs" */
const char *par__fmt_seconds(double s, char *buf, size_t len);

/* The report.md section (Markdown). `ran` is 0 after --no-story. */
void par__story_report(FILE *f, const struct par__matrix *m, const struct par__tools *t,
                       int ran, int n, size_t items, int cores);

/* The story as a JSON array (owned by the caller), or NULL when not run. */
cJSON *par__story_json(const struct par__matrix *m, int n, size_t items, int cores);

#endif
