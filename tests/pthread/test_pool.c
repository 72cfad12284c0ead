/* par_pool: creation, submit variants, backpressure, nesting, join,
 * shutdown, isolation between pools. */
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "error.h"
#include "helpers.h"
#include "pool.h"

static void pool_create_rejects_zero_workers_and_zero_capacity(void **state)
{
    (void)state;
    par_pool *p = (par_pool *)&p;
    assert_int_equal(par_pool_create(&p, 0, 8), PAR_EINVAL);
    assert_null(p);
    assert_int_equal(par_pool_create(&p, -3, 8), PAR_EINVAL);
    assert_int_equal(par_pool_create(&p, PAR_POOL_MAX_WORKERS + 1, 8), PAR_EINVAL);
    assert_int_equal(par_pool_create(&p, 2, 0), PAR_EINVAL);
    assert_null(p);
    assert_int_equal(par_pool_create(NULL, 2, 8), PAR_EINVAL);
    assert_int_equal(par_pool_create_ex(&p, NULL), PAR_EINVAL);
}

static void pool_submit_null_function_returns_EINVAL(void **state)
{
    (void)state;
    par_pool *p;
    assert_int_equal(par_pool_create(&p, 1, 4), 0);
    par_future *f = (par_future *)&f;
    assert_int_equal(par_pool_submit(p, NULL, NULL, &f), PAR_EINVAL);
    assert_null(f);
    assert_int_equal(par_pool_submit(NULL, double_task, NULL, &f), PAR_EINVAL);
    assert_int_equal(par_pool_try_submit(p, NULL, NULL, NULL), PAR_EINVAL);
    par_pool_destroy(p);
}

static void pool_submit_returns_a_future_with_the_result(void **state)
{
    (void)state;
    par_pool *p;
    assert_int_equal(par_pool_create(&p, 2, 4), 0);
    assert_int_equal(par_pool_workers(p), 2);
    assert_int_equal(par_pool_capacity(p), 4);
    par_future *f;
    assert_int_equal(par_pool_submit(p, double_task, (void *)21, &f), 0);
    void *v = NULL;
    assert_int_equal(par_future_result(f, PAR_FOREVER, &v), 0);
    assert_int_equal((intptr_t)v, 42);
    assert_true(par_future_done(f));
    assert_int_equal(par_future_state(f), PAR_FUTURE_DONE);
    par_future_release(f);
    par_pool_destroy(p);
}

static void pool_task_error_code_reaches_the_waiter(void **state)
{
    (void)state;
    par_pool *p;
    assert_int_equal(par_pool_create(&p, 2, 4), 0);
    par_future *f;
    assert_int_equal(par_pool_submit(p, fail_task, (void *)(intptr_t)PAR_ETASK, &f), 0);
    assert_int_equal(par_future_result(f, PAR_FOREVER, NULL), PAR_ETASK);
    int code = 0;
    assert_int_equal(par_future_exception(f, PAR_FOREVER, &code), 0);
    assert_int_equal(code, PAR_ETASK);
    par_future_release(f);
    /* A task may fail with a code that looks like a wait error: exception()
     * tells them apart. */
    assert_int_equal(par_pool_submit(p, fail_task, (void *)(intptr_t)PAR_ETIMEDOUT, &f), 0);
    assert_int_equal(par_future_exception(f, PAR_FOREVER, &code), 0);
    assert_int_equal(code, PAR_ETIMEDOUT);
    par_future_release(f);
    par_pool_destroy(p);
}

static void pool_submit_after_shutdown_returns_ESHUTDOWN(void **state)
{
    (void)state;
    par_pool *p;
    assert_int_equal(par_pool_create(&p, 1, 4), 0);
    assert_int_equal(par_pool_shutdown(p, 1, 0), 0);
    assert_true(par_pool_is_shutdown(p));
    par_future *f = (par_future *)&f;
    assert_int_equal(par_pool_submit(p, double_task, NULL, &f), PAR_ESHUTDOWN);
    assert_null(f);
    assert_int_equal(par_pool_try_submit(p, double_task, NULL, NULL), PAR_ESHUTDOWN);
    assert_int_equal(par_pool_submit_timed(p, double_task, NULL, 1.0, NULL), PAR_ESHUTDOWN);
    par_pool_destroy(p);
}

