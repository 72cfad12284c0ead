/* What the overhead suite shows a person, built only from results.json's
 * "overhead" object (overhead.h), so the appendix can be remade (and
 * tested) from the file: one table, every back end — fork/join (or a
 * pool-wide map of empty items), barrier, one empty task, per-item cost of
 * map, one round trip — and one line for each back end that was not
 * measured, could not run here, or failed. Single-threaded. */
#ifndef PAR_CMP_OVERHEAD_REPORT_H
#define PAR_CMP_OVERHEAD_REPORT_H

#include <stdio.h>

#include <cJSON.h>

/* The Markdown table (rows ordered by operation, then back end) and the
 * lines for back ends without rows. Returns the number of rows written. */
int par__overhead_table(FILE *f, const cJSON *overhead);

/* report.md's appendix: a heading, how it was measured, the table. Nothing
 * when overhead is NULL (the suite did not run). */
void par__overhead_report(FILE *f, const cJSON *overhead);

/* The table on stdout after the run's other tables. */
void par__overhead_print(FILE *f, const cJSON *overhead);

#endif
