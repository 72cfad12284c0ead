/* A blocking priority queue of pointers: the cheatsheet's "Thread-safe
 * priority queue" (a heap guarded by a condition variable).
 *
 * get() returns the item with the HIGHEST priority; among equal priorities
 * the one put first (FIFO), exactly like the cheatsheet's
 * heappush((-priority, count, item)). A NaN priority is rejected.
 *
 * Items are `void *` (NULL is a valid item); ownership passes from putter to
 * getter. Thread-safety: every function except create/destroy may be called
 * by any number of threads at once. Timeouts follow timeout.h. */
#ifndef PAR_PQUEUE_H
#define PAR_PQUEUE_H
#include "export.h"
PAR_BEGIN_DECLS

#include <stddef.h>

#include "timeout.h"

typedef struct par_pqueue par_pqueue;

/* Creates an empty priority queue of at most `capacity` items
 * (PAR_UNBOUNDED: no limit, as in the cheatsheet). *out is owned by the
 * caller (par_pqueue_destroy). Returns 0, PAR_EINVAL (out NULL or capacity
 * 0), PAR_ENOMEM. */
int par_pqueue_create(par_pqueue **out, size_t capacity);

/* Frees it; items left are not freed. Nobody may use it any more. NULL ok. */
void par_pqueue_destroy(par_pqueue *q);

/* Inserts item with `priority`, waiting while full. Returns 0; PAR_EAGAIN /
 * PAR_ETIMEDOUT (full); PAR_ESHUTDOWN; PAR_EINVAL (q NULL, NaN priority);
 * PAR_ENOMEM (an unbounded queue could not grow). */
int par_pqueue_put(par_pqueue *q, void *item, double priority, double timeout_s);

/* Removes the highest-priority item into *item (and its priority into
 * *priority when not NULL), waiting while empty. Returns 0; PAR_EAGAIN /
 * PAR_ETIMEDOUT (empty); PAR_ESHUTDOWN (shut down and empty); PAR_EINVAL. */
int par_pqueue_get(par_pqueue *q, void **item, double *priority, double timeout_s);

/* Wakes every blocked caller; later puts answer PAR_ESHUTDOWN, gets drain
 * what is left then answer PAR_ESHUTDOWN. Idempotent. */
void par_pqueue_shutdown(par_pqueue *q);

/* Number of items (a snapshot). */
size_t par_pqueue_size(par_pqueue *q);

PAR_END_DECLS
#endif
