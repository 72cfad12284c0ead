/* Stress: 1,000,000 tasks from 4 producer threads into 3 workers through a
 * queue of 64 (the case). Every task runs exactly once: a per-task
 * run counter must end at 1, and the count and checksum of task ids must
 * match. Two more shapes of queue stress the paths the first rarely takes:
 * a queue of 1 (nearly every submit finds it full and sleeps: a lost
 * wake-up hangs the test) and an unbounded queue (producers outrun the
 * workers, so tasks spill beyond the lock-free ring and come back), with a
 * quarter of the tasks each.
 * About 1 s in Debug, 3 s under ASan, 8 s under TSan on 2 cores;
 * PAR_STRESS_TASKS in the environment changes the count (any build). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

#include "error.h"
#include "pool.h"

#define DEFAULT_TASKS 1000000
#define PRODUCERS 4

struct stress {
    par_pool *pool;
    long ntasks;
    _Atomic unsigned char *runs;   /* runs[i]: how often task i ran */
    _Atomic long count;
    _Atomic uint64_t checksum;
};

struct producer {
    struct stress *s;
    long first, last;   /* task ids [first, last) */
    int rc;
};

struct task {
    struct stress *s;
    long id;
};

static struct task *tasks;

static int stress_task(void *arg, void **result)
{
    (void)result;
    struct task *t = arg;
    atomic_fetch_add_explicit(&t->s->runs[t->id], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&t->s->count, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&t->s->checksum, (uint64_t)t->id * 2654435761u,
                              memory_order_relaxed);
    return 0;
}

static void *produce(void *arg)
{
    struct producer *p = arg;
    for (long i = p->first; i < p->last; i++) {
        int rc = par_pool_submit(p->s->pool, stress_task, &tasks[i], NULL);
        if (rc != 0) {
            p->rc = rc;
            return NULL;
        }
    }
    return NULL;
}

static void run_stress(size_t capacity, long divisor)
{
    struct stress s = { NULL, DEFAULT_TASKS, NULL, 0, 0 };
    const char *env = getenv("PAR_STRESS_TASKS");
    if (env && atol(env) > 0)
        s.ntasks = atol(env);
    s.ntasks = s.ntasks / divisor > 0 ? s.ntasks / divisor : 1;
    s.runs = calloc((size_t)s.ntasks, sizeof *s.runs);
    tasks = malloc((size_t)s.ntasks * sizeof *tasks);
    assert_non_null(s.runs);
    assert_non_null(tasks);
    for (long i = 0; i < s.ntasks; i++)
        tasks[i] = (struct task){ &s, i };
    assert_int_equal(par_pool_create(&s.pool, 3, capacity), 0);

    struct producer p[PRODUCERS];
    pthread_t t[PRODUCERS];
    for (int i = 0; i < PRODUCERS; i++) {
        p[i] = (struct producer){ &s, s.ntasks * i / PRODUCERS, s.ntasks * (i + 1) / PRODUCERS, 0 };
        assert_int_equal(pthread_create(&t[i], NULL, produce, &p[i]), 0);
    }
    for (int i = 0; i < PRODUCERS; i++) {
        assert_int_equal(pthread_join(t[i], NULL), 0);
        assert_int_equal(p[i].rc, 0);
    }
    assert_int_equal(par_pool_join(s.pool, PAR_FOREVER), 0);
    par_pool_destroy(s.pool);

    uint64_t expect = 0;
    for (long i = 0; i < s.ntasks; i++) {
        expect += (uint64_t)i * 2654435761u;
        if (atomic_load(&s.runs[i]) != 1)
            fail_msg("task %ld ran %d times", i, (int)atomic_load(&s.runs[i]));
    }
    assert_int_equal(atomic_load(&s.count), s.ntasks);
    assert_true((uint64_t)atomic_load(&s.checksum) == expect);
    free(tasks);
    free((void *)s.runs);
}

static void pool_runs_every_task_of_four_producers_exactly_once(void **state)
{
    (void)state;
    run_stress(64, 1);
}

static void pool_queue_of_one_loses_no_task_and_no_wake_up(void **state)
{
    (void)state;
    run_stress(1, 4);
}

static void pool_unbounded_queue_spills_and_loses_no_task(void **state)
{
    (void)state;
    run_stress(PAR_UNBOUNDED, 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pool_runs_every_task_of_four_producers_exactly_once),
        cmocka_unit_test(pool_queue_of_one_loses_no_task_and_no_wake_up),
        cmocka_unit_test(pool_unbounded_queue_spills_and_loses_no_task),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
