/* The overhead suite: what each back end's basic operations cost, measured
 * the way the EPCC OpenMP micro-benchmarks do (Bull, "Measuring
 * synchronisation and scheduling overheads in OpenMP", EWOMP 1999; syncbench
 * and taskbench): an operation is repeated k times inside one sample, a
 * reference loop of the same k iterations without the operation is timed
 * alike and subtracted, k grows by the rule of common/innerreps.h (at least
 * PAR_INNERREPS_MIN, doubled until the median of 5 trials lasts the larger
 * of TARGET_S and 1000 clock ticks), and `--samples` samples (fewer, but
 * at least 6, once a row has taken ROW_BUDGET_S; k stops growing once the
 * search has taken half of it) give the median and its 95 % confidence
 * interval (common/ci.h). Not a test:
 * numbers, not verdicts. Every operation that carries data checks it (a
 * wrong count or value ends the run with exit 1).
 *
 * Operations (workers = -j, default 2), per back end:
 *   fork/join    pthread: a pool-wide map of `workers` empty items (submit
 *                one future each, wait all); omp: an empty `parallel`
 *                region; proc: par_proc_map of `workers` items, one chunk
 *                each (a message to and from every worker process)
 *   barrier      pthread: one step of the grain workload's spin-then-sleep
 *                barrier (I = 1; the serial kernel's cost subtracted); omp:
 *                `omp barrier` inside one region; mpi: MPI_Barrier
 *   empty task   per task, with many in flight: pthread submit+future,
 *                omp `task` from a single producer, proc submit+result
 *   map item     per item of a map of 100,000 items that copy their input
 *                (the back end's own map: executor map, `parallel for`,
 *                par_proc_map), whole maps per inner repetition
 *   round trip   one request and its answer, nothing else in flight:
 *                pthread a pool future, omp task+taskwait, proc one task
 *                through its socket pair, mpi an 8-byte ping-pong
 * MPI rows come from `mpirun -n 2 bench_overhead --mpi`; the others from a
 * plain run (`--backend` picks one of pthread, omp, proc). Output: one
 * Markdown row per operation and back end, or with `--json` one JSON object
 * per line (parcompare reads these for its report's appendix):
 *   {"op","backend","what","median_s","low_s","high_s","inner_reps","samples"}
 * PAR_TEST_FAULT=<back end>:fail (tests only) makes that back end's part
 * fail at once with one line and exit 1, as poolmap's back ends do.
 *
 *   bench_overhead [-j W] [--backend pthread|omp|proc] [--mpi] [--samples N]
 *                  [--json] */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ci.h"
#include "clock.h"
#include "error.h"
#include "executor.h"
#include "grain.h"
#include "innerreps.h"
#include "metg.h"
#include "pool.h"
#include "procpool.h"

#ifdef PAR_BENCH_OPENMP
#include <omp.h>
#endif
#ifdef PAR_BENCH_MPI
#include <mpi.h>
#endif

#include "../pthread/grain_threads.h"

#define TARGET_S 2e-3
#define MAX_SAMPLES 101
#define MAP_ITEMS 100000
#define MAX_INNER (1L << 30)
#define ROW_BUDGET_S 1.0

static int workers = 2, samples = 15, json;
static double target_s; /* par_innerreps_target_s(clock resolution, TARGET_S) */

/* ---- the method ---------------------------------------------------------- */

typedef void (*op_fn)(void *ctx, long k);

static void empty_loop(void *ctx, long k)
{
    (void)ctx;
    for (long i = 0; i < k; i++)
        __asm__ __volatile__("" ::: "memory");
}

static double time_once(op_fn f, void *ctx, long k)
{
    int64_t t0 = par_now_ns();
    f(ctx, k);
    return (double)(par_now_ns() - t0) * 1e-9;
}

/* The next k by the EPCC rule (common/innerreps.h), or k itself once the
 * search has used half the row's budget (on a busy machine each trial can
 * wait a scheduler slice per operation; k then stays where it is). */
static long next_k(long k, const double *trial, double t0)
{
    if (par_now_s() - t0 > ROW_BUDGET_S / 2)
        return k;
    return par_innerreps_next(k, trial, PAR_INNERREPS_TRIALS, target_s, MAX_INNER);
}

