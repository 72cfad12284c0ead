/* Option parsing for poolmap and parmap. Every error is one line naming the
 * option, what it accepts and what it got; nothing is clamped silently. */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "ci.h"
#include "error.h"
#include "kernels.h"
#include "ompenv.h"
#include "visible.h"

static const char *const workload_names[PAR_W_COUNT_] = { "map", "fib", "parmap", "fibtask",
                                                           "grain" };
static const char *const schedule_names[] = { "static", "dynamic", "guided" };

const char *par_workload_name(enum par_workload w)
{
    return (int)w >= 0 && w < PAR_W_COUNT_ ? workload_names[w] : "?";
}

const char *par_schedule_name(enum par_schedule s)
{
    return (int)s >= 0 && s <= PAR_SCHED_GUIDED ? schedule_names[s] : "?";
}

int par_workload_parse(const char *s, enum par_workload *w)
{
    for (int i = 0; i < PAR_W_COUNT_; i++)
        if (strcmp(s, workload_names[i]) == 0) {
            *w = (enum par_workload)i;
            return 0;
        }
    return PAR_EINVAL;
}

int par_schedule_parse(const char *s, enum par_schedule *sch)
{
    for (int i = 0; i <= PAR_SCHED_GUIDED; i++)
        if (strcmp(s, schedule_names[i]) == 0) {
            *sch = (enum par_schedule)i;
            return 0;
        }
    return PAR_EINVAL;
}

int par_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n >= 1 ? (int)(n > PAR_MAX_WORKERS ? PAR_MAX_WORKERS : n) : 1;
}

size_t par_max_items(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
    uint64_t mem = pages > 0 && psize > 0 ? (uint64_t)pages * (uint64_t)psize : UINT64_C(1) << 32;
    /* in, out and reference arrays of int64_t, plus a copy a back end may
     * make (MPI scatter buffers): 32 bytes per item must fit in memory. */
    return (size_t)(mem / 32);
}

int par_usage_fail(char *msg, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, len, fmt, ap);
    va_end(ap);
    return PAR_EINVAL;
}

int par_parse_whole(const char *s, long long lo, long long hi, long long *out)
{
    if (!s)
        return PAR_EINVAL;
    const char *p = (*s == '-' || *s == '+') ? s + 1 : s;
    if (!*p)
        return PAR_EINVAL;
    for (; *p; p++)
        if (*p < '0' || *p > '9')
            return PAR_EINVAL;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return PAR_EINVAL;
    *out = v;
    return 0;
}

int par_parse_real(const char *s, const char *unit, double lo, double hi, double *out)
{
    if (!s || !*s || *s == ' ' || (*s >= '\t' && *s <= '\r'))
        return PAR_EINVAL;
    errno = 0;
    char *end;
    double v = strtod(s, &end);
    if (end == s)
        return PAR_EINVAL;
    if (unit && *end && strcmp(end, unit) == 0)
        end += strlen(end);
    if (errno || *end || !(v >= lo && v <= hi))
        return PAR_EINVAL;
    *out = v;
    return 0;
}

const char *par_option_name(const struct option *table, int val)
{
    for (const struct option *o = table; o->name; o++)
        if (o->val == val)
            return o->name;
    return "?";
}

int par_parse_whole_opt(const char *name, const char *arg, long long lo, long long hi,
                         const char *why, long long *out, char *msg, size_t len)
{
    if (par_parse_whole(arg, lo, hi, out) == 0)
        return 0;
    return par_usage_fail(msg, len,
                          "%s: expected a whole number in %lld..%lld%s, got '%s'", name, lo, hi,
                why ? why : "", par_vis(arg ? arg : ""));
}

void par_opts_init(struct par_opts *o, enum par_workload workload, const char *backend)
{
    memset(o, 0, sizeof *o);
    o->workload = workload;
    o->backend = backend;
    o->reps = 5;
    o->warmup = 1;
    o->max_reps = PAR_DEFAULT_MAX_REPS;
    o->max_warmup = PAR_DEFAULT_MAX_WARMUP;
    o->ci_target = PAR_DEFAULT_CI_TARGET;
    o->time_budget = PAR_DEFAULT_TIME_BUDGET;
    o->schedule = PAR_SCHED_STATIC;
    o->switch_interval = 0.005;
    o->format = PAR_FMT_TEXT;
    o->workers_env = "OMP_NUM_THREADS";
    o->iterations = PAR_DEFAULT_GRAIN_ITERATIONS;
    o->steps = PAR_DEFAULT_GRAIN_STEPS;
    o->pattern = PAR_PATTERN_STENCIL;
}

