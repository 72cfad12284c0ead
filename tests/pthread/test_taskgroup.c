/* Task groups (taskgroup.h): spawn / sync results and codes, serial elision
 * outside the pool and past the spawn limit, nested syncs on one worker,
 * deque growth, and a deterministic proof that an idle worker steals. */
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
#include "pool_internal.h"
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

static int many_children_task(void *arg, void **result)
{
    (void)result;
    struct par_spawn *recs = malloc(MANY * sizeof *recs);
    if (!recs)
        return PAR_ENOMEM;
    par_task_group g;
    par_task_group_init(&g, par_pool_current());
    for (int i = 0; i < MANY; i++)
        par_task_group_spawn(&g, &recs[i], count_task, arg);
    int rc = par_task_group_sync(&g);
    free(recs);
    return rc;
}

/* Runs fn(&count) as a task on a pool of `workers`: every one of its MANY
 * adds must have happened once. */
static void expect_many_counted(int workers, par_task_fn fn)
{
    par_pool *p;
    assert_int_equal(par_pool_create(&p, workers, 4), 0);
    _Atomic long count = 0;
    par_future *f;
    assert_int_equal(par_pool_submit(p, fn, &count, &f), 0);
    assert_int_equal(par_future_result(f, PAR_FOREVER, NULL), 0);
    par_future_release(f);
    assert_int_equal(atomic_load(&count), MANY);
    par_pool_destroy(p);
}

/* Many children on two workers: some stolen, most past the spawn limit run
 * at once; none lost, none run twice. */
static void group_of_many_children_loses_none(void **state)
{
    (void)state;
    expect_many_counted(2, many_children_task);
}

/* MANY futures submitted by the only worker: nobody else can take one, so
 * its deque holds them all and must grow far past its first slots. */
static int many_futures_task(void *arg, void **result)
{
    (void)result;
    par_future **fs = malloc(MANY * sizeof *fs);
    if (!fs)
        return PAR_ENOMEM;
    int rc = 0;
    int n = 0;
    for (; n < MANY && rc == 0; n++)
        rc = par_pool_submit(par_pool_current(), count_task, arg, &fs[n]);
    if (rc != 0)
        n--;   /* the failed submit left no future */
    for (int i = 0; i < n; i++) {
        int r = par_future_result(fs[i], PAR_FOREVER, NULL);
        rc = rc ? rc : r;
        par_future_release(fs[i]);
    }
    free(fs);
    return rc;
}

static void deque_grows_and_loses_no_task(void **state)
{
    (void)state;
    expect_many_counted(1, many_futures_task);
}

/* ---- the spawn limit ---------------------------------------------------------- */

#define PAST_LIMIT 36
#define LIMIT_1 (PAR__SPAWN_LIMIT_PER_WORKER * 1)   /* a pool of 1 worker */

struct limit_check {
    _Atomic long ran[LIMIT_1 + PAST_LIMIT];
    long ran_before_sync[LIMIT_1 + PAST_LIMIT];
    size_t queued_before_sync;
    int sync_rc;
};

/* On the only worker (no thief): spawns past the limit, then looks, before
 * it syncs, at which children ran and how many wait on its deque. */
static int spawn_past_limit_task(void *arg, void **result)
{
    (void)result;
    struct limit_check *lc = arg;
    struct par_spawn recs[LIMIT_1 + PAST_LIMIT];
    par_task_group g;
    par_task_group_init(&g, par_pool_current());
    for (int i = 0; i < LIMIT_1 + PAST_LIMIT; i++)
        if (par_task_group_spawn(&g, &recs[i], count_task, &lc->ran[i]) != 0)
            return PAR_ETASK;
    lc->queued_before_sync = par_pool_pending(par_pool_current());
    for (int i = 0; i < LIMIT_1 + PAST_LIMIT; i++)
        lc->ran_before_sync[i] = atomic_load(&lc->ran[i]);
    lc->sync_rc = par_task_group_sync(&g);
    return 0;
}

static void spawn_past_the_limit_runs_the_child_at_once(void **state)
{
    (void)state;
    par_pool *p;
    assert_int_equal(par_pool_create(&p, 1, 4), 0);
    static struct limit_check lc;
    par_future *f;
    assert_int_equal(par_pool_submit(p, spawn_past_limit_task, &lc, &f), 0);
    assert_int_equal(par_future_result(f, PAR_FOREVER, NULL), 0);
    par_future_release(f);
    assert_int_equal(lc.queued_before_sync, LIMIT_1);   /* the first LIMIT_1 wait */
    for (int i = 0; i < LIMIT_1 + PAST_LIMIT; i++) {
        assert_int_equal(lc.ran_before_sync[i], i < LIMIT_1 ? 0 : 1);
        assert_int_equal(atomic_load(&lc.ran[i]), 1);   /* and each ran once */
    }
    assert_int_equal(lc.sync_rc, 0);
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
        cmocka_unit_test(group_of_many_children_loses_none),
        cmocka_unit_test(deque_grows_and_loses_no_task),
        cmocka_unit_test(spawn_past_the_limit_runs_the_child_at_once),
        cmocka_unit_test(group_child_is_stolen_by_an_idle_worker),
        cmocka_unit_test(nested_future_is_stolen_by_an_idle_worker),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
