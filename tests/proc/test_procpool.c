/* The process pool: submit/result, map order, as_completed order, cancel,
 * shutdown and terminate, and the crash cases (SIGKILL mid-task, exit,
 * abort, a worker killed while idle), plus a pool forked while other
 * threads run. Orderings are forced with pipes the test holds ("gates"):
 * a task blocks reading its gate until the test writes one byte. The pipes
 * are made before the pool, so the workers inherit them. No sleeps. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "error.h"
#include "procpool.h"

/* ---- helpers -------------------------------------------------------------- */

/* No child of this process is left, not even a zombie. */
static void assert_no_children(void)
{
    errno = 0;
    assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
    assert_int_equal(errno, ECHILD);
}

struct gate { int rd, wr; };

static struct gate gate_new(void)
{
    int fd[2];
    assert_int_equal(pipe(fd), 0);
    return (struct gate){ fd[0], fd[1] };
}

static void gate_open(struct gate g)
{
    char c = 1;
    assert_int_equal(write(g.wr, &c, 1), 1);
}

static void gate_close(struct gate g)
{
    close(g.rd);
    close(g.wr);
}

/* Waits, without reaping it, until process pid has ended. */
static void wait_dead_no_reap(pid_t pid)
{
    siginfo_t si;
    int r;
    do
        r = waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT);
    while (r < 0 && errno == EINTR);
    assert_int_equal(r, 0);
}

/* ---- task functions (run in the workers) ------------------------------------ */

static int square_plus_ctx(const void *ctx, const void *in, void *out)
{
    int64_t x, off;
    memcpy(&x, in, sizeof x);
    memcpy(&off, ctx, sizeof off);
    int64_t y = x * x + off;
    memcpy(out, &y, sizeof y);
    return 0;
}

static int abort_at_500(const void *ctx, const void *in, void *out)
{
    (void)ctx;
    int64_t x;
    memcpy(&x, in, sizeof x);
    if (x == 500) {
        struct rlimit no_core = { 0, 0 };
        setrlimit(RLIMIT_CORE, &no_core);
        abort();
    }
    memcpy(out, &x, sizeof x);
    return 0;
}

/* Reverses the argument bytes. */
static int reverse_task(const void *arg, size_t len, void *res, size_t cap, size_t *res_len)
{
    (void)cap;
    const char *a = arg;
    char *r = res;
    for (size_t i = 0; i < len; i++)
        r[i] = a[len - 1 - i];
    *res_len = len;
    return 0;
}

static int fail_task(const void *arg, size_t len, void *res, size_t cap, size_t *res_len)
{
    (void)arg, (void)len, (void)res, (void)cap, (void)res_len;
    return PAR_ETASK;
}

static int too_long_task(const void *arg, size_t len, void *res, size_t cap, size_t *res_len)
{
    (void)arg, (void)len, (void)res;
    *res_len = cap + 1;
    return 0;
}

/* arg: struct gated. Optionally reports its pid on `report`, then waits for
 * one byte on `gate`, then does `then` and returns `value`. */
enum then { THEN_RETURN, THEN_EXIT3, THEN_ABORT };
struct gated {
    int gate, report;
    enum then then;
    int64_t value;
};

static int gated_task(const void *arg, size_t len, void *res, size_t cap, size_t *res_len)
{
    (void)len, (void)cap;
    struct gated g;
    memcpy(&g, arg, sizeof g);
    if (g.report >= 0) {
        pid_t me = getpid();
        if (write(g.report, &me, sizeof me) != (ssize_t)sizeof me)
            return PAR_EIO;
    }
    if (g.gate >= 0) {
        char c;
        if (read(g.gate, &c, 1) != 1)
            return PAR_EIO;
    }
    if (g.then == THEN_EXIT3)
        _exit(3);
    if (g.then == THEN_ABORT) {
        struct rlimit no_core = { 0, 0 };
        setrlimit(RLIMIT_CORE, &no_core);
        abort();
    }
    memcpy(res, &g.value, sizeof g.value);
    *res_len = sizeof g.value;
    return 0;
}

static par_proc_future *submit_gated(par_proc_pool *p, int gate, int report, enum then then,
                                     int64_t value)
{
    struct gated g = { gate, report, then, value };
    par_proc_future *f;
    assert_int_equal(par_proc_submit(p, gated_task, &g, sizeof g, sizeof(int64_t), &f), 0);
    return f;
}

