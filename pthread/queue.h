/* A blocking FIFO queue of pointers, after Python's queue.Queue: the
 * cheatsheet's "Consumer and Producer" and "Thread Pool Template".
 *
 * put() appends, get() removes the oldest item. A bounded queue blocks put()
 * while full; every queue blocks get() while empty. task_done()/join() count
 * finished work: every put() adds one unfinished task, every task_done()
 * removes one, and join() waits until none is left. shutdown() (Python 3.13's
 * Queue.shutdown) ends a producer/consumer pipeline: puts fail, gets drain
 * what is left and then fail, so consumers can stop without a sentinel.
 *
 * Items are `void *` (NULL is a valid item). The queue never reads or frees
 * them: ownership passes from the putter to the getter.
 * Thread-safety: every function except create/destroy may be called by any
 * number of threads at once. Timeouts follow timeout.h. */
#ifndef PAR_QUEUE_H
#define PAR_QUEUE_H
#include "export.h"
PAR_BEGIN_DECLS

#include <stddef.h>

#include "timeout.h"

typedef struct par_queue par_queue;

/* Creates an empty queue holding at most `capacity` items (PAR_UNBOUNDED:
 * no limit, like Python's Queue() / Queue(0)). *out is owned by the caller
 * (par_queue_destroy). Returns 0, PAR_EINVAL (out NULL or capacity 0: a
 * queue that can hold nothing would block every put forever), PAR_ENOMEM. */
int par_queue_create(par_queue **out, size_t capacity);

/* Frees the queue. Items still in it are not freed (the queue does not own
 * them). No thread may be using or blocked on the queue. NULL is ignored. */
void par_queue_destroy(par_queue *q);

/* Appends item, waiting while the queue is full. Returns 0; PAR_EAGAIN /
 * PAR_ETIMEDOUT (full; nothing added); PAR_ESHUTDOWN (shut down, also while
 * waiting; nothing added); PAR_EINVAL (q NULL). */
int par_queue_put(par_queue *q, void *item, double timeout_s);

/* Removes the oldest item into *item, waiting while the queue is empty.
 * Returns 0; PAR_EAGAIN / PAR_ETIMEDOUT (empty); PAR_ESHUTDOWN (shut down
 * and empty); PAR_EINVAL (q or item NULL). */
int par_queue_get(par_queue *q, void **item, double timeout_s);

/* Python's put_nowait / get_nowait: timeout PAR_NOWAIT. */
int par_queue_put_nowait(par_queue *q, void *item);
int par_queue_get_nowait(par_queue *q, void **item);

/* Marks one item taken by get() as processed. Returns 0, or PAR_ESTATE when
 * called more times than items were put (Python's ValueError; the count is
 * left unchanged), PAR_EINVAL (q NULL). */
int par_queue_task_done(par_queue *q);

/* Waits until every item ever put has been marked task_done. Returns 0,
 * PAR_EAGAIN / PAR_ETIMEDOUT, PAR_EINVAL. */
int par_queue_join(par_queue *q, double timeout_s);

/* Shuts the queue down: wakes every blocked caller; later puts answer
 * PAR_ESHUTDOWN; gets return the items left, then PAR_ESHUTDOWN. Idempotent.
 * Items left are still counted by join() until task_done. */
void par_queue_shutdown(par_queue *q);

/* Snapshots (may be stale on return): number of items, 1 if empty, 1 if
 * full (never for PAR_UNBOUNDED), the capacity. */
size_t par_queue_size(par_queue *q);
int par_queue_empty(par_queue *q);
int par_queue_full(par_queue *q);
size_t par_queue_capacity(const par_queue *q);

PAR_END_DECLS
#endif
