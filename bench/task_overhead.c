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
 *                         and syncs each group: no allocation per task.
 *                         Past 64 x workers children waiting on its deque a
 *                         spawn runs the child at once, like a call (as
 *                         libgomp does, below): with 2 workers at most 128
 *                         of each group's 2048 wait, and the rest are calls;
 *   GLib GThreadPool      g_thread_pool_push, then g_thread_pool_free with
 *                         wait (GLib has no join; a pool per run, started
 *                         before the clock);
 *   OpenMP tasks          `omp task` in a `single` region of 2 threads, then
 *                         `taskwait` (libgomp; the producer is one of the 2).
 *                         libgomp runs a task at once, in the producer,
 *                         while more than 64 x (team size) tasks wait
 *                         (GOMP_task in gcc's libgomp/task.c): with empty
 *                         tasks, a run is partly a serial loop, and its time
 *                         depends on how much the other thread takes;
 *   serial loop           the empty task called N times, no pool: the floor.
 * The pools are created, and every row run once untimed, before any clock
 * starts. Then --reps rounds: each round runs every row once, in turn, each
 * run after a pause of SETTLE_S (so that libgomp's threads, which spin for
 * a few ms after a region, have stopped). Rounds, not all of one row's runs
 * in a row: the host's slow and fast phases (they move every row 2-4x
 * here) then fall on every row alike. Printed: each row's median in ns per
 * task with its 95 % confidence interval (order statistics, common/ci.h;
 * 6 runs at least), and each par_pool row against each peer pool as the
 * median of the per-round ratios, with its interval: "faster" or "slower"
 * only when the interval excludes 1 (Hoefler & Belli, SC'15, rules 5 and
 * 9). Counts are checked after every run: a run that lost a task aborts the
 * benchmark instead of reporting a number.
 *
 * Idle cost: right after its warm-up, each pool is left alone for 1 s while
 * the main thread sleeps; the process CPU time used meanwhile
 * (CLOCK_PROCESS_CPUTIME_ID) is what idle workers burned. (GLib's runs
 * each have a pool of their own, so its idle pool is one more, made for
 * this.) Pools measured earlier still exist then (idle too), so each line
 * also contains the lines above it; par_pool is measured first, alone.
 *
 *   bench_task_overhead [--tasks N] [--reps R] [--idle-seconds S]
 *                       [--only ROW[,ROW...]]
 *   ROW: futures join nested group glib omp serial (default: all)
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ci.h"
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

/* One row of the table: a pool and a way of feeding it. */
struct row {
    const char *key;    /* --only name */
    const char *name;   /* as printed */
    int ours;           /* a par_pool row (compared with the peers) */
    int peer;           /* another pool: our rows get a ratio against it */
    double (*run)(par_pool *p, long n);
    int enabled;
    double t[MAX_REPS]; /* seconds of round r's run, in round order */
};

/* The floor: the same empty task called n times in a loop, no pool, through
 * a pointer the compiler cannot see through (a pool calls it that way). */
static double run_serial(par_pool *p, long n)
{
    (void)p;
    par_task_fn volatile fn = empty_task;
    tally_zero();
    double t0 = par_now_s();
    for (long i = 0; i < n; i++) {
        void *ignored = NULL;
        fn(NULL, &ignored);
    }
    double t = par_now_s() - t0;
    check_count("serial loop", n);
    return t;
}

static double run_futures(par_pool *p, long n) { return ours_futures(p, n); }
static double run_join(par_pool *p, long n) { return ours_join(p, n); }
static double run_nested(par_pool *p, long n) { return ours_nested(p, n, 0); }
static double run_group(par_pool *p, long n) { return ours_nested(p, n, 1); }
#ifdef PAR_BENCH_GLIB
static double run_glib(par_pool *p, long n) { (void)p; return glib_run(n); }
#endif
#ifdef PAR_BENCH_OPENMP
static double run_omp(par_pool *p, long n) { (void)p; return omp_run(n); }
#endif

static struct row rows[] = {
    { "futures", "par_pool, future per task", 1, 0, run_futures, 0, { 0 } },
    { "join", "par_pool, submit + join", 1, 0, run_join, 0, { 0 } },
    { "nested", "par_pool, nested futures", 1, 0, run_nested, 0, { 0 } },
    { "group", "par_pool, task group", 1, 0, run_group, 0, { 0 } },
#ifdef PAR_BENCH_GLIB
    { "glib", "GLib GThreadPool", 0, 1, run_glib, 0, { 0 } },
#else
    { "glib", "GLib GThreadPool", 0, 1, NULL, 0, { 0 } },
#endif
#ifdef PAR_BENCH_OPENMP
    { "omp", "OpenMP tasks (libgomp)", 0, 1, run_omp, 0, { 0 } },
#else
    { "omp", "OpenMP tasks (libgomp)", 0, 1, NULL, 0, { 0 } },
#endif
    { "serial", "serial loop, no pool", 0, 0, run_serial, 0, { 0 } },
};
#define NROWS ((int)(sizeof rows / sizeof rows[0]))

