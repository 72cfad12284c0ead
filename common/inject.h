/* Test-only injected repetition times, so that tools above the driver
 * (parcompare's tables, --baseline verdicts, the adaptive repetitions) can be
 * tested on known samples instead of live timings, which depend on load.
 *
 * PAR_TEST_TIMES=<who>:<series>[;<who>:<series>...], the first matching
 * entry applying. <who> is a back end name or "*" (any), optionally with
 * "/<workers>" (only runs with that many workers: "pthread/2", "any/2"
 * written with a star). A series is "<once>|<cycle>" or just "<cycle>":
 * comma separated seconds. Run i of a process (warm-ups counted, from 0) is given
 * once[i] while i < len(once), then cycle[(i - len(once)) % len(cycle)].
 * Example: "serial:0.5,0.2|0.010,0.011,0.009" falls for two runs, then holds
 * steady around 10 ms. The back end still runs and is still verified; only
 * the number reported as its time is replaced. */
#ifndef PAR_INJECT_H
#define PAR_INJECT_H
#include "export.h"
PAR_BEGIN_DECLS

#include <stddef.h>

#define PAR_INJECT_MAX 64

struct par_inject {
    int active;                      /* 0: no series for this back end */
    size_t nonce, ncycle;            /* ncycle >= 1 when active */
    double once[PAR_INJECT_MAX], cycle[PAR_INJECT_MAX];
};

/* Reads the series for `backend` from `spec` (the variable's value, may be
 * NULL). Returns 0 (inj->active says whether one applies), or PAR_EINVAL with a
 * one-line message when the spec is malformed. */
int par_inject_parse(const char *spec, const char *backend, int workers,
                     struct par_inject *inj, char *msg, size_t len);

/* The injected time of run i (0-based, warm-ups included), or `measured`
 * when inactive. */
double par_inject_time(const struct par_inject *inj, size_t i, double measured);

PAR_END_DECLS
#endif
