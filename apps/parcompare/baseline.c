#include "baseline.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "invocations.h"
#include "nodes.h"
#include "records.h"

#define MAX_BASELINE_BYTES (64u << 20)

static char *slurp(const char *path, size_t *len, char *msg, size_t msglen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(msg, msglen, "--baseline: cannot open '%s': %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
        if (r == 0)
            break;
        if (n + 1 == cap) {
            if (cap >= MAX_BASELINE_BYTES) {
                free(buf);
                buf = NULL;
                snprintf(msg, msglen, "--baseline: '%s' is larger than %u MiB; is it a "
                         "results.json?", path, MAX_BASELINE_BYTES >> 20);
                fclose(f);
                return NULL;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf) {
        snprintf(msg, msglen, "--baseline: out of memory reading '%s'", path);
        return NULL;
    }
    if (bad) {
        free(buf);
        snprintf(msg, msglen, "--baseline: cannot read '%s'", path);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

cJSON *par__baseline_load(const char *path, char *msg, size_t len)
{
    size_t n = 0;
    char *text = slurp(path, &n, msg, len);
    if (!text)
        return NULL;
    cJSON *root = cJSON_ParseWithLength(text, n);
    free(text);
    if (!root) {
        snprintf(msg, len, "--baseline: '%s' is not valid JSON", path);
        return NULL;
    }
    if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(root, "records"))) {
        cJSON_Delete(root);
        snprintf(msg, len, "--baseline: '%s' has no \"records\" array; expected a "
                 "parcompare results.json", path);
        return NULL;
    }
    return root;
}

static int same_params(const cJSON *a, const cJSON *b)
{
    static const char *const keys[] = { "items", "n", "k", "cutoff" };
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        double x = par__json_num(a, keys[i]), y = par__json_num(b, keys[i]);
        if (isnan(x) != isnan(y) || (!isnan(x) && x != y))
            return 0;
    }
    return 1;
}

static const cJSON *partner(const cJSON *records, const struct par__point *p)
{
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(p->result, "params");
    const cJSON *r;
    cJSON_ArrayForEach(r, records) {
        if (strcmp(par__json_str(r, "status", "ok"), "ok") != 0)
            continue;
        if (strcmp(par__json_str(r, "workload", ""), par_workload_name(p->workload)) != 0
            || strcmp(par__json_str(r, "backend", ""), par__be_name(p->backend)) != 0
            || par__json_num(r, "workers") != p->workers || !par__nodes_same_placement(r, p))
            continue;
        const cJSON *bp = cJSON_GetObjectItemCaseSensitive(r, "params");
        if (cJSON_IsObject(bp) && cJSON_IsObject(params) && same_params(bp, params)
            && par__json_num(r, "median_s") > 0)
            return r;
    }
    return NULL;
}

int par__baseline_apply(struct par__matrix *m, const cJSON *base, double threshold,
                        struct par__verdicts *v)
{
    const cJSON *records = cJSON_GetObjectItemCaseSensitive(base, "records");
    memset(v, 0, sizeof *v);
    for (int w = 0; w < PAR_W_COUNT_; w++)
        v->floor[w] = NAN;
    v->floor_all = par__noise_floor(m, records, NULL);
    for (size_t i = 0; i < m->n; i++) {
        struct par__point *p = &m->pts[i];
        p->has_base = p->regression = p->cannot_judge = 0;
        if (p->status != PAR__ST_OK || !p->result)
            continue;
        const cJSON *r = partner(records, p);
        if (!r)
            continue;
        p->has_base = 1;
        v->matched++;
        if (isnan(v->floor[p->workload]))
            v->floor[p->workload] = par__noise_floor(m, records, par_workload_name(p->workload));
        double floor = v->floor_all;
        p->base_median = par__json_num(r, "median_s");
        double bm = par__json_num(r, "mad_s");
        p->base_mad = isnan(bm) ? 0 : bm;
        p->base_ci_low = p->base_ci_high = NAN;
        if (par__json_bool(r, "ci_available") == 1) {
            p->base_ci_low = par__json_num(r, "ci_low_s");
            p->base_ci_high = par__json_num(r, "ci_high_s");
        }
        p->change = p->median / p->base_median - 1.0;
        if (isnan(p->ci_low) || isnan(p->ci_high) || isnan(p->base_ci_low)
            || isnan(p->base_ci_high)) {
            p->cannot_judge = PAR__NO_CI;
            v->no_ci++;
        } else if (floor < 0) {
            p->cannot_judge = PAR__NO_FLOOR;
            v->no_floor++;
        } else if (p->change > threshold && p->ci_low > p->base_ci_high
                   && log(p->ci_low / p->base_ci_high) > floor) {
            p->regression = 1;
            v->regressions++;
        }
    }
    return v->regressions;
}
