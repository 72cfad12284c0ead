/* Out of memory in the pool's spill (the part of the shared queue beyond the
 * lock-free ring, for capacities above 4,096) must not strand a blocked
 * submitter.
 *
 * The scenario: two outside submitters sleep on a full queue; one task
 * leaves it, so one slot frees and one submitter is woken for it; that
 * submitter's task needs the spill to grow, and the allocation fails. It
 * returns PAR_ENOMEM — and the slot is still free, so the other submitter
 * must now get it. Before the fix it slept on: nothing else would ever take
 * a task (the only worker is held in a gate). Orderings are forced with
 * gates and by watching the submitters fall asleep; a regression shows as a
 * hang, which ctest's TIMEOUT fails. (Not a deadline on the submit: at its
 * deadline a submitter looks again, finds the room and succeeds.)
 *
 * The allocation failure is injected by linking this test with
 * -Wl,--wrap=malloc (tests/pthread/CMakeLists.txt): while armed, the next
 * malloc made by our code (the pool's spill is the only caller on that
 * path) returns NULL once. */
#define _GNU_SOURCE
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#include "error.h"
#include "helpers.h"
#include "pool.h"

/* ---- the injector -------------------------------------------------------- */

void *__real_malloc(size_t size);
void *__wrap_malloc(size_t size);

static _Atomic int fail_next_malloc;   /* 1: the next call returns NULL */
static _Atomic int mallocs_failed;

void *__wrap_malloc(size_t size)
{
    int armed = 1;
    if (atomic_compare_exchange_strong(&fail_next_malloc, &armed, 0)) {
        atomic_fetch_add(&mallocs_failed, 1);
        return NULL;
    }
    return __real_malloc(size);
}

/* ---- the test ------------------------------------------------------------- */

/* The pool's ring holds 4,096 tasks (RING_MAX in pthread/pool.c); the spill
 * starts at 16 slots and doubles. A capacity of 4,096 + 16 fills the ring
 * and the spill exactly, so the next task the spill takes must grow it. */
#define RING_SLOTS 4096
#define SPILL_FIRST 16
#define CAPACITY (RING_SLOTS + SPILL_FIRST)

static _Atomic long ran;   /* count_task (helpers.h) adds to it */

struct submitter {
    par_pool *p;
    sem_t *returned;   /* posted when the submit has returned */
    _Atomic int tid;
    int rc;
};

static void *submit_one(void *arg)
{
    struct submitter *s = arg;
    atomic_store(&s->tid, (int)syscall(SYS_gettid));
    s->rc = par_pool_submit(s->p, count_task, &ran, NULL);
    sem_post(s->returned);
    return NULL;
}

static void pool_enomem_in_the_spill_passes_the_freed_slot_on(void **state)
{
    (void)state;
    par_pool *p;
    assert_int_equal(par_pool_create(&p, 1, CAPACITY), 0);
    struct gate held, next;
    gate_init(&held, 0, 0);
    gate_init(&next, 0, 0);

    /* The worker is held in `held`; `next` is the oldest queued task, then
     * count_task tasks up to the capacity: the ring and the spill are full. */
    assert_int_equal(par_pool_submit(p, gate_task, &held, NULL), 0);
    assert_int_equal(par_event_wait(held.started, PAR_FOREVER), 0);
    assert_int_equal(par_pool_submit(p, gate_task, &next, NULL), 0);
    for (int i = 1; i < CAPACITY; i++)
        assert_int_equal(par_pool_submit(p, count_task, &ran, NULL), 0);
    assert_int_equal(par_pool_pending(p), CAPACITY);
    assert_int_equal(par_pool_try_submit(p, count_task, &ran, NULL), PAR_EAGAIN);

    /* Two submitters block on the full queue. */
    sem_t returned;
    assert_int_equal(sem_init(&returned, 0, 0), 0);
    struct submitter a = { p, &returned, 0, 1 }, b = { p, &returned, 0, 1 };
    pthread_t ta, tb;
    start_until_asleep(&ta, submit_one, &a, &a.tid);
    start_until_asleep(&tb, submit_one, &b, &b.tid);

    /* The worker finishes `held` and takes `next` (and is held in it): one
     * slot frees, one submitter is woken for it, and its spill growth fails.
     * Nothing else will free a slot until both submitters have returned. */
    atomic_store(&fail_next_malloc, 1);
    par_event_set(held.release);
    assert_int_equal(par_event_wait(next.started, PAR_FOREVER), 0);
    /* The first submitter to return had its spill growth fail, or came
     * after the one that had: the failure happened before any return. If
     * it did not (the scenario no longer reaches the spill's growth, e.g.
     * the ring or the spill changed size), fail here at once instead of
     * hanging on the second submitter below. */
    assert_int_equal(sem_wait(&returned), 0);
    if (atomic_load(&mallocs_failed) != 1)
        fail_msg("the injected allocation failure was not reached: the test no longer "
                 "exercises the spill's growth (pthread/pool.c RING_MAX, pthread/ring.h)");
    assert_int_equal(sem_wait(&returned), 0);   /* hangs without the pass-on */
    assert_int_equal(pthread_join(ta, NULL), 0);
    assert_int_equal(pthread_join(tb, NULL), 0);
    /* One got PAR_ENOMEM, the other the slot. */
    assert_true((a.rc == PAR_ENOMEM && b.rc == 0) || (a.rc == 0 && b.rc == PAR_ENOMEM));
    assert_int_equal(par_pool_pending(p), CAPACITY);

    /* Nothing accepted was lost: every count_task task runs once. */
    par_event_set(next.release);
    assert_int_equal(par_pool_join(p, PAR_FOREVER), 0);
    assert_int_equal(atomic_load(&ran), CAPACITY - 1 + 1);
    par_pool_destroy(p);
    sem_destroy(&returned);
    gate_fini(&held);
    gate_fini(&next);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pool_enomem_in_the_spill_passes_the_freed_slot_on),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
