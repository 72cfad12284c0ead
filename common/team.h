/* Counting the workers that really took part in one parallel call (issue
 * 10, "real team sizes"): a pool asked for 4 threads may run a job on 1
 * (every chunk taken by the same thread), and OpenMP may give fewer threads
 * than num_threads asks (OMP_DYNAMIC=true, OMP_THREAD_LIMIT).
 *
 * Usage: par_team_begin before submitting work, par_team_mark at the start
 * of every task (from any thread), par_team_end after every task finished.
 * Each thread counts once per call: it remembers, thread-locally, the epoch
 * it last counted in; epochs come from one process-wide counter, so two
 * counters never share one. */
#ifndef PAR_TEAM_H
#define PAR_TEAM_H
#include "export.h"
PAR_BEGIN_DECLS

#include <stdatomic.h>

struct par_team {
    atomic_ulong epoch;   /* this call's epoch; written by begin, read by tasks */
    atomic_int ran;       /* distinct threads that marked in this epoch */
};

void par_team_begin(struct par_team *t);
void par_team_mark(struct par_team *t);
/* The number of distinct threads that marked since begin. The caller must
 * have waited for every task (their completion orders the marks before). */
int par_team_end(struct par_team *t);

PAR_END_DECLS
#endif
