/* par_sem, par_event, par_rlock with Python's semantics. */
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <setjmp.h>
#include <cmocka.h>

#include "error.h"
#include "sync.h"

/* ---- semaphore ----------------------------------------------------------- */

static void sem_counts_permits_and_times_out_when_none_is_left(void **state)
{
    (void)state;
    par_sem *s;
    assert_int_equal(par_sem_create(&s, 2), 0);
    assert_int_equal(par_sem_acquire(s, PAR_FOREVER), 0);
    assert_int_equal(par_sem_acquire(s, PAR_NOWAIT), 0);
    assert_int_equal(par_sem_value(s), 0);
    assert_int_equal(par_sem_acquire(s, PAR_NOWAIT), PAR_EAGAIN);
    assert_int_equal(par_sem_acquire(s, 0.01), PAR_ETIMEDOUT);
    assert_int_equal(par_sem_release(s, 3), 0);   /* an unbounded one may exceed */
    assert_int_equal(par_sem_value(s), 3);
    assert_int_equal(par_sem_release(s, 0), PAR_EINVAL);
    assert_int_equal(par_sem_release(s, UINT_MAX), PAR_EINVAL);   /* overflow */
    assert_int_equal(par_sem_acquire(NULL, 0), PAR_EINVAL);
    par_sem_destroy(s);
}

static void sem_bounded_refuses_a_release_above_its_initial_value(void **state)
{
    (void)state;
    par_sem *s;
    assert_int_equal(par_sem_create_bounded(&s, 1), 0);
    assert_int_equal(par_sem_release(s, 1), PAR_ESTATE);
    assert_int_equal(par_sem_value(s), 1);
    assert_int_equal(par_sem_acquire(s, PAR_NOWAIT), 0);
    assert_int_equal(par_sem_release(s, 1), 0);
    par_sem_destroy(s);
}

/* "Control primitive resources": 5 threads, 3 permits; no more than 3 hold
 * one at a time. Each holder waits at a barrier of 3, which can only be
 * passed if 3 really hold permits together. */
struct sem_run {
    par_sem *s;
    pthread_mutex_t m;
    int inside, max_inside;
    pthread_barrier_t three;
};

static void *sem_user(void *arg)
{
    struct sem_run *r = arg;
    if (par_sem_acquire(r->s, PAR_FOREVER) != 0)
        return (void *)1;
    pthread_mutex_lock(&r->m);
    r->inside++;
    if (r->inside > r->max_inside)
        r->max_inside = r->inside;
    pthread_mutex_unlock(&r->m);
    pthread_barrier_wait(&r->three);   /* the first three meet here */
    pthread_mutex_lock(&r->m);
    r->inside--;
    pthread_mutex_unlock(&r->m);
    par_sem_release(r->s, 1);
    return NULL;
}

static void sem_admits_at_most_its_value_at_once(void **state)
{
    (void)state;
    struct sem_run r = { .inside = 0, .max_inside = 0 };
    assert_int_equal(par_sem_create(&r.s, 3), 0);
    pthread_mutex_init(&r.m, NULL);
    /* 5 threads but a barrier of 3: the first 3 pass together; the last 2
     * need a third party, the main thread, to pass theirs. */
    pthread_barrier_init(&r.three, NULL, 3);
    pthread_t t[5];
    for (int i = 0; i < 5; i++)
        assert_int_equal(pthread_create(&t[i], NULL, sem_user, &r), 0);
    pthread_barrier_wait(&r.three);   /* completes the second round of 3 */
    for (int i = 0; i < 5; i++) {
        void *rc;
        assert_int_equal(pthread_join(t[i], &rc), 0);
        assert_null(rc);
    }
    assert_int_equal(r.max_inside, 3);
    assert_int_equal(par_sem_value(r.s), 3);
    pthread_barrier_destroy(&r.three);
    pthread_mutex_destroy(&r.m);
    par_sem_destroy(r.s);
}

/* ---- event --------------------------------------------------------------- */

static void event_set_clear_is_set_and_timed_wait(void **state)
{
    (void)state;
    par_event *e;
    assert_int_equal(par_event_create(&e), 0);
    assert_false(par_event_is_set(e));
    assert_int_equal(par_event_wait(e, PAR_NOWAIT), PAR_EAGAIN);
    assert_int_equal(par_event_wait(e, 0.01), PAR_ETIMEDOUT);
    par_event_set(e);
    assert_true(par_event_is_set(e));
    assert_int_equal(par_event_wait(e, PAR_FOREVER), 0);
    assert_int_equal(par_event_wait(e, PAR_NOWAIT), 0);
    par_event_clear(e);
    assert_false(par_event_is_set(e));
    assert_int_equal(par_event_wait(e, PAR_NOWAIT), PAR_EAGAIN);
    assert_int_equal(par_event_wait(NULL, 0), PAR_EINVAL);
    par_event_destroy(e);
}

struct ev_waiters {
    par_event *e;
    _Atomic int woken;
};

static void *ev_waiter(void *arg)
{
    struct ev_waiters *w = arg;
    if (par_event_wait(w->e, PAR_FOREVER) == 0)
        atomic_fetch_add(&w->woken, 1);
    return NULL;
}

