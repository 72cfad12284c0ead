#include "report.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "baseline.h"
#include "finegrain.h"
#include "grain_report.h"
#include "load.h"
#include "mdcell.h"
#include "nodes.h"
#include "overhead_report.h"
#include "records.h"
#include "run.h"
#include "story.h"
#include "table.h"

static void summary(FILE *f, const struct par__matrix *m, const struct par__summary *s)
{
    const struct par__plan *pl = s->plan;
    size_t total = 0, ok = 0;
    for (size_t i = 0; i < m->n; i++) {
        total++;
        ok += m->pts[i].status == PAR__ST_OK;
    }
    fprintf(f, "## Summary\n\n");
    if (ok == total)
        fprintf(f, "- All %zu points ran and verified against the serial reference.\n", total);
    else
        fprintf(f, "- **%zu of %zu points failed** (see Failures); the other %zu verified.\n",
                total - ok, total, ok);
    for (int wi = 0; wi < pl->nworkloads; wi++) {
        enum par_workload w = (enum par_workload)pl->workloads[wi];
        for (size_t i = 0; i < m->n; i++) {
            const struct par__point *p = &m->pts[i];
            if (!(p->sets & PAR__SET_MATRIX) || p->workload != w || !p->fastest)
                continue;
            char t[32];
            fprintf(f, "- Fastest on **%s**: %s with %d worker%s, %s", par_workload_name(w),
                    par__be_name(p->backend), p->workers, p->workers == 1 ? "" : "s",
                    par__fmt_seconds(p->median, t, sizeof t));
            if (!isnan(p->speedup))
                fprintf(f, " (%.2f× serial)", p->speedup);
            fprintf(f, ".\n");
        }
    }
    for (int i = 0; i < pl->nskipped; i++)
        fprintf(f, "- Skipped back end %s: %s.\n", par__be_name(pl->skipped[i]),
                s->tools->why[pl->skipped[i]]);
    if (s->others_cores > PAR__BUSY_WARN_CORES)
        fprintf(f, "- **Warning: the machine was busy.** Other processes kept %.2f of the %d "
                "cores busy on average during this run (load average %.1f at the start): the "
                "times below are slower and noisier than this machine can do, and speed-ups "
                "are understated. Run again when it is quiet.\n", s->others_cores, pl->cores,
                s->loadavg_start);
    else if (!isnan(s->others_cores))
        fprintf(f, "- The machine was quiet: other processes used %.2f cores on average.\n",
                s->others_cores);
    if (s->baseline)
        fprintf(f, "- Against the baseline: %d regression%s among %d matched points.\n",
                s->regressions, s->regressions == 1 ? "" : "s", s->matched);
    fprintf(f, "\n");
}

static void how_to_read(FILE *f, int cores)
{
    fprintf(f, "## How to read the tables\n\n"
            "Each point runs as a child process (poolmap, parmap, or parmap under mpirun) in "
            "several separate invocations, in rounds over all points, each round in the same "
            "order, so a point's invocations are a whole round apart and see different "
            "phases of the host; each invocation "
            "warms up until its times stop falling, then repeats until the 95%% confidence "
            "interval of the median is within the target (or the budget ends), "
            "and checks every result against the serial reference. **median [95%% CI]** "
            "is the median of all the invocations' timed repetitions (n samples) and its "
            "nonparametric confidence interval (order statistics; none below 6 samples), "
            "widened to contain every invocation's own median, because invocations differ "
            "more than repetitions inside one do (the timer surrounds the back end's "
            "map or tree call only: starting threads, forking processes and MPI_Init are "
            "outside it). **speed-up** = serial median / median. With q = min(workers, %d "
            "cores), **efficiency** = speed-up / q and the **Karp–Flatt** serial fraction "
            "e = (1/speed-up − 1/q) / (1 − 1/q): 0 means perfectly parallel, growing values "
            "mean overheads or serial parts; it is n/a where speed-up <= 1 or q = 1. The "
            "speed-up range comes from the CI ends of both medians. The fastest verified "
            "point of each workload is in bold only when its CI lies below the runner-up's; "
            "otherwise it is \"tied with\" it. See docs/parcompare.md.\n\n", cores);
}

