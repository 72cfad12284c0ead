/* par_future: states, result and timeouts, cancel, done callbacks, wait and
 * as_completed. Orderings are forced with gate tasks (helpers.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "error.h"
#include "future.h"
#include "helpers.h"
#include "pool.h"

static void future_moves_from_pending_to_running_to_done(void **state)
{
    (void)state;
    struct busy_pool b;
    struct gate g;
    busy_pool_start(&b, 4, 0, 0);
    gate_init(&g, 0, 7);
    par_future *f;
    assert_int_equal(par_pool_submit(b.p, gate_task, &g, &f), 0);
    assert_int_equal(par_future_state(f), PAR_FUTURE_PENDING);
    assert_false(par_future_running(f));
    assert_false(par_future_done(f));
    par_event_set(b.g.release);
    assert_int_equal(par_event_wait(g.started, PAR_FOREVER), 0);
    assert_int_equal(par_future_state(f), PAR_FUTURE_RUNNING);
    assert_true(par_future_running(f));
    assert_false(par_future_done(f));
    par_event_set(g.release);
    void *v;
    assert_int_equal(par_future_result(f, PAR_FOREVER, &v), 0);
    assert_int_equal((intptr_t)v, 7);
    assert_true(par_future_done(f));
    assert_false(par_future_running(f));
    assert_false(par_future_cancelled(f));
    par_future_release(f);
    busy_pool_stop(&b);
    gate_fini(&g);
}

static void future_result_of_an_unfinished_task_times_out(void **state)
{
    (void)state;
    struct busy_pool b;
    busy_pool_start(&b, 4, 0, 0);
    par_future *f = b.busy;
    void *v = (void *)0x1;
    assert_int_equal(par_future_result(f, PAR_NOWAIT, &v), PAR_EAGAIN);
    assert_int_equal(par_future_result(f, 0.01, &v), PAR_ETIMEDOUT);
    assert_ptr_equal(v, (void *)0x1);   /* untouched */
    int code;
    assert_int_equal(par_future_exception(f, 0.01, &code), PAR_ETIMEDOUT);
    par_event_set(b.g.release);
    assert_int_equal(par_future_result(f, PAR_FOREVER, NULL), 0);
    busy_pool_stop(&b);
}

static void future_rejects_null_arguments(void **state)
{
    (void)state;
    int code;
    assert_int_equal(par_future_result(NULL, PAR_FOREVER, NULL), PAR_EINVAL);
    assert_int_equal(par_future_exception(NULL, PAR_FOREVER, &code), PAR_EINVAL);
    assert_int_equal(par_future_cancel(NULL), PAR_EINVAL);
    assert_int_equal(par_future_add_done_callback(NULL, count_callback, NULL), PAR_EINVAL);
    par_future_release(NULL);
}

static void future_cancel_of_a_pending_task_wins_and_the_task_never_runs(void **state)
{
    (void)state;
    struct busy_pool b;
    busy_pool_start(&b, 4, 0, 0);
    par_future *f;
    par_pool *p = b.p;
    _Atomic long ran = 0;
    _Atomic int callbacks = 0;
    assert_int_equal(par_pool_submit(p, count_task, &ran, &f), 0);
    assert_int_equal(par_future_add_done_callback(f, count_callback, &callbacks), 0);
    assert_int_equal(par_future_cancel(f), 0);
    assert_int_equal(atomic_load(&callbacks), 1);   /* ran in this thread */
    assert_int_equal(par_future_cancel(f), 0);      /* again: still cancelled */
    assert_int_equal(atomic_load(&callbacks), 1);   /* but not run twice */
    assert_true(par_future_cancelled(f));
    assert_true(par_future_done(f));
    /* Waiting on a cancelled future never blocks. */
    assert_int_equal(par_future_result(f, PAR_FOREVER, NULL), PAR_ECANCELLED);
    int code;
    assert_int_equal(par_future_exception(f, PAR_FOREVER, &code), PAR_ECANCELLED);
    par_event_set(b.g.release);
    assert_int_equal(par_pool_join(p, PAR_FOREVER), 0);
    assert_int_equal(atomic_load(&ran), 0);
    par_future_release(f);
    busy_pool_stop(&b);
}

static void future_cancel_of_a_running_or_done_task_returns_ESTATE(void **state)
{
    (void)state;
    struct busy_pool b;
    busy_pool_start(&b, 4, 0, 0);
    assert_int_equal(par_future_cancel(b.busy), PAR_ESTATE);   /* running */
    par_event_set(b.g.release);
    assert_int_equal(par_future_result(b.busy, PAR_FOREVER, NULL), 0);
    assert_int_equal(par_future_cancel(b.busy), PAR_ESTATE);   /* done */
    assert_false(par_future_cancelled(b.busy));
    busy_pool_stop(&b);
}

