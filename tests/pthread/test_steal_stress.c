/* Stress of work stealing: a random tree of 10,000,000 tasks on 2, 3 and 8
 * workers. Each task node has a seed and a size (the tasks in its subtree);
 * it splits size - 1 among 1..4 children with random weights (so the depth
 * stays near log(size)), spawns them — most through a task group, some as
 * futures (par_pool_submit + par_future_result, the general path), a few
 * run as plain calls — and returns its subtree's checksum (a hash of every
 * seed in it) through the child records and futures. The tree is a pure
 * function of the root seed, so a serial recursion gives the expected count
 * and checksum. Every task also counts itself in a per-thread counter,
 * summed by the pool's on_stop hook when the workers exit: a task run twice
 * or lost makes the count differ even if the checksums happened to agree.
 * (That stealing happens at all is proved deterministically, with gates,
 * in test_taskgroup.c; here the pool's steal count is only printed.)
 *
 * Size: 10 M tasks per pool, ~1-2 s each in a release build on 2 cores.
 * Under ThreadSanitizer every atomic operation goes through its runtime
 * (~20x slower here, and each spawn has several), so there the tree has
 * 1,000,000 tasks, ~7 s per pool under load: ctest's limit stays far away,
 * and the interleavings that matter — steals racing the owner's pop for the
 * last item, deque growth, sleeping thieves — still happen thousands of
 * times. PAR_STRESS_TASKS in the environment sets the size in any
 * build. */
#include <stdatomic.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

#include "error.h"
#include "pool.h"
#include "taskgroup.h"

#ifdef PAR_SANITIZE_thread
#define DEFAULT_TASKS 1000000L
#else
#define DEFAULT_TASKS 10000000L
#endif
#define MAX_CHILDREN 4

static uint64_t mix(uint64_t x)   /* splitmix64's finaliser */
{
    x += 0x9e3779b97f4a7c15u;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
    return x ^ (x >> 31);
}

struct node {
    uint64_t seed;
    long size;
};

/* The children of n: how many (returned) and their seeds and sizes. */
static int split(struct node n, struct node *kids)
{
    long rest = n.size - 1;
    if (rest <= 0)
        return 0;
    uint64_t h = mix(n.seed);
    int k = 1 + (int)(h % MAX_CHILDREN);
    if (k > rest)
        k = (int)rest;
    long w[MAX_CHILDREN], sum = 0;
    for (int i = 0; i < k; i++) {
        w[i] = 1 + (long)((h >> (8 + 2 * i)) & 3);   /* weights 1..4 */
        sum += w[i];
    }
    long given = 0;
    for (int i = 0; i < k; i++) {
        long s = i == k - 1 ? rest - given : rest * w[i] / sum;
        if (s < 1)
            s = 1;
        if (given + s > rest - (k - 1 - i))
            s = rest - (k - 1 - i) - given;   /* leave at least 1 for each later child */
        kids[i] = (struct node){ mix(n.seed + (uint64_t)i + 1), s };
        given += s;
    }
    return k;
}

static uint64_t serial_sum(struct node n, long *count)
{
    struct node kids[MAX_CHILDREN];
    int k = split(n, kids);
    uint64_t sum = mix(n.seed ^ 0x5555);
    ++*count;
    for (int i = 0; i < k; i++)
        sum += serial_sum(kids[i], count);
    return sum;
}

/* ---- the parallel tree ---------------------------------------------------- */

static _Thread_local long tl_tasks;
static _Atomic long total_tasks;

struct job {
    struct node n;
    uint64_t sum;   /* the subtree's checksum, once run */
};

static int tree_task(void *arg, void **result);

static int tree_task(void *arg, void **result)
{
    (void)result;
    struct job *j = arg;
    tl_tasks++;
    struct node kids[MAX_CHILDREN];
    int k = split(j->n, kids);
    struct job jobs[MAX_CHILDREN];
    struct par_spawn recs[MAX_CHILDREN];
    par_future *fs[MAX_CHILDREN] = { NULL };
    par_task_group g;
    par_task_group_init(&g, par_pool_current());
    int rc = 0;
    for (int i = 0; i < k; i++) {
        jobs[i] = (struct job){ kids[i], 0 };
        unsigned how = (unsigned)(kids[i].seed >> 56) % 16;
        if (how == 0) {
            /* one in 16: a general future */
            int s = par_pool_submit(par_pool_current(), tree_task, &jobs[i], &fs[i]);
            if (s != 0 && rc == 0)
                rc = s;
        } else if (how == 1 || i == k - 1) {
            continue;   /* run below as a plain call (the usual last child) */
        } else {
            par_task_group_spawn(&g, &recs[i], tree_task, &jobs[i]);
        }
    }
    uint64_t sum = mix(j->n.seed ^ 0x5555);
    for (int i = 0; i < k; i++) {
        unsigned how = (unsigned)(kids[i].seed >> 56) % 16;
        if (how != 0 && (how == 1 || i == k - 1)) {
            void *ignored;
            int r = tree_task(&jobs[i], &ignored);
            if (r != 0 && rc == 0)
                rc = r;
        }
    }
    int r = par_task_group_sync(&g);
    if (r != 0 && rc == 0)
        rc = r;
    for (int i = 0; i < k; i++) {
        if (fs[i]) {
            r = par_future_result(fs[i], PAR_FOREVER, NULL);
            if (r != 0 && rc == 0)
                rc = r;
            par_future_release(fs[i]);
        }
        sum += jobs[i].sum;
    }
    j->sum = sum;
    return rc;
}

static void add_thread_count(void *ctx)
{
    (void)ctx;
    atomic_fetch_add(&total_tasks, tl_tasks);
    tl_tasks = 0;
}

static long ntasks(void)
{
    const char *env = getenv("PAR_STRESS_TASKS");
    return env && atol(env) > 0 ? atol(env) : DEFAULT_TASKS;
}

static void run_tree(int workers)
{
    long n = ntasks();
    struct node root = { mix(42 + (uint64_t)workers), n };
    long expect_count = 0;
    uint64_t expect_sum = serial_sum(root, &expect_count);
    assert_int_equal(expect_count, n);

    struct par_pool_opts o = { .workers = workers, .queue_capacity = 64,
                               .on_stop = add_thread_count };
    par_pool *p;
    assert_int_equal(par_pool_create_ex(&p, &o), 0);
    atomic_store(&total_tasks, 0);
    struct job j = { root, 0 };
    par_future *f;
    assert_int_equal(par_pool_submit(p, tree_task, &j, &f), 0);
    assert_int_equal(par_future_result(f, PAR_FOREVER, NULL), 0);
    par_future_release(f);
    unsigned long steals = par_pool_steals(p);
    par_pool_destroy(p);   /* every worker's on_stop has run */

    assert_int_equal(atomic_load(&total_tasks), n);
    assert_true(j.sum == expect_sum);
    print_message("%d workers: %ld tasks, %lu stolen\n", workers, n, steals);
}

static void steal_random_tree_on_two_workers_runs_every_task_once(void **state)
{
    (void)state;
    run_tree(2);
}

static void steal_random_tree_on_three_workers_runs_every_task_once(void **state)
{
    (void)state;
    run_tree(3);
}

static void steal_random_tree_on_eight_workers_runs_every_task_once(void **state)
{
    (void)state;
    run_tree(8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(steal_random_tree_on_two_workers_runs_every_task_once),
        cmocka_unit_test(steal_random_tree_on_three_workers_runs_every_task_once),
        cmocka_unit_test(steal_random_tree_on_eight_workers_runs_every_task_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