/* k from PAR_INNERREPS_MIN, doubled until the median of PAR_INNERREPS_TRIALS
 * trials lasts target_s. */
static long choose_k(op_fn op, void *ctx)
{
    double t0 = par_now_s();
    long k = par_innerreps_next(0, NULL, 0, target_s, MAX_INNER);
    for (;;) {
        double trial[PAR_INNERREPS_TRIALS];
        for (int i = 0; i < PAR_INNERREPS_TRIALS; i++)
            trial[i] = time_once(op, ctx, k);
        long next = next_k(k, trial, t0);
        if (next == k)
            return k;
        k = next;
    }
}

/* Samples of k operations and of the reference, alternating, into t and r:
 * `samples` of each, or fewer (never below PAR_CI_MIN_SAMPLES) once the row
 * has taken ROW_BUDGET_S -- on a busy machine a sample sized in a quiet
 * moment can last a scheduler slice per operation. Under MPI (collective)
 * every rank takes part in each sample and rank 0 decides when to stop.
 * Returns the count. */
static int take_samples(op_fn op, op_fn ref, void *ctx, long k, int collective, double *t,
                        double *r)
{
    double t0 = par_now_s();
    int n = 0;
    for (;;) {
        int more = n < samples && (n < PAR_CI_MIN_SAMPLES || par_now_s() - t0 < ROW_BUDGET_S);
#ifdef PAR_BENCH_MPI
        if (collective) {
            MPI_Bcast(&more, 1, MPI_INT, 0, MPI_COMM_WORLD);
            MPI_Barrier(MPI_COMM_WORLD);
        }
#else
        (void)collective;
#endif
        if (!more)
            return n;
        t[n] = time_once(op, ctx, k);
        r[n] = time_once(ref ? ref : empty_loop, ctx, k);
        n++;
    }
}

/* Per operation: each op sample minus the median reference sample, over k.
 * EPCC subtracts one reference time too: pairing each sample with its own
 * reference would add the reference's noise (a region preempted for ms) to
 * every difference and can drive it below zero. Median and 95 % interval. */
static struct par_ci per_op(const double *t, const double *r, int n, long k)
{
    struct par_ci ci;
    par_median_ci(r, (size_t)n, PAR_CI_LEVEL, &ci);
    double ref = ci.median, x[MAX_SAMPLES];
    for (int s = 0; s < n; s++)
        x[s] = (t[s] - ref) / (double)k;
    par_median_ci(x, (size_t)n, PAR_CI_LEVEL, &ci);
    return ci;
}

/* Median and 95 % interval, in seconds per operation. */
static struct par_ci measure(op_fn op, op_fn ref, void *ctx, long *k_used)
{
    op(ctx, 1); /* warm-up */
    long k = choose_k(op, ctx);
    double t[MAX_SAMPLES], r[MAX_SAMPLES];
    int n = take_samples(op, ref, ctx, k, 0, t, r);
    *k_used = k;
    return per_op(t, r, n, k);
}

static void print_row(const char *op, const char *backend, const struct par_ci *ci, long k,
                      const char *how)
{
    if (json) {
        /* op, backend and how are this file's literals: nothing to escape. */
        printf("{\"op\":\"%s\",\"backend\":\"%s\",\"what\":\"%s\",\"median_s\":%.6g,"
               "\"low_s\":%.6g,\"high_s\":%.6g,\"inner_reps\":%ld,\"samples\":%d}\n",
               op, backend, how, ci->median, ci->low, ci->high, k, (int)ci->n);
        fflush(stdout);
        return;
    }
    char m[32], lo[32], hi[32];
    par_metg_us_text(ci->median, m, sizeof m);
    par_metg_us_text(ci->low, lo, sizeof lo);
    par_metg_us_text(ci->high, hi, sizeof hi);
    printf("| %s | %s | %s | [%s, %s] | %ld | %s |\n", op, backend, m, lo, hi, k, how);
    fflush(stdout);
}

/* One table row; `per` operations happen per inner repetition (a map of
 * MAP_ITEMS items counts MAP_ITEMS). */
