/* A tally: an exact count of events (here: tasks run) made by many threads,
 * without a shared cache line per event.
 *
 * Why not one atomic counter: the task-overhead benchmark counts every task
 * so that a lost task aborts it, and one shared counter made both workers
 * write the same line on every task. That line then moved between the two
 * cores with each empty task, and the benchmark measured the line, not the
 * pool: with one shared counter, par_pool's submit + join row read 46-134
 * ns per task; counting per thread, 31-39 ns in the same sitting
 * (bench_task_overhead --only join, 5 alternating processes each, 2 workers
 * on this 2-core machine, 2026-11-30, load 0.3-0.7).
 *
 * How: each thread that counts takes a slot of its own (a cache line) on
 * its first event and adds to it with a plain store; a thread that exits
 * hands its slot, count and all, to the next new thread (a pthread key's
 * destructor), so pools that start and end threads (GLib) do not run out.
 * Reading the sum is exact once every counting thread's events
 * happen-before the read (the benchmark reads after join / result /
 * taskwait / g_thread_pool_free, which order them). Past TALLY_SLOTS live
 * threads, the rest share one overflow counter (exact, slower). Zeroing is
 * only allowed while no thread counts. Header-only: one tally per
 * translation unit that includes it (static storage). */
#ifndef PAR_BENCH_TALLY_H
#define PAR_BENCH_TALLY_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#define TALLY_SLOTS 64
#define TALLY_LINE 64

struct tally_slot {
    _Alignas(TALLY_LINE) _Atomic long n;   /* written by its owner only */
};

static struct tally_slot tally_slots[TALLY_SLOTS];
static _Atomic long tally_overflow;        /* threads without a slot */
static _Thread_local int tally_mine = -1;  /* this thread's slot (TALLY_SLOTS:
                                              overflow), or -1: none yet */
/* Slot hand-out; the mutex also orders an exited owner's last store before
 * the next owner's first load of the same slot. */
static pthread_mutex_t tally_lock = PTHREAD_MUTEX_INITIALIZER;
static int tally_used;                     /* (tally_lock) slots ever given */
static int tally_free[TALLY_SLOTS];        /* (tally_lock) given back */
static int tally_nfree;                    /* (tally_lock) */
static pthread_key_t tally_key;            /* value: 1 + slot, for the exit */
static pthread_once_t tally_once = PTHREAD_ONCE_INIT;

static void tally_give_back(void *v)
{
    int s = (int)(intptr_t)v - 1;
    tally_mine = TALLY_SLOTS;   /* a later event of this exiting thread (another
                                   key's destructor) must not touch the slot */
    pthread_mutex_lock(&tally_lock);
    tally_free[tally_nfree++] = s;
    pthread_mutex_unlock(&tally_lock);
}

static void tally_key_make(void)
{
    if (pthread_key_create(&tally_key, tally_give_back) != 0)
        tally_used = TALLY_SLOTS;   /* no key: everyone uses the overflow */
}

/* The calling thread's slot, taken on its first event. */
static void tally_claim(void)
{
    pthread_once(&tally_once, tally_key_make);
    pthread_mutex_lock(&tally_lock);
    int s = tally_nfree > 0 ? tally_free[--tally_nfree]
                            : tally_used < TALLY_SLOTS ? tally_used++ : TALLY_SLOTS;
    pthread_mutex_unlock(&tally_lock);
    tally_mine = s;
    if (s < TALLY_SLOTS && pthread_setspecific(tally_key, (void *)(intptr_t)(s + 1)) != 0)
        tally_give_back((void *)(intptr_t)(s + 1));   /* and count in the overflow */
}

/* Counts one event of the calling thread. */
static inline void tally_add(void)
{
    if (tally_mine < 0)
        tally_claim();
    if (tally_mine == TALLY_SLOTS) {
        atomic_fetch_add_explicit(&tally_overflow, 1, memory_order_relaxed);
        return;
    }
    _Atomic long *n = &tally_slots[tally_mine].n;
    atomic_store_explicit(n, atomic_load_explicit(n, memory_order_relaxed) + 1,
                          memory_order_relaxed);
}

/* The events counted since the last tally_zero(). */
static inline long tally_sum(void)
{
    long sum = atomic_load(&tally_overflow);
    for (int i = 0; i < TALLY_SLOTS; i++)
        sum += atomic_load(&tally_slots[i].n);
    return sum;
}

/* Restarts the count (no thread may be counting meanwhile). */
static inline void tally_zero(void)
{
    atomic_store(&tally_overflow, 0);
    for (int i = 0; i < TALLY_SLOTS; i++)
        atomic_store(&tally_slots[i].n, 0);
}

#endif
