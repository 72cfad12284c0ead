#include "table.h"

#include <math.h>
#include <string.h>

#include "bandwidth.h"
#include "mdcell.h"
#include "uncertainty.h"

static int in_matrix(const struct par__point *p)
{
    return (p->sets & PAR__SET_MATRIX) != 0;
}

const struct par__point *par__table_serial(const struct par__matrix *m, enum par_workload w)
{
    for (size_t i = 0; i < m->n; i++) {
        const struct par__point *p = &m->pts[i];
        if (in_matrix(p) && p->workload == w && p->backend == PAR__BE_SERIAL)
            return p;
    }
    return NULL;
}

void par__table_derive(struct par__matrix *m, int cores)
{
    for (size_t i = 0; i < m->n; i++) {
        struct par__point *p = &m->pts[i];
        p->speedup = p->efficiency = p->karp_flatt = NAN;
        p->fastest = 0;
        if (!in_matrix(p) || p->status != PAR__ST_OK || !(p->median > 0))
            continue;
        const struct par__point *s = par__table_serial(m, p->workload);
        if (!s || s->status != PAR__ST_OK || !(s->median > 0))
            continue;
        double S = s->median / p->median;
        int q = p->workers < cores ? p->workers : cores;
        if (q < 1)
            q = 1;
        p->speedup = S;
        p->efficiency = S / q;
        par__speedup_bounds(p, s);
        /* The serial fraction explains a speed-up; with none (S <= 1) or one
         * core there is nothing for it to explain (values like 43006 for a
         * point slower than serial meant nothing: issue 10). */
        if (q > 1 && S > 1)
            p->karp_flatt = (1.0 / S - 1.0 / q) / (1.0 - 1.0 / q);
    }
    for (int w = 0; w < PAR_W_COUNT_; w++)
        par__mark_fastest(m, w, in_matrix);
}

const char *par__time_unit(double seconds)
{
    return seconds >= 10.0 ? "s" : "ms";
}

double par__time_scale(const char *unit)
{
    return strcmp(unit, "s") == 0 ? 1.0 : 1e3;
}

static void fmt_num(char *buf, size_t len, double v, const char *fmt)
{
    if (isnan(v))
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, fmt, v);
}

/* The workload's heading: sizes, repetitions, cores. */
static void heading(FILE *f, const struct par__matrix *m, enum par_workload w, int cores,
                    int markdown)
{
    const struct par__point *ref = par__table_serial(m, w);
    const struct par__point *any = ref;
    for (size_t i = 0; !any && i < m->n; i++)
        if (in_matrix(&m->pts[i]) && m->pts[i].workload == w)
            any = &m->pts[i];
    char sizes[96] = "";
    if (any)
        par__point_sizes_text(ref && ref->result ? ref : any, sizes, sizeof sizes);
    char reps[96];
    if (any && any->reps > 0)
        snprintf(reps, sizeof reps, "%d timed repetition%s", any->reps, any->reps == 1 ? "" : "s");
    else
        snprintf(reps, sizeof reps, "repetitions until the 95%% CI is within the target");
    if (markdown)
        fprintf(f, "### %s\n\n%s; %s per point, after warm-ups until steady; %d core%s. "
                "Times are medians [95%% CI]. Speed-up is against the serial median",
                par_workload_name(w), sizes, reps, cores, cores == 1 ? "" : "s");
    else
        fprintf(f, "%s: %s; %s per point (n), after warm-ups until steady; %d core%s",
                par_workload_name(w), sizes, reps, cores, cores == 1 ? "" : "s");
    if (markdown) {
        if (ref && ref->status == PAR__ST_OK)
            fprintf(f, " (%.4g ms).\n\n", ref->median * 1e3);
        else
            fprintf(f, "; the serial reference did not run, so there is none.\n\n");
    } else {
        fputc('\n', f);
    }
}

static const char *baseline_text(const struct par__point *p, char *buf, size_t len)
{
    if (p->status != PAR__ST_OK)
        return "";
    if (!p->has_base)
        return "new";
    snprintf(buf, len, "%+.1f%%%s", p->change * 100.0,
             p->regression ? " REGRESSION" : p->cannot_judge ? " cannot judge" : "");
    return buf;
}

