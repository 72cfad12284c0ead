/* Semaphore, event and re-entrant lock (sync.h).
 *
 * DESIGN
 * Each object is one mutex guarding its state plus one condition variable
 * its waiters sleep on; no object touches another, so there is no lock
 * order beyond "the object's own lock", and no user code runs under it.
 * - par_sem: `value` permits. acquire sleeps while value == 0; release(n)
 *   adds n and signals n waiters (one per permit: no thundering herd).
 * - par_event: `flag` plus a generation counter bumped by each set() that
 *   changes the flag. A waiter leaves when the flag is set or the
 *   generation moved since it started, so a set() immediately followed by
 *   clear() still releases every thread that was waiting (Python's
 *   semantics: wait() returns True when it was notified).
 * - par_rlock: owner thread id and depth. acquire by the owner only
 *   increments depth; others sleep while it is owned; the last release
 *   signals one waiter. A release by a thread that is not the owner is
 *   reported (PAR_EPERM) and changes nothing. */
#include "sync.h"

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>

#include "error.h"
#include "sync_internal.h"

/* The mutex + condition pair every object here is built on. */
struct guard {
    pthread_mutex_t lock;
    pthread_cond_t cond;
};

/* A zeroed object of `size` bytes whose first member is a ready struct
 * guard, or NULL when memory ran out. */
static void *guarded_new(size_t size)
{
    struct guard *g = calloc(1, size);
    if (g && par__pair_init(&g->lock, &g->cond) != 0) {
        free(g);
        g = NULL;
    }
    return g;
}

/* Stores a new object in *out (typed by the caller): 0, EINVAL or ENOMEM. */
#define GUARDED_CREATE(out)                                  \
    ((out) == NULL ? PAR_EINVAL                              \
     : (*(out) = guarded_new(sizeof **(out))) == NULL ? PAR_ENOMEM : 0)

static void guarded_free(void *obj)
{
    if (!obj)
        return;
    struct guard *g = obj;
    par__pair_destroy(&g->lock, &g->cond);
    free(g);
}

/* ---- semaphore ----------------------------------------------------------- */

struct par_sem {
    struct guard g;      /* first member; g.lock protects the fields below */
    unsigned value;
    unsigned max;        /* bounded: initial value; else UINT_MAX */
};

static int sem_new(par_sem **out, unsigned value, unsigned max)
{
    int rc = GUARDED_CREATE(out);
    if (rc == 0) {
        (*out)->value = value;
        (*out)->max = max;
    }
    return rc;
}

int par_sem_create(par_sem **out, unsigned value)
{
    return sem_new(out, value, UINT_MAX);
}

int par_sem_create_bounded(par_sem **out, unsigned value)
{
    return sem_new(out, value, value);
}

void par_sem_destroy(par_sem *s)
{
    guarded_free(s);
}

static int sem_empty(const void *ctx)
{
    return ((const par_sem *)ctx)->value == 0;
}

int par_sem_acquire(par_sem *s, double timeout_s)
{
    if (!s)
        return PAR_EINVAL;
    par__lock(&s->g.lock);
    int rc = par__wait_while(&s->g.cond, &s->g.lock, sem_empty, s, timeout_s);
    if (rc == 0)
        s->value--;
    par__unlock(&s->g.lock);
    return rc;
}

int par_sem_release(par_sem *s, unsigned n)
{
    if (!s || n == 0)
        return PAR_EINVAL;
    int rc = 0;
    par__lock(&s->g.lock);
    if (n > UINT_MAX - s->value)
        rc = s->max == UINT_MAX ? PAR_EINVAL : PAR_ESTATE;
    else if (s->value + n > s->max)
        rc = PAR_ESTATE;
    if (rc == 0) {
        s->value += n;
        for (unsigned i = 0; i < n; i++)
            par__signal(&s->g.cond);
    }
    par__unlock(&s->g.lock);
    return rc;
}

