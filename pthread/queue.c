/* Blocking FIFO queue (queue.h).
 *
 * DESIGN
 * A ring of items inside the shared blocking core (chan.h: one mutex,
 * `not_empty` for getters, `not_full` for putters, shutdown), plus the
 * task_done/join count and the `all_done` condition join() sleeps on;
 * task_done broadcasts it when the count of unfinished items reaches zero.
 * Ordering: items come out in the order their puts took the lock. Waiters
 * are woken in the order the condition variable chooses (no fairness
 * guarantee, as in Python). Lock order: only chan.lock; no user code runs
 * under it. */
#include "queue.h"

#include <stdlib.h>

#include "chan.h"
#include "error.h"
#include "ring.h"

PAR__RING_DEFINE(item_ring, void *)

struct par_queue {
    struct par__chan chan;     /* chan.lock protects every field below */
    struct item_ring items;    /* no limit of its own: chan.capacity bounds it */
    pthread_cond_t all_done;   /* join() sleeps here */
    size_t unfinished;         /* puts minus task_done calls */
};

int par_queue_create(par_queue **out, size_t capacity)
{
    if (!out)
        return PAR_EINVAL;
    *out = NULL;
    if (capacity == 0)
        return PAR_EINVAL;
    par_queue *q = calloc(1, sizeof *q);
    if (!q)
        return PAR_ENOMEM;
    item_ring_init(&q->items, PAR_UNBOUNDED);
    if (par__chan_init(&q->chan, capacity) != 0) {
        free(q);
        return PAR_ENOMEM;
    }
    if (par__cond_init(&q->all_done) != 0) {
        par__chan_destroy(&q->chan);
        free(q);
        return PAR_ENOMEM;
    }
    *out = q;
    return 0;
}

void par_queue_destroy(par_queue *q)
{
    if (!q)
        return;
    par__cond_destroy(&q->all_done);
    par__chan_destroy(&q->chan);
    item_ring_free(&q->items);
    free(q);
}

int par_queue_put(par_queue *q, void *item, double timeout_s)
{
    if (!q)
        return PAR_EINVAL;
    par__lock(&q->chan.lock);
    int rc = par__chan_wait_room_locked(&q->chan, timeout_s);
    if (rc == 0 && item_ring_reserve(&q->items) != 0)
        rc = PAR_ENOMEM;
    if (rc == 0) {
        item_ring_push(&q->items, item);
        q->unfinished++;
        par__chan_added_locked(&q->chan);
    }
    par__unlock(&q->chan.lock);
    return rc;
}

int par_queue_get(par_queue *q, void **item, double timeout_s)
{
    if (!q || !item)
        return PAR_EINVAL;
    par__lock(&q->chan.lock);
    int rc = par__chan_wait_item_locked(&q->chan, timeout_s);
    if (rc == 0) {
        *item = item_ring_pop(&q->items);
        par__chan_removed_locked(&q->chan);
    }
    par__unlock(&q->chan.lock);
    return rc;
}

int par_queue_put_nowait(par_queue *q, void *item)
{
    return par_queue_put(q, item, PAR_NOWAIT);
}

int par_queue_get_nowait(par_queue *q, void **item)
{
    return par_queue_get(q, item, PAR_NOWAIT);
}

int par_queue_task_done(par_queue *q)
{
    if (!q)
        return PAR_EINVAL;
    int rc = 0;
    par__lock(&q->chan.lock);
    if (q->unfinished == 0)
        rc = PAR_ESTATE;
    else if (--q->unfinished == 0)
        par__broadcast(&q->all_done);
    par__unlock(&q->chan.lock);
    return rc;
}

static int join_blocked(const void *ctx)
{
    return ((const par_queue *)ctx)->unfinished > 0;
}

int par_queue_join(par_queue *q, double timeout_s)
{
    if (!q)
        return PAR_EINVAL;
    par__lock(&q->chan.lock);
    int rc = par__wait_while(&q->all_done, &q->chan.lock, join_blocked, q, timeout_s);
    par__unlock(&q->chan.lock);
    return rc;
}

void par_queue_shutdown(par_queue *q)
{
    if (q)
        par__chan_shutdown(&q->chan);
}

size_t par_queue_size(par_queue *q)
{
    return q ? par__chan_count(&q->chan) : 0;
}

int par_queue_empty(par_queue *q)
{
    return par_queue_size(q) == 0;
}

int par_queue_full(par_queue *q)
{
    return q && q->chan.capacity != PAR_UNBOUNDED && par_queue_size(q) >= q->chan.capacity;
}

size_t par_queue_capacity(const par_queue *q)
{
    return q ? q->chan.capacity : 0;
}
