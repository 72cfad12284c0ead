#include "bandwidth.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "error.h"
#include "options.h"
#include "records.h"
#include "stream.h"

#define MIB ((size_t)1 << 20)
/* Timed repetitions per measurement (STREAM's default NTIMES is 10, the
 * first of them untimed; we time 10 after one untimed). */
#define BW_REPS 10

int par__bandwidth_parse(const char *spec, double *one, double *all, char *msg, size_t len)
{
    char buf[128];
    const char *comma = spec ? strchr(spec, ',') : NULL;
    if (!comma || (size_t)(comma - spec) >= sizeof buf)
        return par_usage_fail(msg, len, "PAR_TEST_BANDWIDTH: expected <one>,<all> in GB/s, "
                              "got '%s'", spec ? spec : "");
    memcpy(buf, spec, (size_t)(comma - spec));
    buf[comma - spec] = '\0';
    if (par_parse_real(buf, NULL, 1e-9, 1e6, one) || par_parse_real(comma + 1, NULL, 1e-9, 1e6, all))
        return par_usage_fail(msg, len, "PAR_TEST_BANDWIDTH: expected <one>,<all> in GB/s, "
                              "got '%s'", spec);
    return 0;
}

size_t par__bandwidth_array_bytes(size_t llc_bytes, int full, int mib)
{
    if (mib > 0)
        return (size_t)mib * MIB;
    size_t want = 4 * llc_bytes, lo = 32 * MIB, hi = (full ? 256 : 64) * MIB;
    if (want < lo)
        want = lo;
    if (want > hi)
        want = hi;
    return want / 8 * 8;
}

static size_t llc_size(void)
{
    long v = -1;
#ifdef _SC_LEVEL4_CACHE_SIZE
    v = sysconf(_SC_LEVEL4_CACHE_SIZE);
#endif
#ifdef _SC_LEVEL3_CACHE_SIZE
    if (v <= 0)
        v = sysconf(_SC_LEVEL3_CACHE_SIZE);
#endif
#ifdef _SC_LEVEL2_CACHE_SIZE
    if (v <= 0)
        v = sysconf(_SC_LEVEL2_CACHE_SIZE);
#endif
    return v > 0 ? (size_t)v : 0;
}

int par__bandwidth_measure(struct par__bandwidth *bw, int cores, int full, int mib)
{
    memset(bw, 0, sizeof *bw);
    bw->threads = cores > 0 ? cores : 1;
    bw->llc_bytes = llc_size();
    bw->array_bytes = par__bandwidth_array_bytes(bw->llc_bytes, full, mib);
    bw->reps = BW_REPS;
    const char *inj = getenv("PAR_TEST_BANDWIDTH");
    if (inj && *inj) {
        if (par__bandwidth_parse(inj, &bw->one_gbs, &bw->all_gbs, bw->why, sizeof bw->why))
            return PAR_EINVAL;
        bw->state = PAR__BW_INJECTED;
        bw->reps = 0;
        return 0;
    }
    double t0 = par_now_s();
    size_t n = bw->array_bytes / sizeof(double);
    struct par__triad one, all;
    int rc = par__triad_measure(n, bw->threads, BW_REPS, &one, &all);
    bw->cost_s = par_now_s() - t0;
    if (rc) {
        snprintf(bw->why, sizeof bw->why, "the STREAM triad on %zu MiB arrays failed: %s",
                 bw->array_bytes / MIB, par_strerror(rc));
        return 0;
    }
    bw->one_gbs = one.gbs;
    bw->all_gbs = all.gbs;
    bw->state = PAR__BW_MEASURED;
    return 0;
}

double par__map_bytes(double items)
{
    return PAR__MAP_BYTES_PER_ITEM * items;
}

double par__bandwidth_for(const struct par__bandwidth *bw, int workers)
{
    if (!bw || bw->state == PAR__BW_NONE || workers < 1)
        return NAN;
    /* Workers beyond the cores share them: they get what all cores get. */
    if (workers >= bw->threads)
        return bw->all_gbs;
    double b = workers * bw->one_gbs;
    return b < bw->all_gbs ? b : bw->all_gbs;
}

double par__map_bound_s(const struct par__bandwidth *bw, double items, int workers)
{
    double gbs = par__bandwidth_for(bw, workers);
    if (isnan(gbs) || !(gbs > 0) || !(items >= 0))
        return NAN;
    return par__map_bytes(items) / (gbs * 1e9);
}

/* The point's item count: its record's params.items, else what was asked. */
static double point_items(const struct par__point *p)
{
    const cJSON *params = p->result ? cJSON_GetObjectItemCaseSensitive(p->result, "params") : NULL;
    double items = cJSON_IsObject(params) ? par__json_num(params, "items") : NAN;
    if (isnan(items) && p->sizes.items)
        items = (double)p->sizes.items;
    return items;
}

void par__bandwidth_derive(struct par__matrix *m, const struct par__bandwidth *bw)
{
    for (size_t i = 0; i < m->n; i++) {
        struct par__point *p = &m->pts[i];
        p->bw_bound_s = NAN;
        if ((p->sets & PAR__SET_MATRIX) && p->workload == PAR_W_MAP)
            p->bw_bound_s = par__map_bound_s(bw, point_items(p), p->workers);
    }
}

static const char *state_name(enum par__bw_state s)
{
    return s == PAR__BW_MEASURED ? "measured" : s == PAR__BW_INJECTED ? "injected (test)" : "none";
}

