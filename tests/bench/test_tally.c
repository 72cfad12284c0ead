/* bench/tally.h: the per-thread tally is exact with many threads counting
 * at once, with threads that come and go (slots handed on), and past its
 * slots (the overflow counter). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <pthread.h>

#include "tally.h"

struct job {
    long n;
    pthread_barrier_t *start;   /* NULL: no barrier */
};

static void *count_n(void *arg)
{
    struct job *j = arg;
    /* The first event takes the slot: before the barrier, every thread
     * holds one at once (none has exited to give its slot back). */
    tally_add();
    if (j->start)
        pthread_barrier_wait(j->start);
    for (long i = 1; i < j->n; i++)
        tally_add();
    return NULL;
}

/* From a zeroed tally, `threads` threads (at most 128) each count n
 * events, all alive together (they meet at a barrier), and are joined. */
static void count_together(int threads, long n)
{
    pthread_t t[128];
    pthread_barrier_t start;
    assert_true(threads <= 128);
    assert_int_equal(pthread_barrier_init(&start, NULL, (unsigned)threads), 0);
    struct job j = { n, &start };
    tally_zero();
    for (int i = 0; i < threads; i++)
        assert_int_equal(pthread_create(&t[i], NULL, count_n, &j), 0);
    for (int i = 0; i < threads; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
    pthread_barrier_destroy(&start);
}

/* Threads that count at once: every event is in the sum. */
static void concurrent_threads_count_exactly(void **state)
{
    (void)state;
    count_together(8, 100000);
    assert_int_equal(tally_sum(), 8L * 100000);
}

/* Many more threads than slots, one after the other: each exiting thread
 * hands its slot on with its count, so no count is lost and the slots in
 * use stay few (no overflow needed). */
static void exited_threads_hand_their_slots_on(void **state)
{
    (void)state;
    tally_zero();
    long before = atomic_load(&tally_overflow);
    for (int i = 0; i < 4 * TALLY_SLOTS; i++) {
        pthread_t t;
        struct job j = { i + 1, NULL };
        assert_int_equal(pthread_create(&t, NULL, count_n, &j), 0);
        assert_int_equal(pthread_join(t, NULL), 0);
    }
    long n = 4 * TALLY_SLOTS;
    assert_int_equal(tally_sum(), n * (n + 1) / 2);
    assert_int_equal(atomic_load(&tally_overflow), before);
    pthread_mutex_lock(&tally_lock);
    int used = tally_used;
    pthread_mutex_unlock(&tally_lock);
    assert_true(used < TALLY_SLOTS);
}

/* More live threads than slots: the ones without a slot share the overflow
 * counter, and the sum is still exact. */
static void threads_beyond_the_slots_use_the_overflow(void **state)
{
    (void)state;
    count_together(TALLY_SLOTS + 8, 1000);
    assert_int_equal(tally_sum(), (TALLY_SLOTS + 8L) * 1000);
    assert_int_equal(atomic_load(&tally_overflow), 8 * 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(concurrent_threads_count_exactly),
        cmocka_unit_test(exited_threads_hand_their_slots_on),
        cmocka_unit_test(threads_beyond_the_slots_use_the_overflow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
