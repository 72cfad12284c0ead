/* The plots, drawn by gnuplot from data files parcompare writes: per
 * workload, speed-up against workers (one line per back end, the ideal
 * dashed) and the median time of every back end and worker count (bars with
 * the 95 % CI of the median as error bars; for map, a black dash across each
 * bar at the memory-bandwidth bound on its time, bandwidth.h). The data and the script stay in DIR/plots/ so a
 * user can restyle them. */
#ifndef PAR_CMP_PLOT_H
#define PAR_CMP_PLOT_H

#include <stddef.h>

#include "files.h"
#include "gnuplot.h"
#include "matrix.h"
#include "plan.h"
#include "tools.h"

/* Writes s as a gnuplot single-quoted string ('' stands for one quote). */
void par__gp_string(FILE *f, const char *s);

/* Draws the PNGs into dir and lists their names in s->plots. Without
 * gnuplot, or when it fails, sets s->why_no_plots and returns -1 (the caller
 * says so once; it is not a failure of the run). */
int par__plots_draw(const char *dir, const struct par__matrix *m, const struct par__plan *pl,
                    const struct par__tools *t, double timeout_s, struct par__summary *s);

#endif
