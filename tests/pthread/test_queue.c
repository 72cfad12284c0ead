/* par_queue: FIFO order, blocking / non-blocking / timed put and get,
 * task_done and join, shutdown, producers and consumers. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "error.h"
#include "queue.h"

static void queue_create_rejects_zero_capacity(void **state)
{
    (void)state;
    par_queue *q = (par_queue *)&q;
    assert_int_equal(par_queue_create(&q, 0), PAR_EINVAL);
    assert_null(q);
    assert_int_equal(par_queue_create(NULL, 4), PAR_EINVAL);
}

static void queue_gets_items_in_put_order(void **state)
{
    (void)state;
    par_queue *q;
    assert_int_equal(par_queue_create(&q, 8), 0);
    assert_int_equal(par_queue_capacity(q), 8);
    for (intptr_t i = 0; i < 8; i++)
        assert_int_equal(par_queue_put(q, (void *)i, PAR_FOREVER), 0);
    assert_true(par_queue_full(q));
    assert_int_equal(par_queue_size(q), 8);
    for (intptr_t i = 0; i < 8; i++) {
        void *v;
        assert_int_equal(par_queue_get(q, &v, PAR_FOREVER), 0);
        assert_int_equal((intptr_t)v, i);
    }
    assert_true(par_queue_empty(q));
    par_queue_destroy(q);
}

static void queue_nowait_and_timed_calls_fail_when_they_would_block(void **state)
{
    (void)state;
    par_queue *q;
    assert_int_equal(par_queue_create(&q, 1), 0);
    void *v;
    assert_int_equal(par_queue_get_nowait(q, &v), PAR_EAGAIN);
    assert_int_equal(par_queue_get(q, &v, 0.01), PAR_ETIMEDOUT);
    assert_int_equal(par_queue_put_nowait(q, NULL), 0);   /* NULL is an item */
    assert_int_equal(par_queue_put_nowait(q, NULL), PAR_EAGAIN);
    assert_int_equal(par_queue_put(q, NULL, 0.01), PAR_ETIMEDOUT);
    assert_int_equal(par_queue_size(q), 1);
    v = (void *)1;
    assert_int_equal(par_queue_get_nowait(q, &v), 0);
    assert_null(v);
    assert_int_equal(par_queue_put(NULL, NULL, 0), PAR_EINVAL);
    assert_int_equal(par_queue_get(q, NULL, 0), PAR_EINVAL);
    par_queue_destroy(q);
}

static void queue_task_done_more_than_puts_returns_ESTATE(void **state)
{
    (void)state;
    par_queue *q;
    assert_int_equal(par_queue_create(&q, 4), 0);
    assert_int_equal(par_queue_task_done(q), PAR_ESTATE);
    assert_int_equal(par_queue_put(q, NULL, PAR_FOREVER), 0);
    assert_int_equal(par_queue_join(q, PAR_NOWAIT), PAR_EAGAIN);
    assert_int_equal(par_queue_join(q, 0.01), PAR_ETIMEDOUT);
    void *v;
    assert_int_equal(par_queue_get(q, &v, PAR_FOREVER), 0);
    assert_int_equal(par_queue_task_done(q), 0);
    assert_int_equal(par_queue_join(q, PAR_NOWAIT), 0);
    assert_int_equal(par_queue_task_done(q), PAR_ESTATE);
    par_queue_destroy(q);
}

static void queue_shutdown_fails_puts_and_drains_gets(void **state)
{
    (void)state;
    par_queue *q;
    assert_int_equal(par_queue_create(&q, 4), 0);
    assert_int_equal(par_queue_put(q, (void *)1, PAR_FOREVER), 0);
    par_queue_shutdown(q);
    par_queue_shutdown(q);   /* idempotent */
    assert_int_equal(par_queue_put(q, (void *)2, PAR_FOREVER), PAR_ESHUTDOWN);
    void *v;
    assert_int_equal(par_queue_get(q, &v, PAR_FOREVER), 0);
    assert_int_equal((intptr_t)v, 1);
    assert_int_equal(par_queue_get(q, &v, PAR_FOREVER), PAR_ESHUTDOWN);   /* no hang */
    par_queue_destroy(q);
}

