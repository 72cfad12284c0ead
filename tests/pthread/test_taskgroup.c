/* Task groups (taskgroup.h): spawn / sync results and codes, serial elision
 * outside the pool, nested syncs on one worker, deque growth, and a
 * deterministic proof that an idle worker steals. */
#include <stdatomic.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

#include "error.h"
#include "helpers.h"
#include "pool.h"
#include "taskgroup.h"

/* fib(n) with a group per call: spawn n-1, call n-2, sync. */
static int fib_group_task(void *arg, void **result)
{
    intptr_t n = (intptr_t)arg;
    if (n <= 2) {
        *result = (void *)(intptr_t)1;
        return 0;
    }
    par_task_group g;
    struct par_spawn a;
    par_task_group_init(&g, par_pool_current());
    par_task_group_spawn(&g, &a, fib_group_task, (void *)(n - 1));
    void *vb = NULL;
    int rb = fib_group_task((void *)(n - 2), &vb);
    int ra = par_task_group_sync(&g);
    if (ra || rb)
        return ra ? ra : rb;
    *result = (void *)((intptr_t)a.result + (intptr_t)vb);
    return 0;
}

static intptr_t pool_fib(int workers, intptr_t n)
{
    par_pool *p;
    assert_int_equal(par_pool_create(&p, workers, 4), 0);
    par_future *f;
    assert_int_equal(par_pool_submit(p, fib_group_task, (void *)n, &f), 0);
    void *v = NULL;
    assert_int_equal(par_future_result(f, PAR_FOREVER, &v), 0);
    par_future_release(f);
    par_pool_destroy(p);
    return (intptr_t)v;
}

static void group_fib_25_on_two_workers_is_right(void **state)
{
    (void)state;
    assert_int_equal(pool_fib(2, 25), 75025);
}

static void group_nested_syncs_do_not_deadlock_on_one_worker(void **state)
{
    (void)state;
    assert_int_equal(pool_fib(1, 20), 6765);
}

/* ---- codes ------------------------------------------------------------------ */

static int codes_task(void *arg, void **result)
{
    (void)arg;
    par_task_group g;
    struct par_spawn c[3];
    par_task_group_init(&g, par_pool_current());
    par_task_group_spawn(&g, &c[0], double_task, (void *)5);
    par_task_group_spawn(&g, &c[1], fail_task, (void *)(intptr_t)PAR_ETASK);
    par_task_group_spawn(&g, &c[2], double_task, (void *)7);
    int rc = par_task_group_sync(&g);
    if (rc != PAR_ETASK || c[0].code != 0 || (intptr_t)c[0].result != 10 ||
        c[1].code != PAR_ETASK || c[2].code != 0 || (intptr_t)c[2].result != 14)
        return 1;
    /* Reused after sync: the code starts again from 0. */
    par_task_group_spawn(&g, &c[0], double_task, (void *)1);
    if (par_task_group_sync(&g) != 0 || (intptr_t)c[0].result != 2)
        return 2;
    *result = (void *)(intptr_t)42;
    return 0;
}

static void group_sync_returns_the_failing_childs_code_and_each_record_its_own(void **state)
{
    (void)state;
    par_pool *p;
    assert_int_equal(par_pool_create(&p, 2, 4), 0);
    par_future *f;
    assert_int_equal(par_pool_submit(p, codes_task, NULL, &f), 0);
    void *v = NULL;
    assert_int_equal(par_future_result(f, PAR_FOREVER, &v), 0);
    assert_int_equal((intptr_t)v, 42);
    par_future_release(f);
    par_pool_destroy(p);
}

static void group_outside_the_pool_runs_children_at_once(void **state)
{
    (void)state;
    par_pool *p;
    assert_int_equal(par_pool_create(&p, 1, 4), 0);
    par_task_group g;
    struct par_spawn a, b;
    par_task_group_init(&g, p);
    assert_int_equal(par_task_group_spawn(&g, &a, double_task, (void *)4), 0);
    assert_int_equal((intptr_t)a.result, 8);   /* ran inside spawn: no worker */
    assert_int_equal(par_task_group_spawn(&g, &b, fail_task, (void *)(intptr_t)PAR_ETASK), 0);
    assert_int_equal(par_task_group_sync(&g), PAR_ETASK);
    assert_int_equal(par_task_group_spawn(NULL, &a, double_task, NULL), PAR_EINVAL);
    assert_int_equal(par_task_group_spawn(&g, NULL, double_task, NULL), PAR_EINVAL);
    assert_int_equal(par_task_group_spawn(&g, &a, NULL, NULL), PAR_EINVAL);
    assert_int_equal(par_task_group_sync(NULL), PAR_EINVAL);
    par_pool_destroy(p);
}