static int64_t result_i64(par_proc_future *f)
{
    const void *res;
    size_t len;
    int rc = par_proc_future_result(f, -1, &res, &len);
    if (rc)
        fail_msg("task failed: %s (%s)", par_strerror(rc), par_proc_future_error(f));
    assert_int_equal(len, sizeof(int64_t));
    int64_t v;
    memcpy(&v, res, sizeof v);
    return v;
}

static void map_squares(par_proc_pool *p, size_t n, size_t chunk)
{
    int64_t *in = malloc(n * sizeof *in), *out = malloc(n * sizeof *out), off = 7;
    assert_non_null(in);
    assert_non_null(out);
    for (size_t i = 0; i < n; i++) {
        in[i] = (int64_t)i;
        out[i] = -1;
    }
    char err[256];
    int rc = par_proc_map(p, square_plus_ctx, &off, sizeof off, in, sizeof *in, out, sizeof *out,
                          n, chunk, err, sizeof err);
    if (rc)
        fail_msg("map failed: %s: %s", par_strerror(rc), err);
    for (size_t i = 0; i < n; i++)
        if (out[i] != (int64_t)(i * i) + 7)
            fail_msg("out[%zu] = %lld, expected %lld", i, (long long)out[i],
                     (long long)(i * i + 7));
    free(in);
    free(out);
}

/* ---- tests ------------------------------------------------------------------ */

static void create_rejects_bad_worker_counts_with_EINVAL(void **state)
{
    (void)state;
    par_proc_pool *p = (par_proc_pool *)1;
    assert_int_equal(par_proc_pool_create(&p, 0), PAR_EINVAL);
    assert_null(p);
    assert_int_equal(par_proc_pool_create(&p, PAR_PROC_MAX_WORKERS + 1), PAR_EINVAL);
    assert_int_equal(par_proc_pool_create(NULL, 2), PAR_EINVAL);
    assert_no_children();
}

static void map_returns_results_in_input_order(void **state)
{
    (void)state;
    par_proc_pool *p;
    assert_int_equal(par_proc_pool_create(&p, 3), 0);
    assert_int_equal(par_proc_pool_size(p), 3);
    map_squares(p, 1000, 7);    /* 143 chunks, the last one short */
    map_squares(p, 1000, 0);    /* automatic chunk */
    map_squares(p, 5, 100);     /* one chunk bigger than the input */
    map_squares(p, 200000, 0);  /* chunks larger than a socket buffer */
    int64_t x = 0;
    assert_int_equal(par_proc_map(p, square_plus_ctx, &x, sizeof x, &x, 8, &x, 8, 0, 0, NULL, 0),
                     0);
    par_proc_pool_destroy(p);
    assert_no_children();
}

/* The map's team (issue 10): the workers that sent back a chunk. Chunks go
 * to idle workers in slot order, all at once when the map starts, so the
 * counts below are exact, not likely. */
static void map_team_counts_the_workers_that_ran_a_chunk(void **state)
{
    (void)state;
    struct gate g = gate_new(); /* before the fork: the workers inherit it */
    par_proc_pool *p;
    assert_int_equal(par_proc_pool_create(&p, 3), 0);
    assert_int_equal(par_proc_pool_map_team(p), 0); /* no map yet */
    map_squares(p, 9, 3);       /* 3 chunks, 3 idle workers: one each */
    assert_int_equal(par_proc_pool_map_team(p), 3);
    map_squares(p, 5, 100);     /* one chunk: one worker */
    assert_int_equal(par_proc_pool_map_team(p), 1);
    map_squares(p, 2, 1);       /* fewer chunks than workers */
    assert_int_equal(par_proc_pool_map_team(p), 2);

    /* Worker 0 is held by a task waiting on a gate: the map's 6 chunks all
     * go to workers 1 and 2, and the team says so. */
    par_proc_future *f = submit_gated(p, g.rd, -1, THEN_RETURN, 5);
    map_squares(p, 60, 10);
    assert_int_equal(par_proc_pool_map_team(p), 2);
    assert_int_equal(par_proc_future_state(f), PAR_PROC_RUNNING);
    gate_open(g);
    assert_int_equal(result_i64(f), 5);
    par_proc_future_free(f);
    map_squares(p, 60, 10);     /* free again: all three */
    assert_int_equal(par_proc_pool_map_team(p), 3);

    int64_t x = 0;              /* a map of nothing ran on nobody */
    assert_int_equal(par_proc_map(p, square_plus_ctx, &x, sizeof x, &x, 8, &x, 8, 0, 0, NULL, 0),
                     0);
    assert_int_equal(par_proc_pool_map_team(p), 0);
    par_proc_pool_destroy(p);
    gate_close(g);
    assert_no_children();
    assert_int_equal(par_proc_pool_map_team(NULL), 0);
}