enum {
    OPT_N = 256, OPT_K, OPT_ITEMS, OPT_CUTOFF, OPT_SCHEDULE, OPT_CHUNK, OPT_REPS, OPT_WARMUP,
    OPT_JSON, OPT_CSV, OPT_SEED, OPT_SWITCH, OPT_LIST, OPT_ITERATIONS, OPT_TASKS, OPT_STEPS,
    OPT_PATTERN, OPT_THREADS, OPT_MAX_REPS, OPT_MAX_WARMUP, OPT_CI_TARGET, OPT_BUDGET
};

static const struct option long_opts[] = {
    { "workload", required_argument, NULL, 'w' },
    { "backend", required_argument, NULL, 'b' },
    { "workers", required_argument, NULL, 'j' },
    { "n", required_argument, NULL, OPT_N },
    { "k", required_argument, NULL, OPT_K },
    { "items", required_argument, NULL, OPT_ITEMS },
    { "cutoff", required_argument, NULL, OPT_CUTOFF },
    { "schedule", required_argument, NULL, OPT_SCHEDULE },
    { "chunk", required_argument, NULL, OPT_CHUNK },
    { "reps", required_argument, NULL, OPT_REPS },
    { "warmup", required_argument, NULL, OPT_WARMUP },
    { "max-reps", required_argument, NULL, OPT_MAX_REPS },
    { "max-warmup", required_argument, NULL, OPT_MAX_WARMUP },
    { "ci-target", required_argument, NULL, OPT_CI_TARGET },
    { "time-budget", required_argument, NULL, OPT_BUDGET },
    { "json", no_argument, NULL, OPT_JSON },
    { "csv", no_argument, NULL, OPT_CSV },
    { "seed-sizes", no_argument, NULL, OPT_SEED },
    { "switch-interval", required_argument, NULL, OPT_SWITCH },
    { "list-backends", no_argument, NULL, OPT_LIST },
    { "iterations", required_argument, NULL, OPT_ITERATIONS },
    { "tasks", required_argument, NULL, OPT_TASKS },
    { "steps", required_argument, NULL, OPT_STEPS },
    { "pattern", required_argument, NULL, OPT_PATTERN },
    { "threads", required_argument, NULL, OPT_THREADS },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 }
};

/* The spelling of the option getopt just handled, for messages. */
static const char *opt_name(int c)
{
    static _Thread_local char buf[40];
    snprintf(buf, sizeof buf, "--%s", par_option_name(long_opts, c));
    return buf;
}

