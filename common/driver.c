#include "driver.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "error.h"
#include "inject.h"
#include "report.h"
#include "sampling.h"
#include "stats.h"
#include "visible.h"
#include "workload.h"

#ifndef PAR_VERSION
#define PAR_VERSION "0"
#endif

enum fault { FAULT_NONE, FAULT_WRONG, FAULT_FAIL, FAULT_CRASH, FAULT_HANG };

static enum fault fault_for(const char *backend)
{
    const char *s = getenv("PAR_TEST_FAULT");
    const char *colon = s ? strchr(s, ':') : NULL;
    if (!colon)
        return FAULT_NONE;
    size_t len = (size_t)(colon - s);
    if (!(len == 1 && s[0] == '*') && !(strlen(backend) == len && !strncmp(s, backend, len)))
        return FAULT_NONE;
    const char *k = colon + 1;
    return !strcmp(k, "wrong") ? FAULT_WRONG : !strcmp(k, "fail") ? FAULT_FAIL
         : !strcmp(k, "crash") ? FAULT_CRASH : !strcmp(k, "hang") ? FAULT_HANG : FAULT_NONE;
}

static void list_backends(const struct par_tool *t)
{
    for (size_t i = 0; i < t->nbackends; i++) {
        const struct par_backend_entry *e = &t->backends[i];
        if (e->impl)
            printf("%-8s built (%s)\n", e->name, e->impl->kind);
        else
            printf("%-8s not built: %s\n", e->name, e->why_missing);
    }
}

static void usage_error(const struct par_tool *t, const char *msg)
{
    if (t->rank_hint == 0)
        fprintf(stderr, "%s: %s\n", t->name, msg);
}

/* One repetition: reset outputs, time the back end's call, apply a test
 * fault. Returns the back end's code. */
static int run_once(const struct par_backend *be, struct par_run *run,
                    struct par_workload_data *wd, enum fault fault,
                    const struct par_inject *inj, size_t index, double *seconds)
{
    par_workload_reset(wd);
    struct par_map job = {
        .kernel = wd->kernel, .in = wd->in, .out = wd->out, .n = wd->n,
        .schedule = run->opts->schedule, .chunk = run->opts->chunk,
    };
    if (fault == FAULT_CRASH)
        abort();
    if (fault == FAULT_HANG)
        for (;;)
            pause();
    int64_t t0 = par_now_ns();
    int rc;
    if (wd->workload == PAR_W_GRAIN)
        if (be->grain)
            rc = be->grain(run, &wd->grain);
        else {
            snprintf(run->errmsg, sizeof run->errmsg,
                     "the grain workload is not implemented for back end '%s'", be->name);
            rc = PAR_ENOTSUP;
        }
    else if (wd->workload == PAR_W_FIBTASK)
        rc = be->tree(run, wd->fib_n, wd->cutoff, &wd->tree_out);
    else
        rc = be->map(run, &job);
    int64_t t1 = par_now_ns();
    double s = (double)(t1 - t0) * 1e-9;
    s = be->reduce_time ? be->reduce_time(run, s) : s;
    *seconds = par_inject_time(inj, index, s);
    if (fault == FAULT_FAIL && rc == 0) {
        snprintf(run->errmsg, sizeof run->errmsg, "injected failure (PAR_TEST_FAULT)");
        rc = PAR_ETASK;
    }
    if (fault == FAULT_WRONG && run->is_root) {
        if (wd->workload == PAR_W_FIBTASK)
            wd->tree_out += 1;
        else if (wd->n > 0)
            wd->out[wd->n / 2] += 1;
    }
    return rc;
}

/* Under a launcher only the root rank reports, and only its exit status
 * carries a failure: the others print nothing and exit 0. A launcher ends
 * the whole job as soon as any rank exits non-zero, and could otherwise
 * kill the root before its one line is out (seen with mpirun: a usage error
 * on 3 ranks then printed nothing). Errors a rank meets alone reach the
 * root through the back end (MPI agrees on errors collectively). */
static int run_driver(int argc, char **argv, const struct par_tool *tool, int *is_root);

/* The errno of the first failed flush of stdout, or 0. */
static int stdout_errno;

static void flush_stdout(void)
{
    errno = 0;
    if (fflush(stdout) != 0 && !stdout_errno)
        stdout_errno = errno ? errno : EIO;
}