static void row(const char *op, const char *backend, const char *how, op_fn f, op_fn ref,
                void *ctx, double per)
{
    long k;
    struct par_ci ci = measure(f, ref, ctx, &k);
    ci.median /= per;
    ci.low /= per;
    ci.high /= per;
    print_row(op, backend, &ci, k, how);
}

static void die(const char *what, int rc)
{
    fprintf(stderr, "bench_overhead: %s: %s\n", what, par_strerror(rc));
    exit(1);
}

/* ---- pthread ---------------------------------------------------------------- */

static _Atomic long ran;

static int empty_task(void *arg, void **result)
{
    (void)arg;
    (void)result;
    atomic_fetch_add_explicit(&ran, 1, memory_order_relaxed);
    return 0;
}

static void check_ran(long want)
{
    if (atomic_exchange(&ran, 0) != want) {
        fprintf(stderr, "bench_overhead: lost tasks\n");
        exit(1);
    }
}

static void pool_forkjoin(void *ctx, long k)
{
    par_pool *p = ctx;
    par_future *fs[PAR_POOL_MAX_WORKERS];
    for (long i = 0; i < k; i++) {
        for (int w = 0; w < workers; w++)
            if (par_pool_submit(p, empty_task, NULL, &fs[w]))
                die("submit", PAR_EINVAL);
        for (int w = 0; w < workers; w++) {
            par_future_result(fs[w], PAR_FOREVER, NULL);
            par_future_release(fs[w]);
        }
    }
    check_ran(k * workers);
}

/* Many tasks in flight: submit a window, wait it, per task. */
static void pool_tasks(void *ctx, long k)
{
    par_pool *p = ctx;
    enum { WIN = 256 };
    par_future *fs[WIN];
    for (long done = 0; done < k;) {
        long n = k - done < WIN ? k - done : WIN;
        for (long i = 0; i < n; i++)
            if (par_pool_submit(p, empty_task, NULL, &fs[i]))
                die("submit", PAR_EINVAL);
        for (long i = 0; i < n; i++) {
            par_future_result(fs[i], PAR_FOREVER, NULL);
            par_future_release(fs[i]);
        }
        done += n;
    }
    check_ran(k);
}

static void pool_roundtrip(void *ctx, long k)
{
    par_pool *p = ctx;
    for (long i = 0; i < k; i++) {
        par_future *f;
        if (par_pool_submit(p, empty_task, NULL, &f))
            die("submit", PAR_EINVAL);
        par_future_result(f, PAR_FOREVER, NULL);
        par_future_release(f);
    }
    check_ran(k);
}

static int empty_item(void *ctx, const void *in, void *out)
{
    (void)ctx;
    memcpy(out, in, sizeof(int64_t));
    return 0;
}

static int64_t map_in[MAP_ITEMS], map_out[MAP_ITEMS];

static void check_map(void)
{
    for (long i = 0; i < MAP_ITEMS; i++)
        if (map_out[i] != map_in[i]) {
            fprintf(stderr, "bench_overhead: map item %ld is wrong\n", i);
            exit(1);
        }
    memset(map_out, 0, sizeof map_out);
}

/* k maps of MAP_ITEMS items (the row divides by MAP_ITEMS). */
static void pool_map(void *ctx, long k)
{
    for (long i = 0; i < k; i++)
        if (par_executor_map(ctx, empty_item, NULL, map_in, 8, map_out, 8, MAP_ITEMS, 0, NULL))
            die("executor map", PAR_EINVAL);
}

/* The grain barrier: k steps of I = 1 on `workers` tasks, minus serial. */
struct grain_ctx {
    par_pool *pool;
    int64_t out[PAR_POOL_MAX_WORKERS];
};

static void grain_steps(void *ctx, long k)
{
    struct grain_ctx *g = ctx;
    struct par_grain job = { 1, (size_t)workers, k, PAR_PATTERN_NONE, g->out };
    char e[256], d[128];
    int team;
    int rc = par__grain_threads(g->pool, NULL, workers, &job, e, sizeof e, d, sizeof d, &team);
    if (rc)
        die(e, rc);
}

