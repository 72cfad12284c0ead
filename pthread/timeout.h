/* Timeouts and capacities: one convention for every blocking call and every
 * bounded container in pthread/.
 *
 * A `double timeout_s` argument means:
 *   < 0 (PAR_FOREVER)  block until the call can complete;
 *   == 0 (PAR_NOWAIT)  do not block: fail with PAR_EAGAIN when the call
 *                      would have to wait;
 *   > 0                wait at most that many seconds (measured on
 *                      CLOCK_MONOTONIC, so a wall-clock change does not
 *                      shorten or stretch it), then fail with PAR_ETIMEDOUT.
 * NaN is treated as PAR_FOREVER. Timed waits are not a synchronisation tool
 * for tests: they only bound how long a caller is willing to wait. */
#ifndef PAR_TIMEOUT_H
#define PAR_TIMEOUT_H
#include "export.h"
PAR_BEGIN_DECLS

#include <stddef.h>

#define PAR_FOREVER (-1.0)
#define PAR_NOWAIT  0.0

/* A capacity argument of PAR_UNBOUNDED means "no bound": the container grows
 * as needed and put/submit never block for room. */
#define PAR_UNBOUNDED ((size_t)-1)

PAR_END_DECLS
#endif