/* The callback records the order it ran in and what result() gave it. */
struct cb_log {
    int order[4];
    int n;
    int seen_rc;
};

static void log_a(par_future *f, void *ctx)
{
    struct cb_log *l = ctx;
    l->order[l->n++] = 1;
    l->seen_rc = par_future_result(f, PAR_FOREVER, NULL);   /* returns at once */
}

static void log_b(par_future *f, void *ctx)
{
    (void)f;
    struct cb_log *l = ctx;
    l->order[l->n++] = 2;
}

static void future_callbacks_run_once_in_registration_order_and_see_the_error(void **state)
{
    (void)state;
    struct busy_pool b;
    busy_pool_start(&b, 4, PAR_ETASK, 0);   /* the task fails: "Future error handling" */
    par_pool *p = b.p;
    par_future *f = b.busy;
    struct cb_log l = { { 0 }, 0, 0 };
    assert_int_equal(par_future_add_done_callback(f, log_a, &l), 0);
    assert_int_equal(par_future_add_done_callback(f, log_b, &l), 0);
    par_event_set(b.g.release);
    assert_int_equal(par_pool_join(p, PAR_FOREVER), 0);   /* join waits for callbacks */
    assert_int_equal(l.n, 2);
    assert_int_equal(l.order[0], 1);
    assert_int_equal(l.order[1], 2);
    assert_int_equal(l.seen_rc, PAR_ETASK);
    /* Added after completion: runs immediately, in this thread. */
    assert_int_equal(par_future_add_done_callback(f, log_b, &l), 0);
    assert_int_equal(l.n, 3);
    assert_int_equal(l.order[2], 2);
    busy_pool_stop(&b);
}

struct resubmit {
    par_pool *p;
    _Atomic long ran;
    int rc;
};

static void submit_more(par_future *f, void *ctx)
{
    (void)f;
    struct resubmit *r = ctx;
    r->rc = par_pool_submit(r->p, count_task, (void *)&r->ran, NULL);
}

static void future_callback_may_submit_more_work(void **state)
{
    (void)state;
    struct resubmit r = { NULL, 0, 1 };
    assert_int_equal(par_pool_create(&r.p, 2, 4), 0);
    par_future *f;
    assert_int_equal(par_pool_submit(r.p, count_task, (void *)&r.ran, &f), 0);
    assert_int_equal(par_future_add_done_callback(f, submit_more, &r), 0);
    assert_int_equal(par_future_result(f, PAR_FOREVER, NULL), 0);
    assert_int_equal(par_pool_join(r.p, PAR_FOREVER), 0);   /* covers the new task */
    assert_int_equal(r.rc, 0);
    assert_int_equal(atomic_load(&r.ran), 2);
    /* After shutdown the same callback gets ESHUTDOWN, not a crash. */
    assert_int_equal(par_pool_shutdown(r.p, 1, 0), 0);
    assert_int_equal(par_future_add_done_callback(f, submit_more, &r), 0);
    assert_int_equal(r.rc, PAR_ESHUTDOWN);
    par_future_release(f);
    par_pool_destroy(r.p);
}

static void future_released_early_still_runs_its_task(void **state)
{
    (void)state;
    par_pool *p;
    assert_int_equal(par_pool_create(&p, 1, 4), 0);
    _Atomic long ran = 0;
    par_future *f;
    assert_int_equal(par_pool_submit(p, count_task, &ran, &f), 0);
    par_future_release(f);
    assert_int_equal(par_pool_join(p, PAR_FOREVER), 0);
    assert_int_equal(atomic_load(&ran), 1);
    par_pool_destroy(p);
}

/* ---- wait ---------------------------------------------------------------- */

struct three {
    struct gate g[3];
    par_future *f[3];
    par_pool *p;
};

static void three_start(struct three *t, int code1)
{
    assert_int_equal(par_pool_create(&t->p, 3, 8), 0);
    for (int i = 0; i < 3; i++) {
        gate_init(&t->g[i], i == 1 ? code1 : 0, i);
        assert_int_equal(par_pool_submit(t->p, gate_task, &t->g[i], &t->f[i]), 0);
    }
}

static void three_stop(struct three *t)
{
    for (int i = 0; i < 3; i++)
        par_event_set(t->g[i].release);
    par_pool_destroy(t->p);
    for (int i = 0; i < 3; i++) {
        par_future_release(t->f[i]);
        gate_fini(&t->g[i]);
    }
}

static void futures_wait_first_completed_returns_when_one_is_done(void **state)
{
    (void)state;
    struct three t;
    three_start(&t, 0);
    size_t ndone = 99;
    assert_int_equal(par_futures_wait(t.f, 3, PAR_NOWAIT, PAR_WAIT_FIRST_COMPLETED, &ndone),
                     PAR_EAGAIN);
    assert_int_equal(ndone, 0);
    par_event_set(t.g[2].release);
    assert_int_equal(par_futures_wait(t.f, 3, PAR_FOREVER, PAR_WAIT_FIRST_COMPLETED, &ndone), 0);
    assert_int_equal(ndone, 1);
    assert_true(par_future_done(t.f[2]));
    three_stop(&t);
}

