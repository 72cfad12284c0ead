#include "uncertainty.h"

#include <math.h>
#include <stdio.h>

#include "records.h"
#include "run.h"

void par__point_read_sampling(struct par__point *p)
{
    const cJSON *r = p->result;
    p->ci_low = p->ci_high = NAN;
    p->samples = p->warmups = p->target_reached = 0;
    if (!r)
        return;
    double n = par__json_num(r, "samples");
    if (isnan(n)) /* a record from before issue 10: reps were the samples */
        n = par__json_num(r, "reps");
    p->samples = isnan(n) ? 0 : (int)n;
    double w = par__json_num(r, "warmups");
    p->warmups = isnan(w) ? 0 : (int)w;
    if (par__json_bool(r, "ci_available") == 1) {
        p->ci_low = par__json_num(r, "ci_low_s");
        p->ci_high = par__json_num(r, "ci_high_s");
    }
    p->target_reached = par__json_bool(r, "target_reached") == 1;
    double ran = par__json_num(r, "workers_ran");
    p->workers_ran = isnan(ran) ? 0 : (int)ran;
}

void par__speedup_bounds(struct par__point *p, const struct par__point *s)
{
    p->speedup_low = p->speedup_high = NAN;
    if (p == s) /* the reference: 1 by definition */
        return;
    if (!(p->ci_low > 0) || !(s->ci_low > 0) || isnan(p->ci_high) || isnan(s->ci_high))
        return;
    p->speedup_low = s->ci_low / p->ci_high;
    p->speedup_high = s->ci_high / p->ci_low;
}

void par__mark_fastest(struct par__matrix *m, int w, int (*in_set)(const struct par__point *))
{
    struct par__point *best = NULL, *next = NULL;
    for (size_t i = 0; i < m->n; i++) {
        struct par__point *p = &m->pts[i];
        if (!in_set(p) || (int)p->workload != w)
            continue;
        p->fastest = 0;
        p->tied_with = NULL;
        if (p->status != PAR__ST_OK || !(p->median > 0))
            continue;
        if (!best || p->median < best->median) {
            next = best;
            best = p;
        } else if (!next || p->median < next->median) {
            next = p;
        }
    }
    if (!best)
        return;
    if (!next) {
        best->fastest = 1; /* nothing to be tied with */
        return;
    }
    int disjoint = !isnan(best->ci_high) && !isnan(next->ci_low) && best->ci_high < next->ci_low;
    if (disjoint)
        best->fastest = 1;
    else
        best->tied_with = next;
}

const char *par__time_text(const struct par__point *p, double scale, char *buf, size_t len)
{
    if (p->status != PAR__ST_OK || isnan(p->median))
        snprintf(buf, len, "FAILED");
    else if (!isnan(p->ci_low))
        snprintf(buf, len, "%.4g [%.4g, %.4g]", p->median * scale, p->ci_low * scale,
                 p->ci_high * scale);
    else if (p->samples == 1)
        snprintf(buf, len, "%.4g (1 sample)", p->median * scale);
    else
        snprintf(buf, len, "%.4g (%d samples, no CI)", p->median * scale, p->samples);
    return buf;
}

const char *par__fastest_text(const struct par__point *p, char *buf, size_t len)
{
    if (p->fastest)
        return "fastest";
    if (!p->tied_with)
        return "";
    snprintf(buf, len, "tied with %s -j %d", par__be_name(p->tied_with->backend),
             p->tied_with->workers);
    return buf;
}

static void set_num_or_null(cJSON *r, const char *key, double v)
{
    cJSON *item = isnan(v) || isinf(v) ? cJSON_CreateNull() : cJSON_CreateNumber(v);
    if (!item)
        return;
    if (cJSON_GetObjectItemCaseSensitive(r, key))
        cJSON_ReplaceItemInObjectCaseSensitive(r, key, item);
    else
        cJSON_AddItemToObject(r, key, item);
}

void par__record_uncertainty(cJSON *r, const struct par__point *p)
{
    set_num_or_null(r, "speedup_low", p->speedup_low);
    set_num_or_null(r, "speedup_high", p->speedup_high);
    char who[64];
    if (p->tied_with) {
        snprintf(who, sizeof who, "%s -j %d", par__be_name(p->tied_with->backend),
                 p->tied_with->workers);
        cJSON_AddStringToObject(r, "tied_with", who);
    } else {
        cJSON_AddNullToObject(r, "tied_with");
    }
    if (p->status == PAR__ST_OK)
        return;
    static const char *const times[] = { "median_s", "mad_s", "min_s", "max_s", "mean_s",
                                         "stddev_s", "ci_low_s", "ci_high_s", "ci_half_width" };
    for (size_t i = 0; i < sizeof times / sizeof *times; i++)
        set_num_or_null(r, times[i], NAN);
}

const char par__uncertainty_csv_header[] =
    ",ci_low_s,ci_high_s,samples,warmups,target_reached,speedup_low,speedup_high,tied_with,"
    "cannot_judge";

static void csv_num(FILE *f, double v, const char *fmt)
{
    fputc(',', f);
    if (!isnan(v) && !isinf(v))
        fprintf(f, fmt, v);
}

void par__uncertainty_csv(FILE *f, const struct par__point *p)
{
    int ok = p->status == PAR__ST_OK;
    csv_num(f, ok ? p->ci_low : NAN, "%.9f");
    csv_num(f, ok ? p->ci_high : NAN, "%.9f");
    fprintf(f, ",%d,%d,%s", ok ? p->samples : 0, p->warmups,
            ok && p->target_reached ? "true" : "false");
    csv_num(f, p->speedup_low, "%.4f");
    csv_num(f, p->speedup_high, "%.4f");
    if (p->tied_with)
        fprintf(f, ",%s -j %d", par__be_name(p->tied_with->backend), p->tied_with->workers);
    else
        fputc(',', f);
    fprintf(f, ",%s", p->has_base ? (p->cannot_judge ? "true" : "false") : "");
}
