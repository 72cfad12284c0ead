#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "invocations.h"
#include "kernels.h"

#define MAX_TIMEOUT_S 86400.0

/* Whole numbers are parsed as poolmap and parmap parse them
 * (common/options.h), so both refuse the same spellings. */
static int whole_opt(const char *name, const char *arg, long long lo, long long hi,
                     long long *out, char *msg, size_t len)
{
    return par_parse_whole_opt(name, arg, lo, hi, NULL, out, msg, len);
}

static int real_opt(const char *name, const char *arg, double lo, double hi, const char *unit,
                    double *out, char *msg, size_t len)
{
    if (par_parse_real(arg, unit, lo, hi, out) == 0)
        return 0;
    return par_usage_fail(msg, len, "%s: expected a number in %g..%g%s, got '%s'", name, lo, hi,
                          unit ? unit : "", arg);
}

/* Splits a comma-separated list; calls item() on each entry. Empty lists and
 * empty entries are errors. */
static int each_item(const char *name, const char *arg, char *msg, size_t len,
                     int (*item)(void *ctx, const char *s, char *msg, size_t len), void *ctx)
{
    if (!*arg)
        return par_usage_fail(msg, len,
                              "%s: empty list; give one or more names separated by commas", name);
    const char *p = arg;
    for (;;) {
        size_t n = strcspn(p, ",");
        char one[64];
        if (n == 0)
            return par_usage_fail(msg, len, "%s: empty entry in '%s'", name, arg);
        if (n >= sizeof one)
            return par_usage_fail(msg, len, "%s: entry '%.*s' is too long", name, (int)n, p);
        memcpy(one, p, n);
        one[n] = '\0';
        int rc = item(ctx, one, msg, len);
        if (rc)
            return rc;
        if (!p[n])
            return 0;
        p += n + 1;
    }
}

static int add_workload(void *ctx, const char *s, char *msg, size_t len)
{
    struct par__cli *c = ctx;
    enum par_workload w;
    if (par_workload_parse(s, &w))
        return par_usage_fail(msg, len,
                              "--workloads: unknown workload '%s'; expected map, fib, parmap "
                    "or fibtask", s);
    if (w == PAR_W_GRAIN)
        return par_usage_fail(msg, len, "--workloads: grain is not a matrix workload; "
                              "--grain sweeps it");
    for (int i = 0; i < c->nworkloads; i++)
        if (c->workloads[i] == (int)w)
            return 0;
    c->workloads[c->nworkloads++] = (int)w;
    return 0;
}

static int add_backend(void *ctx, const char *s, char *msg, size_t len)
{
    struct par__cli *c = ctx;
    int be = par__be_parse(s);
    if (be < 0)
        return par_usage_fail(msg, len,
                              "--backends: unknown back end '%s'; expected serial, pthread, "
                    "gil, omp, proc, mpi or hybrid", s);
    for (int i = 0; i < c->nbackends; i++)
        if (c->backends[i] == be)
            return 0;
    c->backends[c->nbackends++] = be;
    return 0;
}

static int add_workers(void *ctx, const char *s, char *msg, size_t len)
{
    struct par__cli *c = ctx;
    long long v;
    if (par_parse_whole(s, 1, PAR_MAX_WORKERS, &v))
        return par_usage_fail(msg, len,
                              "--workers: expected worker counts in 1..%d separated by commas, "
                    "got '%s'", PAR_MAX_WORKERS, s);
    int pos = 0;
    while (pos < c->nworkers && c->workers[pos] < v)
        pos++;
    if (pos < c->nworkers && c->workers[pos] == v)
        return 0;
    if (c->nworkers == PAR__MAX_WORKER_COUNTS)
        return par_usage_fail(msg, len,
                              "--workers: at most %d different counts", PAR__MAX_WORKER_COUNTS);
    memmove(&c->workers[pos + 1], &c->workers[pos],
            (size_t)(c->nworkers - pos) * sizeof c->workers[0]);
    c->workers[pos] = (int)v;
    c->nworkers++;
    return 0;
}

enum {
    OPT_WORKLOADS = 256, OPT_BACKENDS, OPT_WORKERS, OPT_REPS, OPT_WARMUP, OPT_QUICK, OPT_FULL,
    OPT_ITEMS, OPT_PARMAP_ITEMS, OPT_N, OPT_K, OPT_CUTOFF, OPT_NO_STORY, OPT_STORY_N,
    OPT_STORY_ITEMS, OPT_PYTHON, OPT_PYTHON_N, OPT_PYTHON_ITEMS, OPT_PYTHON_DIR, OPT_BASELINE,
    OPT_THRESHOLD, OPT_TIMEOUT, OPT_OUT, OPT_BINDIR, OPT_MPIRUN, OPT_GRAIN, OPT_NO_GRAIN,
    OPT_NODES, OPT_HOSTFILE, OPT_CI_TARGET, OPT_MAX_REPS, OPT_TIME_BUDGET, OPT_MAX_WARMUP,
    OPT_INVOCATIONS, OPT_NO_BANDWIDTH, OPT_STREAM_MIB,
    OPT_OVERHEAD, OPT_NO_OVERHEAD
};

