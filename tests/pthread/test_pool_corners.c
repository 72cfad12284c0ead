/* Two corners of par_pool that used to hang (issue 15, section 3), as
 * deterministic tests: orderings are forced with gates (events), never
 * with sleeps; a regression shows as a hang (ctest's TIMEOUT fails it).
 *   1. A submitter blocked on a full queue is woken as soon as one slot
 *      frees — not only once the queue has drained to half. With two
 *      blocked, each freed slot releases one of them, also when a third
 *      blocked submitter has left at its deadline (the count of signals on
 *      their way must not stand in for a signal nobody sent).
 *   2. A done callback run in the thread that cancelled a future (outside
 *      the pool) may call par_pool_join or par_pool_shutdown(p, 1, 0): they
 *      do not wait for that callback itself (CPython's shutdown(wait=True)
 *      from such a callback returns normally). */
#define _GNU_SOURCE
#include <pthread.h>
#include <semaphore.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "error.h"
#include "helpers.h"
#include "pool.h"

/* ---- 1. one free slot releases one blocked submitter ---------------------- */

struct submitter {
    par_pool *p;
    double timeout_s;
    _Atomic int tid;
    int rc;
};

static void *submit_one(void *arg)
{
    struct submitter *s = arg;
    atomic_store(&s->tid, (int)syscall(SYS_gettid));
    s->rc = par_pool_submit_timed(s->p, double_task, NULL, s->timeout_s, NULL);
    return NULL;
}

static void one_slot_frees(double timeout_s)
{
    /* 2 workers, capacity 4: both workers held in gates, then 4 queued
     * tasks, the first of which is a third gate: the queue is full. */
    par_pool *p;
    assert_int_equal(par_pool_create(&p, 2, 4), 0);
    struct gate g1, g2, g3, hold;
    gate_init(&g1, 0, 0);
    gate_init(&g2, 0, 0);
    gate_init(&g3, 0, 0);
    gate_init(&hold, 0, 0);
    assert_int_equal(par_pool_submit(p, gate_task, &g1, NULL), 0);
    assert_int_equal(par_event_wait(g1.started, PAR_FOREVER), 0);
    assert_int_equal(par_pool_submit(p, gate_task, &g2, NULL), 0);
    assert_int_equal(par_event_wait(g2.started, PAR_FOREVER), 0);
    assert_int_equal(par_pool_submit(p, gate_task, &g3, NULL), 0);
    for (int i = 0; i < 3; i++)
        assert_int_equal(par_pool_submit(p, gate_task, &hold, NULL), 0);
    assert_int_equal(par_pool_pending(p), 4);
    assert_int_equal(par_pool_try_submit(p, double_task, NULL, NULL), PAR_EAGAIN);

    /* A third thread submits and blocks on the full queue. */
    struct submitter s = { p, timeout_s, 0, 1 };
    pthread_t t;
    start_until_asleep(&t, submit_one, &s, &s.tid);

    /* One worker finishes and takes g3 (and blocks in it): 3 of 4 queued.
     * The submitter must get that slot now; nothing else will ever free
     * one until it has (the remaining gates open only after the join). */
    par_event_set(g1.release);
    assert_int_equal(par_event_wait(g3.started, PAR_FOREVER), 0);
    assert_int_equal(pthread_join(t, NULL), 0);   /* hangs if never woken */
    assert_int_equal(s.rc, 0);
    assert_int_equal(par_pool_pending(p), 4);

    par_event_set(g2.release);
    par_event_set(g3.release);
    par_event_set(hold.release);
    assert_int_equal(par_pool_join(p, PAR_FOREVER), 0);
    par_pool_destroy(p);
    gate_fini(&g1);
    gate_fini(&g2);
    gate_fini(&g3);
    gate_fini(&hold);
}

static void pool_blocked_submit_is_woken_when_one_slot_frees(void **state)
{
    (void)state;
    one_slot_frees(PAR_FOREVER);
}

static void pool_timed_submit_takes_a_slot_that_frees_before_its_deadline(void **state)
{
    (void)state;
    one_slot_frees(3600.0);   /* an hour: only a lost wake-up could reach it */
}

