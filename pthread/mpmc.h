/* Private to pthread/: a fixed-size, multi-producer multi-consumer FIFO ring
 * that needs no lock. It is the pool's work queue: with a mutex there, the
 * submitting thread and the workers queued on the lock for every task, and
 * each wait and wake was a futex system call (measured: 0.6-0.9 futex calls
 * per task on 2 workers, most of the cost of a small task).
 *
 * The algorithm is the well-known bounded queue with a sequence number per
 * slot (D. Vyukov's "bounded MPMC queue"), written here from its description:
 *   - `tail` counts pushes, `head` counts pops; slot i of the ring serves
 *     positions i, i+size, i+2*size, ...
 *   - a slot's `seq` says whose turn it is: seq == 2*pos means "free for
 *     the push at pos", seq == 2*pos+1 means "holds the item of pos, ready
 *     for the pop at pos". A push claims its position by a compare-and-swap
 *     on `tail`, writes the item, then publishes it by storing 2*pos+1
 *     (release); a pop claims by a compare-and-swap on `head`, reads the
 *     item, then frees the slot for the next lap by storing 2*(pos+size).
 *     (The usual form stores pos+1 and pos+size; doubling keeps the two
 *     states apart for a ring of 1 slot too, where they would be equal.)
 * Each position is claimed by exactly one thread, so the item itself is a
 * plain field, handed over by the release/acquire pair on `seq`.
 *
 * Each slot has a cache line of its own (and the array starts on a line), so
 * that a pusher filling slot i+1 does not steal the line a popper is reading
 * slot i from. With 32-byte slots packed two to a line, and malloc's
 * 16-byte alignment letting a slot straddle two lines, the same benchmark
 * ran in one of three speeds per process; padded, an interleaved A/B of 10
 * runs each gave a median of 148 ns per task against 226 ns.
 *
 * Not lock-free in the strict sense: a pusher descheduled between its claim
 * and its publish makes pops see "empty" at that slot until it resumes. The
 * pool copes: the pusher wakes sleepers only after publishing (pool.c).
 *
 * Any size >= 1 works (positions are reduced modulo size; a 64-bit count of
 * pushes, doubled, does not wrap in practice). Counts are read without a lock, so
 * name_count is a snapshot that may be stale by the time it returns.
 *
 * PAR__MPMC_DEFINE(name, type) defines `struct name` and the static
 * functions name_init, name_free, name_push, name_pop, name_ready, name_full
 * and name_count. */
#ifndef PAR_MPMC_H
#define PAR_MPMC_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* Positions written by different threads live on different cache lines, so
 * pushers and poppers do not invalidate each other's line on every claim. */
#define PAR__CACHE_LINE 64