static const struct option long_opts[] = {
    { "workloads", required_argument, NULL, OPT_WORKLOADS },
    { "backends", required_argument, NULL, OPT_BACKENDS },
    { "workers", required_argument, NULL, OPT_WORKERS },
    { "reps", required_argument, NULL, OPT_REPS },
    { "warmup", required_argument, NULL, OPT_WARMUP },
    { "ci-target", required_argument, NULL, OPT_CI_TARGET },
    { "max-reps", required_argument, NULL, OPT_MAX_REPS },
    { "time-budget", required_argument, NULL, OPT_TIME_BUDGET },
    { "max-warmup", required_argument, NULL, OPT_MAX_WARMUP },
    { "invocations", required_argument, NULL, OPT_INVOCATIONS },
    { "quick", no_argument, NULL, OPT_QUICK },
    { "full", no_argument, NULL, OPT_FULL },
    { "items", required_argument, NULL, OPT_ITEMS },
    { "parmap-items", required_argument, NULL, OPT_PARMAP_ITEMS },
    { "n", required_argument, NULL, OPT_N },
    { "k", required_argument, NULL, OPT_K },
    { "cutoff", required_argument, NULL, OPT_CUTOFF },
    { "no-story", no_argument, NULL, OPT_NO_STORY },
    { "story-n", required_argument, NULL, OPT_STORY_N },
    { "story-items", required_argument, NULL, OPT_STORY_ITEMS },
    { "python", no_argument, NULL, OPT_PYTHON },
    { "python-n", required_argument, NULL, OPT_PYTHON_N },
    { "python-items", required_argument, NULL, OPT_PYTHON_ITEMS },
    { "python-dir", required_argument, NULL, OPT_PYTHON_DIR },
    { "baseline", required_argument, NULL, OPT_BASELINE },
    { "threshold", required_argument, NULL, OPT_THRESHOLD },
    { "timeout", required_argument, NULL, OPT_TIMEOUT },
    { "out", required_argument, NULL, OPT_OUT },
    { "bin-dir", required_argument, NULL, OPT_BINDIR },
    { "mpirun", required_argument, NULL, OPT_MPIRUN },
    { "grain", no_argument, NULL, OPT_GRAIN },
    { "no-grain", no_argument, NULL, OPT_NO_GRAIN },
    { "no-bandwidth", no_argument, NULL, OPT_NO_BANDWIDTH },
    { "stream-mib", required_argument, NULL, OPT_STREAM_MIB },
    { "overhead", no_argument, NULL, OPT_OVERHEAD },
    { "no-overhead", no_argument, NULL, OPT_NO_OVERHEAD },
    { "nodes", required_argument, NULL, OPT_NODES },
    { "hostfile", required_argument, NULL, OPT_HOSTFILE },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 }
};

static const char *opt_name(int val)
{
    return par_option_name(long_opts, val);
}

/* --ci-target, --max-reps, --time-budget, --max-warmup: checked with the
 * children's own ranges, kept as text and passed on. */
static int sampling_opt(struct par__cli *c, int opt, const char *arg, char *msg, size_t len)
{
    double d;
    long long v;
    int rc;
    switch (opt) {
    case OPT_CI_TARGET:
        if ((rc = real_opt("--ci-target", arg, 0.1, 100, "%", &d, msg, len)))
            return rc;
        c->ci_target = arg;
        return 0;
    case OPT_TIME_BUDGET:
        if ((rc = real_opt("--time-budget", arg, 0, 86400, " s", &d, msg, len)))
            return rc;
        c->time_budget = arg;
        return 0;
    case OPT_MAX_REPS:
        if ((rc = whole_opt("--max-reps", arg, 6, PAR_MAX_REPS, &v, msg, len)))
            return rc;
        c->max_reps = arg;
        return 0;
    default:
        if ((rc = whole_opt("--max-warmup", arg, 0, PAR_MAX_WARMUP, &v, msg, len)))
            return rc;
        c->max_warmup = arg;
        return 0;
    }
}

/* The largest list a child accepts for --items (it checks memory itself;
 * this only keeps the number sane). */
