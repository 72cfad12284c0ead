/* par_pqueue: highest priority first, FIFO among equals, blocking get,
 * bounds, shutdown. */
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "error.h"
#include "pqueue.h"

static void pqueue_gets_the_highest_priority_first_and_fifo_among_equals(void **state)
{
    (void)state;
    par_pqueue *q;
    assert_int_equal(par_pqueue_create(&q, PAR_UNBOUNDED), 0);
    /* (item, priority): items 10..14 share priority 1.0 */
    struct { intptr_t item; double prio; } in[] = {
        { 10, 1.0 }, { 1, 6.6 }, { 11, 1.0 }, { 2, 5.2 }, { 12, 1.0 },
        { 3, 2.0 }, { 13, 1.0 }, { 99, -4.0 }, { 14, 1.0 },
    };
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++)
        assert_int_equal(par_pqueue_put(q, (void *)in[i].item, in[i].prio, PAR_FOREVER), 0);
    intptr_t expect[] = { 1, 2, 3, 10, 11, 12, 13, 14, 99 };
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++) {
        void *v;
        double prio;
        assert_int_equal(par_pqueue_get(q, &v, &prio, PAR_FOREVER), 0);
        assert_int_equal((intptr_t)v, expect[i]);
    }
    assert_int_equal(par_pqueue_size(q), 0);
    par_pqueue_destroy(q);
}

static void pqueue_keeps_fifo_among_equals_across_many_items(void **state)
{
    (void)state;
    par_pqueue *q;
    assert_int_equal(par_pqueue_create(&q, PAR_UNBOUNDED), 0);
    for (intptr_t i = 0; i < 1000; i++)
        assert_int_equal(par_pqueue_put(q, (void *)i, (double)(i % 3), PAR_NOWAIT), 0);
    for (int p = 2; p >= 0; p--)
        for (intptr_t i = p; i < 1000; i += 3) {
            void *v;
            double prio;
            assert_int_equal(par_pqueue_get(q, &v, &prio, PAR_NOWAIT), 0);
            assert_int_equal((intptr_t)v, i);
            assert_true(prio == (double)p);
        }
    par_pqueue_destroy(q);
}

static void pqueue_rejects_nan_and_zero_capacity_and_honours_bounds(void **state)
{
    (void)state;
    par_pqueue *q;
    assert_int_equal(par_pqueue_create(&q, 0), PAR_EINVAL);
    assert_int_equal(par_pqueue_create(&q, 1), 0);
    assert_int_equal(par_pqueue_put(q, NULL, NAN, PAR_FOREVER), PAR_EINVAL);
    assert_int_equal(par_pqueue_put(q, NULL, 1.0, PAR_NOWAIT), 0);
    assert_int_equal(par_pqueue_put(q, NULL, 2.0, PAR_NOWAIT), PAR_EAGAIN);
    assert_int_equal(par_pqueue_put(q, NULL, 2.0, 0.01), PAR_ETIMEDOUT);
    void *v;
    assert_int_equal(par_pqueue_get(q, &v, NULL, PAR_NOWAIT), 0);
    assert_int_equal(par_pqueue_get(q, &v, NULL, PAR_NOWAIT), PAR_EAGAIN);
    assert_int_equal(par_pqueue_get(q, &v, NULL, 0.01), PAR_ETIMEDOUT);
    par_pqueue_destroy(q);
}

static void *getter(void *arg)
{
    void *v = NULL;
    int rc = par_pqueue_get(arg, &v, NULL, PAR_FOREVER);
    return rc == 0 ? v : (void *)(intptr_t)rc;
}

static void pqueue_blocked_get_is_woken_by_a_put(void **state)
{
    (void)state;
    par_pqueue *q;
    assert_int_equal(par_pqueue_create(&q, PAR_UNBOUNDED), 0);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, getter, q), 0);
    assert_int_equal(par_pqueue_put(q, (void *)42, 0.5, PAR_FOREVER), 0);
    void *v;
    assert_int_equal(pthread_join(t, &v), 0);
    assert_int_equal((intptr_t)v, 42);
    par_pqueue_destroy(q);
}

static void pqueue_shutdown_drains_then_fails(void **state)
{
    (void)state;
    par_pqueue *q;
    assert_int_equal(par_pqueue_create(&q, PAR_UNBOUNDED), 0);
    assert_int_equal(par_pqueue_put(q, (void *)1, 0.0, PAR_FOREVER), 0);
    par_pqueue_shutdown(q);
    assert_int_equal(par_pqueue_put(q, (void *)2, 0.0, PAR_FOREVER), PAR_ESHUTDOWN);
    void *v;
    assert_int_equal(par_pqueue_get(q, &v, NULL, PAR_FOREVER), 0);
    assert_int_equal(par_pqueue_get(q, &v, NULL, PAR_FOREVER), PAR_ESHUTDOWN);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, getter, q), 0);
    assert_int_equal(pthread_join(t, &v), 0);
    assert_int_equal((intptr_t)v, PAR_ESHUTDOWN);
    par_pqueue_destroy(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pqueue_gets_the_highest_priority_first_and_fifo_among_equals),
        cmocka_unit_test(pqueue_keeps_fifo_among_equals_across_many_items),
        cmocka_unit_test(pqueue_rejects_nan_and_zero_capacity_and_honours_bounds),
        cmocka_unit_test(pqueue_blocked_get_is_woken_by_a_put),
        cmocka_unit_test(pqueue_shutdown_drains_then_fails),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
