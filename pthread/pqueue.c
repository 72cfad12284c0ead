/* Blocking priority queue (pqueue.h): the cheatsheet's heap plus condition.
 *
 * DESIGN
 * A binary max-heap of (priority, sequence, item) inside the shared blocking
 * core (chan.h: one mutex, `not_empty` for getters, `not_full` for putters,
 * the count and shutdown). The sequence number, taken from a counter at put
 * time, breaks ties so that equal priorities leave in put order — the
 * cheatsheet's (-priority, count, item) tuple. Lock order: only chan.lock;
 * no user code runs under it. */
#include "pqueue.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "chan.h"
#include "error.h"

struct entry {
    double priority;
    uint64_t seq;
    void *item;
};

struct par_pqueue {
    struct par__chan chan;    /* chan.lock protects every field below;
                                 chan.count entries are in heap[] */
    struct entry *heap;
    size_t size;              /* entries allocated */
    uint64_t next_seq;
};

/* 1 when a must leave before b. */
static int before(const struct entry *a, const struct entry *b)
{
    if (a->priority != b->priority)
        return a->priority > b->priority;
    return a->seq < b->seq;
}

static void sift_up(struct entry *h, size_t i)
{
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!before(&h[i], &h[parent]))
            break;
        struct entry t = h[i];
        h[i] = h[parent];
        h[parent] = t;
        i = parent;
    }
}

static void sift_down(struct entry *h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, best = i;
        if (l < n && before(&h[l], &h[best]))
            best = l;
        if (r < n && before(&h[r], &h[best]))
            best = r;
        if (best == i)
            return;
        struct entry t = h[i];
        h[i] = h[best];
        h[best] = t;
        i = best;
    }
}

int par_pqueue_create(par_pqueue **out, size_t capacity)
{
    if (!out)
        return PAR_EINVAL;
    *out = NULL;
    if (capacity == 0)
        return PAR_EINVAL;
    par_pqueue *q = calloc(1, sizeof *q);
    if (!q)
        return PAR_ENOMEM;
    if (par__chan_init(&q->chan, capacity) != 0) {
        free(q);
        return PAR_ENOMEM;
    }
    *out = q;
    return 0;
}

void par_pqueue_destroy(par_pqueue *q)
{
    if (!q)
        return;
    par__chan_destroy(&q->chan);
    free(q->heap);
    free(q);
}

/* Room for one more entry; caller holds the lock. 0 or -1 (no memory). */
static int reserve_locked(par_pqueue *q)
{
    if (q->chan.count < q->size)
        return 0;
    size_t nsize = q->size ? q->size * 2 : 16;
    if (nsize < q->size || nsize > SIZE_MAX / sizeof(struct entry))
        return -1;
    struct entry *h = realloc(q->heap, nsize * sizeof *h);
    if (!h)
        return -1;
    q->heap = h;
    q->size = nsize;
    return 0;
}

int par_pqueue_put(par_pqueue *q, void *item, double priority, double timeout_s)
{
    if (!q || isnan(priority))
        return PAR_EINVAL;
    par__lock(&q->chan.lock);
    int rc = par__chan_wait_room_locked(&q->chan, timeout_s);
    if (rc == 0 && reserve_locked(q) != 0)
        rc = PAR_ENOMEM;
    if (rc == 0) {
        size_t n = q->chan.count;
        q->heap[n] = (struct entry){ priority, q->next_seq++, item };
        sift_up(q->heap, n);
        par__chan_added_locked(&q->chan);
    }
    par__unlock(&q->chan.lock);
    return rc;
}

int par_pqueue_get(par_pqueue *q, void **item, double *priority, double timeout_s)
{
    if (!q || !item)
        return PAR_EINVAL;
    par__lock(&q->chan.lock);
    int rc = par__chan_wait_item_locked(&q->chan, timeout_s);
    if (rc == 0) {
        *item = q->heap[0].item;
        if (priority)
            *priority = q->heap[0].priority;
        size_t n = q->chan.count - 1;
        q->heap[0] = q->heap[n];
        sift_down(q->heap, n, 0);
        par__chan_removed_locked(&q->chan);
    }
    par__unlock(&q->chan.lock);
    return rc;
}

void par_pqueue_shutdown(par_pqueue *q)
{
    if (q)
        par__chan_shutdown(&q->chan);
}

size_t par_pqueue_size(par_pqueue *q)
{
    return q ? par__chan_count(&q->chan) : 0;
}