/* Before every timed run: a pause, so that no pool's threads still spin
 * from the run before (libgomp's idle threads spin for a few ms after a
 * region: measured as ~7 ms of CPU per idle second). The same pause comes
 * before every run of every row, so it favours none. */
#define SETTLE_S 0.02

static void settle(void)
{
    struct timespec ts = { 0, (long)(SETTLE_S * 1e9) };
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* Median of x[0..n) with its 95 % confidence interval (common/ci.h). */
static struct par_ci median_ci(const double *x, int n)
{
    struct par_ci ci;
    if (par_median_ci(x, (size_t)n, PAR_CI_LEVEL, &ci) != 0)
        die("median_ci", PAR_ENOMEM);
    return ci;
}

static void print_ci(const struct par_ci *ci, double scale, const char *fmt)
{
    if (!ci->available) {
        printf("  95%% CI n/a (needs %d runs)", PAR_CI_MIN_SAMPLES);
        return;
    }
    printf("  95%% CI [");
    printf(fmt, scale * ci->low);
    printf(", ");
    printf(fmt, scale * ci->high);
    printf("]");
}

static void report(const struct row *r, int reps, long n)
{
    struct par_ci ci = median_ci(r->t, reps);
    double lo = r->t[0], hi = r->t[0];
    for (int i = 1; i < reps; i++) {
        lo = r->t[i] < lo ? r->t[i] : lo;
        hi = r->t[i] > hi ? r->t[i] : hi;
    }
    double per_task = 1e9 / (double)n;
    printf("  %-26s %9.1f ns/task", r->name, per_task * ci.median);
    print_ci(&ci, per_task, "%.1f");
    printf("  (min %.1f, max %.1f; %d runs)\n", per_task * lo, per_task * hi, reps);
}

/* Our row against a peer, paired by round: the median of the per-round
 * ratios ours / peer, with its 95 % CI. Runs of one round are a few
 * hundred ms apart, so a slow phase of the host (they move every row 2-4x
 * here) hits both sides of a ratio alike (Hoefler & Belli, SC'15, rule 9:
 * compare within one experiment, and give the spread of the ratio). */
static void report_ratio(const struct row *ours, const struct row *peer, int reps)
{
    struct par_ci ci;
    if (par_paired_ratio_ci(ours->t, peer->t, (size_t)reps, PAR_CI_LEVEL, &ci) != 0)
        die("paired_ratio_ci", PAR_ENOMEM);
    printf("  %-26s %6.2f", ours->name, ci.median);
    print_ci(&ci, 1.0, "%.2f");
    switch (par_ci_side_of(&ci, 1.0)) {
    case PAR_CI_BELOW:
        printf("  faster\n");
        break;
    case PAR_CI_ABOVE:
        printf("  slower\n");
        break;
    case PAR_CI_CONTAINS:
        printf("  not separable\n");
        break;
    default:
        printf("\n");
        break;
    }
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

static struct row *row_named(const char *key, size_t len)
{
    for (int i = 0; i < NROWS; i++)
        if (strlen(rows[i].key) == len && strncmp(rows[i].key, key, len) == 0)
            return &rows[i];
    return NULL;
}

/* --only a,b,...: enables those rows; 0, or -1 for an unknown name. */
static int enable_only(const char *list)
{
    for (const char *s = list;;) {
        size_t len = strcspn(s, ",");
        struct row *r = row_named(s, len);
        if (!r)
            return -1;
        r->enabled = 1;
        if (!s[len])
            return 0;
        s += len + 1;
    }
}

static void usage(void)
{
    fprintf(stderr, "usage: bench_task_overhead [--tasks 1..100000000] [--reps 1..%d] "
                    "[--idle-seconds 0..60] [--only ROW[,ROW...]] "
                    "(ROW: futures join nested group glib omp serial)\n",
            MAX_REPS);
    exit(2);
}

/* The row was asked for and is built (a peer may not be). */
static int row_runs(const struct row *r)
{
    return r->enabled && r->run;
}

#if defined(PAR_BENCH_GLIB) || defined(PAR_BENCH_OPENMP)
static int row_runs_named(const char *key)
{
    return row_runs(row_named(key, strlen(key)));
}
#endif

int main(int argc, char **argv)
{
    long n = 1000000;
    int reps = 11;
    double idle_s = 1.0;
    int only = 0;
    for (int i = 1; i < argc; i++) {
        if (i + 1 < argc && strcmp(argv[i], "--tasks") == 0)
            n = parse_long("--tasks", argv[++i], 1, 100000000);
        else if (i + 1 < argc && strcmp(argv[i], "--reps") == 0)
            reps = (int)parse_long("--reps", argv[++i], 1, MAX_REPS);
        else if (i + 1 < argc && strcmp(argv[i], "--idle-seconds") == 0)
            idle_s = (double)parse_long("--idle-seconds", argv[++i], 0, 60);
        else if (i + 1 < argc && strcmp(argv[i], "--only") == 0 && !only) {
            if (enable_only(argv[++i]) != 0)
                usage();
            only = 1;
        } else
            usage();
    }
    for (int i = 0; !only && i < NROWS; i++)
        rows[i].enabled = 1;
    printf("task overhead: %ld empty tasks, %d workers; %d rounds, each running every row "
           "once in turn\n", n, WORKERS, reps);

    par_pool *p;
    int rc = par_pool_create(&p, WORKERS, CAPACITY);
    if (rc != 0)
        die("par_pool_create", rc);

    /* Warm-ups (threads started, caches and allocators warm), and each
     * pool's idle cost right after its own: par_pool alone, then GLib's
     * idle pool beside it, then libgomp's threads beside both. */
    int any_ours = 0;
    for (int i = 0; i < NROWS; i++)
        if (rows[i].ours && rows[i].enabled) {
            rows[i].run(p, 10000);
            any_ours = 1;
        }
    double idle_ours = any_ours && idle_s > 0 ? idle_cpu_s(idle_s) : 0;
    int idle_lines = any_ours;   /* any idle line to print */
#ifdef PAR_BENCH_GLIB
    GThreadPool *gp = NULL;
    double idle_glib = 0;
    if (row_runs_named("glib")) {
        gp = glib_pool();   /* idle from now on: measured here, freed at the end */
        glib_run(10000);
        idle_glib = idle_s > 0 ? idle_cpu_s(idle_s) : 0;
        idle_lines = 1;
    }
#endif
#ifdef PAR_BENCH_OPENMP
    int omp_on = row_runs_named("omp");
    double idle_omp = 0;
    if (omp_on) {
        omp_run(10000);
        idle_omp = idle_s > 0 ? idle_cpu_s(idle_s) : 0;
        idle_lines = 1;
    }
#endif

    /* Rounds: every enabled row once per round, so that the host's slow
     * and fast phases fall on all rows alike (rule 9 above). */
    for (int r = 0; r < reps; r++)
        for (int i = 0; i < NROWS; i++)
            if (row_runs(&rows[i])) {
                settle();
                rows[i].t[r] = rows[i].run(p, n);
            }

    printf("median ns per task, with its 95%% confidence interval:\n");
    for (int i = 0; i < NROWS; i++) {
        if (!rows[i].enabled)
            continue;
        if (rows[i].run)
            report(&rows[i], reps, n);
        else
            printf("  %-26s skipped: %s not found at configure time\n", rows[i].name,
                   strcmp(rows[i].key, "glib") ? "OpenMP" : "GLib (glib-2.0)");
    }
    for (int k = 0; k < NROWS; k++) {
        const struct row *peer = &rows[k];
        if (!peer->peer || !row_runs(peer) || !any_ours)
            continue;
        printf("time / time of %s in the same round (median of %d paired ratios; < 1: "
               "faster):\n", peer->name, reps);
        for (int i = 0; i < NROWS; i++)
            if (rows[i].ours && rows[i].enabled)
                report_ratio(&rows[i], peer, reps);
    }

    if (idle_s > 0 && idle_lines) {
        printf("idle cost: CPU time of the whole process in %.0f s with no work (each line "
               "includes the idle pools above it)\n", idle_s);
        if (any_ours)
            report_idle("par_pool", idle_ours, idle_s);
#ifdef PAR_BENCH_GLIB
        if (gp)
            report_idle("GLib GThreadPool", idle_glib, idle_s);
#endif
#ifdef PAR_BENCH_OPENMP
        if (omp_on)
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