static void futures_wait_all_completed_waits_for_every_future(void **state)
{
    (void)state;
    struct three t;
    three_start(&t, 0);
    par_event_set(t.g[0].release);
    size_t ndone;
    assert_int_equal(par_futures_wait(t.f, 3, 0.01, PAR_WAIT_ALL_COMPLETED, &ndone),
                     PAR_ETIMEDOUT);
    par_event_set(t.g[1].release);
    par_event_set(t.g[2].release);
    assert_int_equal(par_futures_wait(t.f, 3, PAR_FOREVER, PAR_WAIT_ALL_COMPLETED, &ndone), 0);
    assert_int_equal(ndone, 3);
    three_stop(&t);
}

static void futures_wait_first_exception_returns_at_the_first_failure(void **state)
{
    (void)state;
    struct three t;
    three_start(&t, PAR_ETASK);   /* f[1] fails */
    par_event_set(t.g[0].release);
    assert_int_equal(par_future_result(t.f[0], PAR_FOREVER, NULL), 0);
    par_event_set(t.g[1].release);
    size_t ndone;
    assert_int_equal(par_futures_wait(t.f, 3, PAR_FOREVER, PAR_WAIT_FIRST_EXCEPTION, &ndone), 0);
    assert_int_equal(ndone, 2);       /* f[2] still runs */
    assert_false(par_future_done(t.f[2]));
    three_stop(&t);
}

static void futures_wait_first_exception_without_failure_waits_for_all(void **state)
{
    (void)state;
    struct three t;
    three_start(&t, 0);
    for (int i = 0; i < 3; i++)
        par_event_set(t.g[i].release);
    size_t ndone;
    assert_int_equal(par_futures_wait(t.f, 3, PAR_FOREVER, PAR_WAIT_FIRST_EXCEPTION, &ndone), 0);
    assert_int_equal(ndone, 3);
    three_stop(&t);
}

static void futures_wait_rejects_bad_arguments(void **state)
{
    (void)state;
    par_future *none[1] = { NULL };
    assert_int_equal(par_futures_wait(NULL, 2, PAR_FOREVER, PAR_WAIT_ALL_COMPLETED, NULL),
                     PAR_EINVAL);
    assert_int_equal(par_futures_wait(none, 1, PAR_FOREVER, PAR_WAIT_ALL_COMPLETED, NULL),
                     PAR_EINVAL);
    assert_int_equal(par_futures_wait(NULL, 0, PAR_FOREVER, (enum par_wait_mode)42, NULL),
                     PAR_EINVAL);
    assert_int_equal(par_futures_wait(NULL, 0, PAR_FOREVER, PAR_WAIT_ALL_COMPLETED, NULL), 0);
}

/* ---- as_completed -------------------------------------------------------- */

static void as_completed_yields_futures_in_the_order_they_finish(void **state)
{
    (void)state;
    struct three t;
    three_start(&t, 0);
    par_as_completed *it;
    assert_int_equal(par_as_completed_begin(&it, t.f, 3, PAR_FOREVER), 0);
    int order[3] = { 2, 0, 1 };
    for (int k = 0; k < 3; k++) {
        par_event_set(t.g[order[k]].release);
        par_future *f;
        assert_int_equal(par_as_completed_next(it, &f), 0);
        assert_ptr_equal(f, t.f[order[k]]);
    }
    par_future *f = (par_future *)&f;
    assert_int_equal(par_as_completed_next(it, &f), 0);
    assert_null(f);   /* exhausted */
    par_as_completed_end(it);
    three_stop(&t);
}

static void as_completed_yields_already_done_futures_first_in_array_order(void **state)
{
    (void)state;
    par_pool *p;
    assert_int_equal(par_pool_create(&p, 2, 8), 0);
    par_future *fs[3];
    for (int i = 0; i < 3; i++)
        assert_int_equal(par_pool_submit(p, double_task, (void *)(intptr_t)i, &fs[i]), 0);
    assert_int_equal(par_futures_wait(fs, 3, PAR_FOREVER, PAR_WAIT_ALL_COMPLETED, NULL), 0);
    par_as_completed *it;
    assert_int_equal(par_as_completed_begin(&it, fs, 3, PAR_NOWAIT), 0);
    for (int i = 0; i < 3; i++)
        par_future_release(fs[i]);   /* the iterator holds its own references */
    for (int i = 0; i < 3; i++) {
        par_future *f;
        assert_int_equal(par_as_completed_next(it, &f), 0);
        void *v;
        assert_int_equal(par_future_result(f, PAR_FOREVER, &v), 0);
        assert_int_equal((intptr_t)v, 2 * i);
    }
    par_as_completed_end(it);
    par_pool_destroy(p);
}

