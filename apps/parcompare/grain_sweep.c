#include "grain_sweep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ci.h"
#include "grain.h"
#include "metg.h"
#include "run.h"

/* Sweep shape. Tasks start near START_TASK_S; each step divides I by the
 * factor; a point's steps S are chosen so that the serial graph takes about
 * REP_TARGET_S per repetition (fewer steps for big tasks, at most MAX_STEPS
 * as Task Bench's 1000). Repetitions: 6 is the fewest with a 95 % interval
 * of the median (common/ci.h). */
#define START_TASK_S 10e-3
#define STOP_EFFICIENCY 0.10
#define MAX_STEPS 1000
#define QUICK_FACTOR 4
#define FULL_FACTOR 2
#define QUICK_REP_TARGET_S 8e-3
#define FULL_REP_TARGET_S 60e-3
#define QUICK_MIN_STEPS 3
#define FULL_MIN_STEPS 10
#define QUICK_REPS 6
#define FULL_REPS 11
#define CALIBRATE_ITERATIONS 131072
#define CALIBRATE_STEPS 8

void par__grain_plan_make(struct par__grain_plan *gp, int full, int cores,
                          const struct par__tools *t, const int *only, int nonly,
                          double timeout_s)
{
    memset(gp, 0, sizeof *gp);
    gp->full = full;
    gp->workers = cores;
    gp->timeout_s = timeout_s;
    for (int be = 0; be < PAR__BE_COUNT; be++) {
        if (be == PAR__BE_SERIAL || !t->usable[be] ||
            (be == PAR__BE_GIL && !full))
            continue;
        int wanted = nonly == 0;
        for (int i = 0; i < nonly; i++)
            wanted |= only[i] == be;
        if (wanted)
            gp->backends[gp->nbackends++] = be;
    }
}

size_t par__grain_points_estimate(const struct par__grain_plan *gp)
{
    /* 10 ms down to ~1 µs: 13 halvings, or 7 quarterings */
    size_t levels = gp->full ? 14 : 7;
    return levels * PAR_PATTERN_COUNT_ * (size_t)(gp->nbackends + 1);
}

/* One child run of the grain workload; the point is left for the caller to
 * read and to free (its result). */
static int run_grain(struct par__point *p, int be, int workers, long long iters, long long steps,
                     long long tasks, int pattern, int reps, const struct par__tools *t,
                     double timeout_s)
{
    memset(p, 0, sizeof *p);
    p->workload = PAR_W_GRAIN;
    p->backend = (enum par__be)be;
    p->workers = workers;
    /* hybrid on one node: one rank, the workers as its threads (as in the
     * matrix; Task Bench's MPI+OpenMP on one node is 1 rank x cores too) */
    p->threads = be == PAR__BE_HYBRID ? workers : 0;
    p->sizes.iterations = iters;
    p->sizes.steps = steps;
    p->sizes.tasks = tasks;
    p->sizes.pattern = pattern;
    p->reps = reps;
    p->warmup = 1;
    p->median = p->mad = NAN;
    return par__run_point(p, t, timeout_s);
}

static void point_free(struct par__point *p)
{
    cJSON_Delete(p->result);
    cJSON_Delete(p->env);
    p->result = p->env = NULL;
}

/* The median and its 95 % interval from a record's times_s. */
static struct par_ci record_ci(const struct par__point *p)
{
    struct par_ci ci = { .median = NAN, .low = NAN, .high = NAN };
    const cJSON *ts = p->result ? cJSON_GetObjectItemCaseSensitive(p->result, "times_s") : NULL;
    int n = cJSON_IsArray(ts) ? cJSON_GetArraySize(ts) : 0;
    double x[1000];
    if (n <= 0 || n > 1000)
        return ci;
    for (int i = 0; i < n; i++)
        x[i] = cJSON_GetArrayItem(ts, i)->valuedouble;
    if (par_median_ci(x, (size_t)n, PAR_CI_LEVEL, &ci))
        ci.median = NAN;
    return ci;
}