static void map_rejects_bad_arguments_with_EINVAL(void **state)
{
    (void)state;
    par_proc_pool *p;
    assert_int_equal(par_proc_pool_create(&p, 1), 0);
    int64_t in[4] = { 1, 2, 3, 4 }, out[4], off = 0;
    size_t not_growing[3] = { 0, 2, 2 }, bad_start[2] = { 1, 4 };
    assert_int_equal(par_proc_map_bounds(p, square_plus_ctx, &off, 8, in, 8, out, 8, not_growing,
                                         2, NULL, 0), PAR_EINVAL);
    assert_int_equal(par_proc_map_bounds(p, square_plus_ctx, &off, 8, in, 8, out, 8, bad_start,
                                         1, NULL, 0), PAR_EINVAL);
    assert_int_equal(par_proc_map(p, NULL, NULL, 0, in, 8, out, 8, 4, 1, NULL, 0), PAR_EINVAL);
    assert_int_equal(par_proc_map(p, square_plus_ctx, &off, 8, in, 0, out, 8, 4, 1, NULL, 0),
                     PAR_EINVAL);
    assert_int_equal(par_proc_map(p, square_plus_ctx, &off, 8, NULL, 8, out, 8, 4, 1, NULL, 0),
                     PAR_EINVAL);
    par_proc_pool_destroy(p);
    assert_no_children();
}

static void submit_result_roundtrips_bytes(void **state)
{
    (void)state;
    par_proc_pool *p;
    assert_int_equal(par_proc_pool_create(&p, 2), 0);
    const char msg[] = "parcompare";
    par_proc_future *f;
    assert_int_equal(par_proc_submit(p, reverse_task, msg, strlen(msg), 64, &f), 0);
    const void *res;
    size_t len;
    assert_int_equal(par_proc_future_result(f, -1, &res, &len), 0);
    assert_int_equal(len, strlen(msg));
    assert_memory_equal(res, "erapmocrap", len);
    assert_int_equal(par_proc_future_state(f), PAR_PROC_DONE);
    assert_string_equal(par_proc_future_error(f), "");
    par_proc_future_free(f);
    /* An empty argument. */
    assert_int_equal(par_proc_submit(p, reverse_task, NULL, 0, 0, &f), 0);
    assert_int_equal(par_proc_future_result(f, -1, &res, &len), 0);
    assert_int_equal(len, 0);
    par_proc_future_free(f);
    assert_int_equal(par_proc_submit(p, NULL, NULL, 0, 0, &f), PAR_EINVAL);
    assert_null(f);
    assert_int_equal(par_proc_submit(p, reverse_task, NULL, 3, 0, &f), PAR_EINVAL);
    par_proc_pool_destroy(p);
    assert_no_children();
}

static void task_error_code_reaches_the_future_and_the_worker_lives_on(void **state)
{
    (void)state;
    par_proc_pool *p;
    assert_int_equal(par_proc_pool_create(&p, 1), 0);
    pid_t before = par_proc_pool_worker_pid(p, 0);
    par_proc_future *f;
    assert_int_equal(par_proc_submit(p, fail_task, NULL, 0, 0, &f), 0);
    assert_int_equal(par_proc_future_result(f, -1, NULL, NULL), PAR_ETASK);
    assert_string_equal(par_proc_future_error(f), "the task returned error -14 (task failed)");
    par_proc_future_free(f);
    assert_int_equal(par_proc_submit(p, too_long_task, NULL, 0, 8, &f), 0);
    assert_int_equal(par_proc_future_result(f, -1, NULL, NULL), PAR_ERANGE);
    par_proc_future_free(f);
    assert_int_equal(par_proc_pool_worker_pid(p, 0), before);
    assert_int_equal(par_proc_pool_replacements(p), 0);
    par_proc_pool_destroy(p);
    assert_no_children();
}

