/* Private to pthread/: the blocking core shared by par_queue and par_pqueue.
 * A container embeds a par__chan and keeps its items itself; the chan holds
 * the lock, the two conditions, the count, the bound and the shutdown flag,
 * and implements the waiting rules both containers share:
 *   put waits while full and not shut down; a put after shutdown fails;
 *   get waits while empty and not shut down; a get after shutdown drains
 *   what is left, then fails.
 * Each put/get signals one waiter of the other side (one slot or one item
 * changed hands, so one wake-up is enough; waiters re-check in a loop);
 * shutdown broadcasts both. Lock order: only `lock`; no user code under it. */
#ifndef PAR_CHAN_H
#define PAR_CHAN_H

#include <stddef.h>

#include "error.h"
#include "sync_internal.h"

struct par__chan {
    size_t capacity;            /* read-only: most items held (or PAR_UNBOUNDED) */
    pthread_mutex_t lock;       /* protects count, shutdown and the items */
    pthread_cond_t not_empty;   /* getters sleep here */
    pthread_cond_t not_full;    /* putters sleep here */
    size_t count;               /* items held */
    int shutdown;
};

/* 0 or PAR_ENOMEM (nothing to destroy then). */
static inline int par__chan_init(struct par__chan *c, size_t capacity)
{
    c->capacity = capacity;
    c->count = 0;
    c->shutdown = 0;
    if (par__pair_init(&c->lock, &c->not_empty) != 0)
        return PAR_ENOMEM;
    if (par__cond_init(&c->not_full) != 0) {
        par__pair_destroy(&c->lock, &c->not_empty);
        return PAR_ENOMEM;
    }
    return 0;
}

static inline void par__chan_destroy(struct par__chan *c)
{
    par__cond_destroy(&c->not_full);
    par__pair_destroy(&c->lock, &c->not_empty);
}

static inline int par__chan_put_blocked(const void *ctx)
{
    const struct par__chan *c = ctx;
    return !c->shutdown && c->count >= c->capacity;
}

static inline int par__chan_get_blocked(const void *ctx)
{
    const struct par__chan *c = ctx;
    return !c->shutdown && c->count == 0;
}

/* Caller holds c->lock. Waits for room. Returns 0 (the caller may add one
 * item, then call par__chan_added_locked), PAR_ESHUTDOWN, PAR_EAGAIN or
 * PAR_ETIMEDOUT. */
static inline int par__chan_wait_room_locked(struct par__chan *c, double timeout_s)
{
    int rc = par__wait_while(&c->not_full, &c->lock, par__chan_put_blocked, c, timeout_s);
    return rc == 0 && c->shutdown ? PAR_ESHUTDOWN : rc;
}

/* Caller holds c->lock. Waits for an item. Returns 0 (the caller may take
 * one, then call par__chan_removed_locked), PAR_ESHUTDOWN (shut down and
 * empty), PAR_EAGAIN or PAR_ETIMEDOUT. */
static inline int par__chan_wait_item_locked(struct par__chan *c, double timeout_s)
{
    int rc = par__wait_while(&c->not_empty, &c->lock, par__chan_get_blocked, c, timeout_s);
    return rc == 0 && c->count == 0 ? PAR_ESHUTDOWN : rc;
}

static inline void par__chan_added_locked(struct par__chan *c)
{
    c->count++;
    par__signal(&c->not_empty);
}

static inline void par__chan_removed_locked(struct par__chan *c)
{
    c->count--;
    par__signal(&c->not_full);
}

static inline void par__chan_shutdown(struct par__chan *c)
{
    par__lock(&c->lock);
    c->shutdown = 1;
    par__broadcast(&c->not_empty);
    par__broadcast(&c->not_full);
    par__unlock(&c->lock);
}

static inline size_t par__chan_count(struct par__chan *c)
{
    par__lock(&c->lock);
    size_t n = c->count;
    par__unlock(&c->lock);
    return n;
}

#endif