int par_opts_parse(struct par_opts *o, int argc, char **argv, char *msg, size_t len)
{
    long long v;
    int c, rc;
    opterr = 0; /* we print our own one-line errors */
    optind = 1;
    while ((c = getopt_long(argc, argv, ":w:b:j:hV", long_opts, NULL)) != -1) {
        switch (c) {
        case 'w':
            if (par_workload_parse(optarg, &o->workload))
                return par_usage_fail(msg, len,
                                      "--workload: unknown workload '%s'; expected one of "
                            "map, fib, parmap, fibtask, grain", par_vis(optarg));
            break;
        case 'b':
            o->backend = optarg;
            break;
        case 'j':
            if ((rc = par_parse_whole_opt("-j/--workers", optarg, 1,
                                          PAR_MAX_WORKERS, NULL, &v, msg, len)))
                return rc;
            o->workers = (int)v;
            o->workers_from = "-j";
            break;
        case OPT_N:
            if ((rc = par_parse_whole_opt("--n", optarg, 1, PAR_FIB_MAX_N,
                                    " (fib(93) overflows int64)", &v, msg, len)))
                return rc;
            o->n = (int)v;
            o->set_mask |= PAR_SET_N;
            break;
        case OPT_K:
            if ((rc = par_parse_whole_opt("--k", optarg, 1, PAR_MAX_K, NULL, &v, msg, len)))
                return rc;
            o->k = (int)v;
            o->set_mask |= PAR_SET_K;
            break;
        case OPT_ITEMS: {
            long long max = (long long)par_max_items();
            if ((rc = par_parse_whole_opt("--items", optarg, 1, max,
                                    " (limited by this machine's memory)", &v, msg, len)))
                return rc;
            o->items = (size_t)v;
            o->set_mask |= PAR_SET_ITEMS;
            break;
        }
        case OPT_CUTOFF:
            if ((rc = par_parse_whole_opt("--cutoff", optarg, 1,
                                          PAR_FIB_MAX_N, NULL, &v, msg, len)))
                return rc;
            o->cutoff = (int)v;
            o->set_mask |= PAR_SET_CUTOFF;
            break;
        case OPT_SCHEDULE:
            if (par_schedule_parse(optarg, &o->schedule))
                return par_usage_fail(msg, len,
                                      "--schedule: expected static, dynamic or guided, got '%s'",
                            par_vis(optarg));
            o->schedule_set = 1;
            break;
        case OPT_CHUNK:
            if ((rc = par_parse_whole_opt("--chunk", optarg, 0,
                                          INT32_MAX, " (0 = automatic)", &v, msg,
                                    len)))
                return rc;
            o->chunk = (size_t)v;
            o->chunk_set = 1;
            break;
        case OPT_REPS:
            if ((rc = par_parse_whole_opt("--reps", optarg, 1, PAR_MAX_REPS, NULL, &v, msg, len)))
                return rc;
            o->reps = (int)v;
            o->reps_set = 1;
            break;
        case OPT_MAX_REPS:
            if ((rc = par_parse_whole_opt("--max-reps", optarg, PAR_CI_MIN_SAMPLES, PAR_MAX_REPS,
                                          " (a 95 % CI needs 6)", &v, msg, len)))
                return rc;
            o->max_reps = (int)v;
            break;
        case OPT_MAX_WARMUP:
            if ((rc = par_parse_whole_opt("--max-warmup", optarg, 0, PAR_MAX_WARMUP, NULL, &v,
                                          msg, len)))
                return rc;
            o->max_warmup = (int)v;
            break;
        case OPT_CI_TARGET: {
            double t;
            if (par_parse_real(optarg, "%", 0.1, 100.0, &t) != 0)
                return par_usage_fail(msg, len, "--ci-target: expected a percentage in 0.1..100 "
                                      "(\"5\" or \"5%%\" for +-5 %%), got '%s'", optarg);
            o->ci_target = t / 100.0;
            break;
        }
        case OPT_BUDGET: {
            double t;
            if (par_parse_real(optarg, "s", 0.0, 86400.0, &t) != 0)
                return par_usage_fail(msg, len, "--time-budget: expected seconds in 0..86400, "
                                      "got '%s'", optarg);
            o->time_budget = t;
            break;
        }
        case OPT_WARMUP:
            if ((rc = par_parse_whole_opt("--warmup", optarg, 0,
                                          PAR_MAX_WARMUP, NULL, &v, msg, len)))
                return rc;
            o->warmup = (int)v;
            break;
        case OPT_JSON:
        case OPT_CSV: {
            enum par_format f = c == OPT_JSON ? PAR_FMT_JSON : PAR_FMT_CSV;
            if (o->format != PAR_FMT_TEXT && o->format != f)
                return par_usage_fail(msg, len, "--json and --csv: choose one output format");
            o->format = f;
            break;
        }
        case OPT_SEED:
            o->seed_sizes = 1;
            break;
        case OPT_SWITCH: {
            double s;
            if (par_parse_real(optarg, NULL, 1e-6, 10.0, &s) != 0)
                return par_usage_fail(msg, len,
                                      "--switch-interval: expected seconds in 0.000001..10, "
                            "got '%s'", par_vis(optarg));
            o->switch_interval = s;
            break;
        }
        case OPT_LIST:
            o->list_backends = 1;
            break;
        case OPT_ITERATIONS:
            if ((rc = par_parse_whole_opt("--iterations", optarg, 1, PAR_GRAIN_MAX_ITERATIONS,
                                          NULL, &v, msg, len)))
                return rc;
            o->iterations = v;
            break;
        case OPT_TASKS:
            if ((rc = par_parse_whole_opt("--tasks", optarg, 0, PAR_GRAIN_MAX_TASKS,
                                          " (0 = one per worker)", &v, msg, len)))
                return rc;
            o->tasks = (size_t)v;
            break;
        case OPT_STEPS:
            if ((rc = par_parse_whole_opt("--steps", optarg, 1, PAR_GRAIN_MAX_STEPS, NULL, &v,
                                          msg, len)))
                return rc;
            o->steps = v;
            break;
        case OPT_PATTERN:
            if (par_pattern_parse(optarg, &o->pattern))
                return par_usage_fail(msg, len,
                                      "--pattern: unknown pattern '%s'; expected none or stencil",
                                      par_vis(optarg));
            break;
        case OPT_THREADS:
            if ((rc = par_parse_whole_opt("--threads", optarg, 1, PAR_MAX_WORKERS,
                                          " (hybrid: OpenMP threads per MPI rank)", &v, msg,
                                          len)))
                return rc;
            o->threads = (int)v;
            break;
        case 'h':
            o->show_help = 1;
            break;
        case 'V':
            o->show_version = 1;
            break;
        case ':':
            if (optopt)
                return par_usage_fail(msg, len, "%s needs a value (see --help)",
                            optopt < 256 ? (optopt == 'j' ? "-j/--workers"
                                            : optopt == 'w' ? "--workload" : "--backend")
                                         : opt_name(optopt));
            return par_usage_fail(msg, len, "%s needs a value (see --help)",
                                  par_vis(argv[optind - 1]));
        default:
            if (optopt && optopt < 256)
                return par_usage_fail(msg, len, "unknown option '-%c' (see --help)", optopt);
            return par_usage_fail(msg, len, "unknown option '%s' (see --help)",
                                  par_vis(argv[optind - 1]));
        }
    }
    if (optind < argc)
        return par_usage_fail(msg, len,
                              "unexpected argument '%s' (options only; see --help)",
                              par_vis(argv[optind]));
    return 0;
}