static void grain_serial(void *ctx, long k)
{
    struct grain_ctx *g = ctx;
    /* one worker's share of the same graph: what each does between barriers */
    struct par_grain job = { 1, 1, k, PAR_PATTERN_NONE, g->out };
    int64_t scratch[2];
    par_grain_run_serial(&job, scratch);
}

static void bench_pthread(void)
{
    par_pool *p;
    int rc = par_pool_create(&p, workers, 1024);
    if (rc)
        die("pool", rc);
    row("fork/join", "pthread", "map of one empty future per worker", pool_forkjoin, NULL, p,
        1);
    struct grain_ctx g = { .pool = p };
    row("barrier", "pthread", "grain step, spin-then-sleep barrier", grain_steps, grain_serial,
        &g, 1);
    row("empty task", "pthread", "submit + future, 256 in flight", pool_tasks, NULL, p, 1);
    row("map item", "pthread", "par_executor_map, 100k items", pool_map, NULL, p, MAP_ITEMS);
    check_map();
    row("round trip", "pthread", "one pool future", pool_roundtrip, NULL, p, 1);
    par_pool_destroy(p);
}

/* ---- OpenMP ----------------------------------------------------------------- */

#ifdef PAR_BENCH_OPENMP
static void omp_forkjoin(void *ctx, long k)
{
    (void)ctx;
    for (long i = 0; i < k; i++) {
#pragma omp parallel num_threads(workers)
        __asm__ __volatile__("" ::: "memory");
    }
}

static void omp_barrier(void *ctx, long k)
{
    (void)ctx;
#pragma omp parallel num_threads(workers)
    for (long i = 0; i < k; i++) {
#pragma omp barrier
    }
}

/* The region the barriers live in, without barriers: the reference. */
static void omp_region(void *ctx, long k)
{
    (void)ctx;
    (void)k;
#pragma omp parallel num_threads(workers)
    __asm__ __volatile__("" ::: "memory");
}

static void omp_tasks(void *ctx, long k)
{
    (void)ctx;
#pragma omp parallel num_threads(workers)
#pragma omp single
    {
        for (long i = 0; i < k; i++) {
#pragma omp task
            atomic_fetch_add_explicit(&ran, 1, memory_order_relaxed);
        }
#pragma omp taskwait
    }
    check_ran(k);
}

static void omp_roundtrip(void *ctx, long k)
{
    (void)ctx;
#pragma omp parallel num_threads(workers)
#pragma omp single
    for (long i = 0; i < k; i++) {
#pragma omp task
        atomic_fetch_add_explicit(&ran, 1, memory_order_relaxed);
#pragma omp taskwait
    }
    check_ran(k);
}

static void omp_map(void *ctx, long k)
{
    (void)ctx;
    for (long r = 0; r < k; r++) {
#pragma omp parallel for num_threads(workers) schedule(static)
        for (long i = 0; i < MAP_ITEMS; i++)
            empty_item(NULL, &map_in[i], &map_out[i]);
    }
}

static void bench_omp(void)
{
    row("fork/join", "omp", "empty parallel region", omp_forkjoin, NULL, NULL, 1);
    row("barrier", "omp", "omp barrier in one region", omp_barrier, omp_region, NULL, 1);
    row("empty task", "omp", "omp task from one producer, taskwait at the end", omp_tasks,
        omp_region, NULL, 1);
    row("map item", "omp", "parallel for, static, 100k items", omp_map, NULL, NULL, MAP_ITEMS);
    check_map();
    row("round trip", "omp", "omp task + taskwait", omp_roundtrip, omp_region, NULL, 1);
}
#endif

/* ---- proc ------------------------------------------------------------------- */

static int proc_empty(const void *arg, size_t arg_len, void *res, size_t res_cap,
                      size_t *res_len)
{
    (void)arg;
    (void)arg_len;
    (void)res;
    (void)res_cap;
    *res_len = 0;
    return 0;
}

static int proc_item(const void *ctx, const void *in, void *out)
{
    (void)ctx;
    memcpy(out, in, sizeof(int64_t));
    return 0;
}