#define MAX_ITEMS 4000000000LL

int par__cli_parse(struct par__cli *c, int argc, char **argv, char *msg, size_t len)
{
    memset(c, 0, sizeof *c);
    c->reps = c->warmup = -1;
    c->story = 1;
    c->bandwidth = 1;
    c->story_n = 35;
    c->story_items = 999999;
    c->threshold = 0.10;
    c->timeout_s = 60.0;
    int quick = 0, grain_flag = -1, overhead_flag = -1;

    long long v;
    int opt, rc;
    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, ":hV", long_opts, NULL)) != -1) {
        switch (opt) {
        case OPT_WORKLOADS:
            c->nworkloads = 0;
            if ((rc = each_item("--workloads", optarg, msg, len, add_workload, c)))
                return rc;
            break;
        case OPT_BACKENDS:
            c->nbackends = 0;
            if ((rc = each_item("--backends", optarg, msg, len, add_backend, c)))
                return rc;
            break;
        case OPT_WORKERS:
            c->nworkers = 0;
            if (!*optarg)
                return par_usage_fail(msg, len,
                                      "--workers: empty list; give counts in 1..%d separated "
                            "by commas", PAR_MAX_WORKERS);
            if ((rc = each_item("--workers", optarg, msg, len, add_workers, c)))
                return rc;
            break;
        case OPT_REPS:
            if ((rc = whole_opt("--reps", optarg, 1, PAR_MAX_REPS, &v, msg, len)))
                return rc;
            c->reps = (int)v;
            break;
        case OPT_INVOCATIONS:
            if ((rc = whole_opt("--invocations", optarg, 1, PAR__MAX_INVOCATIONS, &v, msg, len)))
                return rc;
            c->invocations = (int)v;
            break;
        case OPT_WARMUP:
            if ((rc = whole_opt("--warmup", optarg, 0, PAR_MAX_WARMUP, &v, msg, len)))
                return rc;
            c->warmup = (int)v;
            break;
        case OPT_CI_TARGET:
        case OPT_MAX_REPS:
        case OPT_TIME_BUDGET:
        case OPT_MAX_WARMUP:
            if ((rc = sampling_opt(c, opt, optarg, msg, len)))
                return rc;
            break;
        case OPT_QUICK:
        case OPT_FULL:
            if ((opt == OPT_QUICK && c->full) || (opt == OPT_FULL && quick))
                return par_usage_fail(msg, len, "--quick and --full: choose one");
            quick = opt == OPT_QUICK;
            c->full = opt == OPT_FULL;
            break;
        case OPT_ITEMS:
        case OPT_PARMAP_ITEMS:
        case OPT_STORY_ITEMS:
        case OPT_PYTHON_ITEMS: {
            char name[40];
            snprintf(name, sizeof name, "--%s", opt_name(opt));
            long long hi = opt == OPT_PARMAP_ITEMS ? PAR_MAX_K : MAX_ITEMS;
            if ((rc = whole_opt(name, optarg, 1, hi, &v, msg, len)))
                return rc;
            size_t *dst = opt == OPT_ITEMS ? &c->items : opt == OPT_PARMAP_ITEMS
                        ? &c->parmap_items : opt == OPT_STORY_ITEMS ? &c->story_items
                        : &c->python_items;
            *dst = (size_t)v;
            break;
        }
        case OPT_N:
        case OPT_CUTOFF:
        case OPT_STORY_N:
        case OPT_PYTHON_N: {
            char name[40];
            snprintf(name, sizeof name, "--%s", opt_name(opt));
            if ((rc = whole_opt(name, optarg, 1, PAR_FIB_MAX_N, &v, msg, len)))
                return rc;
            int *dst = opt == OPT_N ? &c->n : opt == OPT_CUTOFF ? &c->cutoff
                     : opt == OPT_STORY_N ? &c->story_n : &c->python_n;
            *dst = (int)v;
            break;
        }
        case OPT_K:
            if ((rc = whole_opt("--k", optarg, 1, PAR_MAX_K, &v, msg, len)))
                return rc;
            c->k = (int)v;
            break;
        case OPT_GRAIN:
        case OPT_NO_GRAIN:
            if (grain_flag != -1 && grain_flag != (opt == OPT_GRAIN ? 2 : 0))
                return par_usage_fail(msg, len, "--grain and --no-grain: choose one");
            grain_flag = opt == OPT_GRAIN ? 2 : 0;
            break;
        case OPT_NO_BANDWIDTH:
            c->bandwidth = 0;
            break;
        case OPT_STREAM_MIB:
            if ((rc = whole_opt("--stream-mib", optarg, 1, 16384, &v, msg, len)))
                return rc;
            c->stream_mib = (int)v;
            break;
        case OPT_OVERHEAD:
        case OPT_NO_OVERHEAD:
            if (overhead_flag != -1 && overhead_flag != (opt == OPT_OVERHEAD))
                return par_usage_fail(msg, len, "--overhead and --no-overhead: choose one");
            overhead_flag = opt == OPT_OVERHEAD;
            break;
        case OPT_NO_STORY:
            c->story = 0;
            break;
        case OPT_PYTHON:
            c->python = 1;
            break;
        case OPT_PYTHON_DIR:
            c->python_dir = optarg;
            break;
        case OPT_BASELINE:
            if (!*optarg)
                return par_usage_fail(msg, len, "--baseline: expected the path of a results.json");
            c->baseline = optarg;
            break;
        case OPT_THRESHOLD: {
            double pct;
            if ((rc = real_opt("--threshold", optarg, 0, 1000, "%", &pct, msg, len)))
                return rc;
            c->threshold = pct / 100.0;
            break;
        }
        case OPT_TIMEOUT:
            if ((rc = real_opt("--timeout", optarg, 0.1, MAX_TIMEOUT_S, " s", &c->timeout_s, msg,
                               len)))
                return rc;
            break;
        case OPT_OUT:
            if (!*optarg)
                return par_usage_fail(msg, len, "--out: expected a folder name");
            c->out = optarg;
            break;
        case OPT_BINDIR:
            if (!*optarg)
                return par_usage_fail(msg, len, "--bin-dir: expected the folder holding poolmap");
            c->bindir = optarg;
            break;
        case OPT_MPIRUN:
            if (!*optarg)
                return par_usage_fail(msg, len, "--mpirun: expected the path of mpirun");
            c->mpirun = optarg;
            break;
        case OPT_NODES:
            if ((rc = par__nodes_parse(&c->nodes, optarg, msg, len)))
                return rc;
            break;
        case OPT_HOSTFILE:
            if (!*optarg)
                return par_usage_fail(msg, len, "--hostfile: expected the path of a hostfile");
            c->nodes.hostfile = optarg;
            break;
        case 'h':
            c->show_help = 1;
            break;
        case 'V':
            c->show_version = 1;
            break;
        case ':':
            if (optopt >= 256)
                return par_usage_fail(msg, len,
                                      "--%s needs a value (see --help)", opt_name(optopt));
            return par_usage_fail(msg, len, "%s needs a value (see --help)", argv[optind - 1]);
        default:
            if (optopt && optopt < 256)
                return par_usage_fail(msg, len, "unknown option '-%c' (see --help)", optopt);
            return par_usage_fail(msg, len, "unknown option '%s' (see --help)", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return par_usage_fail(msg, len, "unexpected argument '%s' (options only; see --help)",
                    argv[optind]);
    /* The short (or, with --full, fine) sweep comes with the default matrix;
     * a matrix narrowed with --workloads runs without it. */
    c->grain = grain_flag != -1 ? grain_flag : c->nworkloads ? 0 : 1;
    /* The overhead suite comes with the default matrix too; --grain alone
     * is the sweep alone. */
    c->overhead = overhead_flag != -1 ? overhead_flag : c->nworkloads || c->grain == 2 ? 0 : 1;
    /* A --nodes run is about placement across nodes: the sweep and the
     * suite measure one node, so they are left out (main says so). */
    if (c->nodes.ncounts) {
        if (grain_flag == 2)
            return par_usage_fail(msg, len, "--grain and --nodes: the task-size sweep runs on "
                                  "one node; run it without --nodes");
        if (overhead_flag == 1)
            return par_usage_fail(msg, len, "--overhead and --nodes: the overhead suite runs "
                                  "on one node; run it without --nodes");
        c->skipped_for_nodes = c->grain || c->overhead;
        c->grain = c->overhead = 0;
    }
    return 0;
}

void par__cli_usage(void *stream)
{
    FILE *f = stream;
    fprintf(f,
"usage: parcompare [options]\n"
"\n"
"Runs workloads x back ends x worker counts as child processes of poolmap and\n"
"parmap (MPI through mpirun), checks that every result verified, prints one\n"
"table per workload and writes results.json, results.csv, report.md and plots.\n"
"\n"
"What to run\n"
"      --workloads LIST   map,fib,parmap,fibtask (default: all four)\n"
"      --backends LIST    serial,pthread,gil,omp,proc,mpi,hybrid (default: every one\n"
"                         built, hybrid only with --nodes; serial always runs once\n"
"                         per workload as the reference)\n"
"      --workers LIST     worker counts, e.g. 1,2,4 (default: 1..cores and 2*cores;\n"
"                         above 8 cores, powers of two up to the cores)\n"
"      --quick            small sizes, repetitions within a 1 s budget per point:\n"
"                         the whole matrix in about two minutes on 2 cores (default)\n"
"      --full             the programs' default sizes, a 10 s budget per point\n"
"      --reps R           exactly R timed repetitions per invocation, 1..%d (default:\n"
"                         repeat until the 95%% CI of the median is within target;\n"
"                         below 6 there is no CI and --baseline cannot judge)\n"
"      --ci-target P      the CI half-width to reach, in %% (default 5)\n"
"      --max-reps R       at most R samples per invocation (quick 30, full 100)\n"
"      --time-budget S    stop adding samples after S s of runs (quick 1, full 10;\n"
"                         6 samples are always taken)\n"
"      --invocations N    run every point in N separate processes, in rounds, and\n"
"                         pool their samples (default: quick 2, full 3; 1..%d);\n"
"                         --baseline needs 2 or more to judge (docs/measurement.md)\n"
"      --warmup W         at least W warm-up runs per point, 0..%d (quick 0, full 1)\n"
"      --max-warmup M     warm up until the times stop falling, at most M (default 20)\n"
"      --items N          map: items          --parmap-items N  parmap: list length\n"
"      --n N              fib and fibtask: n  --k K             fib: calls\n"
"      --cutoff C         fibtask: serial below this n\n"
"      --grain            only the task-size sweep: METG(50 %%) per back end and\n"
"                         pattern, efficiency plots, advice (it also runs after\n"
"                         the default matrix: short with --quick, fine with --full)\n"
"      --no-grain         skip that sweep (so does --workloads)\n"
"      --no-bandwidth     skip the memory-bandwidth measurement (STREAM triad, once\n"
"                         per run: the bound on map's time, docs/measurement.md)\n"
"      --stream-mib M     its arrays: 3 of M MiB each, 1..16384 (default: 4 x the\n"
"                         last-level cache as STREAM asks, 32..64 quick, ..256 full)\n"
"      --overhead         also run the overhead suite (bench_overhead: fork/join,\n"
"                         barrier, empty task, map item, round trip per back end;\n"
"                         it runs after the default matrix, into the report's appendix)\n"
"      --no-overhead      skip it (so do --workloads, --grain and --nodes)\n"
"\n"
"The cheatsheet and Python\n"
"      --no-story         skip the points at the cheatsheet's own sizes\n"
"      --story-n N        fib argument of those points (default 35, as printed)\n"
"      --story-items N    map items of those points (default 999999, as printed)\n"
"      --python           also time our Python 3 ports (bench/python) with python3\n"
"      --python-n N       their fib argument (quick 32, full 35)\n"
"      --python-items N   their map items (default 999999)\n"
"      --python-dir DIR   where the ports are (default: share/parcompare/python of\n"
"                         an installed parcompare, else the source tree's bench/python)\n"
"\n"
"Comparing and running\n"
"      --baseline FILE    compare with an earlier results.json\n"
"      --threshold PCT    slower than the baseline by more than PCT %% with disjoint\n"
"                         95%% CIs, and by more than the run-to-run noise floor, is a\n"
"                         regression (default 10)\n"
"      --timeout S        seconds per child before it is killed (default 60)\n"
"      --out DIR          output folder (default: a new results/<date-time>)\n"
"      --bin-dir DIR      where poolmap and parmap are (default: beside parcompare)\n"
"      --mpirun PATH      the MPI launcher (default: mpirun on PATH)\n"
"\n"
"Across nodes\n"
"      --nodes LIST       node counts, e.g. 1,2: every mpi point runs on each count N\n"
"                         dividing its ranks (N x ranks/N), and hybrid joins as N\n"
"                         ranks x workers/N threads; needs a Slurm allocation (srun\n"
"                         places the ranks) or --hostfile; the grain sweep and the\n"
"                         overhead suite (one node) are left out of such a run\n"
"      --hostfile FILE    Open MPI hostfile: --nodes N uses its first N hosts\n"
"  -h, --help             this text\n"
"  -V, --version          version\n"
"\n"
"Exit status: 0 every point verified (and no regression); 1 a point failed,\n"
"crashed, timed out or did not verify, or --baseline found a regression;\n"
"2 usage error; 3 --baseline could not judge a point (no CI: fewer than 6\n"
"samples here or in the baseline; or no run-to-run noise floor: one invocation\n"
"here and in the baseline), and nothing failed or regressed.\n",
            PAR_MAX_REPS, PAR__MAX_INVOCATIONS, PAR_MAX_WARMUP);
}