static void pool_double_shutdown_is_not_an_error(void **state)
{
    (void)state;
    par_pool *p;
    assert_int_equal(par_pool_create(&p, 2, 4), 0);
    assert_int_equal(par_pool_shutdown(p, 0, 0), 0);
    assert_int_equal(par_pool_shutdown(p, 1, 1), 0);
    assert_int_equal(par_pool_shutdown(p, 1, 0), 0);
    assert_int_equal(par_pool_shutdown(NULL, 1, 0), PAR_EINVAL);
    par_pool_destroy(p);
}

static void pool_full_queue_refuses_try_submit_and_times_out_timed_submit(void **state)
{
    (void)state;
    struct busy_pool b;
    busy_pool_start(&b, 1, 0, 0);
    par_future *queued;
    par_pool *p = b.p;
    assert_int_equal(par_pool_submit(p, double_task, (void *)1, &queued), 0);
    assert_int_equal(par_pool_pending(p), 1);
    par_future *f = (par_future *)&f;
    assert_int_equal(par_pool_try_submit(p, double_task, NULL, &f), PAR_EAGAIN);
    assert_null(f);
    assert_int_equal(par_pool_submit_timed(p, double_task, NULL, 0.01, &f), PAR_ETIMEDOUT);
    assert_int_equal(par_pool_submit_timed(p, double_task, NULL, PAR_NOWAIT, &f), PAR_EAGAIN);
    par_event_set(b.g.release);
    void *v;
    assert_int_equal(par_future_result(queued, PAR_FOREVER, &v), 0);
    assert_int_equal((intptr_t)v, 2);
    par_future_release(queued);
    busy_pool_stop(&b);
}

struct blocked_submit {
    struct busy_pool b;
    pthread_t thread;
    int rc;
};

static void *submit_thread(void *arg)
{
    struct blocked_submit *bs = arg;
    bs->rc = par_pool_submit(bs->b.p, double_task, NULL, NULL);
    return NULL;
}

/* A busy pool with a full queue of 1 and a thread submitting one more
 * task: it blocks (or is about to) until something changes. */
static void blocked_submit_start(struct blocked_submit *bs)
{
    busy_pool_start(&bs->b, 1, 0, 0);
    assert_int_equal(par_pool_submit(bs->b.p, double_task, NULL, NULL), 0);  /* full */
    bs->rc = 1;
    assert_int_equal(pthread_create(&bs->thread, NULL, submit_thread, bs), 0);
}

static void pool_shutdown_wakes_a_submitter_blocked_on_a_full_queue(void **state)
{
    (void)state;
    struct blocked_submit bs;
    blocked_submit_start(&bs);
    /* Whether the thread blocks before or after this shutdown, it must
     * return ESHUTDOWN and never hang. */
    assert_int_equal(par_pool_shutdown(bs.b.p, 0, 0), 0);
    assert_int_equal(pthread_join(bs.thread, NULL), 0);
    assert_int_equal(bs.rc, PAR_ESHUTDOWN);
    busy_pool_stop(&bs.b);
}

static void pool_blocked_submit_proceeds_when_room_appears(void **state)
{
    (void)state;
    struct blocked_submit bs;
    blocked_submit_start(&bs);
    par_event_set(bs.b.g.release);   /* the worker drains the queue: room */
    assert_int_equal(pthread_join(bs.thread, NULL), 0);
    assert_int_equal(bs.rc, 0);
    assert_int_equal(par_pool_join(bs.b.p, PAR_FOREVER), 0);
    busy_pool_stop(&bs.b);
}

/* fib with a future per call: each task submits both children and waits. */
struct fib_ctx {
    par_pool *p;
    int n;
    struct fib_ctx *table;
};

static int fib_future_task(void *arg, void **result)
{
    struct fib_ctx *c = arg;
    if (c->n <= 2) {
        *result = (void *)(intptr_t)1;
        return 0;
    }
    /* No cmocka asserts here: this runs on worker threads. */
    par_future *a, *b;
    int rc = par_pool_submit(c->p, fib_future_task, &c->table[c->n - 1], &a);
    if (rc != 0)
        return rc;
    rc = par_pool_submit(c->p, fib_future_task, &c->table[c->n - 2], &b);
    if (rc != 0) {
        par_future_result(a, PAR_FOREVER, NULL);
        par_future_release(a);
        return rc;
    }
    void *va, *vb;
    int ra = par_future_result(a, PAR_FOREVER, &va);
    int rb = par_future_result(b, PAR_FOREVER, &vb);
    par_future_release(a);
    par_future_release(b);
    if (ra || rb)
        return ra ? ra : rb;
    *result = (void *)((intptr_t)va + (intptr_t)vb);
    return 0;
}

