#include "plot.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "table.h"

/* One colour per back end, the same in every plot. */
static const char *const be_colour[PAR__BE_COUNT] = {
    "#555555", "#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#d62728", "#8c564b"
};
/* One colour per worker count in the time plots. */
static const char *const workers_colour[] = {
    "#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3", "#8c8c8c"
};
#define NWCOL (sizeof workers_colour / sizeof *workers_colour)

/* Writes s as a gnuplot single-quoted string ('' stands for one quote). */
void par__gp_string(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++) {
        if (*s == '\'')
            fputc('\'', f);
        fputc(*s, f);
    }
    fputc('\'', f);
}

static int ok_matrix(const struct par__point *p, enum par_workload w)
{
    return (p->sets & PAR__SET_MATRIX) && p->workload == w && p->status == PAR__ST_OK;
}

/* The distinct worker counts of w's verified matrix points, ascending
 * (serial's 1 included even when --workers left 1 out). Returns how many. */
static int worker_counts(const struct par__matrix *m, enum par_workload w, int *out, int max)
{
    int n = 0;
    for (size_t i = 0; i < m->n; i++) {
        const struct par__point *p = &m->pts[i];
        if (!ok_matrix(p, w))
            continue;
        int pos = 0;
        while (pos < n && out[pos] < p->workers)
            pos++;
        if ((pos < n && out[pos] == p->workers) || n == max)
            continue;
        memmove(&out[pos + 1], &out[pos], (size_t)(n - pos) * sizeof *out);
        out[pos] = p->workers;
        n++;
    }
    return n;
}

/* Opens <datadir>/<kind>-<workload>.dat for writing; its name goes to data. */
static FILE *open_data(const char *datadir, const char *kind, enum par_workload w, char *data,
                       size_t len)
{
    snprintf(data, len, "%s/%s-%s.dat", datadir, kind, par_workload_name(w));
    return fopen(data, "w");
}

static void common_style(FILE *g)
{
    fputs("set border lw 1.2\nset grid lc rgb '#dddddd'\n"
          "set key below horizontal box opaque spacing 1.2 width 1\n", g);
}

/* speedup-<w>.png. Returns 1 when something was plotted. */
static int speedup_plot(FILE *g, const char *dir, const char *datadir,
                        const struct par__matrix *m, const struct par__plan *pl,
                        enum par_workload w, const char *sizes)
{
    const char *wn = par_workload_name(w);
    char data[4300];
    FILE *d = open_data(datadir, "speedup", w, data, sizeof data);
    if (!d)
        return 0;
    int blocks = 0, bes[PAR__BE_COUNT];
    double ymax = 1.0;
    for (int bi = 0; bi < pl->nbackends; bi++) {
        int be = pl->backends[bi];
        if (be == PAR__BE_SERIAL)
            continue;
        int rows = 0;
        for (size_t i = 0; i < m->n; i++) {
            const struct par__point *p = &m->pts[i];
            if (!ok_matrix(p, w) || (int)p->backend != be || isnan(p->speedup))
                continue;
            if (!rows++)
                fprintf(d, "%s# %s\n", blocks ? "\n\n" : "", par__be_name(be));
            fprintf(d, "%d %.6f\n", p->workers, p->speedup);
            if (p->speedup > ymax)
                ymax = p->speedup;
        }
        if (rows)
            bes[blocks++] = be;
    }
    fclose(d);
    if (!blocks)
        return 0;
    int wl[PAR__MAX_WORKER_COUNTS + 1];
    int nw = worker_counts(m, w, wl, PAR__MAX_WORKER_COUNTS + 1);
    int wmax = wl[nw - 1];
    double top = ymax > pl->cores ? ymax : pl->cores;
    fprintf(g, "reset\n");
    common_style(g);
    /* Top left is free unless a point is superlinear: the ideal line and the
     * measured ones rise from bottom left. */
    fprintf(g, "set key inside top left vertical\n");
    fprintf(g, "set output ");
    char png[4300];
    snprintf(png, sizeof png, "%s/speedup-%s.png", dir, wn);
    par__gp_string(g, png);
    fprintf(g, "\nset title \"%s (%s): speed-up over serial, %d core%s\" font ',13'\n", wn, sizes,
            pl->cores, pl->cores == 1 ? "" : "s");
    fprintf(g, "set xlabel 'workers (threads, or processes for proc and mpi)'\n"
               "set ylabel 'speed-up  (serial median / median)'\n");
    fprintf(g, "set xrange [0.5:%g]\nset yrange [0:%g]\nset xtics (", wmax + 0.5, top * 1.3);
    for (int j = 0; j < nw; j++)
        fprintf(g, "%s%d", j ? ", " : "", wl[j]);
    fprintf(g, ")\nset arrow from %d, graph 0 to %d, graph 1 nohead dt 3 lc rgb '#999999'\n",
            pl->cores, pl->cores);
    fprintf(g, "set label 'cores = %d' at %d, graph 0.96 offset 0.5,0 textcolor rgb '#777777'\n",
            pl->cores, pl->cores);
    fprintf(g, "ideal(x) = x < 1 ? 1/0 : x < %d ? x : %d\nset samples 400\n", pl->cores,
            pl->cores);
    fprintf(g, "plot ideal(x) with lines dt 2 lw 2 lc rgb '#333333' title 'ideal: min(workers, "
               "cores)'");
    for (int b = 0; b < blocks; b++) {
        fprintf(g, ", \\\n     ");
        par__gp_string(g, data);
        fprintf(g, " index %d using 1:2 with linespoints lw 2.5 pt 7 ps 1.4 lc rgb '%s' "
                "title '%s'", b, be_colour[bes[b]], par__be_name(bes[b]));
    }
    fprintf(g, "\nunset arrow\nunset label\n");
    return 1;
}