cJSON *par__bandwidth_json(const struct par__bandwidth *bw)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "state", state_name(bw->state));
    cJSON_AddStringToObject(o, "kernel", "STREAM triad a[i] = b[i] + s*c[i] (McCalpin), "
                            "24 bytes per element, best of the timed repetitions");
    if (bw->state == PAR__BW_NONE) {
        cJSON_AddNullToObject(o, "one_thread_gbs");
        cJSON_AddNullToObject(o, "all_cores_gbs");
        cJSON_AddStringToObject(o, "why", bw->why);
    } else {
        cJSON_AddNumberToObject(o, "one_thread_gbs", bw->one_gbs);
        cJSON_AddNumberToObject(o, "all_cores_gbs", bw->all_gbs);
    }
    cJSON_AddNumberToObject(o, "threads", bw->threads);
    cJSON_AddNumberToObject(o, "array_bytes", (double)bw->array_bytes);
    cJSON_AddNumberToObject(o, "arrays", 3);
    if (bw->llc_bytes)
        cJSON_AddNumberToObject(o, "llc_bytes", (double)bw->llc_bytes);
    else
        cJSON_AddNullToObject(o, "llc_bytes");
    cJSON_AddBoolToObject(o, "stream_size_rule_met",
                          bw->llc_bytes && bw->array_bytes >= 4 * bw->llc_bytes);
    cJSON_AddNumberToObject(o, "reps", bw->reps);
    cJSON_AddNumberToObject(o, "cost_s", bw->cost_s);
    cJSON_AddNumberToObject(o, "map_bytes_per_item", PAR__MAP_BYTES_PER_ITEM);
    cJSON_AddStringToObject(o, "map_bound", "16 B x items / bandwidth(workers), bandwidth(w) = "
                            "min(w x one_thread_gbs, all_cores_gbs) below the cores, "
                            "all_cores_gbs from the cores on");
    return o;
}

void par__bandwidth_print(FILE *f, const struct par__bandwidth *bw, int markdown)
{
    if (bw->state == PAR__BW_NONE) {
        fprintf(f, markdown ? "Memory bandwidth: not measured (%s).\n\n"
                            : "memory bandwidth: not measured (%s)\n", bw->why);
        return;
    }
    char rule[160] = "";
    if (bw->llc_bytes && bw->array_bytes < 4 * bw->llc_bytes)
        snprintf(rule, sizeof rule, "; below STREAM's rule of 4 x the %.0f MiB last-level cache "
                 "reported, so a cache may have helped", (double)bw->llc_bytes / MIB);
    const char *how = bw->state == PAR__BW_INJECTED ? "injected by PAR_TEST_BANDWIDTH, not measured"
                                                    : "STREAM triad";
    if (markdown)
        fprintf(f, "Memory bandwidth (%s, McCalpin's STREAM: a[i] = b[i] + s*c[i], 24 B per "
                "element, best of %d repetitions, 3 arrays of %.0f MiB%s): **%.1f GB/s** on "
                "1 thread, **%.1f GB/s** on %d thread%s; measuring took %.1f s. It bounds "
                "`map` (16 B per item) from below: see the map table.\n\n", how, bw->reps,
                (double)bw->array_bytes / MIB, rule, bw->one_gbs, bw->all_gbs, bw->threads,
                bw->threads == 1 ? "" : "s", bw->cost_s);
    else
        fprintf(f, "memory bandwidth (%s, %.0f MiB arrays): %.1f GB/s on 1 thread, %.1f GB/s "
                "on %d thread%s (%.1f s)%s\n", how, (double)bw->array_bytes / MIB, bw->one_gbs,
                bw->all_gbs, bw->threads, bw->threads == 1 ? "" : "s", bw->cost_s, rule);
}

void par__bandwidth_bound_line(FILE *f, const struct par__matrix *m, double scale,
                               const char *unit, int markdown)
{
    int seen[64], nseen = 0;
    for (size_t i = 0; i < m->n && nseen < 64; i++) {
        const struct par__point *p = &m->pts[i];
        if (!(p->sets & PAR__SET_MATRIX) || p->workload != PAR_W_MAP || isnan(p->bw_bound_s))
            continue;
        int dup = 0;
        for (int k = 0; k < nseen; k++)
            dup |= seen[k] == p->workers;
        if (!dup)
            seen[nseen++] = p->workers;
    }
    if (!nseen)
        return;
    for (int a = 1; a < nseen; a++) /* insertion sort of the worker counts */
        for (int b = a; b > 0 && seen[b - 1] > seen[b]; b--) {
            int t = seen[b];
            seen[b] = seen[b - 1];
            seen[b - 1] = t;
        }
    fprintf(f, markdown ? "Memory-bandwidth bound (rule 11; 16 B per item at the STREAM "
                          "bandwidth, docs/measurement.md): no `map` run can be faster than"
                        : "  memory-bandwidth bound (16 B/item at STREAM triad GB/s): at least");
    for (int k = 0; k < nseen; k++) {
        for (size_t i = 0; i < m->n; i++) {
            const struct par__point *p = &m->pts[i];
            if (!(p->sets & PAR__SET_MATRIX) || p->workload != PAR_W_MAP ||
                p->workers != seen[k] || isnan(p->bw_bound_s))
                continue;
            fprintf(f, "%s %.4g %s at %d worker%s", k ? "," : "", p->bw_bound_s * scale, unit,
                    seen[k], seen[k] == 1 ? "" : "s");
            break;
        }
    }
    fputs(markdown ? ".\n\n" : "\n", f);
}