static intptr_t pool_fib(int workers, size_t capacity, int n)
{
    par_pool *p;
    assert_int_equal(par_pool_create(&p, workers, capacity), 0);
    struct fib_ctx table[32];
    for (int m = 0; m <= n; m++)
        table[m] = (struct fib_ctx){ p, m, table };
    par_future *f;
    assert_int_equal(par_pool_submit(p, fib_future_task, &table[n], &f), 0);
    void *v = NULL;
    assert_int_equal(par_future_result(f, PAR_FOREVER, &v), 0);
    par_future_release(f);
    par_pool_destroy(p);
    return (intptr_t)v;
}

static void pool_nested_fib_25_with_a_future_per_call_on_two_workers_is_right(void **state)
{
    (void)state;
    assert_int_equal(pool_fib(2, 64, 25), 75025);   /* 150,049 futures */
}

static void pool_nested_waits_do_not_deadlock_with_one_worker_and_a_tiny_queue(void **state)
{
    (void)state;
    /* One worker, room for one task: every second submit from a task finds
     * the queue full and runs inline; every wait runs the child itself. */
    assert_int_equal(pool_fib(1, 1, 16), 987);
}

static void pool_join_waits_for_every_accepted_task(void **state)
{
    (void)state;
    par_pool *p;
    assert_int_equal(par_pool_create(&p, 3, 8), 0);
    _Atomic long count = 0;
    for (int i = 0; i < 1000; i++)
        assert_int_equal(par_pool_submit(p, count_task, &count, NULL), 0);
    assert_int_equal(par_pool_join(p, PAR_FOREVER), 0);
    assert_int_equal(atomic_load(&count), 1000);
    assert_int_equal(par_pool_join(p, PAR_NOWAIT), 0);   /* nothing left */
    par_pool_destroy(p);
}

static void pool_join_times_out_while_a_task_runs(void **state)
{
    (void)state;
    struct busy_pool b;
    busy_pool_start(&b, 4, 0, 0);
    par_pool *p = b.p;
    assert_int_equal(par_pool_join(p, PAR_NOWAIT), PAR_EAGAIN);
    assert_int_equal(par_pool_join(p, 0.01), PAR_ETIMEDOUT);
    par_event_set(b.g.release);
    assert_int_equal(par_pool_join(p, PAR_FOREVER), 0);
    busy_pool_stop(&b);
}

static int join_from_worker_task(void *arg, void **result)
{
    (void)result;
    return par_pool_join(arg, PAR_FOREVER);
}

static int shutdown_wait_from_worker_task(void *arg, void **result)
{
    (void)result;
    return par_pool_shutdown(arg, 1, 0);
}

static void pool_join_or_shutdown_wait_from_a_worker_returns_EDEADLK(void **state)
{
    (void)state;
    par_pool *p;
    assert_int_equal(par_pool_create(&p, 1, 4), 0);
    par_future *f;
    assert_int_equal(par_pool_submit(p, join_from_worker_task, p, &f), 0);
    assert_int_equal(par_future_result(f, PAR_FOREVER, NULL), PAR_EDEADLK);
    par_future_release(f);
    assert_int_equal(par_pool_submit(p, shutdown_wait_from_worker_task, p, &f), 0);
    assert_int_equal(par_future_result(f, PAR_FOREVER, NULL), PAR_EDEADLK);
    par_future_release(f);
    assert_true(par_pool_is_shutdown(p));   /* the shutdown itself happened */
    par_pool_destroy(p);
}

static void pool_shutdown_with_wait_runs_every_queued_task(void **state)
{
    (void)state;
    struct busy_pool b;
    busy_pool_start(&b, 16, 0, 0);
    par_pool *p = b.p;
    _Atomic long count = 0;
    for (int i = 0; i < 10; i++)
        assert_int_equal(par_pool_submit(p, count_task, &count, NULL), 0);
    par_event_set(b.g.release);
    assert_int_equal(par_pool_shutdown(p, 1, 0), 0);
    assert_int_equal(atomic_load(&count), 10);
    busy_pool_stop(&b);
}