/* time-<w>.png: one bar per (back end, workers), grouped by back end. */
static int time_plot(FILE *g, const char *dir, const char *datadir, const struct par__matrix *m,
                     const struct par__plan *pl, enum par_workload w, const char *sizes)
{
    const char *wn = par_workload_name(w);
    char data[4300];
    FILE *d = open_data(datadir, "time", w, data, sizeof data);
    if (!d)
        return 0;
    const struct par__point *ref = par__table_serial(m, w);
    double tmin = INFINITY, tmax = 0;
    for (size_t i = 0; i < m->n; i++)
        if (ok_matrix(&m->pts[i], w)) {
            if (m->pts[i].median < tmin)
                tmin = m->pts[i].median;
            if (m->pts[i].median > tmax)
                tmax = m->pts[i].median;
            double b = m->pts[i].bw_bound_s; /* the bound must be on the plot too */
            if (b > 0 && b < tmin)
                tmin = b;
            if (b > tmax)
                tmax = b;
        }
    if (tmax <= 0) {
        fclose(d);
        return 0;
    }
    const char *unit = par__time_unit(ref && ref->status == PAR__ST_OK ? ref->median : tmax);
    double scale = par__time_scale(unit);
    int wl[PAR__MAX_WORKER_COUNTS + 1];
    int nw = worker_counts(m, w, wl, PAR__MAX_WORKER_COUNTS + 1);

    /* x positions: groups of bars, one group per back end, a gap between. */
    double x = 0, centre[PAR__BE_COUNT];
    int ingroup[PAR__BE_COUNT] = { 0 }, grouped[PAR__BE_COUNT], ngroups = 0;
    struct { double x; int j; const struct par__point *p; } bars[512];
    int nbars = 0;
    for (int bi = 0; bi < pl->nbackends; bi++) {
        int be = pl->backends[bi];
        double first = -1;
        for (int j = 0; j < nw && nbars < 512; j++) {
            for (size_t i = 0; i < m->n; i++) {
                const struct par__point *p = &m->pts[i];
                if (!ok_matrix(p, w) || (int)p->backend != be || p->workers != wl[j])
                    continue;
                x += 1;
                if (first < 0)
                    first = x;
                bars[nbars].x = x;
                bars[nbars].j = j;
                bars[nbars++].p = p;
                ingroup[bi]++;
                break;
            }
        }
        if (ingroup[bi]) {
            centre[ngroups] = (first + x) / 2;
            grouped[ngroups++] = be;
            x += 0.8; /* gap between groups */
        }
    }
    /* One data block per worker count (so each gets a colour and a key). */
    int blocks = 0, blockj[PAR__MAX_WORKER_COUNTS + 1];
    for (int j = 0; j < nw; j++) {
        int rows = 0;
        for (int b = 0; b < nbars; b++) {
            if (bars[b].j != j)
                continue;
            if (!rows++)
                fprintf(d, "%s# %d workers\n", blocks ? "\n\n" : "", wl[j]);
            /* Error bars: the 95 % CI of the median; none without a CI. */
            const struct par__point *p = bars[b].p;
            int ci = !isnan(p->ci_low) && !isnan(p->ci_high);
            fprintf(d, "%.2f %.6f %.6f %.6f\n", bars[b].x, p->median * scale,
                    (ci ? p->ci_low : p->median) * scale, (ci ? p->ci_high : p->median) * scale);
        }
        if (rows)
            blockj[blocks++] = j;
    }
    /* Rule 11: the memory-bandwidth bound on each bar's time (map only;
     * bandwidth.h), a dash across the bar, in the last block. */
    int bound_rows = 0;
    for (int b = 0; b < nbars; b++) {
        const struct par__point *p = bars[b].p;
        if (!(p->bw_bound_s > 0))
            continue;
        if (!bound_rows++)
            fprintf(d, "%s# memory-bandwidth bound\n", blocks ? "\n\n" : "");
        fprintf(d, "%.2f %.6f\n", bars[b].x, p->bw_bound_s * scale);
    }
    fclose(d);
    if (!blocks)
        return 0;

    fprintf(g, "reset\n");
    common_style(g);
    fprintf(g, "set output ");
    char png[4300];
    snprintf(png, sizeof png, "%s/time-%s.png", dir, wn);
    par__gp_string(g, png);
    fprintf(g, "\nset title \"%s (%s): median time per back end (error bars: 95%% CI)\" "
               "font ',13'\n", wn, sizes);
    fprintf(g, "set ylabel 'median time (%s)%s'\n", unit,
            tmax / tmin > 30 ? ", log scale" : "");
    if (tmax / tmin > 30)
        fprintf(g, "set logscale y\nset yrange [%g:%g]\n", tmin * scale * 0.5,
                tmax * scale * 2.0);
    else
        fprintf(g, "set yrange [0:%g]\n", tmax * scale * 1.15);
    fprintf(g, "set xrange [0:%g]\nset xtics scale 0 (", x + 0.2);
    for (int k = 0; k < ngroups; k++)
        fprintf(g, "%s'%s' %.2f", k ? ", " : "", par__be_name(grouped[k]), centre[k]);
    fprintf(g, ")\nset grid noxtics ytics\nset style fill solid 0.85 border lc rgb '#333333'\n"
               "set boxwidth 0.9\nset errorbars lw 1.5\nplot ");
    for (int b = 0; b < blocks; b++) {
        if (b)
            fprintf(g, ", \\\n     ");
        par__gp_string(g, data);
        int wk = wl[blockj[b]];
        /* Five columns: x y ylow yhigh width (with four, gnuplot reads
         * x y ydelta xdelta and draws the CI's ends as widths). */
        fprintf(g, " index %d using 1:2:3:4:(0.9) with boxerrorbars lc rgb '%s' "
                "title '%d worker%s'", b,
                workers_colour[(size_t)blockj[b] % NWCOL], wk, wk == 1 ? "" : "s");
    }
    if (bound_rows) {
        fprintf(g, ", \\\n     ");
        par__gp_string(g, data);
        fprintf(g, " index %d using ($1-0.45):2:(0.9):(0) with vectors nohead lw 3 "
                "lc rgb '#000000' title 'memory-bandwidth bound (STREAM triad)'", blocks);
    }
    fprintf(g, "\n");
    return 1;
}

