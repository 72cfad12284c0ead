/* Running gnuplot on a script parcompare wrote: the one place that starts
 * it, for the speed-up/time plots (plot.c), the grain plots
 * (grain_report.c) and the plots across nodes (nodes.c). */
#ifndef PAR_CMP_GNUPLOT_H
#define PAR_CMP_GNUPLOT_H

#include <stddef.h>

#include "tools.h"

/* Runs `gnuplot script` (t->gnuplot) with a timeout of timeout_s seconds.
 * 0 when it ran and exited 0; else -1 and one line in why (whylen bytes):
 * the script and gnuplot's last line on stderr. */
int par__gnuplot_run(const struct par__tools *t, const char *script, double timeout_s,
                     char *why, size_t whylen);

#endif
