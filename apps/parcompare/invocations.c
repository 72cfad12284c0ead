#include "invocations.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ci.h"
#include "matrix.h"
#include "records.h"
#include "stats.h"
#include "uncertainty.h"

/* Sets obj[key] to `item` (owned), replacing a member of that name. */
static int set_item(cJSON *obj, const char *key, cJSON *item)
{
    if (!item)
        return -1;
    if (cJSON_GetObjectItemCaseSensitive(obj, key))
        return cJSON_ReplaceItemInObjectCaseSensitive(obj, key, item) ? 0 : -1;
    if (!cJSON_AddItemToObject(obj, key, item)) {
        cJSON_Delete(item);
        return -1;
    }
    return 0;
}

/* Sets obj[key] to a number, or to null when v is NaN. */
static int set_num(cJSON *obj, const char *key, double v)
{
    return set_item(obj, key, isnan(v) ? cJSON_CreateNull() : cJSON_CreateNumber(v));
}

static int set_bool(cJSON *obj, const char *key, int v)
{
    return set_item(obj, key, cJSON_CreateBool(v));
}

/* One "invocations" entry from a child's record and its wall time. */
static cJSON *entry_of(const cJSON *r, double wall_s)
{
    cJSON *e = cJSON_CreateObject();
    if (!e)
        return NULL;
    int ci = par__json_bool(r, "ci_available") == 1;
    if (set_num(e, "median_s", par__json_num(r, "median_s"))
        || set_num(e, "ci_low_s", ci ? par__json_num(r, "ci_low_s") : NAN)
        || set_num(e, "ci_high_s", ci ? par__json_num(r, "ci_high_s") : NAN)
        || set_num(e, "samples", par__json_num(r, "samples"))
        || set_num(e, "warmups", par__json_num(r, "warmups"))
        || set_num(e, "wall_s", wall_s)
        || !cJSON_AddStringToObject(e, "stop", par__json_str(r, "stop", "fixed"))) {
        cJSON_Delete(e);
        return NULL;
    }
    return e;
}

int par__invocation_first(struct par__point *p)
{
    if (!p->result || cJSON_GetObjectItemCaseSensitive(p->result, "invocations"))
        return 0;
    cJSON *arr = cJSON_CreateArray();
    cJSON *e = entry_of(p->result, p->wall_s);
    if (!arr || !e || !cJSON_AddItemToArray(arr, e)) {
        cJSON_Delete(arr);
        cJSON_Delete(e);
        return -1;
    }
    if (!cJSON_AddItemToObject(p->result, "invocations", arr)) {
        cJSON_Delete(arr);
        return -1;
    }
    return 0;
}

static void take_failure(struct par__point *p, struct par__point *next)
{
    cJSON_Delete(p->result);
    cJSON_Delete(p->env);
    p->result = next->result;
    p->env = next->env;
    next->result = next->env = NULL;
    p->status = next->status;
    memcpy(p->why, next->why, sizeof p->why);
    p->exit_code = next->exit_code;
    p->wall_s += next->wall_s;
    p->median = p->mad = NAN;
    par__point_read_sampling(p);
}

/* The numbers of a JSON array, appended to *x (grown with realloc). */
static int append_times(double **x, size_t *n, const cJSON *arr)
{
    size_t add = (size_t)cJSON_GetArraySize(arr);
    double *grown = realloc(*x, (*n + add + 1) * sizeof **x);
    if (!grown)
        return -1;
    *x = grown;
    const cJSON *t;
    cJSON_ArrayForEach(t, arr)
        if (cJSON_IsNumber(t))
            grown[(*n)++] = t->valuedouble;
    return 0;
}

/* Recomputes the summary of record r from the pooled samples x[0..n) and
 * the invocation medians in r's "invocations". */
