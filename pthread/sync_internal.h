/* Private to pthread/: thin wrappers over pthread mutexes and condition
 * variables. A failed lock, unlock, wait or signal means a broken invariant
 * (a destroyed or corrupted object, unlocking a mutex we do not hold), so the
 * wrappers abort instead of returning. Debug builds (PAR_DEBUG) use
 * PTHREAD_MUTEX_ERRORCHECK so that such bugs fail loudly at the spot.
 * Condition variables use CLOCK_MONOTONIC for timed waits. */
#ifndef PAR_SYNC_INTERNAL_H
#define PAR_SYNC_INTERNAL_H

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "clock.h"
#include "error.h"

/* Aborts when a pthread call that cannot fail in a correct program failed. */
#define PAR__CHECK(call)                 \
    do {                                 \
        if ((call) != 0)                 \
            abort();                     \
    } while (0)

/* Returns 0 or the pthread error (EAGAIN/ENOMEM): creation can fail. */
static inline int par__mutex_init(pthread_mutex_t *m)
{
    pthread_mutexattr_t a;
    int rc = pthread_mutexattr_init(&a);
    if (rc != 0)
        return rc;
#ifdef PAR_DEBUG
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
#endif
    rc = pthread_mutex_init(m, &a);
    pthread_mutexattr_destroy(&a);
    return rc;
}

/* A condition variable whose timed waits use CLOCK_MONOTONIC. */
static inline int par__cond_init(pthread_cond_t *c)
{
    pthread_condattr_t a;
    int rc = pthread_condattr_init(&a);
    if (rc != 0)
        return rc;
    rc = pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    if (rc == 0)
        rc = pthread_cond_init(c, &a);
    pthread_condattr_destroy(&a);
    return rc;
}

/* A mutex and a condition variable made together (the usual pair). Returns
 * 0, or PAR_ENOMEM with nothing left to destroy. */
static inline int par__pair_init(pthread_mutex_t *m, pthread_cond_t *c)
{
    if (par__mutex_init(m) != 0)
        return PAR_ENOMEM;
    if (par__cond_init(c) != 0) {
        pthread_mutex_destroy(m);
        return PAR_ENOMEM;
    }
    return 0;
}

static inline void par__lock(pthread_mutex_t *m) { PAR__CHECK(pthread_mutex_lock(m)); }
static inline void par__unlock(pthread_mutex_t *m) { PAR__CHECK(pthread_mutex_unlock(m)); }
static inline void par__mutex_destroy(pthread_mutex_t *m) { PAR__CHECK(pthread_mutex_destroy(m)); }
static inline void par__cond_destroy(pthread_cond_t *c) { PAR__CHECK(pthread_cond_destroy(c)); }
static inline void par__pair_destroy(pthread_mutex_t *m, pthread_cond_t *c)
{
    par__cond_destroy(c);
    par__mutex_destroy(m);
}
static inline void par__signal(pthread_cond_t *c) { PAR__CHECK(pthread_cond_signal(c)); }
static inline void par__broadcast(pthread_cond_t *c) { PAR__CHECK(pthread_cond_broadcast(c)); }
static inline void par__wait(pthread_cond_t *c, pthread_mutex_t *m)
{
    PAR__CHECK(pthread_cond_wait(c, m));
}

/* A wait limit: either none (forever) or an absolute CLOCK_MONOTONIC time.
 * Made once per call from the caller's timeout (timeout.h convention), so a
 * wait that is woken spuriously or early keeps the original deadline. */
struct par__deadline {
    int forever;
    struct timespec at;
};

static inline struct par__deadline par__deadline_make(double timeout_s)
{
    struct par__deadline d = { 1, { 0, 0 } };
    if (timeout_s >= 0) {   /* false for NaN and negatives: forever */
        d.forever = 0;
        d.at = par_deadline_after(timeout_s > 1e9 ? 1e9 : timeout_s);
    }
    return d;
}

/* Waits on c (caller holds m) until woken or the deadline passes. Returns 0
 * when woken (maybe spuriously: re-check the predicate) or ETIMEDOUT. */
static inline int par__wait_until(pthread_cond_t *c, pthread_mutex_t *m,
                                  const struct par__deadline *d)
{
    if (d->forever) {
        par__wait(c, m);
        return 0;
    }
    int rc = pthread_cond_timedwait(c, m, &d->at);
    if (rc != 0 && rc != ETIMEDOUT)
        abort();
    return rc;
}

/* Sleeps on c (caller holds m) while blocked(ctx) is true, with a timeout
 * in the timeout.h convention. Returns 0 once blocked(ctx) is false,
 * PAR_EAGAIN when timeout_s == 0 and it is true, PAR_ETIMEDOUT when it is
 * still true at the deadline. */
static inline int par__wait_while(pthread_cond_t *c, pthread_mutex_t *m,
                                  int (*blocked)(const void *ctx), const void *ctx,
                                  double timeout_s)
{
    if (!blocked(ctx))
        return 0;
    if (timeout_s == 0)
        return PAR_EAGAIN;
    struct par__deadline d = par__deadline_make(timeout_s);
    while (blocked(ctx))
        if (par__wait_until(c, m, &d) == ETIMEDOUT)
            return blocked(ctx) ? PAR_ETIMEDOUT : 0;
    return 0;
}

#endif
