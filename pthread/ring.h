/* Private to pthread/: growable ring buffers, the storage of the locked FIFOs here
 * (the pool's spill beyond its lock-free ring, par_queue's items). Not
 * thread-safe: each user guards its ring with its own lock.
 *
 * PAR__RING_DEFINE(name, type) defines `struct name` holding values of
 * `type` and the static functions name_init, name_free, name_reserve,
 * name_push and name_pop (a user must call each of them: clang warns about
 * unused static functions). Full means count >= limit. A ring grows by doubling, from a
 * small start up to `limit` items, so a queue with a huge bound costs memory
 * only for what it really holds. */
#ifndef PAR_RING_H
#define PAR_RING_H

#include <stddef.h>
#include <stdlib.h>

#define PAR__RING_DEFINE(name, type)                                                 \
    struct name {                                                                    \
        type *buf;                                                                   \
        size_t size;   /* slots allocated (0 or a power of two) */                   \
        size_t head;   /* index of the oldest item */                                \
        size_t count;  /* items held */                                              \
        size_t limit;  /* most items it may hold (PAR_UNBOUNDED: no limit) */        \
    };                                                                               \
                                                                                     \
    static inline void name##_init(struct name *r, size_t limit)                    \
    {                                                                                \
        r->buf = NULL;                                                               \
        r->size = r->head = r->count = 0;                                            \
        r->limit = limit;                                                            \
    }                                                                                \
                                                                                     \
    static inline void name##_free(struct name *r)                                  \
    {                                                                                \
        free(r->buf);                                                                \
        r->buf = NULL;                                                               \
        r->size = r->head = r->count = 0;                                            \
    }                                                                                \
                                                                                     \
    /* Makes room for one more item: 0, or -1 when memory ran out. */               \
    static inline int name##_reserve(struct name *r)                                \
    {                                                                                \
        if (r->count < r->size)                                                      \
            return 0;                                                                \
        size_t nsize = r->size ? r->size * 2 : 16;                                   \
        if (nsize < r->size || nsize > ((size_t)-1) / sizeof(type))                  \
            return -1;                                                               \
        type *nbuf = malloc(nsize * sizeof(type));                                   \
        if (!nbuf)                                                                   \
            return -1;                                                               \
        for (size_t i = 0; i < r->count; i++)                                        \
            nbuf[i] = r->buf[(r->head + i) & (r->size - 1)];                         \
        free(r->buf);                                                                \
        r->buf = nbuf;                                                               \
        r->size = nsize;                                                             \
        r->head = 0;                                                                 \
        return 0;                                                                    \
    }                                                                                \
                                                                                     \
    /* Appends; the caller has checked !full and reserved room. */                  \
    static inline void name##_push(struct name *r, type item)                       \
    {                                                                                \
        r->buf[(r->head + r->count) & (r->size - 1)] = item;                         \
        r->count++;                                                                  \
    }                                                                                \
                                                                                     \
    /* Removes the oldest item; the ring must not be empty. */                      \
    static inline type name##_pop(struct name *r)                                   \
    {                                                                                \
        type item = r->buf[r->head];                                                 \
        r->head = (r->head + 1) & (r->size - 1);                                     \
        r->count--;                                                                  \
        return item;                                                                 \
    }

#endif