static void failures(FILE *f, const struct par__matrix *m)
{
    size_t n = par__matrix_failures(m);
    fprintf(f, "## Failures\n\n");
    if (!n) {
        fprintf(f, "None: every point verified.\n\n");
        return;
    }
    for (size_t i = 0; i < m->n; i++) {
        const struct par__point *p = &m->pts[i];
        if (p->status == PAR__ST_OK || p->status == PAR__ST_PENDING)
            continue;
        fprintf(f, "- %s %s -j %d: **%s** — %s\n  `%s`\n", par_workload_name(p->workload),
                par__be_name(p->backend), p->workers, par__status_name(p->status), p->why,
                p->command);
    }
    fprintf(f, "\n");
}

static void baseline_section(FILE *f, const struct par__matrix *m, const struct par__summary *s)
{
    if (!s->baseline)
        return;
    fprintf(f, "## Against the baseline\n\nCompared with `%s`: a point is a regression when it "
            "is more than %.0f%% slower, its 95%% CI of the median lies wholly above the "
            "baseline's, and the gap between the two intervals is larger than the run-to-run noise floor "
            "(the largest gap between two invocations of one point, here or in the "
            "baseline). %d of this run's points found a partner (same workload, back "
            "end, workers and sizes); %d of them could not be judged (%d with no CI: fewer "
            "than 6 samples on one side; %d with the run-to-run noise unknown: one "
            "invocation per point).\n\n", s->baseline, s->threshold * 100, s->matched,
            s->unjudged, s->verdicts.no_ci, s->verdicts.no_floor);
    int any = 0;
    if (s->verdicts.floor_all >= 0)
        fprintf(f, "Run-to-run noise floor: %.1f%%. ", 100 * expm1(s->verdicts.floor_all));
    for (int w = 0; w < PAR_W_COUNT_; w++)
        if (s->verdicts.floor[w] >= 0)
            fprintf(f, "%s%s %.1f%%", any++ ? ", " : "By workload: ",
                    par_workload_name((enum par_workload)w), 100 * expm1(s->verdicts.floor[w]));
    if (any)
        fprintf(f, ".\n\n");
    if (!s->regressions) {
        fprintf(f, "No regression.\n\n");
        return;
    }
    fprintf(f, "| workload | back end | workers | baseline | now | change |\n"
            "|---|---|--:|--:|--:|--:|\n");
    for (size_t i = 0; i < m->n; i++) {
        const struct par__point *p = &m->pts[i];
        if (!p->regression)
            continue;
        char a[32], b[32];
        fprintf(f, "| %s | %s | %d | %s ± %.2g | %s ± %.2g | **%+.1f%%** |\n",
                par_workload_name(p->workload), par__be_name(p->backend), p->workers,
                par__fmt_seconds(p->base_median, a, sizeof a), p->base_mad,
                par__fmt_seconds(p->median, b, sizeof b), p->mad, p->change * 100);
    }
    fprintf(f, "\n");
}