void par__table_print(FILE *f, const struct par__matrix *m, const int *ws, int nw, int cores,
                      int markdown, int with_baseline)
{
    for (int wi = 0; wi < nw; wi++) {
        enum par_workload w = (enum par_workload)ws[wi];
        const struct par__point *ref = par__table_serial(m, w);
        double ref_s = ref && ref->status == PAR__ST_OK ? ref->median : NAN;
        const char *unit = par__time_unit(isnan(ref_s) ? 0 : ref_s);
        double scale = par__time_scale(unit);
        heading(f, m, w, cores, markdown);
        char col[48];
        snprintf(col, sizeof col, "median [95%% CI] (%s)", unit);
        if (markdown) {
            fprintf(f, "| back end | kind | workers | %s | n | speed-up [range] | efficiency | "
                    "Karp–Flatt e |%s note |\n", col, with_baseline ? " vs baseline |" : "");
            fprintf(f, "|---|---|--:|--:|--:|--:|--:|--:|%s---|\n", with_baseline ? "--:|" : "");
        } else {
            fprintf(f, "  %-8s %-9s %7s  %-28s %4s %-18s %10s %10s%s\n", "back end", "kind",
                    "workers", col, "n", "speed-up [range]", "efficiency", "Karp-Flatt",
                    with_baseline ? "  vs baseline" : "");
        }
        for (size_t i = 0; i < m->n; i++) {
            const struct par__point *p = &m->pts[i];
            if (!in_matrix(p) || p->workload != w)
                continue;
            const char *kind = par__be_kind(p->backend);
            char med[64], sp[48], ef[32], kf[32], bl[48], fast[64];
            par__time_text(p, scale, med, sizeof med);
            fmt_num(sp, sizeof sp, p->speedup, "%.2f");
            if (!isnan(p->speedup_low))
                snprintf(sp + strlen(sp), sizeof sp - strlen(sp), " [%.2f, %.2f]",
                         p->speedup_low, p->speedup_high);
            const char *ft = par__fastest_text(p, fast, sizeof fast);
            char warn[64] = "";
            if (p->status == PAR__ST_OK && p->workers_ran > 0 && p->workers_ran != p->workers)
                snprintf(warn, sizeof warn, "  WARNING: %d of %d workers took part",
                         p->workers_ran, p->workers);
            fmt_num(ef, sizeof ef, p->efficiency, "%.2f");
            if (isnan(p->karp_flatt) && !isnan(p->speedup))
                snprintf(kf, sizeof kf, "n/a");
            else
                fmt_num(kf, sizeof kf, p->karp_flatt, "%.3f");
            const char *btxt = with_baseline ? baseline_text(p, bl, sizeof bl) : "";
            if (markdown) {
                fprintf(f, "| %s%s%s | %s | %d | %s | %d | %s | %s | %s |",
                        p->fastest ? "**" : "", par__be_name(p->backend),
                        p->fastest ? "**" : "", kind, p->workers, med, p->samples, sp, ef, kf);
                if (with_baseline)
                    fprintf(f, " %s |", btxt);
                if (p->status != PAR__ST_OK)
                    fprintf(f, " %s: %s |\n", par__status_name(p->status), par__md_cell(p->why));
                else
                    fprintf(f, " %s%s |\n", p->fastest ? "**fastest**" : ft, warn);
            } else {
                fprintf(f, "  %-8s %-9s %7d  %-28s %4d %-18s %10s %10s", par__be_name(p->backend),
                        kind, p->workers, med, p->samples, sp, ef, kf);
                if (with_baseline)
                    fprintf(f, "  %-12s", btxt);
                if (p->status != PAR__ST_OK)
                    fprintf(f, "  %s: %s", par__status_name(p->status), p->why);
                else if (*ft)
                    fprintf(f, "  <- %s", ft);
                fputs(warn, f);
                fputc('\n', f);
            }
        }
        if (w == PAR_W_MAP) {
            if (markdown)
                fputc('\n', f);
            par__bandwidth_bound_line(f, m, scale, unit, markdown);
        }
        fputc('\n', f);
    }
}
