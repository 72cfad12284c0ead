/* Private to pthread/: a growable ring buffer of pointers, the storage of
 * every FIFO here (the pool's work queue, par_queue). Not thread-safe: each
 * user guards its ring with its own lock ("_locked" in the callers' names).
 * It grows by doubling, from a small start up to `limit` items, so a queue
 * with a huge bound costs memory only for what it really holds. */
#ifndef PAR_RING_H
#define PAR_RING_H

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

struct par__ring {
    void **buf;
    size_t size;   /* slots allocated (0 or a power of two) */
    size_t head;   /* index of the oldest item */
    size_t count;  /* items held */
    size_t limit;  /* most items it may hold (PAR_UNBOUNDED: no limit) */
};

static inline void par__ring_init(struct par__ring *r, size_t limit)
{
    r->buf = NULL;
    r->size = r->head = r->count = 0;
    r->limit = limit;
}

static inline void par__ring_free(struct par__ring *r)
{
    free(r->buf);
    r->buf = NULL;
    r->size = r->head = r->count = 0;
}

static inline int par__ring_full(const struct par__ring *r)
{
    return r->count >= r->limit;
}

/* Makes room for one more item. Returns 0, or -1 when memory ran out. */
static inline int par__ring_reserve(struct par__ring *r)
{
    if (r->count < r->size)
        return 0;
    size_t nsize = r->size ? r->size * 2 : 16;
    if (nsize < r->size || nsize > ((size_t)-1) / sizeof(void *))
        return -1;
    void **nbuf = malloc(nsize * sizeof(void *));
    if (!nbuf)
        return -1;
    for (size_t i = 0; i < r->count; i++)
        nbuf[i] = r->buf[(r->head + i) & (r->size - 1)];
    free(r->buf);
    r->buf = nbuf;
    r->size = nsize;
    r->head = 0;
    return 0;
}

/* Appends; the caller has checked !full and reserved room. */
static inline void par__ring_push(struct par__ring *r, void *item)
{
    r->buf[(r->head + r->count) & (r->size - 1)] = item;
    r->count++;
}

/* Removes the oldest item; the ring must not be empty. */
static inline void *par__ring_pop(struct par__ring *r)
{
    void *item = r->buf[r->head];
    r->head = (r->head + 1) & (r->size - 1);
    r->count--;
    return item;
}

#endif
