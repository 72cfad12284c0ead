/* Private to pthread/: a Chase–Lev work-stealing deque of non-NULL pointers.
 *
 * One owner thread pushes and pops at the *bottom* (LIFO: the task it made
 * last is hot in its cache and, in a divide-and-conquer tree, the smallest);
 * any number of thieves take from the *top* (FIFO: the oldest task, in a
 * tree the largest piece of work, so one steal buys much work).
 *
 * Algorithm: D. Chase and Y. Lev, "Dynamic circular work-stealing deque",
 * SPAA 2005; memory orders from N. M. Lê, A. Pop, A. Cohen and F. Zappa
 * Nardelli, "Correct and efficient work-stealing for weak memory models",
 * PPoPP 2013 (their Figure 1, proved correct for C11). Written here from the
 * papers' description, not copied.
 *
 * DESIGN
 * `top` and `bottom` are 64-bit indices that only grow (top) or move by one
 * (bottom); the items live in slots [top, bottom) of a circular array
 * (index i in slot i mod size). Who writes what:
 *   - `bottom`: only the owner (push: +1, pop: -1 then maybe back);
 *   - `top`: only by compare-and-swap t -> t+1, by a thief (steal) or by the
 *     owner when it pops the last item (then it races the thieves for it);
 *   - the slots: only the owner writes them (push), at index bottom, which no
 *     thief reads until `bottom` is published past it;
 *   - `array`: only the owner replaces it (grow).
 * Memory orders, after Lê et al.:
 *   - push: the slot store, then `bottom` with release: a thief that reads
 *     the new bottom (acquire) also sees the item and everything the owner
 *     wrote before pushing it (the task's record). Lê et al. write a release
 *     fence and a relaxed store; the release store orders the same writes,
 *     costs the same (a plain store on x86) and, unlike a standalone fence,
 *     is understood by ThreadSanitizer. For the same reason every store to
 *     `bottom` is a release store, so whichever one a thief reads
 *     synchronises it with the owner.
 *   - pop: `bottom` = b-1, a seq_cst fence, then read `top`. A thief
 *     reads `top`, a seq_cst fence, then `bottom`. The two fences order the
 *     two pairs (store-buffering): either the owner sees the thief's claim on
 *     top or the thief sees the lowered bottom — so at most one of them takes
 *     the last item, and when both go for it (t == b) the compare-and-swap on
 *     `top` decides.
 *   - steal: the item is read *before* the compare-and-swap that claims it.
 *     A successful swap proves that top was still t while we read the slot,
 *     so the owner had not yet reused the slot (it only overwrites slot t
 *     mod size after seeing top > t). A failed swap discards what was read,
 *     which may have been overwritten meanwhile: that is why the slots are
 *     atomics (relaxed), so the racy read is defined behaviour.
 *   - push reads `top` only when the deque looks full by `top_seen`, the
 *     owner's copy of the last value it read there (with acquire). `top`
 *     only grows, so the copy is a lower bound: "not full" by the copy is
 *     "not full" in fact, and the slot push writes (index b - size, or
 *     never used) was taken before that acquire load, which read the value
 *     of the last claim in `top`'s chain of compare-and-swaps and so
 *     synchronises with every earlier claim too (each heads a release
 *     sequence the later ones extend): the thief's read of the old item
 *     happened before our overwrite, as with a fresh load. Why: a thief
 *     taking items one at a time writes `top` at every steal, and an owner
 *     reading it at every push fetched that line back each time (the
 *     nested-futures row of bench/task_overhead.c: 405-433 ns per task
 *     with the load, 107-117 ns with the copy, 3 processes each).
 * ABA: `top` only grows (a 64-bit count of steals does not wrap), so a
 * compare-and-swap from t to t+1 can succeed only if nobody took index t
 * in between: an index is never reused. `bottom` has no ABA issue: only the
 * owner writes it.
 * Growth: when a push finds the array full (bottom - top == size) the owner
 * copies [top, bottom) into an array twice as large and publishes it with a
 * release store; thieves load `array` with acquire. A thief may still be
 * reading the old array, so old arrays are not freed but kept on a list
 * until par__deque_destroy (the sizes double, so all of them together are
 * smaller than the current one). Nothing is ever lost or refused for lack of
 * room, short of memory: push returns -1 then, with the deque unchanged.
 *
 * Test hook: PAR__DEQUE_STEP(), when defined before this header, is called
 * between the shared-memory steps of push, pop and steal; a test uses it to
 * force interleavings (tests/pthread/test_deque.c). Empty otherwise. */
