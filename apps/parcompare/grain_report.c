#include "grain_report.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "child.h"
#include "gnuplot.h"
#include "metg.h"

static const char *str(const cJSON *o, const char *key, const char *dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : dflt;
}

static double num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* Microseconds as text, in one of two buffers per call site. */
static const char *us(double v, char *buf)
{
    par_metg_us_text(v * 1e-6, buf, 32);
    return buf;
}

static const cJSON *sweeps(const cJSON *grain)
{
    const cJSON *s = grain ? cJSON_GetObjectItemCaseSensitive(grain, "sweeps") : NULL;
    return cJSON_IsArray(s) ? s : NULL;
}

void par__grain_print(FILE *f, const cJSON *grain)
{
    const cJSON *sw = sweeps(grain), *s;
    if (!grain)
        return;
    fprintf(f, "\nMETG(50 %%): smallest task (time per task incl. overhead) still at 50 %% "
               "efficiency, %d workers\n", (int)num(grain, "workers"));
    if (str(grain, "error", NULL))
        fprintf(f, "  grain sweep failed: %s\n", str(grain, "error", ""));
    cJSON_ArrayForEach(s, sw) {
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(s, "metg");
        fprintf(f, "  %-8s %-8s %s", str(s, "backend", "?"), str(s, "pattern", "?"),
                str(m, "text", "no data"));
        const char *stop = str(s, "stopped", NULL);
        if (stop && strncmp(stop, "failed", 6) == 0)
            fprintf(f, "  (%s)", stop);
        fputc('\n', f);
    }
}

/* A back end's answer for the advice: the smallest task size (µs) at which
 * it still reaches 50 % (its METG; for "always", the smallest size swept),
 * or NaN when it never does. */
struct reach {
    const char *backend, *kind;
    double us;
    int bound;   /* 1: "always": reaches it at least down to `us` */
};

static int by_us_desc(const void *a, const void *b)
{
    const struct reach *x = a, *y = b;
    return (x->us < y->us) - (x->us > y->us);
}

static void list_names(FILE *f, const struct reach *r, int n, double at_most)
{
    int first = 1;
    for (int i = 0; i < n; i++)
        if (r[i].us <= at_most) {
            fprintf(f, "%s%s", first ? "" : ", ", r[i].backend);
            first = 0;
        }
}

/* "threads only", "processes only" or "" for the back ends at or below us. */
static const char *kinds_only(const struct reach *r, int n, double at_most)
{
    int threads = 0, procs = 0;
    for (int i = 0; i < n; i++)
        if (r[i].us <= at_most) {
            if (strcmp(r[i].kind, "threads") == 0)
                threads++;
            else
                procs++;
        }
    return threads && !procs ? "threads only: " : procs && !threads ? "processes only: " : "";
}

int par__grain_advice(FILE *f, const cJSON *grain, const char *pattern)
{
    struct reach r[32], never[32];
    int n = 0, nn = 0;
    const cJSON *s;
    cJSON_ArrayForEach(s, sweeps(grain)) {
        if (strcmp(str(s, "pattern", ""), pattern) != 0 || n >= 32 || nn >= 32)
            continue;
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(s, "metg");
        const char *st = str(m, "status", "empty");
        struct reach x = { str(s, "backend", "?"), str(s, "kind", "threads"), NAN, 0 };
        if (strcmp(st, "ok") == 0)
            x.us = num(m, "metg_us");
        else if (strcmp(st, "always") == 0) {
            x.us = num(m, "smallest_us");
            x.bound = 1;
        }
        if (isfinite(x.us) && x.us > 0)
            r[n++] = x;
        else
            never[nn++] = x;
    }
    if (n + nn == 0)
        return 0;
    qsort(r, (size_t)n, sizeof *r, by_us_desc);
    fprintf(f, "| %s: task size | reaches 50 %% efficiency |\n|---|---|\n", pattern);
    int rows = 0;
    if (n == 0) {
        fprintf(f, "| any size swept | no back end: run serial, or make tasks bigger |\n");
        return 1;
    }
    char b1[32], b2[32];
    fprintf(f, "| at least %s µs | %s", us(r[0].us, b1),
            nn ? "every back end but " : "any back end");
    if (nn)
        for (int i = 0; i < nn; i++)
            fprintf(f, "%s%s", i ? ", " : "", never[i].backend);
    fprintf(f, " (");
    list_names(f, r, n, r[0].us);
    fprintf(f, ")%s |\n", nn ? " — those never reached 50 %" : "");
    rows++;
    for (int i = 1; i < n; i++) {
        if (r[i].us == r[i - 1].us)
            continue;
        fprintf(f, "| %s to %s µs | %s", us(r[i].us, b1), us(r[i - 1].us, b2),
                kinds_only(r, n, r[i].us));
        list_names(f, r, n, r[i].us);
        fprintf(f, " |\n");
        rows++;
    }
    if (r[n - 1].bound)
        fprintf(f, "| below %s µs | not measured: %s still reached 50 %% at the smallest "
                   "task swept |\n", us(r[n - 1].us, b1), r[n - 1].backend);
    else
        fprintf(f, "| below %s µs | serial: no back end reaches 50 %% |\n",
                us(r[n - 1].us, b1));
    return rows + 1;
}