/* Threads take their count from OMP_NUM_THREADS when -j is absent, as
 * OpenMP programs do; processes (workers_env NULL) do not. The value is read
 * as libgomp reads it (ompenv.h): a list ("4,2" for nested levels) whose
 * first entry is the outer level, which is what we run. */
static int workers_from_env(struct par_opts *o, char *msg, size_t len)
{
    const char *s = o->workers_env ? par_omp_getenv(o->workers_env) : NULL;
    if (!s || !*s) {
        o->workers = par_cores();
        o->workers_from = "cores";
        return 0;
    }
    long v;
    if (par_omp_parse_num_threads(s, &v) || v > PAR_MAX_WORKERS)
        return par_usage_fail(msg, len,
                              "%s (from the environment): expected a whole number in 1..%d "
                              "(or a list such as 4,2), got '%s'", o->workers_env,
                              PAR_MAX_WORKERS, par_vis(s));
    o->workers = (int)v;
    o->workers_from = o->workers_env;
    return 0;
}

/* OMP_SCHEDULE as libgomp reads it (ompenv.h); "auto" runs as static. Not
 * read at all when the run has no schedule (o->schedule_unused). */
static int schedule_from_env(struct par_opts *o, char *msg, size_t len)
{
    const char *s = par_omp_getenv("OMP_SCHEDULE");
    if (!s || !*s || o->schedule_unused)
        return 0;
    enum par_schedule sch;
    int is_auto;
    size_t chunk;
    if (par_omp_parse_schedule(s, &sch, &is_auto, &chunk))
        return par_usage_fail(msg, len, "OMP_SCHEDULE (from the environment): expected "
                              "[monotonic:|nonmonotonic:]static|dynamic|guided|auto[,chunk] "
                              "with chunk 0..%d, got '%s'", INT32_MAX, par_vis(s));
    o->schedule = sch;
    if (!o->chunk_set)
        o->chunk = chunk;
    return 0;
}

int par_opts_finish(struct par_opts *o, char *msg, size_t len)
{
    int rc;
    /* Sizes: explicit flags win, then --seed-sizes, then the defaults. */
    int seed = o->seed_sizes;
    if (!(o->set_mask & PAR_SET_N))
        o->n = o->workload == PAR_W_FIBTASK ? (seed ? 35 : PAR_DEFAULT_FIBTASK_N)
                                             : PAR_DEFAULT_FIB_N;
    if (!(o->set_mask & PAR_SET_K))
        o->k = seed ? 5 : PAR_DEFAULT_FIB_K;
    if (!(o->set_mask & PAR_SET_ITEMS))
        o->items = o->workload == PAR_W_PARMAP ? (seed ? 4 : PAR_DEFAULT_PARMAP_ITEMS)
                                                : PAR_DEFAULT_MAP_ITEMS;
    if (!(o->set_mask & PAR_SET_CUTOFF))
        o->cutoff = o->n > PAR_DEFAULT_FIBTASK_N - PAR_DEFAULT_FIBTASK_CUTOFF
                        ? o->n - (PAR_DEFAULT_FIBTASK_N - PAR_DEFAULT_FIBTASK_CUTOFF) : 1;
    if (o->workload == PAR_W_FIBTASK && o->cutoff > o->n)
        return par_usage_fail(msg, len,
                              "--cutoff: expected 1..%d (at most --n), got %d", o->n, o->cutoff);
    if (o->workload == PAR_W_PARMAP && o->items > PAR_MAX_K)
        return par_usage_fail(msg, len,
                              "--items: parmap takes a list of 1..%d items, got %zu", PAR_MAX_K,
                    o->items);
    if (!o->workers_from && (rc = workers_from_env(o, msg, len)))
        return rc;
    if (!o->schedule_set && (rc = schedule_from_env(o, msg, len)))
        return rc;
    return 0;
}

