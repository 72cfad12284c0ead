/* Warm-up drift detection: when has a series of repetition times stopped
 * falling (caches, page faults, lazy connection set-up, frequency ramps)?
 *
 * The test (our choice; documented in docs/measurement.md): two adjacent
 * windows of w samples starting at the current cut c. The series is still
 * falling at c when
 *
 *     median(x[c .. c+w)) > (1 + tol) * median(x[c+w .. c+2w))      (a trend)
 *  or x[c] > (1 + tol) * max(x[c+1 .. c+2w))                           (a first-run spike),
 *
 * and then x[c] is a warm-up run and c advances by one. The first c where
 * the earlier window is not slower than the later one by more than tol is
 * the steady state; x[c ..] are the measured samples, x[0 .. c) the
 * warm-ups. Medians of windows (not single samples) keep one outlier from
 * deciding a trend, and the spike rule
 * catches one slow first run that a window median would hide (for steady
 * independent noise it discards a run with probability below 1/(2w)); a
 * bimodal steady series (10, 20, 10, 20, ...) is steady, since
 * its window medians do not fall for long. A rising series (throttling) is
 * not a warm-up and is left to the confidence interval to expose.
 *
 * The detector only looks at numbers, so under MPI every rank that sees the
 * same (reduced) series reaches the same cut. */
#ifndef PAR_WARMUP_H
#define PAR_WARMUP_H
#include "export.h"
PAR_BEGIN_DECLS

#include <stddef.h>

#define PAR_WARMUP_WINDOW 3
#define PAR_WARMUP_TOL 0.05

struct par_warmup {
    size_t window;  /* w >= 1 */
    double tol;     /* relative, >= 0 */
    size_t cap;     /* most warm-ups to discard; the cut stops there */
    size_t cut;     /* out: warm-ups discarded so far */
    int steady;     /* out: 1 once the series is steady at `cut` */
    int capped;     /* out: 1 when the cap ended the warm-up, not steadiness */
};

/* Starts a detector (window PAR_WARMUP_WINDOW, tol PAR_WARMUP_TOL) that never
 * discards fewer than `first` runs nor more than `cap` (first <= cap). */
void par_warmup_init(struct par_warmup *d, size_t first, size_t cap);

/* Feeds the whole series so far, x[0..len) (len grows by one per call,
 * seconds or any positive unit). Returns 1 once the decision is made
 * (steady, or capped), 0 while more samples are needed. Decisions are final:
 * after it returns 1 the cut no longer moves. Allocates nothing. */
int par_warmup_update(struct par_warmup *d, const double *x, size_t len);

PAR_END_DECLS
#endif