void par__grain_report(FILE *f, const cJSON *grain, const char plots[][64], int nplots)
{
    if (!grain)
        return;
    fprintf(f, "## Task granularity: METG(50 %%)\n\n");
    fprintf(f, "The `grain` workload (Task Bench's graph: %d tasks per step, one per worker, "
               "a compute-bound kernel of I iterations) swept from tasks of about 10 ms down "
               "by factors of %d until the efficiency fell below 10 %%, on %d workers; %d "
               "repetitions per point. Efficiency = serial time of the same graph / (workers "
               "x wall time); task granularity = wall time x workers / tasks, the time per "
               "task *including* the runtime's overhead. METG(50 %%) is the granularity where "
               "the efficiency first falls below 50 %%, interpolated; its interval comes from "
               "the 95 %% intervals of the medians (docs/metg.md).\n\n",
            (int)num(grain, "tasks_per_step"), (int)num(grain, "factor"),
            (int)num(grain, "workers"), (int)num(grain, "reps"));
    if (str(grain, "error", NULL))
        fprintf(f, "The sweep failed: %s.\n\n", str(grain, "error", ""));
    fprintf(f, "| back end | pattern | METG(50 %%) [95 %% interval] | swept down to | "
               "stopped |\n|---|---|---|--:|---|\n");
    const cJSON *s;
    cJSON_ArrayForEach(s, sweeps(grain)) {
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(s, "metg");
        char b[32];
        fprintf(f, "| %s | %s | %s | %s µs | %s |\n", str(s, "backend", "?"),
                str(s, "pattern", "?"), str(m, "text", "no data"), us(num(m, "smallest_us"), b),
                str(s, "stopped", ""));
    }
    fprintf(f, "\nWhat to use, by the size of your tasks (a task here is one kernel call "
               "between synchronisations):\n\n");
    for (int p = 0; p < 2; p++) {
        const char *pat = p ? "none" : "stencil";
        if (par__grain_advice(f, grain, pat))
            fprintf(f, "\n");
    }
    for (int i = 0; i < nplots; i++)
        if (strncmp(plots[i], "grain-", 6) == 0)
            fprintf(f, "![%s](%s)\n", plots[i], plots[i]);
    fprintf(f, "\nFor comparison, Task Bench's own implementations measured on a 2-core "
               "machine (2 workers, 1000 steps; METG against the kernel's single-core peak): "
               "MPI 1.3 µs stencil / 0.2 µs no_comm (our mpi); MPI+OpenMP, 1 rank x 2 "
               "threads, 8.4 / 8.2 µs (our hybrid); OpenMP tasks with dependences "
               "90-120 µs / 35 µs-1.2 ms (docs/metg.md).\n\n");
}

/* ---- plots ---------------------------------------------------------------- */

static const char *const colours[] = { "#1f77b4", "#d62728", "#2ca02c", "#9467bd",
                                       "#ff7f0e", "#8c564b", "#17becf" };

/* Writes s as a gnuplot single-quoted string ('' stands for one quote). */
static void gp_quoted(FILE *g, const char *s)
{
    fputc('\'', g);
    for (; *s; s++)
        fputs(*s == '\'' ? "''" : (char[]){ *s, 0 }, g);
    fputc('\'', g);
}

