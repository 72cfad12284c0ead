/* The cheatsheet's synchronisation primitives, with Python's semantics:
 *   par_sem    threading.Semaphore / BoundedSemaphore ("Control primitive
 *              resources")
 *   par_event  threading.Event ("Ensure tasks has done")
 *   par_rlock  threading.RLock (the "Monitor")
 * A plain Lock is a pthread_mutex_t; a Condition is a pthread_cond_t.
 *
 * All objects are opaque, created by *_create (owned by the caller) and freed
 * by *_destroy, which must not run while any thread uses or waits on the
 * object (NULL is ignored). Every other function is thread-safe.
 * Timeouts follow timeout.h: < 0 forever, 0 try (PAR_EAGAIN), > 0 seconds
 * (PAR_ETIMEDOUT). */
#ifndef PAR_SYNC_H
#define PAR_SYNC_H
#include "export.h"
PAR_BEGIN_DECLS

#include "timeout.h"

/* ---- counting semaphore -------------------------------------------------- */

typedef struct par_sem par_sem;

/* A semaphore with `value` permits. Returns 0, PAR_EINVAL (out NULL),
 * PAR_ENOMEM. */
int par_sem_create(par_sem **out, unsigned value);

/* A bounded semaphore: releasing above the initial `value` is an error
 * (Python's BoundedSemaphore). */
int par_sem_create_bounded(par_sem **out, unsigned value);

void par_sem_destroy(par_sem *s);

/* Takes one permit, waiting while there is none. Waiters are woken in no
 * particular order. Returns 0, PAR_EAGAIN / PAR_ETIMEDOUT, PAR_EINVAL. */
int par_sem_acquire(par_sem *s, double timeout_s);

/* Gives back n >= 1 permits (waking up to n waiters). Any thread may release
 * (a semaphore has no owner). Returns 0; PAR_EINVAL (s NULL, n == 0, or the
 * count would overflow); PAR_ESTATE when a bounded semaphore would exceed its
 * initial value (nothing is released then). */
int par_sem_release(par_sem *s, unsigned n);

/* Permits available now (a snapshot). */
unsigned par_sem_value(par_sem *s);

/* ---- event --------------------------------------------------------------- */

typedef struct par_event par_event;

/* A new event, initially clear. Returns 0, PAR_EINVAL, PAR_ENOMEM. */
int par_event_create(par_event **out);
void par_event_destroy(par_event *e);

/* Sets the flag and wakes every waiter. */
void par_event_set(par_event *e);

/* Clears the flag (later waits block again). */
void par_event_clear(par_event *e);

/* 1 when set, else 0 (a snapshot). */
int par_event_is_set(par_event *e);

/* Returns 0 as soon as the flag is set (at once if it is), PAR_EAGAIN /
 * PAR_ETIMEDOUT when not set in time (Python's wait() returning False),
 * PAR_EINVAL. A set() that happens while a thread waits always wakes it, even
 * if clear() follows at once. */
int par_event_wait(par_event *e, double timeout_s);

/* ---- re-entrant lock ----------------------------------------------------- */

typedef struct par_rlock par_rlock;

/* A new, unlocked re-entrant lock. Returns 0, PAR_EINVAL, PAR_ENOMEM. */
int par_rlock_create(par_rlock **out);
void par_rlock_destroy(par_rlock *l);

/* Acquires the lock. The owner may acquire it again (it then needs as many
 * releases). Returns 0, PAR_EAGAIN / PAR_ETIMEDOUT, PAR_EINVAL. */
int par_rlock_acquire(par_rlock *l, double timeout_s);

/* Releases one level. Returns 0; PAR_EPERM when the calling thread does not
 * own the lock (Python's RuntimeError: a defined error, never undefined
 * behaviour; the lock is unchanged); PAR_EINVAL. */
int par_rlock_release(par_rlock *l);

/* 1 when the calling thread owns the lock, else 0. */
int par_rlock_is_owned(par_rlock *l);

/* How many times the calling thread holds it (0 when it does not). */
unsigned par_rlock_depth(par_rlock *l);

PAR_END_DECLS
#endif
