/* parcompare — the side-by-side comparison: workloads x back ends x worker
 * counts, each point a child process of poolmap or parmap (MPI through
 * mpirun), every result verified, one table per workload, and the files in
 * an output folder: results.json, results.csv, report.md and the plots.
 *
 *   parcompare                       # --quick: the whole matrix in ~2 min
 *   parcompare --full --python       # default sizes, beside Python 3
 *   parcompare --baseline results/OLD/results.json
 *
 * One process, one thread: points run one after another so that they do not
 * disturb each other's timing. */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bandwidth.h"
#include "baseline.h"
#include "invocations.h"
#include "child.h"
#include "cli.h"
#include "clock.h"
#include "envcheck.h"
#include "files.h"
#include "finegrain.h"
#include "grain_report.h"
#include "grain_sweep.h"
#include "load.h"
#include "nodes.h"
#include "overhead.h"
#include "overhead_report.h"
#include "plan.h"
#include "plot.h"
#include "progress.h"
#include "python.h"
#include "report.h"
#include "run.h"
#include "story.h"
#include "table.h"
#include "uncertainty.h"
#include "tools.h"

#ifndef PAR_VERSION
#define PAR_VERSION "0"
#endif
#ifndef PAR_PYTHON_DIR
#define PAR_PYTHON_DIR "bench/python"
#endif
#ifndef PAR_PYTHON_FROM_BIN
#define PAR_PYTHON_FROM_BIN "../share/parcompare/python"
#endif

/* Plots are quick; gnuplot gets this long at most. */
#define PLOT_TIMEOUT_S 60.0

static void join_argv(int argc, char **argv, char *buf, size_t len)
{
    size_t off = 0;
    buf[0] = '\0';
    for (int i = 0; i < argc && off + 1 < len; i++) {
        int w = snprintf(buf + off, len - off, "%s%s", i ? " " : "", argv[i]);
        if (w < 0)
            break;
        off += (size_t)w;
    }
}

static void outcome_text(const struct par__point *p, char *buf, size_t len)
{
    char t[64];
    if (p->status == PAR__ST_OK)
        snprintf(buf, len, "%s ms  ok", par__time_text(p, 1e3, t, sizeof t));
    else
        snprintf(buf, len, "FAILED (%s): %s", par__status_name(p->status), p->why);
}

/* After each point: results.json and results.csv hold the points so far
 * (marked incomplete), and an interrupt says where they are. A failed save
 * is reported once; measuring goes on (the previous files stay whole). */
static void save_progress(const char *dir, const struct par__matrix *m,
                          const struct par__summary *s, size_t done, struct par__progress *pg,
                          int *save_failed)
{
    char msg[1024], note[1400];
    /* The files and the interrupt's line change together: an interrupt
     * waits until both say `done` points (and then reports them). */
    sigset_t stop, old;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGHUP);
    sigprocmask(SIG_BLOCK, &stop, &old);
    if (par__save_progress(dir, m, s, done, msg, sizeof msg) != 0) {
        if (!*save_failed)
            par__progress_note(pg, "parcompare: warning: %s; the points measured so far "
                               "are kept in memory and written at the end", msg);
        *save_failed = 1;
    }
    if (*save_failed)
        snprintf(note, sizeof note, "\nparcompare: interrupted after %zu of %zu points; "
                 "they could not be saved (%s)\n", done, m->n, msg);
    else
        snprintf(note, sizeof note, "\nparcompare: interrupted after %zu of %zu points; "
                 "kept in %.1000s/results.json and results.csv (marked incomplete)\n", done,
                 m->n, dir);
    par__child_interrupt_note(note);
    sigprocmask(SIG_SETMASK, &old, NULL);
}

/* Runs every point `invocations` times, in rounds (invocations.h): every
 * round in plan order, so a point's invocations are one whole round apart; a
 * point that failed is not run again. */