static void proc_forkjoin(void *ctx, long k)
{
    for (long i = 0; i < k; i++)
        if (par_proc_map(ctx, proc_item, NULL, 0, map_in, 8, map_out, 8, (size_t)workers, 1,
                         NULL, 0))
            die("proc map", PAR_EINVAL);
}

static void proc_tasks(void *ctx, long k)
{
    enum { WIN = 256 };
    par_proc_future *fs[WIN];
    for (long done = 0; done < k;) {
        long n = k - done < WIN ? k - done : WIN;
        for (long i = 0; i < n; i++)
            if (par_proc_submit(ctx, proc_empty, NULL, 0, 0, &fs[i]))
                die("proc submit", PAR_EINVAL);
        for (long i = 0; i < n; i++) {
            if (par_proc_future_result(fs[i], -1, NULL, NULL))
                die("proc task", PAR_ETASK);
            par_proc_future_free(fs[i]);
        }
        done += n;
    }
}

static void proc_roundtrip(void *ctx, long k)
{
    for (long i = 0; i < k; i++) {
        par_proc_future *f;
        if (par_proc_submit(ctx, proc_empty, NULL, 0, 0, &f)
            || par_proc_future_result(f, -1, NULL, NULL))
            die("proc task", PAR_ETASK);
        par_proc_future_free(f);
    }
}

static void proc_map(void *ctx, long k)
{
    for (long i = 0; i < k; i++)
        if (par_proc_map(ctx, proc_item, NULL, 0, map_in, 8, map_out, 8, MAP_ITEMS, 0, NULL, 0))
            die("proc map", PAR_EINVAL);
}

static void bench_proc(void)
{
    par_proc_pool *p;
    int rc = par_proc_pool_create(&p, workers);
    if (rc)
        die("proc pool", rc);
    row("fork/join", "proc", "par_proc_map, one item per worker", proc_forkjoin, NULL, p, 1);
    row("empty task", "proc", "submit + result, 256 in flight", proc_tasks, NULL, p, 1);
    row("map item", "proc", "par_proc_map, 100k items, auto chunks", proc_map, NULL, p,
        MAP_ITEMS);
    check_map();
    row("round trip", "proc", "one task over its socket pair", proc_roundtrip, NULL, p, 1);
    par_proc_pool_destroy(p);
}

/* ---- MPI -------------------------------------------------------------------- */

#ifdef PAR_BENCH_MPI
static int rank;

/* Every rank runs the same k (rank 0's, broadcast), so the collectives match. */
static void mpi_barrier(void *ctx, long k)
{
    (void)ctx;
    for (long i = 0; i < k; i++)
        MPI_Barrier(MPI_COMM_WORLD);
}

