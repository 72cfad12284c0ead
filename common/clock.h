/* Monotonic time. CLOCK_MONOTONIC only: wall-clock time jumps. */
#ifndef PAR_CLOCK_H
#define PAR_CLOCK_H
#include "export.h"
PAR_BEGIN_DECLS

#include <stdint.h>
#include <time.h>

/* Nanoseconds since an arbitrary fixed point; thread-safe. */
int64_t par_now_ns(void);

/* Seconds since an arbitrary fixed point; thread-safe. */
double par_now_s(void);

/* Absolute CLOCK_MONOTONIC deadline `timeout_s` seconds from now, for
 * pthread_cond_timedwait on a condition variable whose clock was set with
 * pthread_condattr_setclock(CLOCK_MONOTONIC) (pthread/sync_internal.h does
 * this for every library condvar). A negative timeout means "no deadline"
 * and must be handled by the caller. */
struct timespec par_deadline_after(double timeout_s);

PAR_END_DECLS
#endif
