/* What the --grain sweep shows a person, built only from results.json's
 * "grain" object (grain_sweep.h), so a report can be remade (and tested)
 * from the file: the METG table on stdout and in report.md, the advice
 * table ("tasks of at least X µs: any back end reaches 50 % ..."), and the
 * efficiency-against-granularity plots (gnuplot, log x, one line per back
 * end, the 50 % line drawn). Single-threaded. */
#ifndef PAR_CMP_GRAIN_REPORT_H
#define PAR_CMP_GRAIN_REPORT_H

#include <stdio.h>

#include <cJSON.h>

#include "tools.h"

/* METG(50 %) per back end and pattern, one row each (text for stdout). */
void par__grain_print(FILE *f, const cJSON *grain);

/* The advice table for one pattern ("stencil", "none") as Markdown, from
 * each sweep's "metg" and "kind". Returns the number of rows written (0:
 * nothing to advise: no sweep of that pattern). */
int par__grain_advice(FILE *f, const cJSON *grain, const char *pattern);

/* The report.md section: what was measured, the METG table with intervals,
 * one advice table per pattern, the plots named in plots[0..nplots), and
 * Task Bench's figures measured on a 2-core machine for comparison. */
void par__grain_report(FILE *f, const cJSON *grain, const char plots[][64], int nplots);

/* Draws grain-<pattern>.png into dir (data and script in dir/plots/) and
 * appends their names to plots (capacity `cap`, count *nplots). Returns 0,
 * or -1 with a one-line reason in why (no gnuplot, nothing to plot, gnuplot
 * failed). */
int par__grain_plots(const char *dir, const cJSON *grain, const struct par__tools *t,
                     double timeout_s, char plots[][64], int cap, int *nplots, char *why,
                     size_t whylen);

#endif