static void add_num(cJSON *o, const char *key, double v)
{
    if (isfinite(v))
        cJSON_AddNumberToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

/* ns per kernel iteration from a serial run; NaN when it failed (why set). */
static double calibrate(const struct par__grain_plan *gp, const struct par__tools *t,
                        char *why, size_t len)
{
    struct par__point p;
    if (run_grain(&p, PAR__BE_SERIAL, 1, CALIBRATE_ITERATIONS, CALIBRATE_STEPS, gp->workers,
                  PAR_PATTERN_NONE, 3, t, gp->timeout_s))
        return NAN;
    double ns = NAN;
    if (p.status == PAR__ST_OK && p.median > 0)
        ns = p.median * 1e9 / ((double)CALIBRATE_ITERATIONS * CALIBRATE_STEPS * gp->workers);
    else
        snprintf(why, len, "calibration on serial failed: %s", p.why);
    point_free(&p);
    return ns;
}

struct sweep {
    int be, pattern;
    int active;
    cJSON *obj, *points;
    struct par_metg_point curve[128];
    size_t ncurve;
};

static void outcome(struct par__progress *pg, const char *label, const struct par__point *p,
                    double eff)
{
    char out[400];
    if (p->status == PAR__ST_OK)
        snprintf(out, sizeof out, "%.4g ms, efficiency %.0f %%", p->median * 1e3, eff * 100);
    else
        snprintf(out, sizeof out, "FAILED (%s): %s", par__status_name(p->status), p->why);
    par__progress_done(pg, label, out, p->status != PAR__ST_OK);
}

cJSON *par__grain_sweep(const struct par__grain_plan *gp, const struct par__tools *t,
                        struct par__progress *pg, int *failures)
{
    *failures = 0;
    cJSON *root = cJSON_CreateObject();
    if (!root)
        return NULL;
    int factor = gp->full ? FULL_FACTOR : QUICK_FACTOR;
    int reps = gp->full ? FULL_REPS : QUICK_REPS;
    double target = gp->full ? FULL_REP_TARGET_S : QUICK_REP_TARGET_S;
    long long min_steps = gp->full ? FULL_MIN_STEPS : QUICK_MIN_STEPS;
    long long tasks = gp->workers;
    cJSON_AddStringToObject(root, "mode", gp->full ? "full" : "quick");
    cJSON_AddNumberToObject(root, "workers", gp->workers);
    cJSON_AddNumberToObject(root, "tasks_per_step", (double)tasks);
    cJSON_AddNumberToObject(root, "factor", factor);
    cJSON_AddNumberToObject(root, "reps", reps);
    cJSON_AddNumberToObject(root, "threshold", 0.5);
    cJSON_AddNumberToObject(root, "stop_efficiency", STOP_EFFICIENCY);
    cJSON_AddStringToObject(root, "efficiency",
                            "serial time of the same graph / (workers x wall time)");
    cJSON_AddStringToObject(root, "granularity", "wall time x workers / (tasks x steps)");
    cJSON *sweeps = cJSON_AddArrayToObject(root, "sweeps");
    char why[400] = "";
    par__progress_note(pg, "parcompare: grain sweep (%s): calibrating the kernel on serial",
                       gp->full ? "fine, factor 2" : "short, factor 4");
    double ns = calibrate(gp, t, why, sizeof why);
    add_num(root, "ns_per_iteration", ns);
    if (!(ns > 0)) {
        cJSON_AddStringToObject(root, "error", why[0] ? why : "calibration failed");
        (*failures)++;
        return root;
    }
    long long i0 = 1;
    while ((double)i0 * 2 * ns * 1e-9 <= START_TASK_S)
        i0 *= 2;

    int nsweeps = gp->nbackends * PAR_PATTERN_COUNT_;
    struct sweep *sw = calloc((size_t)(nsweeps > 0 ? nsweeps : 1), sizeof *sw);
    if (!sw) {
        cJSON_Delete(root);
        return NULL;
    }
    for (int b = 0; b < gp->nbackends; b++)
        for (int pat = 0; pat < PAR_PATTERN_COUNT_; pat++) {
            struct sweep *s = &sw[b * PAR_PATTERN_COUNT_ + pat];
            s->be = gp->backends[b];
            s->pattern = pat;
            s->active = 1;
            s->obj = cJSON_CreateObject();
            cJSON_AddStringToObject(s->obj, "backend", par__be_name(s->be));
            cJSON_AddStringToObject(s->obj, "kind", par__be_kind(s->be));
            cJSON_AddStringToObject(s->obj, "pattern", par_pattern_name(pat));
            s->points = cJSON_AddArrayToObject(s->obj, "points");
            cJSON_AddItemToArray(sweeps, s->obj);
        }

    /* Interleaved: at each I, serial then every back end still going, so a
     * slow minute of the machine spreads over all of them. */
    for (long long it = i0; it >= 1; it = it == 1 ? 0 : (it / factor > 0 ? it / factor : 1)) {
        double task_s = (double)it * ns * 1e-9;
        long long steps = llround(target / ((double)tasks * task_s));
        steps = steps < min_steps ? min_steps : steps > MAX_STEPS ? MAX_STEPS : steps;
        for (int pat = 0; pat < PAR_PATTERN_COUNT_; pat++) {
            int any = 0;
            for (int k = 0; k < nsweeps; k++)
                any |= sw[k].pattern == pat && sw[k].active;
            if (!any)
                continue;
            char label[96];
            struct par__point ser;
            snprintf(label, sizeof label, "grain %s serial I=%lld S=%lld", par_pattern_name(pat),
                     it, steps);
            par__progress_start(pg, label);
            if (run_grain(&ser, PAR__BE_SERIAL, 1, it, steps, tasks, pat, reps, t,
                          gp->timeout_s))
                goto oom;
            outcome(pg, label, &ser, 1.0);
            struct par_ci sci = record_ci(&ser);
            if (ser.status != PAR__ST_OK)
                (*failures)++;
            for (int k = 0; k < nsweeps; k++) {
                struct sweep *s = &sw[k];
                if (s->pattern != pat || !s->active)
                    continue;
                struct par__point p;
                snprintf(label, sizeof label, "grain %s %s -j %d I=%lld S=%lld",
                         par_pattern_name(pat), par__be_name(s->be), gp->workers, it, steps);
                par__progress_start(pg, label);
                if (run_grain(&p, s->be, gp->workers, it, steps, tasks, pat, reps, t,
                              gp->timeout_s))
                    goto oom;
                struct par_ci pci = record_ci(&p);
                struct par_metg_point mp = par_metg_point_make(
                    sci.median, sci.available ? sci.low : NAN, sci.available ? sci.high : NAN,
                    pci.median, pci.available ? pci.low : NAN, pci.available ? pci.high : NAN,
                    gp->workers, (double)(tasks * steps));
                int ok = p.status == PAR__ST_OK && ser.status == PAR__ST_OK;
                outcome(pg, label, &p, ok ? mp.eff : NAN);
                cJSON *o = cJSON_CreateObject();
                cJSON_AddNumberToObject(o, "iterations", (double)it);
                cJSON_AddNumberToObject(o, "steps", (double)steps);
                cJSON_AddStringToObject(o, "status", par__status_name(p.status));
                cJSON_AddStringToObject(o, "command", p.command);
                add_num(o, "serial_median_s", sci.median);
                add_num(o, "serial_task_s", sci.median / (double)(tasks * steps));
                add_num(o, "median_s", pci.median);
                add_num(o, "ci_low_s", pci.available ? pci.low : NAN);
                add_num(o, "ci_high_s", pci.available ? pci.high : NAN);
                add_num(o, "grain_s", ok ? mp.grain_s : NAN);
                add_num(o, "efficiency", ok ? mp.eff : NAN);
                add_num(o, "efficiency_low", ok ? mp.eff_lo : NAN);
                add_num(o, "efficiency_high", ok ? mp.eff_hi : NAN);
                cJSON_AddItemToArray(s->points, o);
                if (p.status != PAR__ST_OK) {
                    (*failures)++;
                    s->active = 0;
                    char stop[400];
                    snprintf(stop, sizeof stop, "failed at I=%lld: %s", it, p.why);
                    cJSON_AddStringToObject(s->obj, "stopped", stop);
                } else if (ok) {
                    if (s->ncurve < sizeof s->curve / sizeof *s->curve)
                        s->curve[s->ncurve++] = mp;
                    if (mp.eff < STOP_EFFICIENCY) {
                        s->active = 0;
                        cJSON_AddStringToObject(s->obj, "stopped", "efficiency below 10 %");
                    }
                }
                point_free(&p);
            }
            point_free(&ser);
        }
    }
    for (int k = 0; k < nsweeps; k++) {
        struct sweep *s = &sw[k];
        if (s->active)
            cJSON_AddStringToObject(s->obj, "stopped", "reached 1 iteration per task");
        struct par_metg m;
        par_metg_compute(s->curve, s->ncurve, 0.5, &m);
        char text[160];
        par_metg_text(&m, text, sizeof text);
        cJSON *mo = cJSON_AddObjectToObject(s->obj, "metg");
        cJSON_AddStringToObject(mo, "status", par_metg_status_name(m.status));
        add_num(mo, "metg_us", m.metg_s * 1e6);
        add_num(mo, "low_us", m.lo_s * 1e6);
        add_num(mo, "high_us", m.hi_s * 1e6);
        add_num(mo, "smallest_us", m.smallest_s * 1e6);
        add_num(mo, "best_efficiency", m.best_eff);
        cJSON_AddNumberToObject(mo, "crossings", m.crossings);
        cJSON_AddStringToObject(mo, "text", text);
    }
    free(sw);
    return root;
oom:
    free(sw);
    cJSON_Delete(root);
    return NULL;
}
