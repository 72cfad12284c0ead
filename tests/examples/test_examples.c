/* Runs every cheatsheet example (examples/NN_name) and checks its output:
 * exactly, where the program is deterministic; otherwise what the
 * primitives guarantee (counts, sets, orderings). Timings are printed by the
 * performance examples but never checked. Sizes are passed small so that
 * the whole file runs in a few seconds, also under the sanitizers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run.h"

#define MAX_LINES 64

struct result {
    struct par_test_out out;
    char *lines[MAX_LINES];  /* into a copy of out.out */
    char *copy;
    int nlines;
};

/* Runs $PAR_EXAMPLES_DIR/<name> with up to two arguments; skips the test
 * when the example was not built in this configuration. Asserts exit 0 and
 * an empty stderr, and splits stdout into lines. */
static void run_example(const char *name, const char *arg1, const char *arg2, struct result *r)
{
    const char *dir = getenv("PAR_EXAMPLES_DIR");
    assert_non_null(dir);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (access(path, X_OK) != 0) {
        print_message("%s was not built in this configuration: skipped\n", name);
        skip();
    }
    char *argv[] = { path, (char *)arg1, arg1 ? (char *)arg2 : NULL, NULL };
    assert_int_equal(par_test_run(argv, NULL, NULL, 60, &r->out), 0);
    assert_false(r->out.timed_out);
    if (r->out.status != 0 || r->out.err[0])
        fail_msg("%s: status %d, stderr:\n%s", name, r->out.status, r->out.err);
    r->copy = strdup(r->out.out);
    assert_non_null(r->copy);
    r->nlines = 0;
    for (char *p = r->copy; *p && r->nlines < MAX_LINES;) {
        char *nl = strchr(p, '\n');
        r->lines[r->nlines++] = p;
        if (!nl)
            break;
        *nl = '\0';
        p = nl + 1;
    }
}

static void result_free(struct result *r)
{
    free(r->copy);
    par_test_out_free(&r->out);
}

/* Output must be exactly `want`. */
static void expect_exact(const char *name, const char *arg, const char *want)
{
    struct result r;
    run_example(name, arg, NULL, &r);
    assert_string_equal(r.out.out, want);
    result_free(&r);
}

/* lines[from..from+n) are exactly the strings of `set`, in any order. */
static void expect_set(const struct result *r, int from, const char *const *set, int n)
{
    assert_true(from + n <= r->nlines);
    int used[MAX_LINES] = { 0 };
    for (int i = 0; i < n; i++) {
        int found = 0;
        for (int k = 0; k < n && !found; k++) {
            if (!used[k] && strcmp(r->lines[from + i], set[k]) == 0) {
                used[k] = 1;
                found = 1;
            }
        }
        if (!found)
            fail_msg("line %d '%s' is not one of the expected set", from + i, r->lines[from + i]);
    }
}

/* ---- one test per section, in the cheatsheet's order ------------------------- */

static void ex01_threads_each_worker_speaks_once_per_form(void **state)
{
    (void)state;
    struct result r;
    run_example("01_threads", NULL, NULL, &r);
    assert_int_equal(r.nlines, 4);
    static const char *const pair[] = { "I am worker 1", "I am worker 2" };
    expect_set(&r, 0, pair, 2);  /* the Thread-subclass form, joined before ... */
    expect_set(&r, 2, pair, 2);  /* ... the target= form starts */
    result_free(&r);
}

static void ex02_gil_all_three_runs_compute_fib(void **state)
{
    (void)state;
    struct result r;
    run_example("02_gil", "20", NULL, &r);
    assert_int_equal(r.nlines, 5);
    assert_string_equal(r.lines[0], "fib(20) twice:");
    const char *names[] = { "nothread:", "hasthread:", "hasthread + GIL:" };
    for (int i = 0; i < 3; i++) {
        assert_true(strncmp(r.lines[1 + i], names[i], strlen(names[i])) == 0);
        assert_non_null(strstr(r.lines[1 + i], " 6765 6765 "));
    }
    assert_true(strncmp(r.lines[4], "GIL hand-overs: ", 16) == 0);
    result_free(&r);
}

static void ex03_producer_consumer_prints_every_task_once(void **state)
{
    (void)state;
    struct result r;
    run_example("03_producer_consumer", "20", "7", &r);
    assert_string_equal(r.out.out, "6765\n6765\n6765\n6765\n6765\n6765\n6765\n");
    result_free(&r);
}

static void ex04_thread_pool_template_runs_three_tasks(void **state)
{
    (void)state;
    expect_exact("04_thread_pool_template", "20", "6765\n6765\n6765\n");
}