static void result_with_timeout_does_not_wait_for_a_blocked_task(void **state)
{
    (void)state;
    struct gate g = gate_new();
    par_proc_pool *p;
    assert_int_equal(par_proc_pool_create(&p, 1), 0);
    par_proc_future *f = submit_gated(p, g.rd, -1, THEN_RETURN, 42);
    assert_int_equal(par_proc_future_result(f, 0, NULL, NULL), PAR_EAGAIN);
    assert_int_equal(par_proc_future_result(f, 0.01, NULL, NULL), PAR_ETIMEDOUT);
    assert_int_equal(par_proc_future_state(f), PAR_PROC_RUNNING);
    gate_open(g);
    assert_int_equal(result_i64(f), 42);
    par_proc_future_free(f);
    par_proc_pool_destroy(p);
    gate_close(g);
    assert_no_children();
}

static void as_completed_yields_each_future_once_in_finishing_order(void **state)
{
    (void)state;
    struct gate g[3] = { gate_new(), gate_new(), gate_new() };
    par_proc_pool *p;
    assert_int_equal(par_proc_pool_create(&p, 3), 0);
    par_proc_future *fs[3];
    for (int i = 0; i < 3; i++)
        fs[i] = submit_gated(p, g[i].rd, -1, THEN_RETURN, i);
    par_proc_as_completed *it;
    assert_int_equal(par_proc_as_completed_begin(&it, fs, 3, -1), 0);
    const int order[3] = { 2, 0, 1 };
    for (int k = 0; k < 3; k++) {
        gate_open(g[order[k]]);
        par_proc_future *f;
        assert_int_equal(par_proc_as_completed_next(it, &f), 0);
        assert_ptr_equal(f, fs[order[k]]);
        assert_int_equal(result_i64(f), order[k]);
    }
    par_proc_future *f = (par_proc_future *)1;
    assert_int_equal(par_proc_as_completed_next(it, &f), 0);
    assert_null(f);
    par_proc_as_completed_end(it);
    for (int i = 0; i < 3; i++) {
        par_proc_future_free(fs[i]);
        gate_close(g[i]);
    }
    par_proc_pool_destroy(p);
    assert_no_children();
}

static void as_completed_times_out_while_nothing_finishes(void **state)
{
    (void)state;
    struct gate g = gate_new();
    par_proc_pool *p;
    assert_int_equal(par_proc_pool_create(&p, 1), 0);
    par_proc_future *f = submit_gated(p, g.rd, -1, THEN_RETURN, 1), *got;
    par_proc_as_completed *it;
    assert_int_equal(par_proc_as_completed_begin(&it, &f, 1, 0.01), 0);
    assert_int_equal(par_proc_as_completed_next(it, &got), PAR_ETIMEDOUT);
    assert_null(got);
    par_proc_as_completed_end(it);
    gate_open(g);
    assert_int_equal(result_i64(f), 1);
    par_proc_future_free(f);
    par_proc_pool_destroy(p);
    gate_close(g);
}

static void cancel_stops_a_pending_task_but_not_a_running_one(void **state)
{
    (void)state;
    struct gate g = gate_new();
    par_proc_pool *p;
    assert_int_equal(par_proc_pool_create(&p, 1), 0);
    par_proc_future *running = submit_gated(p, g.rd, -1, THEN_RETURN, 1);
    par_proc_future *queued = submit_gated(p, -1, -1, THEN_RETURN, 2);
    assert_int_equal(par_proc_future_state(running), PAR_PROC_RUNNING);
    assert_int_equal(par_proc_future_state(queued), PAR_PROC_PENDING);
    assert_int_equal(par_proc_future_cancel(queued), 0);
    assert_int_equal(par_proc_future_cancel(queued), 0);
    assert_int_equal(par_proc_future_state(queued), PAR_PROC_CANCELLED);
    assert_int_equal(par_proc_future_result(queued, -1, NULL, NULL), PAR_ECANCELLED);
    assert_int_equal(par_proc_future_cancel(running), PAR_ESTATE);
    gate_open(g);
    assert_int_equal(result_i64(running), 1);
    assert_int_equal(par_proc_future_cancel(running), PAR_ESTATE);
    par_proc_future_free(running);
    par_proc_future_free(queued);
    par_proc_pool_destroy(p);
    gate_close(g);
    assert_no_children();
}