void par_opts_usage(const char *tool, const char *default_backend, const char *workers_env,
                    void *stream)
{
    FILE *f = stream;
    char wdef[96];
    if (workers_env)
        snprintf(wdef, sizeof wdef, "%s, else the cores", workers_env);
    else
        snprintf(wdef, sizeof wdef, "the cores; under mpirun/srun, the ranks");
    fprintf(f,
"usage: %s [options]\n"
"\n"
"Runs one workload on one back end, times it, checks every result against the\n"
"serial reference and prints a summary (or one JSON object / a CSV row).\n"
"\n"
"  -w, --workload NAME     map | fib | parmap | fibtask | grain\n"
"  -b, --backend NAME      serial | pthread | gil | omp | proc | mpi | hybrid\n"
"                          (default %s;\n"
"                          --list-backends shows which are built)\n"
"  -j, --workers N         workers, 1..%d (default: %s)\n"
"      --n N               fib argument for fib and fibtask, 1..%d (default %d; fibtask %d)\n"
"      --k K               fib: number of fib(n) calls, 1..%d (default %d)\n"
"      --items N           map: items (default %d); parmap: list length (default %d)\n"
"      --cutoff C          fibtask: subtrees with n <= C run serially (default n-%d)\n"
"      --schedule S        static | dynamic | guided (default: OMP_SCHEDULE, else static)\n"
"      --chunk C           items per chunk, 0 = automatic (default 0)\n"
"      --reps R            exactly R timed repetitions, 1..%d (default: adaptive;\n"
"                          below 6 no 95 %% confidence interval is available)\n"
"      --ci-target P       adaptive: repeat until the 95 %% CI of the median is\n"
"                          within +-P %% (default %g)\n"
"      --max-reps R        adaptive: at most R samples, 6..%d (default %d)\n"
"      --time-budget S     adaptive: stop adding samples after S seconds of runs\n"
"                          (default %g; 6 samples are always taken)\n"
"      --warmup W          at least W untimed warm-up runs, 0..%d (default 1)\n"
"      --max-warmup M      warm-up continues until the times stop falling, at\n"
"                          most M runs (default %d; M <= W, or --reps below 6:\n"
"                          exactly W)\n"
"      --seed-sizes        the cheatsheet's sizes: fib(35) x5, 999999 items,\n"
"                          parmap over range(1,5), fibtask fib(35)\n"
"      --switch-interval S gil: seconds a thread may hold the GIL (default 0.005)\n"
"      --iterations I      grain: kernel iterations per task, 1..1e12 (default %d)\n"
"      --tasks T           grain: tasks per step, 0 = one per worker (default 0)\n"
"      --steps S           grain: steps (default %d)\n"
"      --pattern P         grain: none (a barrier per step) | stencil (1-D halo;\n"
"                          default)\n"
"      --threads T         hybrid: OpenMP threads per MPI rank, 1..%d (default:\n"
"                          OMP_NUM_THREADS, else SLURM_CPUS_PER_TASK, else the\n"
"                          cores / ranks on the node); ranks come from mpirun -n\n"
"      --json              print one JSON object\n"
"      --csv               print a CSV header and one row\n"
"  -h, --help              this text\n"
"  -V, --version           version\n"
"\n"
"Exit status: 0 verified, 1 a run failed or did not verify, 2 usage error.\n",
            tool, default_backend, PAR_MAX_WORKERS, wdef, PAR_FIB_MAX_N, PAR_DEFAULT_FIB_N,
            PAR_DEFAULT_FIBTASK_N, PAR_MAX_K, PAR_DEFAULT_FIB_K, PAR_DEFAULT_MAP_ITEMS,
            PAR_DEFAULT_PARMAP_ITEMS, PAR_DEFAULT_FIBTASK_N - PAR_DEFAULT_FIBTASK_CUTOFF,
            PAR_MAX_REPS, PAR_DEFAULT_CI_TARGET * 100, PAR_MAX_REPS, PAR_DEFAULT_MAX_REPS,
            PAR_DEFAULT_TIME_BUDGET, PAR_MAX_WARMUP, PAR_DEFAULT_MAX_WARMUP,
            PAR_DEFAULT_GRAIN_ITERATIONS, PAR_DEFAULT_GRAIN_STEPS, PAR_MAX_WORKERS);
}