static void *blocked_getter(void *arg)
{
    void *v;
    return (void *)(intptr_t)par_queue_get(arg, &v, PAR_FOREVER);
}

static void queue_shutdown_wakes_a_blocked_getter(void **state)
{
    (void)state;
    par_queue *q;
    assert_int_equal(par_queue_create(&q, 4), 0);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, blocked_getter, q), 0);
    par_queue_shutdown(q);
    void *rc;
    assert_int_equal(pthread_join(t, &rc), 0);
    assert_int_equal((intptr_t)rc, PAR_ESHUTDOWN);
    par_queue_destroy(q);
}

static void queue_unbounded_grows_past_its_first_allocation(void **state)
{
    (void)state;
    par_queue *q;
    assert_int_equal(par_queue_create(&q, PAR_UNBOUNDED), 0);
    for (intptr_t i = 0; i < 10000; i++)
        assert_int_equal(par_queue_put_nowait(q, (void *)i), 0);
    assert_false(par_queue_full(q));
    for (intptr_t i = 0; i < 10000; i++) {
        void *v;
        assert_int_equal(par_queue_get_nowait(q, &v), 0);
        assert_int_equal((intptr_t)v, i);
    }
    par_queue_destroy(q);
}

/* "Consumer and Producer" / "Thread Pool Template": 3 producers, 2
 * consumers, a queue of 4; every item arrives once (sum check), and join()
 * returns only after every item was marked done. */
#define PER_PRODUCER 5000

struct pc {
    par_queue *q;
    intptr_t base;
    _Atomic long sum, count;
};

static void *producer(void *arg)
{
    struct pc *pc = arg;
    intptr_t base = pc->base;
    for (intptr_t i = 1; i <= PER_PRODUCER; i++)
        if (par_queue_put(pc->q, (void *)(base + i), PAR_FOREVER) != 0)
            return (void *)1;
    return NULL;
}

static void *consumer(void *arg)
{
    struct pc *pc = arg;
    void *v;
    while (par_queue_get(pc->q, &v, PAR_FOREVER) == 0) {
        atomic_fetch_add(&pc->sum, (long)(intptr_t)v);
        atomic_fetch_add(&pc->count, 1);
        par_queue_task_done(pc->q);
    }
    return NULL;
}

static void queue_producers_and_consumers_deliver_every_item_once(void **state)
{
    (void)state;
    static struct pc pcs[3];
    par_queue *q;
    assert_int_equal(par_queue_create(&q, 4), 0);
    struct pc shared = { q, 0, 0, 0 };
    pthread_t prod[3], cons[2];
    for (int i = 0; i < 3; i++) {
        pcs[i].q = q;
        pcs[i].base = (intptr_t)i * 1000000;
        assert_int_equal(pthread_create(&prod[i], NULL, producer, &pcs[i]), 0);
    }
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&cons[i], NULL, consumer, &shared), 0);
    for (int i = 0; i < 3; i++) {
        void *rc;
        assert_int_equal(pthread_join(prod[i], &rc), 0);
        assert_null(rc);
    }
    assert_int_equal(par_queue_join(q, PAR_FOREVER), 0);
    assert_int_equal(atomic_load(&shared.count), 3 * PER_PRODUCER);
    long expect = 0;
    for (long i = 0; i < 3; i++)
        expect += i * 1000000 * PER_PRODUCER + (long)PER_PRODUCER * (PER_PRODUCER + 1) / 2;
    assert_int_equal(atomic_load(&shared.sum), expect);
    par_queue_shutdown(q);   /* consumers leave */
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_join(cons[i], NULL), 0);
    par_queue_destroy(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(queue_create_rejects_zero_capacity),
        cmocka_unit_test(queue_gets_items_in_put_order),
        cmocka_unit_test(queue_nowait_and_timed_calls_fail_when_they_would_block),
        cmocka_unit_test(queue_task_done_more_than_puts_returns_ESTATE),
        cmocka_unit_test(queue_shutdown_fails_puts_and_drains_gets),
        cmocka_unit_test(queue_shutdown_wakes_a_blocked_getter),
        cmocka_unit_test(queue_unbounded_grows_past_its_first_allocation),
        cmocka_unit_test(queue_producers_and_consumers_deliver_every_item_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
