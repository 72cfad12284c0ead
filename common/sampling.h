/* How many times to run: warm-up until steady, then repeat until the 95 %
 * CI of the median is narrow enough (Hoefler & Belli, SC'15, rules 5 and 9).
 *
 * The sampler sees the whole series of run times, warm-ups included, one at
 * a time, and says when to stop:
 *   1. The first `warmup_first` runs are always warm-ups. Then the drift
 *      detector (warmup.h) discards runs until the series stops falling, at
 *      most `warmup_cap` warm-ups in all (equal to warmup_first: detector
 *      off; the driver turns it off for --reps below 6, which would
 *      otherwise run more times than asked).
 *   2. After the warm-ups: with `fixed_reps` > 0, exactly that many samples
 *      are kept (--reps). Otherwise samples are added until the CI's relative
 *      half-width is <= ci_target ("target"), or max_reps samples ("max-reps"),
 *      or the sum of all run times passed budget_s ("budget") -- but never
 *      fewer than PAR_CI_MIN_SAMPLES samples.
 * The budget counts the timed spans only (not verification), so under MPI,
 * where every rank sees the same reduced times, every rank decides alike;
 * the driver still takes the root's decision (par_backend.agree). */
#ifndef PAR_SAMPLING_H
#define PAR_SAMPLING_H
#include "export.h"
PAR_BEGIN_DECLS

#include <stddef.h>

#include "ci.h"
#include "warmup.h"

struct par_sampling_cfg {
    int fixed_reps;     /* > 0: exactly this many samples; 0: adaptive */
    int max_reps;       /* adaptive: most samples (>= PAR_CI_MIN_SAMPLES) */
    double ci_target;   /* adaptive: relative half-width to reach, e.g. 0.05 */
    double budget_s;    /* adaptive: seconds of runs after which to stop */
    int warmup_first;   /* warm-ups always discarded */
    int warmup_cap;     /* most warm-ups (>= warmup_first) */
};

enum par_stop { PAR_STOP_NONE, PAR_STOP_FIXED, PAR_STOP_TARGET, PAR_STOP_MAX_REPS,
                PAR_STOP_BUDGET };

struct par_sampler {
    struct par_sampling_cfg cfg;
    struct par_warmup warm;
    int detect;           /* 1 when the drift detector runs */
    double *x;            /* every run time, warm-ups first */
    size_t len, cap;
    double spent;         /* sum of x */
    enum par_stop stop;
};

/* Allocates room for every run the configuration allows. Returns 0,
 * PAR_ENOMEM, or PAR_EINVAL for an inconsistent configuration. */
int par_sampler_init(struct par_sampler *s, const struct par_sampling_cfg *cfg);
void par_sampler_free(struct par_sampler *s);

/* Adds the next run's time (seconds >= 0). Returns 1 when no more runs are
 * needed (s->stop says why), 0 when another run is wanted. */
int par_sampler_add(struct par_sampler *s, double seconds);

/* The kept samples (after the warm-ups), and how many; valid until free. */
const double *par_sampler_samples(const struct par_sampler *s, size_t *n);

/* Warm-ups discarded so far. */
size_t par_sampler_warmups(const struct par_sampler *s);

/* "fixed", "target", "max-reps", "budget", or "incomplete" (a run failed). */
const char *par_stop_name(enum par_stop stop);

PAR_END_DECLS
#endif
