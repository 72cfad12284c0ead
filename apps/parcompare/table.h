/* The numbers derived from the medians, and the tables that show them.
 *
 * For a point with median T on p workers of a machine with C cores, against
 * the serial median T1 of the same workload and sizes:
 *   speed-up    S = T1 / T
 *   efficiency  E = S / q,  q = min(p, C): the cores the point could use
 *   Karp-Flatt  e = (1/S - 1/q) / (1 - 1/q) for q > 1: the serial fraction
 *                that would explain S (0 = perfectly parallel; it grows
 *                with overheads; above 1 means slower than serial).
 * Oversubscribed points (p > C) are judged against the C cores they share,
 * so that running 4 workers on 2 cores is not called "50 % efficient". */
#ifndef PAR_CMP_TABLE_H
#define PAR_CMP_TABLE_H

#include <stdio.h>

#include "matrix.h"

/* Fills speedup/efficiency/karp_flatt of the matrix points and marks the
 * fastest verified point of each workload. */
void par__table_derive(struct par__matrix *m, int cores);

/* The serial reference point of workload w in the matrix set, or NULL. */
const struct par__point *par__table_serial(const struct par__matrix *m, enum par_workload w);

/* One table per workload listed in ws[0..nw): plain text (stdout) or
 * Markdown (report.md). `with_baseline` adds the comparison column. */
void par__table_print(FILE *f, const struct par__matrix *m, const int *ws, int nw, int cores,
                      int markdown, int with_baseline);

/* A time in the unit chosen for a workload (ms, or s from 10 s up). */
const char *par__time_unit(double seconds);
double par__time_scale(const char *unit);

#endif