static void mpi_pingpong(void *ctx, long k)
{
    (void)ctx;
    int64_t v = 0;
    for (long i = 0; i < k; i++) {
        if (rank == 0) {
            v = i;
            MPI_Send(&v, 1, MPI_INT64_T, 1, 7, MPI_COMM_WORLD);
            MPI_Recv(&v, 1, MPI_INT64_T, 1, 7, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            if (v != i + 1) {
                fprintf(stderr, "bench_overhead: ping-pong got %lld\n", (long long)v);
                MPI_Abort(MPI_COMM_WORLD, 1);
            }
        } else if (rank == 1) {
            MPI_Recv(&v, 1, MPI_INT64_T, 0, 7, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            v++;
            MPI_Send(&v, 1, MPI_INT64_T, 0, 7, MPI_COMM_WORLD);
        }
    }
}

/* The method, collectively: rank 0's trials decide k (the same rule), and
 * every rank runs the same k so that the collectives match; rank 0 prints. */
static void mpi_row(const char *op, const char *how, op_fn f)
{
    f(NULL, 1);
    double t0 = par_now_s();
    long k = par_innerreps_next(0, NULL, 0, target_s, MAX_INNER);
    for (;;) {
        double trial[PAR_INNERREPS_TRIALS];
        for (int i = 0; i < PAR_INNERREPS_TRIALS; i++) {
            MPI_Barrier(MPI_COMM_WORLD);
            trial[i] = time_once(f, NULL, k);
        }
        long next = next_k(k, trial, t0);
        MPI_Bcast(&next, 1, MPI_LONG, 0, MPI_COMM_WORLD);
        if (next == k)
            break;
        k = next;
    }
    double t[MAX_SAMPLES], r[MAX_SAMPLES];
    int n = take_samples(f, NULL, NULL, k, 1, t, r);
    if (rank == 0) {
        struct par_ci ci = per_op(t, r, n, k);
        print_row(op, "mpi", &ci, k, how);
    }
}

static int bench_mpi(void)
{
    int size;
    MPI_Init(NULL, NULL);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (size < 2) {
        if (rank == 0)
            fprintf(stderr, "bench_overhead: --mpi needs at least 2 ranks (mpirun -n 2)\n");
        MPI_Finalize();
        return 2;
    }
    mpi_row("barrier", "MPI_Barrier", mpi_barrier);
    mpi_row("round trip", "8-byte ping-pong, ranks 0 and 1", mpi_pingpong);
    MPI_Finalize();
    return 0;
}
#endif

/* PAR_TEST_FAULT=<name>:fail (or *:fail): this back end fails at once. */
static int injected_fault(const char *backend)
{
    const char *s = getenv("PAR_TEST_FAULT");
    const char *colon = s ? strchr(s, ':') : NULL;
    if (!colon || strcmp(colon + 1, "fail") != 0)
        return 0;
    size_t len = (size_t)(colon - s);
    return (len == 1 && s[0] == '*') || (strlen(backend) == len && !strncmp(s, backend, len));
}

static int usage(void)
{
    fprintf(stderr, "usage: bench_overhead [-j W] [--backend pthread|omp|proc] [--mpi] "
            "[--samples N] [--json]\n");
    return 2;
}

int main(int argc, char **argv)
{
    int mpi = 0;
    const char *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--mpi") == 0)
            mpi = 1;
        else if (strcmp(argv[i], "--json") == 0)
            json = 1;
        else if (strcmp(argv[i], "-j") == 0 && i + 1 < argc)
            workers = atoi(argv[++i]);
        else if (strcmp(argv[i], "--samples") == 0 && i + 1 < argc)
            samples = atoi(argv[++i]);
        else if (strcmp(argv[i], "--backend") == 0 && i + 1 < argc)
            only = argv[++i];
        else
            return usage();
    }
    if (workers < 1 || workers > PAR_POOL_MAX_WORKERS || samples < 6 || samples > MAX_SAMPLES) {
        fprintf(stderr, "bench_overhead: -j in 1..%d, --samples in 6..%d\n",
                PAR_POOL_MAX_WORKERS, MAX_SAMPLES);
        return 2;
    }
    if (only && strcmp(only, "pthread") && strcmp(only, "omp") && strcmp(only, "proc")) {
        fprintf(stderr, "bench_overhead: --backend: expected pthread, omp or proc, got '%s' "
                "(mpi: mpirun -n 2 bench_overhead --mpi)\n", only);
        return 2;
    }
    target_s = par_innerreps_target_s(par_clock_resolution_s(), TARGET_S);
    for (long i = 0; i < MAP_ITEMS; i++)
        map_in[i] = i * 7 + 1;
    const char *which = mpi ? "mpi" : only;
    if (which && injected_fault(which)) {
        fprintf(stderr, "bench_overhead: %s: injected failure (PAR_TEST_FAULT)\n", which);
        return 1;
    }
    if (mpi) {
#ifdef PAR_BENCH_MPI
        return bench_mpi();
#else
        fprintf(stderr, "bench_overhead: built without MPI\n");
        return 2;
#endif
    }
    if (!json)
        printf("| operation | back end | median µs | 95 %% CI µs | inner reps | what |\n"
               "|---|---|--:|--:|--:|---|\n");
    /* proc first: its workers are forked before any thread exists. */
    if (!only || !strcmp(only, "proc"))
        bench_proc();
    if (!only || !strcmp(only, "pthread"))
        bench_pthread();
    if (!only || !strcmp(only, "omp")) {
#ifdef PAR_BENCH_OPENMP
        bench_omp();
#else
        if (only) {
            fprintf(stderr, "bench_overhead: omp: built without OpenMP\n");
            return 1;
        }
#endif
    }
    return 0;
}