unsigned par_sem_value(par_sem *s)
{
    if (!s)
        return 0;
    par__lock(&s->g.lock);
    unsigned v = s->value;
    par__unlock(&s->g.lock);
    return v;
}

/* ---- event --------------------------------------------------------------- */

struct par_event {
    struct guard g;      /* first member; g.lock protects the fields below */
    int flag;
    unsigned long generation;   /* bumped by every set() that sets the flag */
};

int par_event_create(par_event **out)
{
    return GUARDED_CREATE(out);
}

void par_event_destroy(par_event *e)
{
    guarded_free(e);
}

void par_event_set(par_event *e)
{
    if (!e)
        return;
    par__lock(&e->g.lock);
    if (!e->flag) {
        e->flag = 1;
        e->generation++;
        par__broadcast(&e->g.cond);
    }
    par__unlock(&e->g.lock);
}

void par_event_clear(par_event *e)
{
    if (!e)
        return;
    par__lock(&e->g.lock);
    e->flag = 0;
    par__unlock(&e->g.lock);
}

int par_event_is_set(par_event *e)
{
    if (!e)
        return 0;
    par__lock(&e->g.lock);
    int f = e->flag;
    par__unlock(&e->g.lock);
    return f;
}

struct event_wait {
    const par_event *e;
    unsigned long start;
};

static int event_unset(const void *ctx)
{
    const struct event_wait *w = ctx;
    return !w->e->flag && w->e->generation == w->start;
}

int par_event_wait(par_event *e, double timeout_s)
{
    if (!e)
        return PAR_EINVAL;
    par__lock(&e->g.lock);
    struct event_wait w = { e, e->generation };
    int rc = par__wait_while(&e->g.cond, &e->g.lock, event_unset, &w, timeout_s);
    par__unlock(&e->g.lock);
    return rc;
}

/* ---- re-entrant lock ----------------------------------------------------- */

struct par_rlock {
    struct guard g;      /* first member; g.lock protects the fields below */
    int owned;
    pthread_t owner;     /* valid when owned */
    unsigned depth;      /* acquisitions by the owner not yet released */
};

int par_rlock_create(par_rlock **out)
{
    return GUARDED_CREATE(out);
}

void par_rlock_destroy(par_rlock *l)
{
    guarded_free(l);
}

static int owned_by_me_locked(const par_rlock *l)
{
    return l->owned && pthread_equal(l->owner, pthread_self());
}

static int rlock_busy(const void *ctx)
{
    return ((const par_rlock *)ctx)->owned;
}

int par_rlock_acquire(par_rlock *l, double timeout_s)
{
    if (!l)
        return PAR_EINVAL;
    int rc = 0;
    par__lock(&l->g.lock);
    if (owned_by_me_locked(l)) {
        if (l->depth == UINT_MAX)
            rc = PAR_EINVAL;
        else
            l->depth++;
    } else {
        rc = par__wait_while(&l->g.cond, &l->g.lock, rlock_busy, l, timeout_s);
        if (rc == 0) {
            l->owned = 1;
            l->owner = pthread_self();
            l->depth = 1;
        }
    }
    par__unlock(&l->g.lock);
    return rc;
}

int par_rlock_release(par_rlock *l)
{
    if (!l)
        return PAR_EINVAL;
    int rc = 0;
    par__lock(&l->g.lock);
    if (!owned_by_me_locked(l)) {
        rc = PAR_EPERM;
    } else if (--l->depth == 0) {
        l->owned = 0;
        par__signal(&l->g.cond);
    }
    par__unlock(&l->g.lock);
    return rc;
}

int par_rlock_is_owned(par_rlock *l)
{
    if (!l)
        return 0;
    par__lock(&l->g.lock);
    int mine = owned_by_me_locked(l);
    par__unlock(&l->g.lock);
    return mine;
}

unsigned par_rlock_depth(par_rlock *l)
{
    if (!l)
        return 0;
    par__lock(&l->g.lock);
    unsigned d = owned_by_me_locked(l) ? l->depth : 0;
    par__unlock(&l->g.lock);
    return d;
}