#ifndef PAR_DEQUE_H
#define PAR_DEQUE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#ifndef PAR__DEQUE_STEP
#define PAR__DEQUE_STEP() ((void)0)
#endif

#define PAR__DEQUE_LINE 64

struct par__deque_array {
    int64_t size;                       /* a power of two */
    struct par__deque_array *older;     /* retired arrays, freed at destroy */
    _Atomic(void *) slot[];             /* size slots */
};

struct par__deque {
    _Alignas(PAR__DEQUE_LINE) _Atomic int64_t top;      /* thieves' end */
    _Alignas(PAR__DEQUE_LINE) _Atomic int64_t bottom;   /* owner's end */
    _Atomic(struct par__deque_array *) array;
    int64_t top_seen;   /* owner only: `top` as push last read it (acquire) */
};

static inline struct par__deque_array *par__deque_array_new(int64_t size)
{
    struct par__deque_array *a = malloc(sizeof *a + (size_t)size * sizeof a->slot[0]);
    if (!a)
        return NULL;
    a->size = size;
    a->older = NULL;
    for (int64_t i = 0; i < size; i++)
        atomic_init(&a->slot[i], NULL);
    return a;
}

/* An empty deque of `size` slots to start with (rounded up to a power of
 * two, at least 2). 0, or -1 when memory ran out. */
static inline int par__deque_init(struct par__deque *q, int64_t size)
{
    int64_t s = 2;
    while (s < size)
        s *= 2;
    struct par__deque_array *a = par__deque_array_new(s);
    if (!a)
        return -1;
    atomic_init(&q->top, 0);
    atomic_init(&q->bottom, 0);
    atomic_init(&q->array, a);
    q->top_seen = 0;
    return 0;
}

/* Frees the arrays (current and retired). No thread may use q any more;
 * items still in it are not touched. */
static inline void par__deque_destroy(struct par__deque *q)
{
    struct par__deque_array *a = atomic_load_explicit(&q->array, memory_order_relaxed);
    while (a) {
        struct par__deque_array *older = a->older;
        free(a);
        a = older;
    }
    atomic_store_explicit(&q->array, NULL, memory_order_relaxed);
}

/* Owner only: a twice larger copy of [t, b), published; the old array is
 * retired. NULL when memory ran out (nothing changed then). */
static inline struct par__deque_array *par__deque_grow(struct par__deque *q,
                                                       struct par__deque_array *a,
                                                       int64_t t, int64_t b)
{
    struct par__deque_array *n = par__deque_array_new(2 * a->size);
    if (!n)
        return NULL;
    for (int64_t i = t; i < b; i++)
        atomic_store_explicit(&n->slot[i & (n->size - 1)],
                              atomic_load_explicit(&a->slot[i & (a->size - 1)],
                                                   memory_order_relaxed),
                              memory_order_relaxed);
    n->older = a;
    atomic_store_explicit(&q->array, n, memory_order_release);
    return n;
}

#if defined(__GNUC__)
#define PAR__DEQUE_COLD __attribute__((noinline, cold))
#else
#define PAR__DEQUE_COLD
#endif

/* Owner only: push's rare path, out of line so that the common one (a
 * spawn's hot path) keeps its registers: x goes into a grown array. 0, or
 * -1 when memory ran out (x not added). */
static PAR__DEQUE_COLD int par__deque_push_grown(struct par__deque *q, struct par__deque_array *a,
                                                 int64_t t, int64_t b, void *x)
{
    a = par__deque_grow(q, a, t, b);
    if (!a)
        return -1;
    atomic_store_explicit(&a->slot[b & (a->size - 1)], x, memory_order_relaxed);
    PAR__DEQUE_STEP();
    atomic_store_explicit(&q->bottom, b + 1, memory_order_release);
    return 0;
}

/* Owner only: reads `top` again (acquire) into the owner's copy `top_seen`
 * and returns it: the one place the copy is refreshed (see DESIGN). */
static inline int64_t par__deque_reread_top(struct par__deque *q)
{
    q->top_seen = atomic_load_explicit(&q->top, memory_order_acquire);
    return q->top_seen;
}

/* Owner only: adds x (non-NULL) at the bottom. 0, or -1 when the deque was
 * full and could not grow (out of memory; x was not added). */