/* The result goes to stdout; a result that could not be written (a full
 * disk, /dev/full, a closed pipe) is a failure, not a success with nothing
 * to show: exit 1 with one line. */
static int check_stdout(const struct par_tool *tool, int status)
{
    flush_stdout();
    if (!stdout_errno && !ferror(stdout))
        return status;
    fprintf(stderr, "%s: cannot write the result to standard output: %s\n", tool->name,
            strerror(stdout_errno ? stdout_errno : EIO));
    return status == 0 ? 1 : status;
}

int par_driver_main(int argc, char **argv, const struct par_tool *tool)
{
    int is_root = tool->rank_hint == 0;
    /* One buffer for the whole (small) result, written at the end: a failed
     * write is then seen by the final fflush with its errno. */
    static char outbuf[1 << 16];
    setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
    int status = run_driver(argc, argv, tool, &is_root);
    if (is_root)
        status = check_stdout(tool, status);
    return is_root ? status : 0;
}

/* --json promises one record: a back end that could not start gets one
 * too, unverified, with no times and the reason in "error". */
static void report_unstarted(const struct par_tool *tool, const struct par_backend *be,
                             const struct par_opts *o, const struct par_run *run,
                             const char *why)
{
    struct par_env env;
    par_env_collect(&env);
    if (tool->env_extra)
        tool->env_extra(&env);
    struct par_result res = {
        .tool = tool->name, .backend = be->name, .kind = be->kind, .opts = o,
        .workers = run->workers, .detail = run->detail, .times = NULL, .ntimes = 0,
        .checksum = 0, .verified = 0, .error = why, .env = &env,
    };
    par_stats_compute(NULL, 0, &res.stats);
    par_report_json(stdout, &res);
}