static void sigkill_mid_task_fails_only_that_task_and_the_worker_is_replaced(void **state)
{
    (void)state;
    struct gate never = gate_new(), started = gate_new();
    par_proc_pool *p;
    assert_int_equal(par_proc_pool_create(&p, 2), 0);
    par_proc_future *victim = submit_gated(p, never.rd, started.wr, THEN_RETURN, -1);
    par_proc_future *others[6];
    for (int i = 0; i < 6; i++)
        others[i] = submit_gated(p, -1, -1, THEN_RETURN, 100 + i);
    pid_t pid;
    assert_int_equal(read(started.rd, &pid, sizeof pid), (ssize_t)sizeof pid);
    assert_int_equal(kill(pid, SIGKILL), 0);

    assert_int_equal(par_proc_future_result(victim, -1, NULL, NULL), PAR_EWORKER);
    const char *why = par_proc_future_error(victim);
    char pidtext[32];
    snprintf(pidtext, sizeof pidtext, "(pid %ld)", (long)pid);
    if (!strstr(why, "was killed by signal 9 (SIGKILL)") || !strstr(why, pidtext) ||
        strncmp(why, "worker ", 7) != 0)
        fail_msg("unexpected message: %s", why);
    for (int i = 0; i < 6; i++) {
        assert_int_equal(result_i64(others[i]), 100 + i);
        par_proc_future_free(others[i]);
    }
    par_proc_future_free(victim);
    assert_int_equal(par_proc_pool_replacements(p), 1);
    for (int w = 0; w < 2; w++) {
        assert_true(par_proc_pool_worker_pid(p, w) > 0);
        assert_true(par_proc_pool_worker_pid(p, w) != pid);
    }
    map_squares(p, 1000, 10); /* the pool keeps serving on both slots */
    par_proc_pool_destroy(p);
    gate_close(never);
    gate_close(started);
    assert_no_children();
}

static void task_that_exits_fails_with_its_exit_status(void **state)
{
    (void)state;
    par_proc_pool *p;
    assert_int_equal(par_proc_pool_create(&p, 1), 0);
    par_proc_future *f = submit_gated(p, -1, -1, THEN_EXIT3, 0);
    par_proc_future *after = submit_gated(p, -1, -1, THEN_RETURN, 5);
    assert_int_equal(par_proc_future_result(f, -1, NULL, NULL), PAR_EWORKER);
    assert_non_null(strstr(par_proc_future_error(f), "exited with status 3"));
    assert_int_equal(result_i64(after), 5);
    assert_int_equal(par_proc_pool_replacements(p), 1);
    par_proc_future_free(f);
    par_proc_future_free(after);
    par_proc_pool_destroy(p);
    assert_no_children();
}

static void task_that_aborts_fails_naming_SIGABRT(void **state)
{
    (void)state;
    par_proc_pool *p;
    assert_int_equal(par_proc_pool_create(&p, 2), 0);
    par_proc_future *f = submit_gated(p, -1, -1, THEN_ABORT, 0);
    assert_int_equal(par_proc_future_result(f, -1, NULL, NULL), PAR_EWORKER);
    assert_non_null(strstr(par_proc_future_error(f), "signal 6 (SIGABRT)"));
    par_proc_future_free(f);
    par_proc_pool_destroy(p);
    assert_no_children();
}

static void map_with_a_crashing_item_names_the_chunk_and_the_pool_recovers(void **state)
{
    (void)state;
    par_proc_pool *p;
    assert_int_equal(par_proc_pool_create(&p, 2), 0);
    size_t n = 1000;
    int64_t *in = malloc(n * sizeof *in), *out = malloc(n * sizeof *out);
    assert_non_null(in);
    assert_non_null(out);
    for (size_t i = 0; i < n; i++)
        in[i] = (int64_t)i;
    char err[256];
    int rc = par_proc_map(p, abort_at_500, NULL, 0, in, 8, out, 8, n, 100, err, sizeof err);
    assert_int_equal(rc, PAR_EWORKER);
    if (!strstr(err, "items [500, 600): worker ") || !strstr(err, "SIGABRT"))
        fail_msg("unexpected message: %s", err);
    free(in);
    free(out);
    map_squares(p, 1000, 10);
    par_proc_pool_destroy(p);
    assert_no_children();
}

static void idle_worker_killed_is_replaced_without_failing_a_task(void **state)
{
    (void)state;
    par_proc_pool *p;
    assert_int_equal(par_proc_pool_create(&p, 2), 0);
    pid_t pid = par_proc_pool_worker_pid(p, 0);
    assert_int_equal(kill(pid, SIGKILL), 0);
    wait_dead_no_reap(pid); /* dead, but left for the pool to reap */
    map_squares(p, 1000, 10);
    assert_int_equal(par_proc_pool_replacements(p), 1);
    assert_true(par_proc_pool_worker_pid(p, 0) != pid);
    par_proc_pool_destroy(p);
    assert_no_children();
}