static void pool_shutdown_cancel_pending_cancels_queued_tasks(void **state)
{
    (void)state;
    struct busy_pool b;
    busy_pool_start(&b, 8, 0, 0);
    par_future *fs[5];
    par_pool *p = b.p;
    par_future *busy = b.busy;
    _Atomic long count = 0;
    _Atomic int callbacks = 0;
    for (int i = 0; i < 5; i++) {
        assert_int_equal(par_pool_submit(p, count_task, &count, &fs[i]), 0);
        assert_int_equal(par_future_add_done_callback(fs[i], count_callback, &callbacks), 0);
    }
    assert_int_equal(par_pool_shutdown(p, 0, 1), 0);
    /* Cancelled, with callbacks run, before shutdown returned. */
    assert_int_equal(atomic_load(&callbacks), 5);
    for (int i = 0; i < 5; i++) {
        assert_true(par_future_cancelled(fs[i]));
        assert_int_equal(par_future_result(fs[i], PAR_FOREVER, NULL), PAR_ECANCELLED);
        par_future_release(fs[i]);
    }
    assert_false(par_future_done(busy));   /* running tasks are not cancelled */
    par_event_set(b.g.release);
    assert_int_equal(par_future_result(busy, PAR_FOREVER, NULL), 0);
    assert_int_equal(atomic_load(&count), 0);
    busy_pool_stop(&b);
}

/* Under load: producers keep submitting while the pool is shut down with
 * cancel_pending; every accepted future ends DONE or CANCELLED and every
 * callback runs exactly once. */
#define LOAD_TASKS 2000

struct load {
    par_pool *p;
    par_future *fs[LOAD_TASKS];
    int accepted;
    _Atomic int callbacks;
    _Atomic long ran;
    par_event *half;
};

static void *load_producer(void *arg)
{
    struct load *l = arg;
    for (int i = 0; i < LOAD_TASKS; i++) {
        if (i == LOAD_TASKS / 2)
            par_event_set(l->half);
        par_future *f;
        if (par_pool_submit(l->p, count_task, (void *)&l->ran, &f) != 0)
            break;
        par_future_add_done_callback(f, count_callback, &l->callbacks);
        l->fs[l->accepted++] = f;
    }
    par_event_set(l->half);
    return NULL;
}

static void pool_shutdown_nowait_cancel_under_load_loses_nothing(void **state)
{
    (void)state;
    static struct load l;
    l.accepted = 0;
    atomic_store(&l.callbacks, 0);
    atomic_store(&l.ran, 0);
    assert_int_equal(par_pool_create(&l.p, 2, 16), 0);
    assert_int_equal(par_event_create(&l.half), 0);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, load_producer, &l), 0);
    assert_int_equal(par_event_wait(l.half, PAR_FOREVER), 0);
    assert_int_equal(par_pool_shutdown(l.p, 0, 1), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    par_pool_destroy(l.p);
    int done = 0, cancelled = 0;
    for (int i = 0; i < l.accepted; i++) {
        enum par_future_state s = par_future_state(l.fs[i]);
        assert_true(s == PAR_FUTURE_DONE || s == PAR_FUTURE_CANCELLED);
        done += s == PAR_FUTURE_DONE;
        cancelled += s == PAR_FUTURE_CANCELLED;
        par_future_release(l.fs[i]);
    }
    assert_true(l.accepted >= LOAD_TASKS / 2);
    assert_int_equal(done + cancelled, l.accepted);
    assert_int_equal(atomic_load(&l.ran), done);
    /* A callback added after completion ran at once in the producer; so
     * every accepted future's callback ran exactly once either way. */
    assert_int_equal(atomic_load(&l.callbacks), l.accepted);
    par_event_destroy(l.half);
}

static void pool_shutdown_cancel_pending_drops_queued_fire_and_forget_tasks(void **state)
{
    (void)state;
    struct busy_pool b;
    busy_pool_start(&b, 8, 0, 0);
    _Atomic long ran = 0;
    for (int i = 0; i < 5; i++)
        assert_int_equal(par_pool_submit(b.p, count_task, &ran, NULL), 0);
    assert_int_equal(par_pool_shutdown(b.p, 0, 1), 0);
    assert_int_equal(par_pool_pending(b.p), 0);
    par_event_set(b.g.release);
    assert_int_equal(par_pool_join(b.p, PAR_FOREVER), 0);   /* nothing left over */
    assert_int_equal(atomic_load(&ran), 0);
    busy_pool_stop(&b);
}