static int run_all(struct par__matrix *m, const struct par__tools *t, double timeout_s,
                   int invocations, struct par__progress *pg, const char *dir,
                   const struct par__summary *s)
{
    int save_failed = 0;
    save_progress(dir, m, s, 0, pg, &save_failed);
    for (int round = 0; round < invocations; round++) {
        for (size_t k = 0; k < m->n; k++) {
            struct par__point *p = &m->pts[k];
            char label[128], out[400];
            par__point_label(p, label, sizeof label);
            if (invocations > 1)
                snprintf(label + strlen(label), sizeof label - strlen(label),
                         " [invocation %d/%d]", round + 1, invocations);
            if (round > 0 && p->status != PAR__ST_OK) {
                pg->total--; /* failed already: not run again */
                continue;
            }
            par__progress_start(pg, label);
            if (round == 0) {
                if (par__run_point(p, t, timeout_s) || par__invocation_first(p))
                    return -1;
            } else {
                struct par__point next = *p;
                next.result = next.env = NULL;
                if (par__run_point(&next, t, timeout_s)) {
                    cJSON_Delete(next.result);
                    cJSON_Delete(next.env);
                    return -1;
                }
                if (par__invocation_merge(p, &next))
                    return -1;
            }
            outcome_text(p, out, sizeof out);
            par__progress_done(pg, label, out, p->status != PAR__ST_OK);
            save_progress(dir, m, s, round ? m->n : k + 1, pg, &save_failed);
        }
    }
    return 0;
}

/* Writes the final files, each on its own, and checks the plots gnuplot
 * wrote. Returns 0 when all are whole; else -1 with one line naming every
 * file that is missing or incomplete (and why) in msg. The plots that are
 * not whole are taken out of s->plots. */
static int write_outputs(const char *dir, const struct par__matrix *m, struct par__summary *s,
                         char *msg, size_t len)
{
    char bad[600] = "", why[1024] = "", one[1024];
    int nbad = 0;
#define NOTE_BAD(name, reason)                                                        \
    do {                                                                              \
        snprintf(bad + strlen(bad), sizeof bad - strlen(bad), "%s%s", nbad++ ? ", " : "", \
                 name);                                                               \
        if (!why[0])                                                                  \
            snprintf(why, sizeof why, "%s", reason);                                  \
    } while (0)
    int kept = 0;
    for (int i = 0; i < s->nplots; i++) {
        if (par__png_complete(dir, s->plots[i]))
            memmove(s->plots[kept++], s->plots[i], sizeof s->plots[0]);
        else
            NOTE_BAD(s->plots[i], "a plot is truncated or missing (gnuplot)");
    }
    s->nplots = kept;
    s->data_ok = 1;
    if (par__write_json_file(dir, m, s, one, sizeof one)) {
        NOTE_BAD("results.json (the copy saved after the last point is whole)", one);
        s->data_ok = 0;
    }
    if (par__write_csv_file(dir, m, one, sizeof one)) {
        NOTE_BAD("results.csv", one);
        s->data_ok = 0;
    }
    s->report_ok = par__write_report(dir, m, s, one, sizeof one) == 0;
    if (!s->report_ok)
        NOTE_BAD("report.md", one);
#undef NOTE_BAD
    if (!nbad)
        return 0;
    snprintf(msg, len, "incomplete or missing in %.600s: %s; first cause: %s", dir, bad, why);
    return -1;
}

