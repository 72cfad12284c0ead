#include "sampling.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"

int par_sampler_init(struct par_sampler *s, const struct par_sampling_cfg *cfg)
{
    memset(s, 0, sizeof *s);
    if (cfg->fixed_reps < 0 || cfg->warmup_first < 0 || cfg->warmup_cap < cfg->warmup_first
        || (cfg->fixed_reps == 0 && (cfg->max_reps < PAR_CI_MIN_SAMPLES
                                     || !(cfg->ci_target > 0) || !(cfg->budget_s >= 0))))
        return PAR_EINVAL;
    s->cfg = *cfg;
    s->detect = cfg->warmup_cap > cfg->warmup_first;
    par_warmup_init(&s->warm, (size_t)cfg->warmup_first, (size_t)cfg->warmup_cap);
    size_t keep = cfg->fixed_reps > 0 ? (size_t)cfg->fixed_reps : (size_t)cfg->max_reps;
    /* The detector needs two windows after the last warm-up. */
    if (keep < 2 * PAR_WARMUP_WINDOW)
        keep = 2 * PAR_WARMUP_WINDOW;
    s->cap = (size_t)cfg->warmup_cap + keep + 1;
    s->x = malloc(s->cap * sizeof *s->x);
    return s->x ? 0 : PAR_ENOMEM;
}

void par_sampler_free(struct par_sampler *s)
{
    free(s->x);
    s->x = NULL;
}

size_t par_sampler_warmups(const struct par_sampler *s)
{
    return s->warm.cut;
}

const double *par_sampler_samples(const struct par_sampler *s, size_t *n)
{
    size_t cut = s->warm.cut < s->len ? s->warm.cut : s->len;
    size_t kept = s->len - cut;
    if (s->cfg.fixed_reps > 0 && kept > (size_t)s->cfg.fixed_reps)
        kept = (size_t)s->cfg.fixed_reps; /* runs the detector needed beyond --reps */
    *n = kept;
    return s->x + cut;
}

/* Has the warm-up ended? Runs the detector, or counts the fixed warm-ups. */
static int warmed_up(struct par_sampler *s)
{
    if (!s->detect)
        return s->len >= s->warm.cut;
    if (par_warmup_update(&s->warm, s->x, s->len))
        return 1;
    /* Out of budget while still falling: stop warming up where we are. */
    if (s->cfg.fixed_reps == 0 && s->spent >= s->cfg.budget_s && s->cfg.budget_s > 0) {
        s->warm.capped = 1;
        return 1;
    }
    return s->len >= s->cap; /* cannot happen: the detector decides by then */
}

int par_sampler_add(struct par_sampler *s, double seconds)
{
    if (s->stop != PAR_STOP_NONE || s->len >= s->cap)
        return 1;
    s->x[s->len++] = seconds;
    s->spent += seconds;
    if (!warmed_up(s))
        return 0;
    size_t n;
    const double *kept = par_sampler_samples(s, &n);
    if (s->cfg.fixed_reps > 0) {
        if (n >= (size_t)s->cfg.fixed_reps)
            s->stop = PAR_STOP_FIXED;
        return s->stop != PAR_STOP_NONE || s->len >= s->cap;
    }
    if (n < PAR_CI_MIN_SAMPLES)
        return 0;
    struct par_ci ci;
    if (par_median_ci(kept, n, PAR_CI_LEVEL, &ci) == 0 && par_ci_rel_half_width(&ci)
        <= s->cfg.ci_target)
        s->stop = PAR_STOP_TARGET;
    else if (n >= (size_t)s->cfg.max_reps)
        s->stop = PAR_STOP_MAX_REPS;
    else if (s->spent >= s->cfg.budget_s)
        s->stop = PAR_STOP_BUDGET;
    return s->stop != PAR_STOP_NONE;
}

const char *par_stop_name(enum par_stop stop)
{
    switch (stop) {
    case PAR_STOP_FIXED: return "fixed";
    case PAR_STOP_TARGET: return "target";
    case PAR_STOP_MAX_REPS: return "max-reps";
    case PAR_STOP_BUDGET: return "budget";
    default: return "incomplete";
    }
}