static void environment(FILE *f, const struct par__matrix *m, const struct par__summary *s)
{
    cJSON *env = par__env_json(m, s->tools);
    fprintf(f, "## Environment\n\n");
    if (!env) {
        fprintf(f, "(out of memory)\n\n");
        return;
    }
    const char *mpi = par__json_str(env, "mpi", "");
    fprintf(f, "| | |\n|---|---|\n");
    fprintf(f, "| host | %s |\n", par__md_cell(par__json_str(env, "host", "?")));
    fprintf(f, "| CPU | %s, %d cores |\n", par__md_cell(par__json_str(env, "cpu", "?")), s->plan->cores);
    fprintf(f, "| compiler | %s, flags `%s` |\n", par__md_cell(par__json_str(env, "compiler", "?")),
            par__json_str(env, "flags", ""));
    fprintf(f, "| OpenMP | %s |\n", *par__json_str(env, "openmp", "") ?
            par__json_str(env, "openmp", "") : s->tools->usable[PAR__BE_OMP]
            ? "built (version not reported: no OpenMP point ran)" : "not built");
    /* The MPI version string may span lines; keep the first. */
    char mpi1[160];
    snprintf(mpi1, sizeof mpi1, "%.*s", (int)strcspn(mpi, "\n,"), mpi);
    fprintf(f, "| MPI | %s |\n", mpi1[0] ? mpi1 : s->tools->mpirun_version[0]
            ? s->tools->mpirun_version : "not used");
    fprintf(f, "| mpirun flags | `%s` |\n", s->tools->mpirun[0]
            ? par__mpirun_flags(s->tools) : "(no mpirun)");
    const cJSON *bind = cJSON_GetObjectItemCaseSensitive(env, "binding");
    const cJSON *v;
    int any = 0;
    cJSON_ArrayForEach(v, bind) {
        if (cJSON_IsString(v) && strcmp(v->string, "mpirun_flags") != 0) {
            fprintf(f, "| %s | %s |\n", v->string, par__md_cell(v->valuestring));
            any = 1;
        }
    }
    if (!any)
        fprintf(f, "| thread binding | none set (OMP_PROC_BIND, OMP_PLACES unset) |\n");
    if (s->tools->python_version[0])
        fprintf(f, "| Python | %s |\n", s->tools->python_version);
    fprintf(f, "| gnuplot | %s |\n", s->tools->gnuplot_version[0] ? s->tools->gnuplot_version
            : "not found");
    fprintf(f, "| programs | %s |\n\n", s->tools->bindir);
    cJSON_Delete(env);
}

int par__write_report(const char *dir, const struct par__matrix *m,
                      const struct par__summary *s, char *msg, size_t msglen)
{
    FILE *f = par__open_out(dir, "report.md", msg, msglen);
    if (!f)
        return -1;
    const struct par__plan *pl = s->plan;
    fprintf(f, "# parcompare: threads, OpenMP and processes on this machine\n\n");
    fprintf(f, "Measured %s (UTC), %s mode, %zu points in %.0f s. Command: `%s`\n\n", s->started,
            pl->full ? "full" : "quick", m->n, s->wall_s, s->command);
    summary(f, m, s);
    how_to_read(f, pl->cores);
    fprintf(f, "## Results\n\n");
    if (s->bandwidth)
        par__bandwidth_print(f, s->bandwidth, 1);
    for (int wi = 0; wi < pl->nworkloads; wi++) {
        int w = pl->workloads[wi];
        par__table_print(f, m, &w, 1, pl->cores, 1, s->baseline != NULL);
        for (int k = 0; k < s->nplots; k++) {
            char want1[64], want2[64];
            snprintf(want1, sizeof want1, "speedup-%s.png", par_workload_name(w));
            snprintf(want2, sizeof want2, "time-%s.png", par_workload_name(w));
            if (strcmp(s->plots[k], want1) == 0 || strcmp(s->plots[k], want2) == 0)
                fprintf(f, "![%s](%s)\n", s->plots[k], s->plots[k]);
        }
        fprintf(f, "\n");
    }
    if (!s->nplots)
        fprintf(f, "No plots: %s.\n\n", s->why_no_plots[0] ? s->why_no_plots : "none drawn");
    par__finegrain_report(f, m, pl);
    par__grain_report(f, s->grain, s->plots, s->nplots);
    if (pl->nodes)
        par__nodes_report(f, pl->nodes, m, pl->workloads, pl->nworkloads);
    par__story_report(f, m, s->tools, s->story_ran, s->story_n, s->story_items, pl->cores);
    par__python_report(f, s->python, m, s->tools);
    baseline_section(f, m, s);
    failures(f, m);
    environment(f, m, s);
    fprintf(f, "## Files\n\n`results.json` (every record and the environment), `results.csv` "
            "(one row per point), this report, the plots%s.\n",
            s->nplots ? " and their data and gnuplot script in `plots/`" : "");
    if (s->overhead)
        fprintf(f, "\n");
    par__overhead_report(f, s->overhead);
    return par__close_out(f, dir, "report.md", msg, msglen);
}