static void print_footer(const char *dir, const struct par__matrix *m,
                         const struct par__summary *s, size_t failures)
{
    for (size_t i = 0; i < m->n; i++) {
        const struct par__point *p = &m->pts[i];
        if (p->regression)
            printf("REGRESSION %s %s -j %d: %.4g ms now vs %.4g ms in the baseline (%+.1f%%)\n",
                   par_workload_name(p->workload), par__be_name(p->backend), p->workers,
                   p->median * 1e3, p->base_median * 1e3, p->change * 100);
    }
    if (s->baseline)
        printf("baseline: %d regression%s among %d matched points (threshold %.0f%%)\n",
               s->regressions, s->regressions == 1 ? "" : "s", s->matched, s->threshold * 100);
    if (s->baseline) {
        char floors[256] = "";
        for (int w = 0; w < PAR_W_COUNT_; w++)
            if (s->verdicts.floor[w] >= 0)
                snprintf(floors + strlen(floors), sizeof floors - strlen(floors), "%s%s %.0f%%",
                         floors[0] ? ", " : "", par_workload_name((enum par_workload)w),
                         100 * expm1(s->verdicts.floor[w]));
        if (s->verdicts.floor_all >= 0)
            printf("baseline: run-to-run noise floor %.0f%% (the largest gap between two "
                   "invocations of one point, here or in the baseline; by workload: %s); "
                   "smaller changes are not called regressions\n",
                   100 * expm1(s->verdicts.floor_all), floors);
    }
    if (s->baseline && s->verdicts.no_ci)
        printf("baseline: cannot judge %d of them: fewer than 6 samples here or in the "
               "baseline, so no 95%% CI (run without --reps, or with --reps 6 or more)\n",
               s->verdicts.no_ci);
    if (s->baseline && s->verdicts.no_floor)
        printf("baseline: cannot judge %d of them: every point ran in one invocation here "
               "and in the baseline, so the run-to-run noise is unknown (use --invocations 2 "
               "or more)\n", s->verdicts.no_floor);
    if (failures)
        printf("%zu of %zu points FAILED (see report.md, Failures)\n", failures, m->n);
    else
        printf("all %zu points verified\n", m->n);
    if (s->report_ok)
        printf("report:  %s/report.md\n", dir);
    if (s->nplots) {
        printf("plots:  ");
        for (int i = 0; i < s->nplots; i++)
            printf(" %s/%s", dir, s->plots[i]);
        printf("\n");
    }
    if (s->data_ok)
        printf("data:    %s/results.json  %s/results.csv\n", dir, dir);
    printf("finished in %.0f s\n", s->wall_s);
}