int par__plots_draw(const char *dir, const struct par__matrix *m, const struct par__plan *pl,
                    const struct par__tools *t, double timeout_s, struct par__summary *s)
{
    s->nplots = 0;
    if (!t->gnuplot[0]) {
        snprintf(s->why_no_plots, sizeof s->why_no_plots, "%s", t->why_no_plots);
        return -1;
    }
    char datadir[4200], script[4300];
    snprintf(datadir, sizeof datadir, "%s/plots", dir);
    if (mkdir(datadir, 0777) != 0 && errno != EEXIST) {
        snprintf(s->why_no_plots, sizeof s->why_no_plots, "cannot create %.150s: %s", datadir,
                 strerror(errno));
        return -1;
    }
    snprintf(script, sizeof script, "%s/plots.gp", datadir);
    FILE *g = fopen(script, "w");
    if (!g) {
        snprintf(s->why_no_plots, sizeof s->why_no_plots, "cannot write %.150s: %s", script,
                 strerror(errno));
        return -1;
    }
    fprintf(g, "# Drawn by parcompare; run `gnuplot %s` to redraw.\n", script);
    fprintf(g, "set terminal %s size 1000,600 font ',11'%s\n", t->png_terminal,
            strcmp(t->png_terminal, "pngcairo") == 0 ? " enhanced" : "");
    for (int wi = 0; wi < pl->nworkloads; wi++) {
        enum par_workload w = (enum par_workload)pl->workloads[wi];
        char sizes[96] = "";
        const struct par__point *ref = par__table_serial(m, w);
        for (size_t i = 0; !ref && i < m->n; i++)
            if (ok_matrix(&m->pts[i], w))
                ref = &m->pts[i];
        if (ref)
            par__point_sizes_text(ref, sizes, sizeof sizes);
        if (speedup_plot(g, dir, datadir, m, pl, w, sizes) && s->nplots < 8)
            snprintf(s->plots[s->nplots++], sizeof s->plots[0], "speedup-%s.png",
                     par_workload_name(w));
        if (time_plot(g, dir, datadir, m, pl, w, sizes) && s->nplots < 8)
            snprintf(s->plots[s->nplots++], sizeof s->plots[0], "time-%s.png",
                     par_workload_name(w));
    }
    if (fclose(g) != 0) {
        snprintf(s->why_no_plots, sizeof s->why_no_plots, "cannot write %.200s", script);
        s->nplots = 0;
        return -1;
    }
    if (!s->nplots) {
        snprintf(s->why_no_plots, sizeof s->why_no_plots, "no verified point to plot");
        return -1;
    }
    if (par__gnuplot_run(t, script, timeout_s, s->why_no_plots, sizeof s->why_no_plots)) {
        s->nplots = 0;
        return -1;
    }
    return 0;
}