static void pool_idle_worker_is_woken_while_another_is_busy(void **state)
{
    (void)state;
    /* Two workers: one is held in a gate; a second task must still run
     * (on the other worker) before the gate opens, else this hangs. */
    par_pool *p;
    assert_int_equal(par_pool_create(&p, 2, 8), 0);
    struct gate g;
    gate_init(&g, 0, 0);
    par_future *busy, *f;
    assert_int_equal(par_pool_submit(p, gate_task, &g, &busy), 0);
    assert_int_equal(par_event_wait(g.started, PAR_FOREVER), 0);
    for (intptr_t i = 0; i < 100; i++) {
        assert_int_equal(par_pool_submit(p, double_task, (void *)i, &f), 0);
        void *v;
        assert_int_equal(par_future_result(f, PAR_FOREVER, &v), 0);
        assert_int_equal((intptr_t)v, 2 * i);
        par_future_release(f);
    }
    assert_false(par_future_done(busy));
    par_event_set(g.release);
    par_pool_destroy(p);
    par_future_release(busy);
    gate_fini(&g);
}

static void pool_keeps_working_in_the_parent_after_a_fork(void **state)
{
    (void)state;
    /* A fork taken while a worker is busy: the child must not touch the
     * pool (pool.h) and leaves at once; the parent's pool is unaffected. */
    struct busy_pool b;
    busy_pool_start(&b, 8, 0, 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(42);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 42);
    par_future *f;
    assert_int_equal(par_pool_submit(b.p, double_task, (void *)4, &f), 0);
    par_event_set(b.g.release);
    void *v;
    assert_int_equal(par_future_result(f, PAR_FOREVER, &v), 0);
    assert_int_equal((intptr_t)v, 8);
    par_future_release(f);
    busy_pool_stop(&b);
}

static void pool_two_pools_do_not_interfere(void **state)
{
    (void)state;
    par_pool *a, *b;
    assert_int_equal(par_pool_create(&a, 1, 4), 0);
    assert_int_equal(par_pool_create(&b, 1, 4), 0);
    par_pool_destroy(a);   /* destroying one pool leaves the other working */
    par_future *f;
    assert_int_equal(par_pool_submit(b, double_task, (void *)5, &f), 0);
    void *v;
    assert_int_equal(par_future_result(f, PAR_FOREVER, &v), 0);
    assert_int_equal((intptr_t)v, 10);
    par_future_release(f);
    par_pool_destroy(b);
}

static _Thread_local int hook_flag;

static void on_start(void *ctx)
{
    hook_flag = 1;
    atomic_fetch_add((_Atomic int *)ctx, 1);
}

static void on_stop(void *ctx)
{
    hook_flag = 0;
    atomic_fetch_add((_Atomic int *)ctx, 100);
}

static int read_hook_flag(void *arg, void **result)
{
    (void)arg;
    *result = (void *)(intptr_t)(hook_flag + (par_pool_current() != NULL) * 10);
    return 0;
}

static void pool_start_and_stop_hooks_run_in_every_worker(void **state)
{
    (void)state;
    _Atomic int calls = 0;
    struct par_pool_opts o = { .workers = 3, .queue_capacity = 4,
                               .on_start = on_start, .on_stop = on_stop,
                               .hook_ctx = (void *)&calls };
    par_pool *p;
    assert_int_equal(par_pool_create_ex(&p, &o), 0);
    par_future *f;
    assert_int_equal(par_pool_submit(p, read_hook_flag, NULL, &f), 0);
    void *v;
    assert_int_equal(par_future_result(f, PAR_FOREVER, &v), 0);
    assert_int_equal((intptr_t)v, 11);   /* hook ran; par_pool_current set */
    par_future_release(f);
    assert_null(par_pool_current());      /* not a worker here */
    par_pool_destroy(p);
    assert_int_equal(atomic_load(&calls), 303);
}

static void pool_unbounded_queue_never_blocks_submit(void **state)
{
    (void)state;
    struct busy_pool b;
    busy_pool_start(&b, PAR_UNBOUNDED, 0, 0);
    par_pool *p = b.p;
    _Atomic long count = 0;
    for (int i = 0; i < 5000; i++)
        assert_int_equal(par_pool_try_submit(p, count_task, &count, NULL), 0);
    assert_int_equal(par_pool_pending(p), 5000);
    par_event_set(b.g.release);
    assert_int_equal(par_pool_join(p, PAR_FOREVER), 0);
    assert_int_equal(atomic_load(&count), 5000);
    busy_pool_stop(&b);
}

/* Records the order in which tasks start (1 worker: the queue's order). */
struct order_log {
    _Atomic long next;
    long *seen;
};

struct order_task {
    struct order_log *log;
    long id;
    struct gate *hold;   /* not NULL: after logging, wait in this gate */
};

static int order_task(void *arg, void **result)
{
    struct order_task *t = arg;
    t->log->seen[atomic_fetch_add(&t->log->next, 1)] = t->id;
    return t->hold ? gate_task(t->hold, result) : 0;
}