static void after_shutdown_submit_and_map_return_ESHUTDOWN(void **state)
{
    (void)state;
    par_proc_pool *p;
    assert_int_equal(par_proc_pool_create(&p, 2), 0);
    assert_int_equal(par_proc_pool_shutdown(p, 0), 0);
    assert_no_children(); /* every worker reaped by shutdown itself */
    assert_int_equal(par_proc_pool_shutdown(p, 0), 0);
    par_proc_future *f;
    assert_int_equal(par_proc_submit(p, reverse_task, NULL, 0, 0, &f), PAR_ESHUTDOWN);
    int64_t x = 1, off = 0;
    assert_int_equal(par_proc_map(p, square_plus_ctx, &off, 8, &x, 8, &x, 8, 1, 1, NULL, 0),
                     PAR_ESHUTDOWN);
    par_proc_pool_destroy(p);
}

static void shutdown_runs_accepted_tasks_or_cancels_queued_ones(void **state)
{
    (void)state;
    struct gate g = gate_new();
    par_proc_pool *p;
    /* Without cancel: every task runs. */
    assert_int_equal(par_proc_pool_create(&p, 1), 0);
    par_proc_future *a = submit_gated(p, g.rd, -1, THEN_RETURN, 1);
    par_proc_future *b = submit_gated(p, -1, -1, THEN_RETURN, 2);
    gate_open(g); /* a finishes once it reads this; nothing else moves until shutdown */
    assert_int_equal(par_proc_pool_shutdown(p, 0), 0);
    assert_int_equal(result_i64(a), 1);
    assert_int_equal(result_i64(b), 2);
    par_proc_future_free(a);
    par_proc_future_free(b);
    par_proc_pool_destroy(p);
    assert_no_children();

    /* With cancel: the running task finishes, the queued ones are cancelled. */
    assert_int_equal(par_proc_pool_create(&p, 1), 0);
    a = submit_gated(p, g.rd, -1, THEN_RETURN, 1);
    b = submit_gated(p, -1, -1, THEN_RETURN, 2);
    par_proc_future *c = submit_gated(p, -1, -1, THEN_RETURN, 3);
    par_proc_future_free(c); /* handle given back while queued: the pool frees it */
    gate_open(g);
    assert_int_equal(par_proc_pool_shutdown(p, 1), 0);
    assert_int_equal(result_i64(a), 1);
    assert_int_equal(par_proc_future_result(b, -1, NULL, NULL), PAR_ECANCELLED);
    par_proc_future_free(a);
    par_proc_future_free(b);
    par_proc_pool_destroy(p);
    gate_close(g);
    assert_no_children();
}

static void terminate_kills_running_tasks_and_cancels_queued_ones(void **state)
{
    (void)state;
    struct gate never = gate_new(), started = gate_new();
    par_proc_pool *p;
    assert_int_equal(par_proc_pool_create(&p, 1), 0);
    par_proc_future *a = submit_gated(p, never.rd, started.wr, THEN_RETURN, 1);
    par_proc_future *b = submit_gated(p, -1, -1, THEN_RETURN, 2);
    pid_t pid;
    assert_int_equal(read(started.rd, &pid, sizeof pid), (ssize_t)sizeof pid);
    assert_int_equal(par_proc_pool_terminate(p), 0);
    assert_no_children();
    assert_int_equal(par_proc_future_result(a, -1, NULL, NULL), PAR_ESHUTDOWN);
    assert_int_equal(par_proc_future_result(b, -1, NULL, NULL), PAR_ECANCELLED);
    par_proc_future_free(a);
    par_proc_future_free(b);
    par_proc_pool_destroy(p); /* after terminate: frees only */
    gate_close(never);
    gate_close(started);
}

struct foreign_call {
    par_proc_pool *p;
    par_proc_future *f;
    int submit_rc, result_rc, shutdown_rc;
};

static void *call_from_other_thread(void *arg)
{
    struct foreign_call *c = arg;
    par_proc_future *f;
    c->submit_rc = par_proc_submit(c->p, reverse_task, NULL, 0, 0, &f);
    c->result_rc = par_proc_future_result(c->f, -1, NULL, NULL);
    c->shutdown_rc = par_proc_pool_shutdown(c->p, 0);
    return NULL;
}