static void ex05_threadpool_map_squares_and_agrees_with_map(void **state)
{
    (void)state;
    struct result r;
    run_example("05_threadpool_map", "1000", NULL, &r);
    assert_int_equal(r.nlines, 8);
    assert_string_equal(r.lines[0], "[0, 1, 4, 9, 16]");
    assert_string_equal(r.lines[1], "pool_map");
    assert_string_equal(r.lines[3], "ordinary_map");
    assert_string_equal(r.lines[5], "pool_map, one item per task");
    for (int i = 2; i <= 6; i += 2)
        assert_true(strncmp(r.lines[i], "cost: ", 6) == 0);
    assert_string_equal(r.lines[7], "all three maps agree on 1000 items: yes");
    result_free(&r);
}

static void ex06_mutex_counts_exactly_with_the_lock(void **state)
{
    (void)state;
    struct result r;
    run_example("06_mutex", "100000", NULL, &r);
    assert_int_equal(r.nlines, 7);
    static const char *const pair[] = { "task1 get", "task2 get" };
    expect_set(&r, 0, pair, 2);
    expect_set(&r, 2, pair, 2);
    assert_string_equal(r.lines[5], "  with the lock:    200000");
    long got = -1, lost = -1;
    assert_int_equal(sscanf(r.lines[6], "  without the lock: %ld (updates lost: %ld)", &got, &lost),
                     2);
    assert_true(got > 0 && got <= 200000);  /* losing is likely, not promised */
    assert_int_equal(got + lost, 200000);
    result_free(&r);
}

static void ex07_deadlock_is_detected_reported_and_fixed(void **state)
{
    (void)state;
    struct result r;
    run_example("07_deadlock", NULL, NULL, &r);
    const char *want =
        "get lock1\n"
        "get lock2\n"
        "deadlock detected, instead of hanging forever:\n"
        "  task1 holds lock1 and waits for lock2 (held by task2)\n"
        "  task2 holds lock2 and waits for lock1 (held by task1)\n"
        "both tasks gave up their locks and ended; joined cleanly\n"
        "fix: take the locks in one global order, lock1 before lock2\n";
    assert_true(strncmp(r.out.out, want, strlen(want)) == 0);
    assert_int_equal(r.nlines, 9);
    static const char *const fixed[] = { "task1: got lock1 then lock2: No deadlock",
                                         "task2: got lock1 then lock2: No deadlock" };
    expect_set(&r, 7, fixed, 2);
    result_free(&r);
}

static void ex08_monitor_lets_task2_in_only_after_task1_left(void **state)
{
    (void)state;
    expect_exact("08_monitor", NULL,
                 "1 in foo\n1 in ker\n2 in ker\n"
                 "a plain lock taken again by its owner: EDEADLK (a default mutex, like "
                 "Python's Lock, would hang)\n");
}

static void ex09_semaphore_never_lets_more_than_three_in(void **state)
{
    (void)state;
    struct result r;
    run_example("09_semaphore", "2", NULL, &r);
    assert_int_equal(r.nlines, 11);
    int state_of[5] = { 0 }, inside = 0;  /* 0 before, 1 inside, 2 released */
    for (int i = 0; i < 10; i++) {
        int tid;
        char what[16];
        assert_int_equal(sscanf(r.lines[i], "%d %15s sema", &tid, what), 2);
        assert_true(tid >= 0 && tid < 5);
        if (strcmp(what, "acquire") == 0) {
            assert_int_equal(state_of[tid], 0);
            state_of[tid] = 1;
            inside++;
            assert_true(inside <= 3);
        } else {
            assert_string_equal(what, "release");
            assert_int_equal(state_of[tid], 1);
            state_of[tid] = 2;
            inside--;
        }
    }
    int most = -1;
    assert_int_equal(sscanf(r.lines[10], "at most %d inside at once (limit 3)", &most), 1);
    assert_true(most >= 1 && most <= 3);
    result_free(&r);
}

static void ex10_event_every_wait_line_precedes_every_get_line(void **state)
{
    (void)state;
    struct result r;
    run_example("10_event", NULL, NULL, &r);
    assert_int_equal(r.nlines, 6);
    static const char *const waits[] = { "1 wait event", "2 wait event", "3 wait event" };
    static const char *const gets[] = { "1 get event set", "2 get event set", "3 get event set" };
    expect_set(&r, 0, waits, 3);
    expect_set(&r, 3, gets, 3);
    result_free(&r);
}

static void ex11_priority_queue_prints_the_cheatsheet_output(void **state)
{
    (void)state;
    expect_exact("11_priority_queue", NULL,
                 "0.6657491871045683\n0.5278797439991247\n0.20990624606296315\nwait...\n"
                 "consumer put value\n0.09123101305407577\nwait...\n");
}