static void pool_large_capacity_is_exact_and_fifo_beyond_the_lock_free_ring(void **state)
{
    (void)state;
    /* The lock-free ring holds 4096 tasks; the rest of a larger capacity
     * spills into a locked list. Exactly `capacity` tasks are accepted, and
     * they start in submission order, also when tasks are submitted while
     * some are spilled and the ring has room again (they must queue behind
     * the spilled ones, not jump into the ring). */
    enum { CAPACITY = 4096 + 300, HOLD_AT = 10, LATE = 5, N = CAPACITY + LATE };
    static struct order_task tasks[N];
    static long seen[N];
    struct order_log log = { 0, seen };
    struct gate hold;
    gate_init(&hold, 0, 0);
    for (long i = 0; i < N; i++)
        tasks[i] = (struct order_task){ &log, i, i == HOLD_AT ? &hold : NULL };

    struct busy_pool b;
    busy_pool_start(&b, CAPACITY, 0, 0);
    for (long i = 0; i < CAPACITY; i++)
        assert_int_equal(par_pool_try_submit(b.p, order_task, &tasks[i], NULL), 0);
    assert_int_equal(par_pool_pending(b.p), CAPACITY);
    assert_int_equal(par_pool_try_submit(b.p, order_task, &tasks[0], NULL), PAR_EAGAIN);

    par_event_set(b.g.release);   /* runs tasks 0..HOLD_AT, then holds */
    assert_int_equal(par_event_wait(hold.started, PAR_FOREVER), 0);
    assert_int_equal(par_pool_pending(b.p), CAPACITY - HOLD_AT - 1);
    for (long i = CAPACITY; i < N; i++)   /* the ring has room now; the spill is not empty */
        assert_int_equal(par_pool_try_submit(b.p, order_task, &tasks[i], NULL), 0);
    par_event_set(hold.release);
    assert_int_equal(par_pool_join(b.p, PAR_FOREVER), 0);
    assert_int_equal(par_pool_pending(b.p), 0);
    busy_pool_stop(&b);
    gate_fini(&hold);

    assert_int_equal(atomic_load(&log.next), N);
    for (long i = 0; i < N; i++)
        assert_int_equal(seen[i], i);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pool_create_rejects_zero_workers_and_zero_capacity),
        cmocka_unit_test(pool_submit_null_function_returns_EINVAL),
        cmocka_unit_test(pool_submit_returns_a_future_with_the_result),
        cmocka_unit_test(pool_task_error_code_reaches_the_waiter),
        cmocka_unit_test(pool_submit_after_shutdown_returns_ESHUTDOWN),
        cmocka_unit_test(pool_double_shutdown_is_not_an_error),
        cmocka_unit_test(pool_full_queue_refuses_try_submit_and_times_out_timed_submit),
        cmocka_unit_test(pool_shutdown_wakes_a_submitter_blocked_on_a_full_queue),
        cmocka_unit_test(pool_blocked_submit_proceeds_when_room_appears),
        cmocka_unit_test(pool_nested_fib_25_with_a_future_per_call_on_two_workers_is_right),
        cmocka_unit_test(pool_nested_waits_do_not_deadlock_with_one_worker_and_a_tiny_queue),
        cmocka_unit_test(pool_join_waits_for_every_accepted_task),
        cmocka_unit_test(pool_join_times_out_while_a_task_runs),
        cmocka_unit_test(pool_join_or_shutdown_wait_from_a_worker_returns_EDEADLK),
        cmocka_unit_test(pool_shutdown_with_wait_runs_every_queued_task),
        cmocka_unit_test(pool_shutdown_cancel_pending_cancels_queued_tasks),
        cmocka_unit_test(pool_shutdown_nowait_cancel_under_load_loses_nothing),
        cmocka_unit_test(pool_shutdown_cancel_pending_drops_queued_fire_and_forget_tasks),
        cmocka_unit_test(pool_idle_worker_is_woken_while_another_is_busy),
        cmocka_unit_test(pool_keeps_working_in_the_parent_after_a_fork),
        cmocka_unit_test(pool_two_pools_do_not_interfere),
        cmocka_unit_test(pool_start_and_stop_hooks_run_in_every_worker),
        cmocka_unit_test(pool_unbounded_queue_never_blocks_submit),
        cmocka_unit_test(pool_large_capacity_is_exact_and_fifo_beyond_the_lock_free_ring),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