static void as_completed_times_out_when_nothing_finishes(void **state)
{
    (void)state;
    struct three t;
    three_start(&t, 0);
    par_as_completed *it;
    assert_int_equal(par_as_completed_begin(&it, t.f, 3, 0.01), 0);
    par_future *f;
    assert_int_equal(par_as_completed_next(it, &f), PAR_ETIMEDOUT);
    assert_null(f);
    par_as_completed_end(it);   /* before the end: unfinished tasks unaffected */
    three_stop(&t);
}

static void as_completed_rejects_bad_arguments(void **state)
{
    (void)state;
    par_as_completed *it;
    par_future *none[1] = { NULL };
    assert_int_equal(par_as_completed_begin(NULL, NULL, 0, PAR_FOREVER), PAR_EINVAL);
    assert_int_equal(par_as_completed_begin(&it, NULL, 1, PAR_FOREVER), PAR_EINVAL);
    assert_int_equal(par_as_completed_begin(&it, none, 1, PAR_FOREVER), PAR_EINVAL);
    assert_int_equal(par_as_completed_next(NULL, NULL), PAR_EINVAL);
    par_as_completed_end(NULL);
    assert_int_equal(par_as_completed_begin(&it, NULL, 0, PAR_FOREVER), 0);
    par_future *f = (par_future *)&f;
    assert_int_equal(par_as_completed_next(it, &f), 0);
    assert_null(f);
    par_as_completed_end(it);
}

/* A task that waits for its sub-tasks with as_completed and wait(): on a
 * one-worker pool this only finishes if the waiting worker runs them. */
static int wait_children_task(void *arg, void **result)
{
    par_pool *p = par_pool_current();
    (void)arg;
    par_future *fs[4];
    for (int i = 0; i < 4; i++)
        if (par_pool_submit(p, double_task, (void *)(intptr_t)(i + 1), &fs[i]) != 0)
            return PAR_ETASK;
    int rc = par_futures_wait(fs, 2, PAR_FOREVER, PAR_WAIT_ALL_COMPLETED, NULL);
    intptr_t sum = 0;
    par_as_completed *it;
    if (rc == 0)
        rc = par_as_completed_begin(&it, fs + 2, 2, PAR_FOREVER);
    if (rc == 0) {
        par_future *f;
        while (par_as_completed_next(it, &f) == 0 && f) {
            void *v;
            par_future_result(f, PAR_NOWAIT, &v);
            sum += (intptr_t)v;
        }
        par_as_completed_end(it);
    }
    for (int i = 0; i < 4; i++)
        par_future_release(fs[i]);
    *result = (void *)sum;
    return rc;
}

static void waiting_on_sub_tasks_from_the_only_worker_does_not_deadlock(void **state)
{
    (void)state;
    par_pool *p;
    assert_int_equal(par_pool_create(&p, 1, 8), 0);
    par_future *f;
    assert_int_equal(par_pool_submit(p, wait_children_task, NULL, &f), 0);
    void *v;
    assert_int_equal(par_future_result(f, PAR_FOREVER, &v), 0);
    assert_int_equal((intptr_t)v, 2 * 3 + 2 * 4);
    par_future_release(f);
    par_pool_destroy(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(future_moves_from_pending_to_running_to_done),
        cmocka_unit_test(future_result_of_an_unfinished_task_times_out),
        cmocka_unit_test(future_rejects_null_arguments),
        cmocka_unit_test(future_cancel_of_a_pending_task_wins_and_the_task_never_runs),
        cmocka_unit_test(future_cancel_of_a_running_or_done_task_returns_ESTATE),
        cmocka_unit_test(future_callbacks_run_once_in_registration_order_and_see_the_error),
        cmocka_unit_test(future_callback_may_submit_more_work),
        cmocka_unit_test(future_released_early_still_runs_its_task),
        cmocka_unit_test(futures_wait_first_completed_returns_when_one_is_done),
        cmocka_unit_test(futures_wait_all_completed_waits_for_every_future),
        cmocka_unit_test(futures_wait_first_exception_returns_at_the_first_failure),
        cmocka_unit_test(futures_wait_first_exception_without_failure_waits_for_all),
        cmocka_unit_test(futures_wait_rejects_bad_arguments),
        cmocka_unit_test(as_completed_yields_futures_in_the_order_they_finish),
        cmocka_unit_test(as_completed_yields_already_done_futures_first_in_array_order),
        cmocka_unit_test(as_completed_times_out_when_nothing_finishes),
        cmocka_unit_test(as_completed_rejects_bad_arguments),
        cmocka_unit_test(waiting_on_sub_tasks_from_the_only_worker_does_not_deadlock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