static int run_driver(int argc, char **argv, const struct par_tool *tool, int *is_root)
{
    struct par_opts o;
    char msg[512];
    par_opts_init(&o, tool->default_workload, tool->default_backend);
    o.workers_env = tool->workers_env;
    if (par_opts_parse(&o, argc, argv, msg, sizeof msg)) {
        usage_error(tool, msg);
        return 2;
    }
    if (o.show_help) {
        if (tool->rank_hint == 0)
            par_opts_usage(tool->name, tool->default_backend, tool->workers_env, stdout);
        return 0;
    }
    if (o.show_version) {
        if (tool->rank_hint == 0)
            printf("%s %s\n", tool->name, PAR_VERSION);
        return 0;
    }
    if (o.list_backends) {
        if (tool->rank_hint == 0)
            list_backends(tool);
        return 0;
    }
    const struct par_backend_entry *entry =
        par_backend_find(tool->backends, tool->nbackends, o.backend);
    if (!entry) {
        char known[256] = "";
        for (size_t i = 0; i < tool->nbackends; i++)
            snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s", i ? ", " : "",
                     tool->backends[i].name);
        snprintf(msg, sizeof msg, "--backend: unknown back end '%s'; expected one of %s",
                 par_vis(o.backend), known);
        usage_error(tool, msg);
        return 2;
    }
    if (!entry->impl) {
        snprintf(msg, sizeof msg, "--backend: back end '%s' is not built in this configuration: %s",
                 entry->name, entry->why_missing);
        usage_error(tool, msg);
        return 2;
    }
    /* Only a run that has a schedule reads OMP_SCHEDULE (ompenv.h). */
    o.schedule_unused = strcmp(entry->name, "serial") == 0 || o.workload == PAR_W_FIBTASK;
    if (par_opts_finish(&o, msg, sizeof msg) ||
        (tool->check_opts && tool->check_opts(&o, entry->name, msg, sizeof msg))) {
        usage_error(tool, msg);
        return 2;
    }

    const struct par_backend *be = entry->impl;
    struct par_run run = { .opts = &o, .workers = o.workers, .rank = 0, .is_root = 1 };
    struct par_inject inj;
    if (par_inject_parse(getenv("PAR_TEST_TIMES"), entry->name, o.workers, &inj, msg,
                         sizeof msg)) {
        usage_error(tool, msg);
        return 2;
    }
    int rc = be->open(&run);
    *is_root = run.is_root;
    if (run.workers_from)
        o.workers_from = run.workers_from;
    if (rc) {
        if (run.is_root) {
            char why[600];
            snprintf(why, sizeof why, "back end '%s' could not start: %s", be->name,
                     run.errmsg[0] ? run.errmsg : par_strerror(rc));
            if (o.format == PAR_FMT_JSON)
                report_unstarted(tool, be, &o, &run, why);
            fprintf(stderr, "%s: %s\n", tool->name, why);
        }
        be->close(&run);
        return 1;
    }

    if (o.workload == PAR_W_GRAIN && o.tasks == 0)
        o.tasks = (size_t)run.workers;   /* one task per worker per step, as Task Bench */
    struct par_workload_data wd;
    if (par_workload_prepare(&wd, &o, run.is_root)) {
        fprintf(stderr, "%s: cannot allocate the inputs of %s: out of memory\n", tool->name,
                par_workload_name(o.workload));
        be->close(&run);
        return 1;
    }
    struct par_sampling_cfg scfg = {
        .fixed_reps = o.reps_set ? o.reps : 0, .max_reps = o.max_reps,
        .ci_target = o.ci_target, .budget_s = o.time_budget, .warmup_first = o.warmup,
        .warmup_cap = o.max_warmup > o.warmup ? o.max_warmup : o.warmup,
    };
    /* The drift test needs two windows (6 runs) after the warm-ups; with
     * --reps below that the user asked for few runs: exactly --warmup. */
    if (scfg.fixed_reps > 0 && scfg.fixed_reps < 2 * PAR_WARMUP_WINDOW)
        scfg.warmup_cap = scfg.warmup_first;
    struct par_sampler sampler;
    if (par_sampler_init(&sampler, &scfg)) {
        par_workload_free(&wd);
        be->close(&run);
        fprintf(stderr, "%s: out of memory\n", tool->name);
        return 1;
    }

    enum fault fault = fault_for(be->name);
    /* The most workers that took part in any run: a pool's fast chunks may
     * all go to one thread in some run, but a team that never reached the
     * size asked for is what the warning is for. */
    int verified = 1, ran_max = 0;
    char error[512] = "";
    for (size_t i = 0;; i++) {
        double s = 0;
        run.workers_ran = 0;
        rc = run_once(be, &run, &wd, fault, &inj, i, &s);
        if (run.workers_ran > ran_max)
            ran_max = run.workers_ran;
        if (rc) { /* collective under MPI: every rank leaves here */
            snprintf(error, sizeof error, "back end '%s' failed: %s", be->name,
                     run.errmsg[0] ? run.errmsg : par_strerror(rc));
            verified = 0;
            break;
        }
        /* Verification is outside the timed region, and every repetition
         * (warm-up included) is checked. */
        if (run.is_root && par_workload_verify(&wd, msg, sizeof msg)) {
            snprintf(error, sizeof error, "%s", msg);
            verified = 0;
        }
        /* Every rank feeds the same reduced time; the root's decision (which
         * also carries its failed verification) is the one every rank takes. */
        int done = par_sampler_add(&sampler, s) || !verified;
        if (be->agree)
            done = be->agree(&run, done);
        if (done)
            break;
    }
    size_t ntimes;
    const double *times = par_sampler_samples(&sampler, &ntimes);

    if (run.is_root) {
        struct par_env env;
        par_env_collect(&env);
        if (tool->env_extra)
            tool->env_extra(&env);
        struct par_result res = {
            .tool = tool->name, .backend = be->name, .kind = be->kind, .opts = &o,
            .workers = run.workers, .detail = run.detail, .times = times,
            .ntimes = (int)ntimes, .checksum = par_workload_checksum(&wd), .verified = verified,
            .error = error[0] ? error : NULL, .env = &env, .placement = run.placement,
            .warmups = (int)par_sampler_warmups(&sampler),
            .warmup_steady = !sampler.detect ? -1 : sampler.warm.steady,
            .stop = par_stop_name(sampler.stop), .workers_ran = ran_max,
        };
        par_stats_compute(times, ntimes, &res.stats);
        par_median_ci(times, ntimes, PAR_CI_LEVEL, &res.ci);
        res.target_reached = par_ci_rel_half_width(&res.ci) <= o.ci_target;
        if (o.format == PAR_FMT_JSON)
            par_report_json(stdout, &res);
        else if (o.format == PAR_FMT_CSV)
            par_report_csv(stdout, &res, 1);
        else
            par_report_text(stdout, &res);
        if (!verified)
            fprintf(stderr, "%s: %s\n", tool->name, error);
    }
    flush_stdout();
    be->close(&run);
    par_sampler_free(&sampler);
    par_workload_free(&wd);
    return verified ? 0 : 1;
}