/* Two submitters block on a full queue (capacity 2, 1 worker); slots free
 * one at a time, each taken by one submitter. A third, timed one blocks
 * too and leaves at its deadline before any slot frees. */
struct returned {
    struct submitter s;
    sem_t *done;   /* posted when the submit returned */
};

static void *submit_and_post(void *arg)
{
    struct returned *r = arg;
    submit_one(&r->s);
    sem_post(r->done);
    return NULL;
}

static void two_blocked_submitters_get_one_slot_each(int with_deadline_leaver)
{
    par_pool *p;
    assert_int_equal(par_pool_create(&p, 1, 2), 0);
    struct gate g1, g2, hold;
    gate_init(&g1, 0, 0);
    gate_init(&g2, 0, 0);
    gate_init(&hold, 0, 0);
    assert_int_equal(par_pool_submit(p, gate_task, &g1, NULL), 0);
    assert_int_equal(par_event_wait(g1.started, PAR_FOREVER), 0);
    assert_int_equal(par_pool_submit(p, gate_task, &g2, NULL), 0);
    assert_int_equal(par_pool_submit(p, gate_task, &hold, NULL), 0);
    assert_int_equal(par_pool_try_submit(p, double_task, NULL, NULL), PAR_EAGAIN);

    sem_t done, left;
    assert_int_equal(sem_init(&done, 0, 0), 0);
    assert_int_equal(sem_init(&left, 0, 0), 0);
    struct returned a = { { p, PAR_FOREVER, 0, 1 }, &done };
    struct returned b = { { p, PAR_FOREVER, 0, 1 }, &done };
    struct returned c = { { p, 0.05, 0, 1 }, &left };
    pthread_t ta, tb, tc;
    start_until_asleep(&ta, submit_and_post, &a, &a.s.tid);
    start_until_asleep(&tb, submit_and_post, &b, &b.s.tid);
    if (with_deadline_leaver) {
        start_until_asleep(&tc, submit_and_post, &c, &c.s.tid);
        assert_int_equal(sem_wait(&left), 0);   /* nothing frees before its deadline */
        assert_int_equal(pthread_join(tc, NULL), 0);
        assert_int_equal(c.s.rc, PAR_ETIMEDOUT);
    }

    /* The worker finishes g1 and takes g2 (held in it): one slot frees,
     * one submitter takes it. Then it finishes g2 and takes hold: one more
     * slot, for the other. Each sem_wait hangs if a wake-up was lost. */
    par_event_set(g1.release);
    assert_int_equal(sem_wait(&done), 0);
    par_event_set(g2.release);
    assert_int_equal(sem_wait(&done), 0);
    assert_int_equal(pthread_join(ta, NULL), 0);
    assert_int_equal(pthread_join(tb, NULL), 0);
    assert_int_equal(a.s.rc, 0);
    assert_int_equal(b.s.rc, 0);

    par_event_set(hold.release);
    assert_int_equal(par_pool_join(p, PAR_FOREVER), 0);
    par_pool_destroy(p);
    sem_destroy(&done);
    sem_destroy(&left);
    gate_fini(&g1);
    gate_fini(&g2);
    gate_fini(&hold);
}

static void pool_two_blocked_submitters_each_get_a_freed_slot(void **state)
{
    (void)state;
    two_blocked_submitters_get_one_slot_each(0);
}

static void pool_a_submitter_leaving_at_its_deadline_costs_no_wake_up(void **state)
{
    (void)state;
    two_blocked_submitters_get_one_slot_each(1);
}

/* ---- 2. join / shutdown(wait) from an outside cancel's callback ------------ */

struct cb_calls {
    par_pool *p;
    par_event *release;   /* the gate holding the worker: opened by the callback */
    int shutdown;     /* 1: the callback calls par_pool_shutdown(p, 1, 0) too */
    int join_rc, join_now_rc, shutdown_rc;
    _Atomic int ran;
};

