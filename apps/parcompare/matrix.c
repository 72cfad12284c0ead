#include "matrix.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const be_names[PAR__BE_COUNT] = {
    "serial", "pthread", "gil", "omp", "proc", "mpi", "hybrid"
};

const char *par__be_name(int be)
{
    return be >= 0 && be < PAR__BE_COUNT ? be_names[be] : "?";
}

const char *par__be_kind(int be)
{
    switch (be) {
    case PAR__BE_SERIAL: return "serial";
    case PAR__BE_PROC:
    case PAR__BE_MPI: return "processes";
    case PAR__BE_HYBRID: return "processes+threads";
    default: return "threads";
    }
}

int par__be_parse(const char *name)
{
    for (int i = 0; i < PAR__BE_COUNT; i++)
        if (strcmp(name, be_names[i]) == 0)
            return i;
    return -1;
}

const char *par__status_name(enum par__status st)
{
    switch (st) {
    case PAR__ST_PENDING: return "pending";
    case PAR__ST_OK: return "ok";
    case PAR__ST_UNVERIFIED: return "unverified";
    case PAR__ST_FAILED: return "failed";
    case PAR__ST_CRASHED: return "crashed";
    case PAR__ST_TIMEOUT: return "timeout";
    case PAR__ST_BADOUTPUT: return "bad-output";
    case PAR__ST_NOSTART: return "not-started";
    }
    return "?";
}

int par__sizes_equal(const struct par__sizes *a, const struct par__sizes *b)
{
    return a->items == b->items && a->n == b->n && a->k == b->k && a->cutoff == b->cutoff
        && a->iterations == b->iterations && a->steps == b->steps && a->tasks == b->tasks
        && a->pattern == b->pattern;
}

static int same_point(const struct par__point *a, const struct par__point *b)
{
    return a->workload == b->workload && a->backend == b->backend && a->workers == b->workers
        && a->reps == b->reps && a->warmup == b->warmup && par__sizes_equal(&a->sizes, &b->sizes)
        && a->nodes == b->nodes && a->threads == b->threads;
}

long par__matrix_add(struct par__matrix *m, const struct par__point *p)
{
    for (size_t i = 0; i < m->n; i++)
        if (same_point(&m->pts[i], p)) {
            m->pts[i].sets |= p->sets;
            return (long)i;
        }
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 64;
        struct par__point *np = realloc(m->pts, cap * sizeof *np);
        if (!np)
            return -1;
        m->pts = np;
        m->cap = cap;
    }
    struct par__point *q = &m->pts[m->n];
    *q = *p;
    q->status = PAR__ST_PENDING;
    q->why[0] = q->command[0] = '\0';
    q->result = q->env = NULL;
    q->exit_code = 0;
    q->wall_s = 0;
    q->median = q->mad = NAN;
    q->ci_low = q->ci_high = q->speedup_low = q->speedup_high = NAN;
    q->base_ci_low = q->base_ci_high = NAN;
    q->speedup = q->efficiency = q->karp_flatt = NAN;
    q->fastest = 0;
    q->has_base = q->regression = 0;
    q->base_median = q->base_mad = q->change = NAN;
    return (long)m->n++;
}

struct par__point *par__matrix_find(struct par__matrix *m, enum par_workload w,
                                    enum par__be be, int workers, const struct par__sizes *s)
{
    for (size_t i = 0; i < m->n; i++) {
        struct par__point *p = &m->pts[i];
        if (p->workload == w && p->backend == be && p->workers == workers
            && par__sizes_equal(&p->sizes, s))
            return p;
    }
    return NULL;
}

void par__matrix_free(struct par__matrix *m)
{
    for (size_t i = 0; i < m->n; i++) {
        cJSON_Delete(m->pts[i].result);
        cJSON_Delete(m->pts[i].env);
    }
    free(m->pts);
    m->pts = NULL;
    m->n = m->cap = 0;
}

size_t par__matrix_failures(const struct par__matrix *m)
{
    size_t n = 0;
    for (size_t i = 0; i < m->n; i++)
        if (m->pts[i].status != PAR__ST_OK && m->pts[i].status != PAR__ST_PENDING)
            n++;
    return n;
}

static double param(const cJSON *params, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(params, key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

const char *par__point_sizes_text(const struct par__point *p, char *buf, size_t len)
{
    const cJSON *params = p->result ? cJSON_GetObjectItemCaseSensitive(p->result, "params") : NULL;
    double items = NAN, n = NAN, k = NAN, cutoff = NAN;
    if (cJSON_IsObject(params)) {
        items = param(params, "items");
        n = param(params, "n");
        k = param(params, "k");
        cutoff = param(params, "cutoff");
    } else {
        if (p->sizes.items)
            items = (double)p->sizes.items;
        if (p->sizes.n)
            n = p->sizes.n;
        if (p->sizes.k)
            k = p->sizes.k;
        if (p->sizes.cutoff)
            cutoff = p->sizes.cutoff;
    }
    switch (p->workload) {
    case PAR_W_MAP:
    case PAR_W_PARMAP:
        if (isnan(items))
            snprintf(buf, len, "items=default");
        else
            snprintf(buf, len, "items=%.0f", items);
        break;
    case PAR_W_FIB:
        if (isnan(n) || isnan(k))
            snprintf(buf, len, "default sizes");
        else
            snprintf(buf, len, "n=%.0f, k=%.0f", n, k);
        break;
    default:
        if (isnan(n))
            snprintf(buf, len, "default sizes");
        else if (isnan(cutoff))
            snprintf(buf, len, "n=%.0f", n);
        else
            snprintf(buf, len, "n=%.0f, cutoff=%.0f", n, cutoff);
        break;
    }
    return buf;
}
