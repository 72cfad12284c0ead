/* Private to proc/: the back end's grain operation (proc_grain.c), called by
 * proc_backend.c. */
#ifndef PAR_PROC_INTERNAL_H
#define PAR_PROC_INTERNAL_H

#include <stddef.h>

#include "grain.h"
#include "procpool.h"

/* Runs job on the pool's workers (one block per worker, one map per step).
 * Returns 0, PAR_ENOMEM, or the map's error (one line in errmsg). */
int par__proc_grain(par_proc_pool *pool, int workers, const struct par_grain *job, char *errmsg,
                    size_t errlen, char *detail, size_t detlen);

#endif