/* ---- growth ------------------------------------------------------------------ */

#define MANY 100000   /* far beyond the deque's first 1,024 slots */

static int add_task(void *arg, void **result)
{
    (void)result;
    atomic_fetch_add((_Atomic long *)arg, 1);
    return 0;
}

static int many_children_task(void *arg, void **result)
{
    (void)result;
    struct par_spawn *recs = malloc(MANY * sizeof *recs);
    if (!recs)
        return PAR_ENOMEM;
    par_task_group g;
    par_task_group_init(&g, par_pool_current());
    for (int i = 0; i < MANY; i++)
        par_task_group_spawn(&g, &recs[i], add_task, arg);
    int rc = par_task_group_sync(&g);
    free(recs);
    return rc;
}

static void group_deque_grows_and_loses_no_child(void **state)
{
    (void)state;
    par_pool *p;
    assert_int_equal(par_pool_create(&p, 2, 4), 0);
    _Atomic long count = 0;
    par_future *f;
    assert_int_equal(par_pool_submit(p, many_children_task, &count, &f), 0);
    assert_int_equal(par_future_result(f, PAR_FOREVER, NULL), 0);
    par_future_release(f);
    assert_int_equal(atomic_load(&count), MANY);
    par_pool_destroy(p);
}

/* ---- stealing, proved with gates ------------------------------------------- */

struct steal_check {
    par_event *child_started;
};

static int announce_task(void *arg, void **result)
{
    (void)result;
    par_event_set(((struct steal_check *)arg)->child_started);
    return 0;
}

/* Spawns a child, then blocks (not syncing) until the child has started:
 * only another worker can run it, and only by stealing it from our deque. */
static int spawn_and_block_task(void *arg, void **result)
{
    (void)result;
    struct steal_check *sc = arg;
    par_task_group g;
    struct par_spawn c;
    par_task_group_init(&g, par_pool_current());
    par_task_group_spawn(&g, &c, announce_task, sc);
    par_event_wait(sc->child_started, PAR_FOREVER);
    return par_task_group_sync(&g);
}

static void group_child_is_stolen_by_an_idle_worker(void **state)
{
    (void)state;
    par_pool *p;
    assert_int_equal(par_pool_create(&p, 2, 4), 0);
    assert_int_equal(par_pool_steals(p), 0);
    struct steal_check sc;
    assert_int_equal(par_event_create(&sc.child_started), 0);
    par_future *f;
    assert_int_equal(par_pool_submit(p, spawn_and_block_task, &sc, &f), 0);
    assert_int_equal(par_future_result(f, PAR_FOREVER, NULL), 0);   /* hangs if nobody steals */
    par_future_release(f);
    assert_true(par_pool_steals(p) >= 1);
    par_pool_destroy(p);
    par_event_destroy(sc.child_started);
}

/* A future submitted from a worker goes to its deque and is stolen too. */
static int submit_and_block_task(void *arg, void **result)
{
    (void)result;
    struct steal_check *sc = arg;
    par_future *f;
    int rc = par_pool_submit(par_pool_current(), announce_task, sc, &f);
    if (rc != 0)
        return rc;
    par_event_wait(sc->child_started, PAR_FOREVER);
    rc = par_future_result(f, PAR_FOREVER, NULL);
    par_future_release(f);
    return rc;
}

static void nested_future_is_stolen_by_an_idle_worker(void **state)
{
    (void)state;
    par_pool *p;
    assert_int_equal(par_pool_create(&p, 2, 4), 0);
    struct steal_check sc;
    assert_int_equal(par_event_create(&sc.child_started), 0);
    par_future *f;
    assert_int_equal(par_pool_submit(p, submit_and_block_task, &sc, &f), 0);
    assert_int_equal(par_future_result(f, PAR_FOREVER, NULL), 0);
    par_future_release(f);
    assert_true(par_pool_steals(p) >= 1);
    assert_int_equal(par_pool_join(p, PAR_FOREVER), 0);
    par_pool_destroy(p);
    par_event_destroy(sc.child_started);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(group_fib_25_on_two_workers_is_right),
        cmocka_unit_test(group_nested_syncs_do_not_deadlock_on_one_worker),
        cmocka_unit_test(group_sync_returns_the_failing_childs_code_and_each_record_its_own),
        cmocka_unit_test(group_outside_the_pool_runs_children_at_once),
        cmocka_unit_test(group_deque_grows_and_loses_no_child),
        cmocka_unit_test(group_child_is_stolen_by_an_idle_worker),
        cmocka_unit_test(nested_future_is_stolen_by_an_idle_worker),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
