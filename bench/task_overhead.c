/* Task overhead: what one tiny task costs on a thread pool, and what an idle
 * pool costs when it has nothing to do. Not a test: numbers, not verdicts.
 *
 * For each pool, N empty tasks (each only counts itself in a per-thread
 * tally, tally.h, so that the count can be verified) are submitted from
 * one thread and awaited, with 2 workers:
 *   par_pool, futures     one future per task: when WINDOW futures are
 *                         outstanding, the older half is awaited and
 *                         released (the younger half keeps the workers
 *                         busy meanwhile);
 *   par_pool, join        fire-and-forget submits, then par_pool_join();
 *   par_pool, nested      the same window of futures, submitted by a task
 *     futures             running on the pool (they go to its worker's
 *                         deque; the other worker steals);
 *   par_pool, task group  a task running on the pool spawns the tasks into
 *     spawn/sync          task groups (taskgroup.h) of WINDOW children each
 *                         and syncs each group: no allocation per task;
 *   GLib GThreadPool      g_thread_pool_push, then g_thread_pool_free with
 *                         wait (GLib has no join; a pool per run, started
 *                         before the clock);
 *   OpenMP tasks          `omp task` in a `single` region of 2 threads, then
 *                         `taskwait` (libgomp; the producer is one of the 2).
 * The pools are created before the clock starts. Each measurement runs
 * --reps times; the median and the minimum are printed, in ns per task.
 * Counts are checked after every run: a run that lost a task aborts the
 * benchmark instead of reporting a number.
 *
 * Idle cost: right after its runs, each pool is left alone for 1 s while
 * the main thread sleeps; the process CPU time used meanwhile
 * (CLOCK_PROCESS_CPUTIME_ID) is what idle workers burned. (GLib's runs
 * each have a pool of their own, so its idle pool is one more, made before
 * its runs and idle since.) Pools measured earlier still exist then (idle
 * too), so each line also contains the lines above it; par_pool is
 * measured first, alone.
 *
 *   bench_task_overhead [--tasks N] [--reps R] [--idle-seconds S]
 *                       [--only futures|join|nested|group|glib|omp]
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "error.h"
#include "pool.h"
#include "taskgroup.h"
#include "tally.h"

#ifdef PAR_BENCH_GLIB
#include <glib.h>
#endif
#ifdef PAR_BENCH_OPENMP
#include <omp.h>
#endif

#define WORKERS 2
#define CAPACITY 1024
#define WINDOW 2048
#define MAX_REPS 101

static void check_count(const char *who, long n)
{
    long got = tally_sum();
    if (got != n) {
        fprintf(stderr, "bench_task_overhead: %s ran %ld tasks, not %ld\n", who, got, n);
        exit(1);
    }
}

static double process_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* CPU seconds the whole process burns while this thread sleeps `s`. */
static double idle_cpu_s(double s)
{
    double c0 = process_cpu_s();
    struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };
    while (nanosleep(&ts, &ts) != 0)
        ;
    return process_cpu_s() - c0;
}

/* ---- par_pool -------------------------------------------------------------- */

static int empty_task(void *arg, void **result)
{
    (void)arg;
    (void)result;
    tally_add();
    return 0;
}

static void die(const char *what, int rc)
{
    fprintf(stderr, "bench_task_overhead: %s: %s\n", what, par_strerror(rc));
    exit(1);
}

/* Awaits and releases futures [from, to) of the window, youngest first:
 * tasks finish in about submission order, so one sleep on the youngest
 * covers the batch. (Oldest first, a waiter that catches up with the
 * workers sleeps and wakes once per task: ~2 context switches each.) */
static void await_range(par_future **fs, long from, long to)
{
    for (long i = to - 1; i >= from; i--) {
        int rc = par_future_result(fs[i % WINDOW], PAR_FOREVER, NULL);
        if (rc != 0)
            die("result", rc);
        par_future_release(fs[i % WINDOW]);
    }
}

static double ours_futures(par_pool *p, long n)
{
    static par_future *fs[WINDOW];
    tally_zero();
    double t0 = par_now_s();
    long head = 0;
    for (long i = 0; i < n; i++) {
        if (i - head == WINDOW) {
            await_range(fs, head, head + WINDOW / 2);
            head += WINDOW / 2;
        }
        int rc = par_pool_submit(p, empty_task, NULL, &fs[i % WINDOW]);
        if (rc != 0)
            die("submit", rc);
    }
    await_range(fs, head, n);
    double t = par_now_s() - t0;
    check_count("par_pool (futures)", n);
    return t;
}

static double ours_join(par_pool *p, long n)
{
    tally_zero();
    double t0 = par_now_s();
    for (long i = 0; i < n; i++) {
        int rc = par_pool_submit(p, empty_task, NULL, NULL);
        if (rc != 0)
            die("submit", rc);
    }
    int rc = par_pool_join(p, PAR_FOREVER);
    if (rc != 0)
        die("join", rc);
    double t = par_now_s() - t0;
    check_count("par_pool (join)", n);
    return t;
}

