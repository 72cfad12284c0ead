/* The grain workload's graph (see grain.h). */
#include "grain.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "kernels.h"

static const char *const pattern_names[PAR_PATTERN_COUNT_] = { "none", "stencil" };

const char *par_pattern_name(enum par_pattern p)
{
    return (int)p >= 0 && p < PAR_PATTERN_COUNT_ ? pattern_names[p] : "?";
}

int par_pattern_parse(const char *s, enum par_pattern *p)
{
    for (int i = 0; s && i < PAR_PATTERN_COUNT_; i++)
        if (strcmp(s, pattern_names[i]) == 0) {
            *p = (enum par_pattern)i;
            return 0;
        }
    return PAR_EINVAL;
}

int64_t par_grain_seed(size_t i)
{
    /* splitmix64's finaliser: distinct, well-spread starting values. */
    uint64_t x = (uint64_t)i + UINT64_C(0x9e3779b97f4a7c15);
    x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
    return (int64_t)(x ^ (x >> 31));
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

int64_t par_grain_mix(int64_t left, int64_t self, int64_t right)
{
    return (int64_t)((uint64_t)self ^ rotl((uint64_t)left, 21) ^ rotl((uint64_t)right, 42));
}

int64_t par_grain_input(const int64_t *prev, size_t tasks, size_t i, enum par_pattern p)
{
    if (p != PAR_PATTERN_STENCIL)
        return prev[i];
    return par_grain_mix(i > 0 ? prev[i - 1] : 0, prev[i], i + 1 < tasks ? prev[i + 1] : 0);
}

void par_grain_step(const int64_t *prev, int64_t *next, size_t tasks, size_t begin, size_t end,
                    int64_t iterations, enum par_pattern p)
{
    for (size_t i = begin; i < end; i++)
        next[i] = par_grain_kernel(par_grain_input(prev, tasks, i, p), iterations);
}

void par_grain_block(size_t tasks, int workers, int w, size_t *begin, size_t *end)
{
    size_t n = (size_t)workers, q = tasks / n, r = tasks % n, k = (size_t)w;
    *begin = k * q + (k < r ? k : r);
    *end = *begin + q + (k < r);
}

void par_grain_run_serial(const struct par_grain *job, int64_t *scratch)
{
    size_t t = job->tasks;
    int64_t *prev = scratch, *next = scratch + t;
    for (size_t i = 0; i < t; i++)
        prev[i] = par_grain_seed(i);
    for (int64_t s = 0; s < job->steps; s++) {
        par_grain_step(prev, next, t, 0, t, job->iterations, job->pattern);
        int64_t *tmp = prev;
        prev = next;
        next = tmp;
    }
    memcpy(job->out, prev, t * sizeof *prev);
}

int par_grain_reference(int64_t iterations, size_t tasks, int64_t steps, enum par_pattern p,
                        int64_t *ref)
{
    int64_t *prev = malloc(tasks * sizeof *prev), *next = malloc(tasks * sizeof *next);
    if (!prev || !next) {
        free(prev);
        free(next);
        return PAR_ENOMEM;
    }
    for (size_t i = 0; i < tasks; i++)
        prev[i] = par_grain_seed(i);
    for (int64_t s = 0; s < steps; s++) {
        for (size_t i = 0; i < tasks; i++)
            next[i] = par_grain_kernel_fast(par_grain_input(prev, tasks, i, p), iterations);
        int64_t *tmp = prev;
        prev = next;
        next = tmp;
    }
    memcpy(ref, prev, tasks * sizeof *ref);
    free(prev);
    free(next);
    return 0;
}