static void calls_from_a_thread_that_does_not_own_the_pool_return_EPERM(void **state)
{
    (void)state;
    struct gate g = gate_new();
    par_proc_pool *p;
    assert_int_equal(par_proc_pool_create(&p, 1), 0);
    struct foreign_call c = { .p = p, .f = submit_gated(p, g.rd, -1, THEN_RETURN, 9) };
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, call_from_other_thread, &c), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_int_equal(c.submit_rc, PAR_EPERM);
    assert_int_equal(c.result_rc, PAR_EPERM);
    assert_int_equal(c.shutdown_rc, PAR_EPERM);
    gate_open(g);
    assert_int_equal(result_i64(c.f), 9);
    par_proc_future_free(c.f);
    par_proc_pool_destroy(p);
    gate_close(g);
    assert_no_children();
}

/* Threads that keep malloc's, stdio's and an application mutex busy, so that
 * a fork very likely happens while one of them holds such a lock. */
struct busy {
    atomic_int stop;
    pthread_mutex_t app_lock;
    atomic_long rounds;
};

static void *busy_thread(void *arg)
{
    struct busy *b = arg;
    /* cmocka's asserts may only fail in the test's own thread: abort here. */
    while (!atomic_load(&b->stop)) {
        if (pthread_mutex_lock(&b->app_lock))
            abort();
        char *s = malloc(256);
        if (!s)
            abort();
        snprintf(s, 256, "%ld", atomic_fetch_add(&b->rounds, 1));
        free(s);
        if (pthread_mutex_unlock(&b->app_lock))
            abort();
    }
    return NULL;
}

static void pool_created_while_other_threads_run_serves_correctly(void **state)
{
    (void)state;
    struct busy b = { .rounds = 0 };
    atomic_init(&b.stop, 0);
    assert_int_equal(pthread_mutex_init(&b.app_lock, NULL), 0);
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&t[i], NULL, busy_thread, &b), 0);
    par_proc_pool *p;
    assert_int_equal(par_proc_pool_create(&p, 2), 0);
    map_squares(p, 20000, 64);
    /* A replacement is forked while the threads run, too. */
    pid_t pid = par_proc_pool_worker_pid(p, 1);
    assert_int_equal(kill(pid, SIGKILL), 0);
    wait_dead_no_reap(pid);
    map_squares(p, 20000, 64);
    assert_int_equal(par_proc_pool_replacements(p), 1);
    par_proc_pool_destroy(p);
    atomic_store(&b.stop, 1);
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
    pthread_mutex_destroy(&b.app_lock);
    assert_no_children();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(create_rejects_bad_worker_counts_with_EINVAL),
        cmocka_unit_test(map_returns_results_in_input_order),
        cmocka_unit_test(map_team_counts_the_workers_that_ran_a_chunk),
        cmocka_unit_test(map_rejects_bad_arguments_with_EINVAL),
        cmocka_unit_test(submit_result_roundtrips_bytes),
        cmocka_unit_test(task_error_code_reaches_the_future_and_the_worker_lives_on),
        cmocka_unit_test(result_with_timeout_does_not_wait_for_a_blocked_task),
        cmocka_unit_test(as_completed_yields_each_future_once_in_finishing_order),
        cmocka_unit_test(as_completed_times_out_while_nothing_finishes),
        cmocka_unit_test(cancel_stops_a_pending_task_but_not_a_running_one),
        cmocka_unit_test(sigkill_mid_task_fails_only_that_task_and_the_worker_is_replaced),
        cmocka_unit_test(task_that_exits_fails_with_its_exit_status),
        cmocka_unit_test(task_that_aborts_fails_naming_SIGABRT),
        cmocka_unit_test(map_with_a_crashing_item_names_the_chunk_and_the_pool_recovers),
        cmocka_unit_test(idle_worker_killed_is_replaced_without_failing_a_task),
        cmocka_unit_test(after_shutdown_submit_and_map_return_ESHUTDOWN),
        cmocka_unit_test(shutdown_runs_accepted_tasks_or_cancels_queued_ones),
        cmocka_unit_test(terminate_kills_running_tasks_and_cancels_queued_ones),
        cmocka_unit_test(calls_from_a_thread_that_does_not_own_the_pool_return_EPERM),
        cmocka_unit_test(pool_created_while_other_threads_run_serves_correctly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