/* ---- nested: the same, from a task running on the pool --------------------- */

struct nested_job {
    long n;
    int group;   /* 1: task groups, 0: futures */
};

static int nested_futures_task(void *arg, void **result)
{
    (void)result;
    struct nested_job *j = arg;
    par_pool *p = par_pool_current();
    static par_future *fs[WINDOW];
    long head = 0;
    for (long i = 0; i < j->n; i++) {
        if (i - head == WINDOW) {
            await_range(fs, head, head + WINDOW / 2);
            head += WINDOW / 2;
        }
        int rc = par_pool_submit(p, empty_task, NULL, &fs[i % WINDOW]);
        if (rc != 0)
            die("nested submit", rc);
    }
    await_range(fs, head, j->n);
    return 0;
}

static int group_task(void *arg, void **result)
{
    (void)result;
    struct nested_job *j = arg;
    static struct par_spawn recs[WINDOW];
    par_task_group g;
    par_task_group_init(&g, par_pool_current());
    for (long done = 0; done < j->n;) {
        long batch = j->n - done < WINDOW ? j->n - done : WINDOW;
        for (long i = 0; i < batch; i++)
            par_task_group_spawn(&g, &recs[i], empty_task, NULL);
        int rc = par_task_group_sync(&g);
        if (rc != 0)
            die("group sync", rc);
        done += batch;
    }
    return 0;
}

static double ours_nested(par_pool *p, long n, int group)
{
    struct nested_job j = { n, group };
    tally_zero();
    double t0 = par_now_s();
    par_future *f;
    int rc = par_pool_submit(p, group ? group_task : nested_futures_task, &j, &f);
    if (rc != 0)
        die("submit", rc);
    rc = par_future_result(f, PAR_FOREVER, NULL);
    if (rc != 0)
        die("result", rc);
    par_future_release(f);
    double t = par_now_s() - t0;
    check_count(group ? "par_pool (task group)" : "par_pool (nested futures)", n);
    return t;
}

/* ---- GLib ---------------------------------------------------------------- */

#ifdef PAR_BENCH_GLIB
static void glib_task(gpointer data, gpointer user)
{
    (void)data;
    (void)user;
    tally_add();
}

/* A pool of WORKERS exclusive threads, started now (before any clock). */
static GThreadPool *glib_pool(void)
{
    GError *err = NULL;
    GThreadPool *gp = g_thread_pool_new(glib_task, NULL, WORKERS, TRUE, &err);
    if (!gp) {
        fprintf(stderr, "bench_task_overhead: g_thread_pool_new: %s\n",
                err ? err->message : "failed");
        exit(1);
    }
    return gp;
}

/* GLib has no join: the run ends with g_thread_pool_free(wait), which
 * returns once every pushed task has run (its two threads then leave, inside
 * the clock: microseconds against a run of 1 M tasks). So each run has a
 * pool of its own, made before the clock starts. */
static double glib_run(long n)
{
    GThreadPool *gp = glib_pool();
    tally_zero();
    double t0 = par_now_s();
    for (long i = 0; i < n; i++)
        g_thread_pool_push(gp, GINT_TO_POINTER(1), NULL);   /* data must be non-NULL */
    g_thread_pool_free(gp, FALSE, TRUE);
    double t = par_now_s() - t0;
    check_count("GThreadPool", n);
    return t;
}
#endif

/* ---- OpenMP -------------------------------------------------------------- */

#ifdef PAR_BENCH_OPENMP
static double omp_run(long n)
{
    tally_zero();
    double t0 = par_now_s();
#pragma omp parallel num_threads(WORKERS)
#pragma omp single
    {
        for (long i = 0; i < n; i++) {
#pragma omp task
            tally_add();
        }
#pragma omp taskwait
    }
    double t = par_now_s() - t0;
    check_count("OpenMP tasks", n);
    return t;
}
#endif