int main(int argc, char **argv)
{
    struct par__cli c;
    char msg[1024];
    if (par__cli_parse(&c, argc, argv, msg, sizeof msg)) {
        fprintf(stderr, "parcompare: %s\n", msg);
        return 2;
    }
    if (c.show_help) {
        par__cli_usage(stdout);
        return 0;
    }
    if (c.show_version) {
        printf("parcompare %s\n", PAR_VERSION);
        return 0;
    }
    double t0 = par_now_s();
    struct par__summary s;
    memset(&s, 0, sizeof s);
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(s.started, sizeof s.started, "%Y-%m-%dT%H:%M:%SZ", &tm);
    static char command[4096];
    join_argv(argc, argv, command, sizeof command);
    s.command = command;

    /* Everything that can be wrong with the request is checked before the
     * first point runs: the environment the children inherit too. */
    if (par__env_check(msg, sizeof msg)) {
        fprintf(stderr, "parcompare: %s\n", msg);
        return 2;
    }
    const char *inj_bw = getenv("PAR_TEST_BANDWIDTH");
    double bw_one, bw_all;
    if (inj_bw && *inj_bw && par__bandwidth_parse(inj_bw, &bw_one, &bw_all, msg, sizeof msg)) {
        fprintf(stderr, "parcompare: %s\n", msg);
        return 2;
    }
    cJSON *base = NULL;
    if (c.baseline && !(base = par__baseline_load(c.baseline, msg, sizeof msg))) {
        fprintf(stderr, "parcompare: %s\n", msg);
        return 2;
    }
    char bindir[PAR__PATH_LEN];
    if (c.bindir)
        snprintf(bindir, sizeof bindir, "%s", c.bindir);
    else
        par__default_bindir(bindir, sizeof bindir);
    static struct par__tools tools;
    if (par__tools_probe(&tools, bindir, c.mpirun, c.python, msg, sizeof msg)) {
        fprintf(stderr, "parcompare: %s\n", msg);
        cJSON_Delete(base);
        return 2;
    }
    if (par__nodes_resolve(&c.nodes, &tools, msg, sizeof msg)) {
        fprintf(stderr, "parcompare: %s\n", msg);
        cJSON_Delete(base);
        return 2;
    }
    tools.nodes = c.nodes.ncounts ? &c.nodes : NULL;
    struct par__plan plan;
    par__plan_make(&plan, &c, &tools, par_cores());
    if (c.grain == 2) { /* --grain: the sweep alone */
        plan.nworkloads = 0;
        c.story = 0;
        c.python = 0;
    }
    static char dir[4096];
    if (par__out_prepare(c.out, dir, sizeof dir, msg, sizeof msg)) {
        fprintf(stderr, "parcompare: %s\n", msg);
        cJSON_Delete(base);
        return 2;
    }

    struct par__matrix m = { 0 };
    struct par__pyrun py;
    par__python_init(&py, c.python, c.full, c.python_n, c.python_items);
    char pydir_buf[PAR__PATH_LEN];
    const char *pydir = c.python_dir ? c.python_dir
                                     : par__python_default_dir(PAR_PYTHON_FROM_BIN, PAR_PYTHON_DIR,
                                                               pydir_buf, sizeof pydir_buf);
    int py_ready = par__python_ready(&py, &tools, pydir);
    int rc = par__plan_matrix(&plan, &m);
    if (!rc && c.story)
        rc = par__story_plan(&m, &tools, c.story_n, c.story_items, plan.reps, plan.warmup,
                             PAR__SET_STORY);
    if (!rc && py_ready)
        rc = par__story_plan(&m, &tools, py.n, py.items, plan.reps, plan.warmup,
                             PAR__SET_PYTHON);
    if (!rc)
        rc = par__finegrain_plan(&m, &plan);
    if (rc) {
        fprintf(stderr, "parcompare: out of memory planning the points\n");
        par__matrix_free(&m);
        cJSON_Delete(base);
        return 1;
    }

    struct par__progress pg;
    par__progress_init(&pg, m.n * (size_t)plan.invocations + (py_ready ? PAR__PY_SCRIPTS : 0));
    for (int i = 0; i < plan.nskipped; i++)
        par__progress_note(&pg, "parcompare: skipping %s: %s", par__be_name(plan.skipped[i]),
                           tools.why[plan.skipped[i]]);
    if (c.python && !py_ready)
        par__progress_note(&pg, "parcompare: skipping --python: %s", py.why_not);
    char reps[160];
    if (plan.reps > 0)
        snprintf(reps, sizeof reps, "%d repetition%s", plan.reps, plan.reps == 1 ? "" : "s");
    else
        snprintf(reps, sizeof reps, "repetitions to a +-%s%% CI, %s s budget",
                 plan.ci_target, plan.time_budget);
    snprintf(reps + strlen(reps), sizeof reps - strlen(reps), " in each of %d invocation%s",
             plan.invocations, plan.invocations == 1 ? "" : "s");
    par__run_sampling(plan.ci_target, plan.max_reps, plan.time_budget, plan.max_warmup);
    par__progress_note(&pg, "parcompare: %zu points (%s mode, %s) -> %s", m.n,
                       plan.full ? "full" : "quick", reps, dir);
    par__child_interrupts();
    /* Rule 11's upper bound: the machine's memory bandwidth, once, before
     * the points (bandwidth.h). */
    static struct par__bandwidth bw;
    if (c.bandwidth) {
        par__progress_note(&pg, "parcompare: measuring the memory bandwidth (STREAM triad on "
                           "1 and %d threads)", plan.cores);
        par__bandwidth_measure(&bw, plan.cores, plan.full, c.stream_mib);
        s.bandwidth = &bw;
    }
    struct par__load load;
    par__load_begin(&load);
    s.loadavg_start = load.loadavg0;
    if (c.nodes.ncounts)
        par__progress_note(&pg, "parcompare: across nodes on %s; measuring the interconnect",
                           c.nodes.where);
    if (c.skipped_for_nodes)
        par__progress_note(&pg, "parcompare: --nodes: the grain sweep and the overhead suite "
                           "are left out (this run is about placement across nodes; run them "
                           "without --nodes)");
    par__nodes_interconnect(&c.nodes, &tools, c.timeout_s);
    s.plan = &plan;
    s.tools = &tools;
    s.python = &py;
    if (run_all(&m, &tools, c.timeout_s, plan.invocations, &pg, dir, &s)) {
        par__progress_end(&pg);
        fprintf(stderr, "parcompare: out of memory running the points\n");
        par__matrix_free(&m);
        cJSON_Delete(base);
        return 1;
    }
    par__python_run(&py, &tools, pydir, c.timeout_s, &pg);
    cJSON *grain = NULL;
    int grain_failures = 0;
    if (c.grain) {
        struct par__grain_plan gp;
        par__grain_plan_make(&gp, plan.full, plan.cores, &tools, c.backends, c.nbackends,
                             c.timeout_s);
        pg.total += par__grain_points_estimate(&gp);
        if (!(grain = par__grain_sweep(&gp, &tools, &pg, &grain_failures))) {
            par__progress_end(&pg);
            fprintf(stderr, "parcompare: out of memory running the grain sweep\n");
            par__matrix_free(&m);
            cJSON_Delete(base);
            return 1;
        }
    }
    cJSON *overhead = NULL;
    int overhead_failures = 0;
    if (c.overhead) {
        pg.total += par__overhead_children(&plan, &tools);
        if (!(overhead = par__overhead_run(&plan, &tools, c.timeout_s, &pg,
                                           &overhead_failures))) {
            par__progress_end(&pg);
            fprintf(stderr, "parcompare: out of memory running the overhead suite\n");
            par__matrix_free(&m);
            cJSON_Delete(grain);
            cJSON_Delete(base);
            return 1;
        }
    }
    par__progress_end(&pg);
    par__load_since(&load, &s.others_cores, &s.steal_cores);
    if (s.others_cores > PAR__BUSY_WARN_CORES)
        fprintf(stderr, "parcompare: warning: other processes kept %.2f of the %d cores busy "
                "during the run; these timings are disturbed\n", s.others_cores, plan.cores);

    par__table_derive(&m, plan.cores);
    par__bandwidth_derive(&m, s.bandwidth);
    par__nodes_derive(&m);
    s.plan = &plan;
    s.tools = &tools;
    s.python = &py;
    s.story_ran = c.story;
    s.story_n = c.story_n;
    s.story_items = c.story_items;
    s.threshold = c.threshold;
    s.grain = grain;
    s.overhead = overhead;
    if (base) {
        s.baseline = c.baseline;
        s.regressions = par__baseline_apply(&m, base, c.threshold, &s.verdicts);
        s.matched = s.verdicts.matched;
        s.unjudged = s.verdicts.no_ci + s.verdicts.no_floor;
        cJSON_Delete(base);
    }
    size_t failures = par__matrix_failures(&m) + (size_t)grain_failures +
                      (size_t)overhead_failures;
    /* Exit 3: nothing failed or regressed, but some verdict could not be
     * given (too few samples for a CI); see --help. */
    int status = failures || s.regressions ? 1 : s.unjudged ? 3 : 0;
    if (plan.nworkloads && par__plots_draw(dir, &m, &plan, &tools, PLOT_TIMEOUT_S, &s))
        fprintf(stderr, "parcompare: no plots: %s\n", s.why_no_plots);
    char why_grain[256];
    if (grain && par__grain_plots(dir, grain, &tools, PLOT_TIMEOUT_S, s.plots,
                                  (int)(sizeof s.plots / sizeof *s.plots), &s.nplots, why_grain,
                                  sizeof why_grain))
        fprintf(stderr, "parcompare: no grain plots: %s\n", why_grain);
    par__nodes_plots(dir, &c.nodes, &m, &tools, plan.workloads, plan.nworkloads,
                     PLOT_TIMEOUT_S);
    s.wall_s = par_now_s() - t0;
    s.exit_status = status;
    int wrote = write_outputs(dir, &m, &s, msg, sizeof msg) == 0;

    if (s.bandwidth)
        par__bandwidth_print(stdout, s.bandwidth, 0);
    par__table_print(stdout, &m, plan.workloads, plan.nworkloads, plan.cores, 0,
                     s.baseline != NULL);
    par__grain_print(stdout, grain);
    par__overhead_print(stdout, overhead);
    par__nodes_print(stdout, &c.nodes, &m, plan.workloads, plan.nworkloads, 0);
    print_footer(dir, &m, &s, failures);
    fflush(stdout);
    if (!wrote) {
        fprintf(stderr, "parcompare: %s\n", msg);
        status = 1;
    }
    par__python_free(&py);
    par__nodes_free(&c.nodes);
    par__matrix_free(&m);
    cJSON_Delete(grain);
    cJSON_Delete(overhead);
    return status;
}