static void ex12_multiprocessing_both_ways_give_fib(void **state)
{
    (void)state;
    struct result r;
    run_example("12_multiprocessing", "20", NULL, &r);
    assert_int_equal(r.nlines, 2);
    assert_true(strncmp(r.lines[0], "nomultiprocess:  6765 6765 6765 6765 6765  ", 43) == 0);
    assert_true(strncmp(r.lines[1], "hasmultiprocess: 6765 6765 6765 6765 6765  ", 43) == 0);
    result_free(&r);
}

static void ex13_custom_parmap_prints_x_to_the_x(void **state)
{
    (void)state;
    expect_exact("13_custom_parmap", NULL, "[1, 4, 27, 256]\n");
}

static void ex14_round_robin_prints_the_cheatsheet_output(void **state)
{
    (void)state;
    expect_exact("14_round_robin", NULL, "1\n1\n1\n1\n2\n2\n3\ndone\n5\ndone\n");
}

static void ex15_fib_server_answers_both_nc_sessions(void **state)
{
    (void)state;
    expect_exact("15_fib_server", NULL,
                 "(bash 1) $ nc localhost\n20\n6765\n(bash 2) $ nc localhost\n10\n55\n");
}

static void ex16_pool_executor_maps_in_order_on_threads_and_processes(void **state)
{
    (void)state;
    struct result r;
    run_example("16_pool_executor", "20", NULL, &r);
    assert_int_equal(r.nlines, 7);
    assert_string_equal(r.lines[0], "1 1 2 3 5 ");
    assert_string_equal(r.lines[1], "6765");
    assert_string_equal(r.lines[2], "6765");
    assert_true(strncmp(r.lines[3], "thread cost: ", 13) == 0);
    assert_string_equal(r.lines[4], "6765");
    assert_string_equal(r.lines[5], "6765");
    assert_true(strncmp(r.lines[6], "process cost: ", 14) == 0);
    result_free(&r);
}

static void ex17_with_executor_prints_fib30_twice(void **state)
{
    (void)state;
    expect_exact("17_with_executor", NULL, "832040\n832040\n");
}

static void ex18_future_object_callbacks_and_as_completed_then_end(void **state)
{
    (void)state;
    struct result r;
    run_example("18_future_object", NULL, NULL, &r);
    assert_int_equal(r.nlines, 10);
    static const char *const res[] = { "res: 832040", "res: 1346269", "res: 2178309" };
    assert_string_equal(r.lines[0], ">>> thread_v1()");
    expect_set(&r, 1, res, 3);
    assert_string_equal(r.lines[4], "end");  /* after every callback */
    assert_string_equal(r.lines[5], ">>> thread_v2()");
    expect_set(&r, 6, res, 3);
    assert_string_equal(r.lines[9], "end");
    result_free(&r);
}

static void ex19_future_errors_reach_the_callback(void **state)
{
    (void)state;
    expect_exact("19_future_errors", NULL, "callback handler\nget RuntimeError\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ex01_threads_each_worker_speaks_once_per_form),
        cmocka_unit_test(ex02_gil_all_three_runs_compute_fib),
        cmocka_unit_test(ex03_producer_consumer_prints_every_task_once),
        cmocka_unit_test(ex04_thread_pool_template_runs_three_tasks),
        cmocka_unit_test(ex05_threadpool_map_squares_and_agrees_with_map),
        cmocka_unit_test(ex06_mutex_counts_exactly_with_the_lock),
        cmocka_unit_test(ex07_deadlock_is_detected_reported_and_fixed),
        cmocka_unit_test(ex08_monitor_lets_task2_in_only_after_task1_left),
        cmocka_unit_test(ex09_semaphore_never_lets_more_than_three_in),
        cmocka_unit_test(ex10_event_every_wait_line_precedes_every_get_line),
        cmocka_unit_test(ex11_priority_queue_prints_the_cheatsheet_output),
        cmocka_unit_test(ex12_multiprocessing_both_ways_give_fib),
        cmocka_unit_test(ex13_custom_parmap_prints_x_to_the_x),
        cmocka_unit_test(ex14_round_robin_prints_the_cheatsheet_output),
        cmocka_unit_test(ex15_fib_server_answers_both_nc_sessions),
        cmocka_unit_test(ex16_pool_executor_maps_in_order_on_threads_and_processes),
        cmocka_unit_test(ex17_with_executor_prints_fib30_twice),
        cmocka_unit_test(ex18_future_object_callbacks_and_as_completed_then_end),
        cmocka_unit_test(ex19_future_errors_reach_the_callback),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
