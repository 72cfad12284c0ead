#include "warmup.h"

#include <string.h>

#include "stats.h"

#define MAX_WINDOW 16

void par_warmup_init(struct par_warmup *d, size_t first, size_t cap)
{
    memset(d, 0, sizeof *d);
    d->window = PAR_WARMUP_WINDOW;
    d->tol = PAR_WARMUP_TOL;
    d->cap = cap < first ? first : cap;
    d->cut = first;
}

static double window_median(const double *x, size_t w)
{
    double tmp[MAX_WINDOW];
    memcpy(tmp, x, w * sizeof *tmp);
    return par_median_inplace(tmp, w);
}

int par_warmup_update(struct par_warmup *d, const double *x, size_t len)
{
    if (d->steady || d->capped)
        return 1;
    size_t w = d->window < 1 ? 1 : d->window > MAX_WINDOW ? MAX_WINDOW : d->window;
    while (d->cut + 2 * w <= len) {
        double early = window_median(x + d->cut, w), late = window_median(x + d->cut + w, w);
        double next_max = x[d->cut + 1];
        for (size_t i = d->cut + 2; i < d->cut + 2 * w; i++)
            next_max = x[i] > next_max ? x[i] : next_max;
        int trend = early > (1.0 + d->tol) * late;
        int spike = x[d->cut] > (1.0 + d->tol) * next_max;
        if (!trend && !spike) {
            d->steady = 1;
            return 1;
        }
        if (d->cut >= d->cap) {
            d->capped = 1;
            return 1;
        }
        d->cut++;
    }
    return 0;
}
