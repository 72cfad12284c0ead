/* Command-line options shared by poolmap and parmap (and passed through by
 * parcompare). Parsing never exits: it returns an error code and a one-line
 * message naming the option and the accepted range; the program prints it
 * and exits 2. */
#ifndef PAR_OPTIONS_H
#define PAR_OPTIONS_H
#include "export.h"
PAR_BEGIN_DECLS

#include <stddef.h>
#include <stdint.h>

#include "grain.h"

enum par_workload { PAR_W_MAP, PAR_W_FIB, PAR_W_PARMAP, PAR_W_FIBTASK, PAR_W_GRAIN, PAR_W_COUNT_ };
enum par_schedule { PAR_SCHED_STATIC, PAR_SCHED_DYNAMIC, PAR_SCHED_GUIDED };
enum par_format { PAR_FMT_TEXT, PAR_FMT_JSON, PAR_FMT_CSV };

#define PAR_MAX_WORKERS 1024
#define PAR_MAX_REPS 1000
#define PAR_MAX_WARMUP 100
#define PAR_MAX_K 1000000
#define PAR_DEFAULT_MAX_REPS 100
#define PAR_DEFAULT_MAX_WARMUP 20
#define PAR_DEFAULT_CI_TARGET 0.05
#define PAR_DEFAULT_TIME_BUDGET 10.0

struct par_opts {
    enum par_workload workload;
    const char *backend;        /* name as given (points into argv or a literal) */
    int workers;                /* >= 1 after par_opts_finish */
    const char *workers_from;   /* "-j", "OMP_NUM_THREADS", "cores", "launcher" */
    const char *workers_env;    /* variable read when -j is absent ("OMP_NUM_THREADS"
                                   for threads), or NULL: -j, else the cores */
    int n;                      /* fib argument (fib, fibtask) */
    int k;                      /* number of fib calls (fib) */
    size_t items;               /* map: items; parmap: list length */
    int cutoff;                 /* fibtask: below this n, recurse serially */
    enum par_schedule schedule;
    int schedule_set;           /* 1 when --schedule was given */
    int schedule_unused;        /* 1 when the run has no schedule (serial back end,
                                   fibtask): OMP_SCHEDULE is then not read */
    size_t chunk;               /* 0 = automatic */
    int chunk_set;              /* 1 when --chunk was given */
    int reps, warmup;           /* --reps (fixed count when reps_set), --warmup (at least) */
    int reps_set;               /* 1 when --reps was given: no adaptive repetitions */
    int max_reps;               /* adaptive: most samples (--max-reps) */
    int max_warmup;             /* most warm-ups the drift test may take (--max-warmup) */
    double ci_target;           /* adaptive: relative CI half-width, 0.05 = +-5 % */
    double time_budget;         /* adaptive: seconds of runs per measurement */
    enum par_format format;
    int seed_sizes;             /* the cheatsheet's own sizes */
    double switch_interval;     /* gil back end: seconds (default 0.005) */
    int64_t iterations;         /* grain: kernel iterations per task (I) */
    size_t tasks;               /* grain: tasks per step (T); 0 = one per worker */
    int64_t steps;              /* grain: steps (S) */
    enum par_pattern pattern;   /* grain: none | stencil */
    int threads;                /* hybrid: --threads per MPI rank; 0 = not given */
    int set_mask;               /* which of n/k/items/cutoff were given (PAR_SET_*) */
    int show_help, show_version, list_backends;
};

#define PAR_SET_N      1
#define PAR_SET_K      2
#define PAR_SET_ITEMS  4
#define PAR_SET_CUTOFF 8

/* Defaults, sized so that a serial run takes roughly 0.2-1 s on a current core. */
#define PAR_DEFAULT_MAP_ITEMS     999999
#define PAR_DEFAULT_FIB_N         35
#define PAR_DEFAULT_FIB_K         16
#define PAR_DEFAULT_PARMAP_ITEMS  64
#define PAR_DEFAULT_FIBTASK_N     40
#define PAR_DEFAULT_FIBTASK_CUTOFF 25
#define PAR_DEFAULT_GRAIN_ITERATIONS 100000
#define PAR_DEFAULT_GRAIN_STEPS   1000

/* Fills defaults for `tool` ("poolmap"/"parmap"), with the given default
 * workload and back end names. */
void par_opts_init(struct par_opts *o, enum par_workload workload, const char *backend);

/* Parses argv (getopt_long; argv is not modified beyond getopt's permutation).
 * Returns 0, or PAR_EINVAL with a one-line message in msg. Thread-unsafe
 * (getopt state). */
int par_opts_parse(struct par_opts *o, int argc, char **argv, char *msg, size_t msglen);

/* Applies what depends on the workload and the environment: --seed-sizes,
 * per-workload defaults, the worker count (-j, else OMP_NUM_THREADS, else
 * cores), OMP_SCHEDULE when --schedule was not given, and the memory limit on
 * --items. Returns 0 or PAR_EINVAL with a one-line message. */
int par_opts_finish(struct par_opts *o, char *msg, size_t msglen);

/* The --help text for `tool`; workers_env as in struct par_opts. */
void par_opts_usage(const char *tool, const char *default_backend, const char *workers_env,
                    void *stream);

const char *par_workload_name(enum par_workload w);
const char *par_schedule_name(enum par_schedule s);
int par_workload_parse(const char *s, enum par_workload *w);   /* 0 or PAR_EINVAL */
int par_schedule_parse(const char *s, enum par_schedule *sch); /* 0 or PAR_EINVAL */

/* Writes a one-line usage message into msg (printf format) and returns
 * PAR_EINVAL, so that a parser can `return par_usage_fail(...)`. */
int par_usage_fail(char *msg, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A whole decimal number in [lo, hi] and nothing else: an optional sign,
 * digits, no spaces, no suffix. Returns 0 or PAR_EINVAL. */
int par_parse_whole(const char *s, long long lo, long long hi, long long *out);

/* par_parse_whole for the value of option `name`; on failure writes the
 * one-line message "<name>: expected a whole number in lo..hi<why>, got
 * '<arg>'" (why may be NULL) and returns PAR_EINVAL. */
int par_parse_whole_opt(const char *name, const char *arg, long long lo, long long hi,
                        const char *why, long long *out, char *msg, size_t len);

/* A decimal number in [lo, hi] and nothing else (strtod's syntax, no leading
 * space), optionally followed by exactly `unit` (NULL: no unit). Returns 0 or
 * PAR_EINVAL; NaN is never in range. */
int par_parse_real(const char *s, const char *unit, double lo, double hi, double *out);

struct option;

/* The long name (without "--") of the entry of a getopt_long table whose
 * val is `val`, or "?". */
const char *par_option_name(const struct option *table, int val);

/* Largest --items the memory of this machine allows (3 int64 arrays per item). */
size_t par_max_items(void);

/* Number of online cores (>= 1). */
int par_cores(void);

PAR_END_DECLS
#endif
