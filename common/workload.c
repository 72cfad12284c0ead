#include "workload.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

#define POISON INT64_C(0x5a5a5a5a5a5a5a5a)
#define M61 ((UINT64_C(1) << 61) - 1)

/* splitmix64: a fixed, portable hash so the list is the same everywhere. */
static uint64_t splitmix64(uint64_t x)
{
    x += UINT64_C(0x9e3779b97f4a7c15);
    x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
    return x ^ (x >> 31);
}

/* Sizes are 1 + u^2 * 6,000,000 for u uniform in [0,1): many small items and
 * a few very large ones (mean 2M multiplications), so static block
 * scheduling is visibly unbalanced and dynamic scheduling pays off. */
#define PARMAP_SCALE 6000000.0

int64_t par_parmap_size(size_t i)
{
    double u = (double)(splitmix64(i) >> 11) * 0x1.0p-53;
    return 1 + (int64_t)(u * u * PARMAP_SCALE);
}

static uint64_t mulmod61(uint64_t a, uint64_t b)
{
    unsigned __int128 p = (unsigned __int128)a * b;
    uint64_t r = ((uint64_t)p & M61) + (uint64_t)(p >> 61);
    return r >= M61 ? r - M61 : r;
}

int64_t par_powself_fast(int64_t x)
{
    if (x <= 0)
        return 1;
    uint64_t base = (uint64_t)x % M61, acc = 1;
    for (uint64_t e = (uint64_t)x; e; e >>= 1) {
        if (e & 1)
            acc = mulmod61(acc, base);
        base = mulmod61(base, base);
    }
    return (int64_t)acc;
}

void par_workload_free(struct par_workload_data *d)
{
    free(d->in);
    free(d->out);
    free(d->ref);
    d->in = d->out = d->ref = NULL;
}

int par_workload_prepare(struct par_workload_data *d, const struct par_opts *o, int alloc_io)
{
    memset(d, 0, sizeof *d);
    d->workload = o->workload;
    switch (o->workload) {
    case PAR_W_MAP:
        d->kernel = par_kernel_get(PAR_K_SQUARE);
        d->n = o->items;
        break;
    case PAR_W_FIB:
        d->kernel = par_kernel_get(PAR_K_FIB);
        d->n = (size_t)o->k;
        break;
    case PAR_W_PARMAP:
        d->kernel = par_kernel_get(PAR_K_POWSELF);
        d->n = o->items;
        break;
    case PAR_W_GRAIN:
        d->n = o->tasks;
        d->grain = (struct par_grain){ .iterations = o->iterations, .tasks = o->tasks,
                                       .steps = o->steps, .pattern = o->pattern };
        if (!alloc_io)
            return 0;
        d->out = malloc(d->n * sizeof *d->out);
        d->ref = malloc(d->n * sizeof *d->ref);
        if (!d->out || !d->ref || par_grain_reference(o->iterations, o->tasks, o->steps,
                                                      o->pattern, d->ref)) {
            par_workload_free(d);
            return PAR_ENOMEM;
        }
        d->grain.out = d->out;
        par_workload_reset(d);
        return 0;
    case PAR_W_FIBTASK:
    default:
        d->fib_n = o->n;
        d->cutoff = o->cutoff;
        d->tree_ref = par_fib_fast(o->n);
        d->tree_out = POISON;
        return 0;
    }
    if (!alloc_io)
        return 0;
    d->in = malloc(d->n * sizeof *d->in);
    d->out = malloc(d->n * sizeof *d->out);
    d->ref = malloc(d->n * sizeof *d->ref);
    if (!d->in || !d->out || !d->ref) {
        par_workload_free(d);
        return PAR_ENOMEM;
    }
    for (size_t i = 0; i < d->n; i++) {
        switch (o->workload) {
        case PAR_W_MAP:
            d->in[i] = (int64_t)i;
            d->ref[i] = (int64_t)((uint64_t)i * (uint64_t)i);
            break;
        case PAR_W_FIB:
            d->in[i] = o->n;
            d->ref[i] = par_fib_fast(o->n);
            break;
        default: /* PAR_W_PARMAP: the cheatsheet's range(1, 5) with --seed-sizes */
            d->in[i] = o->seed_sizes && !(o->set_mask & PAR_SET_ITEMS) ? (int64_t)i + 1
                                                                        : par_parmap_size(i);
            d->ref[i] = par_powself_fast(d->in[i]);
            break;
        }
    }
    par_workload_reset(d);
    return 0;
}

void par_workload_reset(struct par_workload_data *d)
{
    if (d->workload == PAR_W_FIBTASK) {
        d->tree_out = POISON;
        return;
    }
    for (size_t i = 0; d->out && i < d->n; i++)
        d->out[i] = POISON;
}

int par_workload_verify(const struct par_workload_data *d, char *msg, size_t msglen)
{
    if (d->workload == PAR_W_FIBTASK) {
        if (d->tree_out == d->tree_ref)
            return 0;
        snprintf(msg, msglen, "fib(%d): got %" PRId64 ", expected %" PRId64, d->fib_n,
                 d->tree_out, d->tree_ref);
        return PAR_EVERIFY;
    }
    if (d->workload == PAR_W_GRAIN) {
        for (size_t i = 0; i < d->n; i++)
            if (d->out[i] != d->ref[i]) {
                snprintf(msg, msglen, "grain task %zu of %zu after %" PRId64 " %s steps: got %"
                         PRId64 ", expected %" PRId64, i, d->n, d->grain.steps,
                         par_pattern_name(d->grain.pattern), d->out[i], d->ref[i]);
                return PAR_EVERIFY;
            }
        return 0;
    }
    for (size_t i = 0; i < d->n; i++) {
        if (d->out[i] != d->ref[i]) {
            snprintf(msg, msglen, "item %zu of %zu: %s(%" PRId64 ") gave %" PRId64
                     ", expected %" PRId64, i, d->n, d->kernel->name, d->in[i], d->out[i],
                     d->ref[i]);
            return PAR_EVERIFY;
        }
    }
    return 0;
}

uint64_t par_workload_checksum(const struct par_workload_data *d)
{
    if (d->workload == PAR_W_FIBTASK)
        return (uint64_t)d->tree_out;
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < d->n; i++) {
        uint64_t v = (uint64_t)d->out[i];
        for (int b = 0; b < 8; b++) {
            h ^= (v >> (8 * b)) & 0xff;
            h *= UINT64_C(0x100000001b3);
        }
    }
    return h;
}
