/* report.md: what a person reads. A summary, how to read the numbers, one
 * table and two plots per workload, the cheatsheet story, the Python
 * comparison, the baseline verdicts, every failure with its command, and
 * the environment. */
#ifndef PAR_CMP_REPORT_H
#define PAR_CMP_REPORT_H

#include <stddef.h>

#include "files.h"
#include "matrix.h"

/* Writes dir/report.md. Returns 0, or -1 with a one-line message. */
int par__write_report(const char *dir, const struct par__matrix *m,
                      const struct par__summary *s, char *msg, size_t msglen);

#endif