static void join_and_shutdown_callback(par_future *f, void *ctx)
{
    (void)f;
    struct cb_calls *c = ctx;
    /* f was cancelled while the worker was held (so it never ran); now the
     * worker may finish: join waits for that real task, then must return
     * although f itself (whose callback this is) has not retired yet. */
    par_event_set(c->release);
    c->join_rc = par_pool_join(c->p, PAR_FOREVER);
    c->join_now_rc = par_pool_join(c->p, PAR_NOWAIT);
    if (c->shutdown)
        c->shutdown_rc = par_pool_shutdown(c->p, 1, 0);
    atomic_fetch_add(&c->ran, 1);
}

struct canceller {
    par_future *f;
    int rc;
};

static void *cancel_thread(void *arg)
{
    struct canceller *c = arg;
    c->rc = par_future_cancel(c->f);
    return NULL;
}

static void callback_joins_pool(int with_shutdown)
{
    /* One worker held in a gate; f queued behind it, with the callback.
     * Another thread (not a worker) cancels f: the callback runs there. */
    struct busy_pool b;
    busy_pool_start(&b, 4, 0, 0);
    struct cb_calls calls = { b.p, b.g.release, with_shutdown, 1, 1, 1, 0 };
    par_future *f;
    assert_int_equal(par_pool_submit(b.p, double_task, NULL, &f), 0);
    assert_int_equal(par_future_add_done_callback(f, join_and_shutdown_callback, &calls), 0);
    struct canceller c = { f, 1 };
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, cancel_thread, &c), 0);
    assert_int_equal(pthread_join(t, NULL), 0);   /* hangs if it waits for itself */
    assert_int_equal(c.rc, 0);   /* cancelled: the worker was held in the gate */
    assert_int_equal(atomic_load(&calls.ran), 1);
    assert_int_equal(calls.join_rc, 0);
    assert_int_equal(calls.join_now_rc, 0);
    if (with_shutdown) {
        assert_int_equal(calls.shutdown_rc, 0);
        assert_true(par_pool_is_shutdown(b.p));
    }
    assert_true(par_future_cancelled(f));
    assert_int_equal(par_pool_join(b.p, PAR_FOREVER), 0);   /* now wholly quiet */
    par_future_release(f);
    busy_pool_stop(&b);
}

static void pool_join_from_an_outside_cancels_callback_returns(void **state)
{
    (void)state;
    callback_joins_pool(0);
}

static void pool_shutdown_wait_from_an_outside_cancels_callback_returns(void **state)
{
    (void)state;
    callback_joins_pool(1);
}

/* The same through par_pool_shutdown(p, 0, 1) from outside: its cancels
 * run the callbacks in the shutting-down thread. */
static void pool_shutdown_wait_from_a_callback_of_shutdown_cancel_returns(void **state)
{
    (void)state;
    struct busy_pool b;
    busy_pool_start(&b, 4, 0, 0);
    struct cb_calls calls = { b.p, b.g.release, 1, 1, 1, 1, 0 };
    par_future *f;
    assert_int_equal(par_pool_submit(b.p, double_task, NULL, &f), 0);
    assert_int_equal(par_future_add_done_callback(f, join_and_shutdown_callback, &calls), 0);
    assert_int_equal(par_pool_shutdown(b.p, 1, 1), 0);   /* the worker is held: f is cancelled */
    assert_int_equal(atomic_load(&calls.ran), 1);
    assert_true(par_future_cancelled(f));
    assert_int_equal(calls.join_rc, 0);
    assert_int_equal(calls.shutdown_rc, 0);
    par_future_release(f);
    busy_pool_stop(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pool_blocked_submit_is_woken_when_one_slot_frees),
        cmocka_unit_test(pool_timed_submit_takes_a_slot_that_frees_before_its_deadline),
        cmocka_unit_test(pool_two_blocked_submitters_each_get_a_freed_slot),
        cmocka_unit_test(pool_a_submitter_leaving_at_its_deadline_costs_no_wake_up),
        cmocka_unit_test(pool_join_from_an_outside_cancels_callback_returns),
        cmocka_unit_test(pool_shutdown_wait_from_an_outside_cancels_callback_returns),
        cmocka_unit_test(pool_shutdown_wait_from_a_callback_of_shutdown_cancel_returns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