static void event_set_wakes_every_waiter(void **state)
{
    (void)state;
    /* "Ensure tasks has done": three workers wait for one event. */
    struct ev_waiters w = { NULL, 0 };
    assert_int_equal(par_event_create(&w.e), 0);
    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        assert_int_equal(pthread_create(&t[i], NULL, ev_waiter, &w), 0);
    par_event_set(w.e);
    for (int i = 0; i < 3; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
    assert_int_equal(atomic_load(&w.woken), 3);
    par_event_destroy(w.e);
}

/* ---- re-entrant lock ----------------------------------------------------- */

static void rlock_owner_may_acquire_again_and_needs_as_many_releases(void **state)
{
    (void)state;
    par_rlock *l;
    assert_int_equal(par_rlock_create(&l), 0);
    assert_false(par_rlock_is_owned(l));
    assert_int_equal(par_rlock_acquire(l, PAR_FOREVER), 0);
    assert_int_equal(par_rlock_acquire(l, PAR_NOWAIT), 0);   /* re-entry never waits */
    assert_int_equal(par_rlock_depth(l), 2);
    assert_true(par_rlock_is_owned(l));
    assert_int_equal(par_rlock_release(l), 0);
    assert_true(par_rlock_is_owned(l));
    assert_int_equal(par_rlock_release(l), 0);
    assert_false(par_rlock_is_owned(l));
    assert_int_equal(par_rlock_depth(l), 0);
    assert_int_equal(par_rlock_release(l), PAR_EPERM);   /* not held at all */
    par_rlock_destroy(l);
}

struct other {
    par_rlock *l;
    int release_rc, try_rc, timed_rc, owned;
};

static void *other_thread(void *arg)
{
    struct other *o = arg;
    o->release_rc = par_rlock_release(o->l);
    o->try_rc = par_rlock_acquire(o->l, PAR_NOWAIT);
    o->timed_rc = par_rlock_acquire(o->l, 0.01);
    o->owned = par_rlock_is_owned(o->l);
    return NULL;
}

static void rlock_release_by_a_non_owner_returns_EPERM_and_changes_nothing(void **state)
{
    (void)state;
    struct other o;
    assert_int_equal(par_rlock_create(&o.l), 0);
    assert_int_equal(par_rlock_acquire(o.l, PAR_FOREVER), 0);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, other_thread, &o), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_int_equal(o.release_rc, PAR_EPERM);
    assert_int_equal(o.try_rc, PAR_EAGAIN);
    assert_int_equal(o.timed_rc, PAR_ETIMEDOUT);
    assert_false(o.owned);
    assert_int_equal(par_rlock_depth(o.l), 1);   /* still ours, once */
    assert_int_equal(par_rlock_release(o.l), 0);
    par_rlock_destroy(o.l);
}

/* The cheatsheet's "Monitor": foo() holds the lock and calls ker(), which
 * takes it again; a second thread's ker() runs only after foo() is done.
 * Output order must be "1 in foo", "1 in ker", "2 in ker". */
struct monitor {
    par_rlock *lock;
    par_event *t1_inside;
    char log[3][16];
    int n;
};

static void ker(struct monitor *m, int tid)
{
    par_rlock_acquire(m->lock, PAR_FOREVER);
    snprintf(m->log[m->n++], sizeof m->log[0], "%d in ker", tid);
    par_rlock_release(m->lock);
}

static void *task1(void *arg)
{
    struct monitor *m = arg;
    par_rlock_acquire(m->lock, PAR_FOREVER);   /* foo */
    snprintf(m->log[m->n++], sizeof m->log[0], "%d in foo", 1);
    par_event_set(m->t1_inside);
    ker(m, 1);
    par_rlock_release(m->lock);
    return NULL;
}

static void *task2(void *arg)
{
    struct monitor *m = arg;
    par_event_wait(m->t1_inside, PAR_FOREVER);
    ker(m, 2);
    return NULL;
}

static void rlock_monitor_example_prints_in_the_cheatsheet_order(void **state)
{
    (void)state;
    struct monitor m = { .n = 0 };
    assert_int_equal(par_rlock_create(&m.lock), 0);
    assert_int_equal(par_event_create(&m.t1_inside), 0);
    pthread_t a, b;
    assert_int_equal(pthread_create(&a, NULL, task1, &m), 0);
    assert_int_equal(pthread_create(&b, NULL, task2, &m), 0);
    assert_int_equal(pthread_join(a, NULL), 0);
    assert_int_equal(pthread_join(b, NULL), 0);
    assert_int_equal(m.n, 3);
    assert_string_equal(m.log[0], "1 in foo");
    assert_string_equal(m.log[1], "1 in ker");
    assert_string_equal(m.log[2], "2 in ker");
    par_event_destroy(m.t1_inside);
    par_rlock_destroy(m.lock);
}

static void sync_create_rejects_null_out(void **state)
{
    (void)state;
    assert_int_equal(par_sem_create(NULL, 1), PAR_EINVAL);
    assert_int_equal(par_event_create(NULL), PAR_EINVAL);
    assert_int_equal(par_rlock_create(NULL), PAR_EINVAL);
    par_sem_destroy(NULL);
    par_event_destroy(NULL);
    par_rlock_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sem_counts_permits_and_times_out_when_none_is_left),
        cmocka_unit_test(sem_bounded_refuses_a_release_above_its_initial_value),
        cmocka_unit_test(sem_admits_at_most_its_value_at_once),
        cmocka_unit_test(event_set_clear_is_set_and_timed_wait),
        cmocka_unit_test(event_set_wakes_every_waiter),
        cmocka_unit_test(rlock_owner_may_acquire_again_and_needs_as_many_releases),
        cmocka_unit_test(rlock_release_by_a_non_owner_returns_EPERM_and_changes_nothing),
        cmocka_unit_test(rlock_monitor_example_prints_in_the_cheatsheet_order),
        cmocka_unit_test(sync_create_rejects_null_out),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
