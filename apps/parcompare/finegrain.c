#include "finegrain.h"

#include <math.h>

#include "story.h"

static struct par__sizes fine_sizes(const struct par__plan *pl)
{
    struct par__sizes s = pl->sizes[PAR_W_FIBTASK];
    s.cutoff = PAR__FINE_CUTOFF;
    return s;
}

static int planned(const struct par__plan *pl, int be)
{
    for (int i = 0; i < pl->nbackends; i++)
        if (pl->backends[i] == be)
            return 1;
    return 0;
}

static int has_fibtask(const struct par__plan *pl)
{
    for (int i = 0; i < pl->nworkloads; i++)
        if (pl->workloads[i] == PAR_W_FIBTASK)
            return 1;
    return 0;
}

int par__finegrain_plan(struct par__matrix *m, const struct par__plan *pl)
{
    if (!has_fibtask(pl))
        return 0;
    const int bes[] = { PAR__BE_SERIAL, PAR__BE_PTHREAD, PAR__BE_OMP };
    for (size_t i = 0; i < sizeof bes / sizeof *bes; i++) {
        if (!planned(pl, bes[i]))
            continue;
        struct par__point p = {
            .sets = PAR__SET_FINE, .workload = PAR_W_FIBTASK, .backend = bes[i],
            .workers = bes[i] == PAR__BE_SERIAL ? 1 : pl->cores, .sizes = fine_sizes(pl),
            .reps = pl->reps, .warmup = pl->warmup,
        };
        if (par__matrix_add(m, &p) < 0)
            return -1;
    }
    return 0;
}

void par__finegrain_report(FILE *f, const struct par__matrix *m, const struct par__plan *pl)
{
    const struct par__point *serial = NULL;
    int any = 0;
    for (size_t i = 0; i < m->n; i++) {
        const struct par__point *p = &m->pts[i];
        if (!(p->sets & PAR__SET_FINE))
            continue;
        any = 1;
        if (p->backend == PAR__BE_SERIAL)
            serial = p;
    }
    if (!any)
        return;
    fprintf(f, "## Fine-grained tasks (fibtask, cutoff %d)\n\n", PAR__FINE_CUTOFF);
    fprintf(f, "The fibtask table above splits fib(n) into few, coarse tasks. Here the same "
               "tree is split down to fib(%d), tasks of about 100 ns (2.2 million of them for "
               "fib(40)), so what decides is what one task costs each scheduler.\n\n",
            PAR__FINE_CUTOFF);
    fprintf(f, "| back end | workers | median | speed-up vs serial |\n|---|--:|--:|--:|\n");
    double t1 = serial && serial->status == PAR__ST_OK ? serial->median : NAN;
    for (size_t i = 0; i < m->n; i++) {
        const struct par__point *p = &m->pts[i];
        if (!(p->sets & PAR__SET_FINE))
            continue;
        char med[32] = "failed", sp[32] = "–";
        if (p->status == PAR__ST_OK && !isnan(p->median)) {
            par__fmt_seconds(p->median, med, sizeof med);
            if (!isnan(t1) && p->median > 0)
                snprintf(sp, sizeof sp, "%.2f", t1 / p->median);
        }
        fprintf(f, "| %s | %d | %s | %s |\n", par__be_name(p->backend), p->workers, med, sp);
    }
    fprintf(f, "\n(%d cores; the failures, if any, are listed under Failures.)\n\n", pl->cores);
}