static int pattern_plot(FILE *g, const char *dir, const char *datadir, const cJSON *grain,
                        const char *pat)
{
    char data[4400];
    snprintf(data, sizeof data, "%s/grain-%s.dat", datadir, pat);
    FILE *d = fopen(data, "w");
    if (!d)
        return 0;
    const char *names[16];
    int blocks = 0;
    const cJSON *s;
    cJSON_ArrayForEach(s, sweeps(grain)) {
        if (strcmp(str(s, "pattern", ""), pat) != 0 || blocks >= 16)
            continue;
        int rows = 0;
        const cJSON *p;
        cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(s, "points")) {
            double g_s = num(p, "grain_s"), e = num(p, "efficiency");
            if (!(g_s > 0) || !isfinite(e))
                continue;
            if (!rows)
                fprintf(d, "# %s\n", str(s, "backend", "?"));
            double lo = num(p, "efficiency_low"), hi = num(p, "efficiency_high");
            fprintf(d, "%.6g %.4g %.4g %.4g\n", g_s * 1e6, e * 100,
                    isfinite(lo) ? lo * 100 : e * 100, isfinite(hi) ? hi * 100 : e * 100);
            rows++;
        }
        if (rows) {
            fprintf(d, "\n\n");
            names[blocks++] = str(s, "backend", "?");
        }
    }
    fclose(d);
    if (!blocks)
        return 0;
    char png[4400];
    snprintf(png, sizeof png, "%s/grain-%s.png", dir, pat);
    fprintf(g, "set output ");
    gp_quoted(g, png);
    fprintf(g, "\n");
    fprintf(g, "set title 'Efficiency against task size, %s pattern, %d workers "
               "(higher is better; METG = where a line crosses 50 %%)'\n", pat,
            (int)num(grain, "workers"));
    fprintf(g, "set logscale x 10\nset xlabel 'task granularity (µs per task, overhead "
               "included; log scale)'\nset ylabel 'efficiency (%%)'\nset yrange [0:120]\n"
               "set grid\nset key top left\nset format x '%%g'\n");
    fprintf(g, "plot 50 with lines dt 2 lw 2 lc rgb '#555555' title '50 %%'");
    for (int b = 0; b < blocks; b++) {
        fprintf(g, ", \\\n     ");
        gp_quoted(g, data);
        fprintf(g, " index %d using 1:2:3:4 with yerrorlines lw 2 pt 7 lc rgb '%s' title ", b,
                colours[b % 7]);
        gp_quoted(g, names[b]);
    }
    fprintf(g, "\n");
    return 1;
}

int par__grain_plots(const char *dir, const cJSON *grain, const struct par__tools *t,
                     double timeout_s, char plots[][64], int cap, int *nplots, char *why,
                     size_t whylen)
{
    if (!t->gnuplot[0]) {
        snprintf(why, whylen, "%s", t->why_no_plots);
        return -1;
    }
    char datadir[4200], script[4300];
    snprintf(datadir, sizeof datadir, "%s/plots", dir);
    if (mkdir(datadir, 0777) != 0 && errno != EEXIST) {
        snprintf(why, whylen, "cannot create %.150s: %s", datadir, strerror(errno));
        return -1;
    }
    snprintf(script, sizeof script, "%s/grain.gp", datadir);
    FILE *g = fopen(script, "w");
    if (!g) {
        snprintf(why, whylen, "cannot write %.150s: %s", script, strerror(errno));
        return -1;
    }
    fprintf(g, "# Drawn by parcompare; run `gnuplot %s` to redraw.\n", script);
    fprintf(g, "set terminal %s size 1000,600 font ',11'%s\n", t->png_terminal,
            strcmp(t->png_terminal, "pngcairo") == 0 ? " enhanced" : "");
    const char *pats[] = { "stencil", "none" };
    int drawn[2] = { 0, 0 };
    for (int i = 0; i < 2; i++)
        drawn[i] = pattern_plot(g, dir, datadir, grain, pats[i]);
    if (fclose(g) != 0 || !(drawn[0] || drawn[1])) {
        snprintf(why, whylen, "%s", drawn[0] || drawn[1] ? "cannot write the gnuplot script"
                                                          : "no verified grain point to plot");
        return -1;
    }
    if (par__gnuplot_run(t, script, timeout_s, why, whylen))
        return -1;
    for (int i = 0; i < 2; i++)
        if (drawn[i] && *nplots < cap)
            snprintf(plots[(*nplots)++], 64, "grain-%s.png", pats[i]);
    return 0;
}
