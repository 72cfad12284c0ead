#include "fibsplit.h"

#include <stdlib.h>

#include "error.h"
#include "kernels.h"

static int splittable(int64_t m, int cutoff)
{
    return m > 2 && m >= cutoff;
}

static int descending(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x < y) - (x > y);
}

int par_fib_split(int n, int cutoff, size_t min_leaves, int64_t **leaves, size_t *count,
                  int *depth)
{
    if (!leaves || !count || n < 1 || n > PAR_FIB_MAX_N || min_leaves == 0)
        return PAR_EINVAL;
    size_t cnt = 1, cap = 16;
    int64_t *v = malloc(cap * sizeof *v);
    if (!v)
        return PAR_ENOMEM;
    v[0] = n;
    int levels = 0;
    for (;;) {
        size_t split = 0;
        for (size_t i = 0; i < cnt; i++)
            split += splittable(v[i], cutoff);
        if (cnt >= min_leaves || split == 0)
            break;
        if (cnt + split > cap) {
            while (cnt + split > cap)
                cap *= 2;
            int64_t *nv = realloc(v, cap * sizeof *nv);
            if (!nv) {
                free(v);
                return PAR_ENOMEM;
            }
            v = nv;
        }
        /* Split in place: m becomes m-1 here and m-2 at the end. */
        size_t end = cnt;
        for (size_t i = 0; i < cnt; i++) {
            if (splittable(v[i], cutoff)) {
                v[end++] = v[i] - 2;
                v[i] -= 1;
            }
        }
        cnt = end;
        levels++;
    }
    qsort(v, cnt, sizeof *v, descending);
    *leaves = v;
    *count = cnt;
    if (depth)
        *depth = levels;
    return 0;
}