/* ---- driver -------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void report(const char *name, double *t, int reps, long n)
{
    qsort(t, (size_t)reps, sizeof *t, cmp_double);
    double med = reps % 2 ? t[reps / 2] : 0.5 * (t[reps / 2 - 1] + t[reps / 2]);
    printf("  %-26s %9.1f ns/task  (min %.1f, max %.1f; %d runs)\n", name, 1e9 * med / (double)n,
           1e9 * t[0] / (double)n, 1e9 * t[reps - 1] / (double)n, reps);
}

static void report_idle(const char *name, double cpu_s, double wall_s)
{
    printf("  %-26s %9.2f ms CPU in %.1f s idle\n", name, 1e3 * cpu_s, wall_s);
}

static long parse_long(const char *opt, const char *s, long lo, long hi)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < lo || v > hi) {
        fprintf(stderr, "bench_task_overhead: %s must be an integer in [%ld, %ld]\n", opt, lo, hi);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    long n = 1000000;
    int reps = 5;
    double idle_s = 1.0;
    const char *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (i + 1 < argc && strcmp(argv[i], "--tasks") == 0)
            n = parse_long("--tasks", argv[++i], 1, 100000000);
        else if (i + 1 < argc && strcmp(argv[i], "--reps") == 0)
            reps = (int)parse_long("--reps", argv[++i], 1, MAX_REPS);
        else if (i + 1 < argc && strcmp(argv[i], "--idle-seconds") == 0)
            idle_s = (double)parse_long("--idle-seconds", argv[++i], 0, 60);
        else if (i + 1 < argc && strcmp(argv[i], "--only") == 0 &&
                 (!strcmp(argv[i + 1], "futures") || !strcmp(argv[i + 1], "join") ||
                  !strcmp(argv[i + 1], "nested") || !strcmp(argv[i + 1], "group") ||
                  !strcmp(argv[i + 1], "glib") || !strcmp(argv[i + 1], "omp")))
            only = argv[++i];
        else {
            fprintf(stderr, "usage: bench_task_overhead [--tasks 1..100000000] [--reps 1..%d] "
                            "[--idle-seconds 0..60] [--only futures|join|nested|group|glib|omp]\n",
                    MAX_REPS);
            return 2;
        }
    }
    double t[MAX_REPS];
    printf("task overhead: %ld empty tasks, %d workers, median of %d runs\n", n, WORKERS, reps);

    par_pool *p;
    int rc = par_pool_create(&p, WORKERS, CAPACITY);
    if (rc != 0)
        die("par_pool_create", rc);
    ours_join(p, 10000);   /* warm-up: threads started, caches and allocator warm */
    int run_futures = !only || !strcmp(only, "futures");
    int run_join = !only || !strcmp(only, "join");
    int run_nested = !only || !strcmp(only, "nested");
    int run_group = !only || !strcmp(only, "group");
    int run_glib = !only || !strcmp(only, "glib");
    int run_omp = !only || !strcmp(only, "omp");
    double idle_ours = 0, idle_glib = 0, idle_omp = 0;
    if (run_futures) {
        for (int r = 0; r < reps; r++)
            t[r] = ours_futures(p, n);
        report("par_pool, future per task", t, reps, n);
    }
    if (run_join) {
        for (int r = 0; r < reps; r++)
            t[r] = ours_join(p, n);
        report("par_pool, submit + join", t, reps, n);
    }
    if (run_nested) {
        for (int r = 0; r < reps; r++)
            t[r] = ours_nested(p, n, 0);
        report("par_pool, nested futures", t, reps, n);
    }
    if (run_group) {
        for (int r = 0; r < reps; r++)
            t[r] = ours_nested(p, n, 1);
        report("par_pool, task group", t, reps, n);
    }
    if (run_futures || run_join || run_nested || run_group)
        idle_ours = idle_s > 0 ? idle_cpu_s(idle_s) : 0;

#ifdef PAR_BENCH_GLIB
    GThreadPool *gp = NULL;
    if (run_glib) {
        gp = glib_pool();   /* idle from now on: measured below, then freed */
        glib_run(10000);
        for (int r = 0; r < reps; r++)
            t[r] = glib_run(n);
        report("GLib GThreadPool", t, reps, n);
        idle_glib = idle_s > 0 ? idle_cpu_s(idle_s) : 0;
    }
#else
    printf("  %-26s skipped: GLib (glib-2.0) not found at configure time\n", "GLib GThreadPool");
#endif
#ifdef PAR_BENCH_OPENMP
    if (run_omp) {
        omp_run(10000);
        for (int r = 0; r < reps; r++)
            t[r] = omp_run(n);
        report("OpenMP tasks (libgomp)", t, reps, n);
        idle_omp = idle_s > 0 ? idle_cpu_s(idle_s) : 0;
    }
#else
    printf("  %-26s skipped: OpenMP not found at configure time\n", "OpenMP tasks");
#endif

    if (idle_s > 0) {
        printf("idle cost: CPU time of the whole process while the pool has no work\n");
        if (run_futures || run_join || run_nested || run_group)
            report_idle("par_pool", idle_ours, idle_s);
#ifdef PAR_BENCH_GLIB
        if (run_glib)
            report_idle("GLib GThreadPool", idle_glib, idle_s);
#endif
#ifdef PAR_BENCH_OPENMP
        if (run_omp)
            report_idle("OpenMP (libgomp)", idle_omp, idle_s);
#endif
    }
#ifdef PAR_BENCH_GLIB
    if (gp)
        g_thread_pool_free(gp, FALSE, TRUE);
#endif
    par_pool_destroy(p);
    return 0;
}
