/* The environment values parcompare's children would refuse, checked before
 * the first point runs (as parcompare checks its own options), so that a bad
 * OMP_SCHEDULE is one usage error instead of a whole matrix of failed
 * points. */
#ifndef PAR_CMP_ENVCHECK_H
#define PAR_CMP_ENVCHECK_H

#include <stddef.h>

/* Checks OMP_SCHEDULE and OMP_NUM_THREADS as poolmap and parmap read them
 * (common/ompenv.h: as libgomp does). Returns 0, or -1 with a one-line
 * message (the value shown visibly). */
int par__env_check(char *msg, size_t len);

#endif