static inline int par__deque_push(struct par__deque *q, void *x)
{
    PAR__DEQUE_STEP();
    int64_t b = atomic_load_explicit(&q->bottom, memory_order_relaxed);
    struct par__deque_array *a = atomic_load_explicit(&q->array, memory_order_relaxed);
    int64_t t = q->top_seen;
    if (b - t > a->size - 1) {
        t = par__deque_reread_top(q);
        PAR__DEQUE_STEP();
        if (b - t > a->size - 1)
            return par__deque_push_grown(q, a, t, b, x);
    }
    atomic_store_explicit(&a->slot[b & (a->size - 1)], x, memory_order_relaxed);
    PAR__DEQUE_STEP();
    atomic_store_explicit(&q->bottom, b + 1, memory_order_release);
    return 0;
}

/* Owner only: removes the item at the bottom (the newest). NULL when empty
 * (or when a thief took the last item first). */
static inline void *par__deque_pop(struct par__deque *q)
{
    PAR__DEQUE_STEP();
    int64_t b = atomic_load_explicit(&q->bottom, memory_order_relaxed) - 1;
    struct par__deque_array *a = atomic_load_explicit(&q->array, memory_order_relaxed);
    atomic_store_explicit(&q->bottom, b, memory_order_release);
    atomic_thread_fence(memory_order_seq_cst);
    PAR__DEQUE_STEP();
    int64_t t = atomic_load_explicit(&q->top, memory_order_relaxed);
    void *x = NULL;
    if (t <= b) {
        x = atomic_load_explicit(&a->slot[b & (a->size - 1)], memory_order_relaxed);
        if (t == b) {
            /* The last item: the thieves may be after it too. */
            PAR__DEQUE_STEP();
            if (!atomic_compare_exchange_strong_explicit(&q->top, &t, t + 1,
                                                         memory_order_seq_cst,
                                                         memory_order_relaxed))
                x = NULL;   /* a thief won */
            PAR__DEQUE_STEP();
            atomic_store_explicit(&q->bottom, b + 1, memory_order_release);
        }
    } else {
        PAR__DEQUE_STEP();
        atomic_store_explicit(&q->bottom, b + 1, memory_order_release);   /* was empty */
    }
    return x;
}

/* Any thread: removes the item at the top (the oldest) into *out.
 * 1: got one; 0: the deque was empty; -1: lost a race for it with another
 * thief or the owner (the deque may still hold items: try again if you
 * like). */
static inline int par__deque_steal(struct par__deque *q, void **out)
{
    PAR__DEQUE_STEP();
    int64_t t = atomic_load_explicit(&q->top, memory_order_acquire);
    atomic_thread_fence(memory_order_seq_cst);
    PAR__DEQUE_STEP();
    int64_t b = atomic_load_explicit(&q->bottom, memory_order_acquire);
    if (t >= b)
        return 0;
    PAR__DEQUE_STEP();
    struct par__deque_array *a = atomic_load_explicit(&q->array, memory_order_acquire);
    void *x = atomic_load_explicit(&a->slot[t & (a->size - 1)], memory_order_relaxed);
    PAR__DEQUE_STEP();
    if (!atomic_compare_exchange_strong_explicit(&q->top, &t, t + 1, memory_order_seq_cst,
                                                 memory_order_relaxed))
        return -1;
    *out = x;
    return 1;
}

/* Owner only: 1 when the deque holds fewer than n items. Counted against
 * `top_seen` first (an over-count: that copy is a lower bound of `top`);
 * only when that count reaches n is `top` read again (acquire, refreshing
 * the copy, as push does), so an owner asking often does not fetch the
 * thieves' line each time. */
static inline int par__deque_owner_has_fewer(struct par__deque *q, int64_t n)
{
    int64_t b = atomic_load_explicit(&q->bottom, memory_order_relaxed);
    return b - q->top_seen < n || b - par__deque_reread_top(q) < n;
}

/* Any thread: items in the deque at some recent moment (a snapshot; may be
 * stale when it returns). The caller orders it with its own fences. */
static inline int64_t par__deque_size(struct par__deque *q)
{
    int64_t b = atomic_load_explicit(&q->bottom, memory_order_relaxed);
    int64_t t = atomic_load_explicit(&q->top, memory_order_relaxed);
    return b > t ? b - t : 0;
}

#endif