static int resummarise(cJSON *r, const double *x, size_t n)
{
    struct par_stats st;
    struct par_ci ci;
    if (par_stats_compute(x, n, &st) || par_median_ci(x, n, PAR_CI_LEVEL, &ci))
        return -1;
    if (ci.available) {
        const cJSON *e;
        cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(r, "invocations")) {
            double m = par__json_num(e, "median_s");
            if (isnan(m))
                continue;
            if (m < ci.low)
                ci.low = m;
            if (m > ci.high)
                ci.high = m;
        }
    }
    double target = par__json_num(r, "ci_target");
    double half = par_ci_rel_half_width(&ci);
    cJSON *times = cJSON_CreateArray();
    if (!times)
        return -1;
    for (size_t i = 0; i < n; i++) {
        cJSON *t = cJSON_CreateNumber(x[i]);
        if (!t || !cJSON_AddItemToArray(times, t)) {
            cJSON_Delete(t);
            cJSON_Delete(times);
            return -1;
        }
    }
    if (!cJSON_ReplaceItemInObjectCaseSensitive(r, "times_s", times)) {
        cJSON_Delete(times);
        return -1;
    }
    if (set_num(r, "median_s", st.median) || set_num(r, "min_s", st.min)
        || set_num(r, "max_s", st.max) || set_num(r, "mean_s", st.mean)
        || set_num(r, "stddev_s", st.stddev) || set_num(r, "mad_s", st.mad)
        || set_num(r, "samples", (double)n) || set_num(r, "reps", (double)n)
        || set_bool(r, "ci_available", ci.available)
        || set_num(r, "ci_low_s", ci.available ? ci.low : NAN)
        || set_num(r, "ci_high_s", ci.available ? ci.high : NAN)
        || set_num(r, "ci_half_width", ci.available ? half : NAN)
        || set_bool(r, "target_reached", ci.available && !isnan(target) && half <= target))
        return -1;
    return 0;
}

int par__invocation_merge(struct par__point *p, struct par__point *next)
{
    int rc = 0;
    if (p->status != PAR__ST_OK || !p->result) {
        /* Already failed: the first failure is the one reported. */
    } else if (next->status != PAR__ST_OK || !next->result) {
        take_failure(p, next);
    } else if (par__invocation_first(p)) {
        rc = -1;
    } else {
        double *x = NULL;
        size_t n = 0;
        cJSON *e = entry_of(next->result, next->wall_s);
        /* Work on a copy so that p is unchanged when memory runs out. */
        cJSON *merged = cJSON_Duplicate(p->result, 1);
        if (!e || !merged
            || append_times(&x, &n, cJSON_GetObjectItemCaseSensitive(p->result, "times_s"))
            || append_times(&x, &n, cJSON_GetObjectItemCaseSensitive(next->result, "times_s"))
            || !cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(merged, "invocations"),
                                     e)) {
            cJSON_Delete(e);
            rc = -1;
        } else {
            e = NULL;
            double w1 = par__json_num(p->result, "warmups"),
                   w2 = par__json_num(next->result, "warmups");
            double ran1 = par__json_num(p->result, "workers_ran"),
                   ran2 = par__json_num(next->result, "workers_ran");
            if (resummarise(merged, x, n)
                || (!isnan(w1) && !isnan(w2) && set_num(merged, "warmups", w1 + w2))
                || (!isnan(ran1) && !isnan(ran2) && ran2 < ran1
                    && set_num(merged, "workers_ran", ran2)))
                rc = -1;
        }
        free(x);
        if (rc) {
            cJSON_Delete(merged);
        } else {
            cJSON_Delete(p->result);
            p->result = merged;
            p->wall_s += next->wall_s;
            p->median = par__json_num(merged, "median_s");
            p->mad = par__json_num(merged, "mad_s");
            par__point_read_sampling(p);
        }
    }
    cJSON_Delete(next->result);
    cJSON_Delete(next->env);
    next->result = next->env = NULL;
    return rc;
}

/* The largest |ln(a/b)| among the invocation medians of one record; -1
 * when it has fewer than two. */
static double record_spread(const cJSON *r)
{
    double lo = INFINITY, hi = -INFINITY;
    int k = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(r, "invocations")) {
        double m = par__json_num(e, "median_s");
        if (!(m > 0))
            continue;
        k++;
        lo = m < lo ? m : lo;
        hi = m > hi ? m : hi;
    }
    return k >= 2 ? log(hi / lo) : -1;
}

double par__noise_floor(const struct par__matrix *m, const cJSON *records, const char *workload)
{
    double floor = -1;
    const cJSON *r;
    cJSON_ArrayForEach(r, records) {
        if ((workload && strcmp(par__json_str(r, "workload", ""), workload) != 0)
            || strcmp(par__json_str(r, "status", "ok"), "ok") != 0)
            continue;
        double s = record_spread(r);
        floor = s > floor ? s : floor;
    }
    for (size_t i = 0; m && i < m->n; i++) {
        const struct par__point *p = &m->pts[i];
        if (p->status != PAR__ST_OK || !p->result
            || (workload && strcmp(par_workload_name(p->workload), workload) != 0))
            continue;
        double s = record_spread(p->result);
        floor = s > floor ? s : floor;
    }
    return floor;
}