#define PAR__MPMC_DEFINE(name, type)                                                 \
    struct name##_slot {                                                             \
        _Alignas(PAR__CACHE_LINE) _Atomic size_t seq;                                \
        type item;                                                                   \
    };                                                                               \
                                                                                     \
    struct name {                                                                    \
        struct name##_slot *slots;                                                   \
        size_t size;                                                                 \
        _Alignas(PAR__CACHE_LINE) _Atomic size_t tail;   /* next push position */    \
        _Alignas(PAR__CACHE_LINE) _Atomic size_t head;   /* next pop position */     \
    };                                                                               \
                                                                                     \
    /* 0, or -1 when memory ran out. size >= 1. */                                  \
    static inline int name##_init(struct name *r, size_t size)                      \
    {                                                                                \
        r->slots = aligned_alloc(PAR__CACHE_LINE, size * sizeof *r->slots);          \
        if (!r->slots)                                                               \
            return -1;                                                               \
        for (size_t i = 0; i < size; i++)                                            \
            atomic_init(&r->slots[i].seq, 2 * i);                                        \
        r->size = size;                                                              \
        atomic_init(&r->tail, 0);                                                    \
        atomic_init(&r->head, 0);                                                    \
        return 0;                                                                    \
    }                                                                                \
                                                                                     \
    static inline void name##_free(struct name *r)                                  \
    {                                                                                \
        free(r->slots);                                                              \
        r->slots = NULL;                                                             \
    }                                                                                \
                                                                                     \
    /* Appends `item`: 1, or 0 when the ring is full. */                            \
    static inline int name##_push(struct name *r, type item)                        \
    {                                                                                \
        size_t pos = atomic_load_explicit(&r->tail, memory_order_relaxed);           \
        struct name##_slot *s;                                                       \
        for (;;) {                                                                   \
            s = &r->slots[pos % r->size];                                            \
            size_t seq = atomic_load_explicit(&s->seq, memory_order_acquire);        \
            intptr_t dif = (intptr_t)(seq - 2 * pos);                                \
            if (dif == 0) {                                                          \
                if (atomic_compare_exchange_weak_explicit(&r->tail, &pos, pos + 1,  \
                                                          memory_order_relaxed,     \
                                                          memory_order_relaxed))    \
                    break;                                                           \
            } else if (dif < 0) {                                                    \
                return 0;   /* the slot still holds the item of the last lap */      \
            } else {                                                                 \
                pos = atomic_load_explicit(&r->tail, memory_order_relaxed);          \
            }                                                                        \
        }                                                                            \
        s->item = item;                                                              \
        atomic_store_explicit(&s->seq, 2 * pos + 1, memory_order_release);               \
        return 1;                                                                    \
    }                                                                                \
                                                                                     \
    /* Removes the oldest published item into *out: 1, or 0 when none is. */      \
    static inline int name##_pop(struct name *r, type *out)                         \
    {                                                                                \
        size_t pos = atomic_load_explicit(&r->head, memory_order_relaxed);           \
        struct name##_slot *s;                                                       \
        for (;;) {                                                                   \
            s = &r->slots[pos % r->size];                                            \
            size_t seq = atomic_load_explicit(&s->seq, memory_order_acquire);        \
            intptr_t dif = (intptr_t)(seq - (2 * pos + 1));                          \
            if (dif == 0) {                                                          \
                if (atomic_compare_exchange_weak_explicit(&r->head, &pos, pos + 1,  \
                                                          memory_order_relaxed,     \
                                                          memory_order_relaxed))    \
                    break;                                                           \
            } else if (dif < 0) {                                                    \
                return 0;   /* not pushed yet (or push still in progress) */         \
            } else {                                                                 \
                pos = atomic_load_explicit(&r->head, memory_order_relaxed);          \
            }                                                                        \
        }                                                                            \
        *out = s->item;                                                              \
        atomic_store_explicit(&s->seq, 2 * (pos + r->size), memory_order_release);      \
        return 1;                                                                    \
    }                                                                                \
                                                                                     \
    /* 1 when the oldest item is published and could be popped now. */             \
    static inline int name##_ready(struct name *r)                                  \
    {                                                                                \
        for (;;) {                                                                   \
            size_t pos = atomic_load_explicit(&r->head, memory_order_relaxed);       \
            size_t seq = atomic_load_explicit(&r->slots[pos % r->size].seq,          \
                                              memory_order_acquire);                 \
            intptr_t dif = (intptr_t)(seq - (2 * pos + 1));                          \
            if (dif == 0)                                                            \
                return 1;                                                            \
            if (dif < 0)                                                             \
                return 0;                                                            \
            /* dif > 0: `head` moved on meanwhile; look again */                     \
        }                                                                            \
    }                                                                                \
                                                                                     \
    /* 1 when the next push would find its slot still taken (the ring is full). */  \
    static inline int name##_full(struct name *r)                                   \
    {                                                                                \
        size_t pos = atomic_load_explicit(&r->tail, memory_order_relaxed);           \
        size_t seq = atomic_load_explicit(&r->slots[pos % r->size].seq,              \
                                          memory_order_acquire);                     \
        return (intptr_t)(seq - 2 * pos) < 0;                                        \
    }                                                                                \
                                                                                     \
    /* Items pushed and not yet popped (claims in progress included). */            \
    static inline size_t name##_count(struct name *r)                               \
    {                                                                                \
        size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);          \
        size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);          \
        return tail > head ? tail - head : 0;                                        \
    }

#endif
