/* Executor map: Python's Executor.map(fn, items, chunksize) and
 * multiprocessing.pool.ThreadPool.map, over C arrays, on a par_pool.
 *
 * The n items are cut into chunks of `chunk` consecutive items; each chunk is
 * one pool task; out[i] always receives the result of in[i], so results come
 * back in input order whatever order the chunks ran in. The call returns when
 * every chunk has finished. Called from one of the pool's own workers it
 * helps run the chunks (no deadlock). */
#ifndef PAR_EXECUTOR_H
#define PAR_EXECUTOR_H
#include "export.h"
PAR_BEGIN_DECLS

#include <stddef.h>

#include "pool.h"

/* One item: reads *in (in_size bytes), writes *out (out_size bytes).
 * Returns 0 or a non-zero error code. `ctx` is what you passed to map.
 * Called concurrently from several workers on different items. */
typedef int (*par_map_fn)(void *ctx, const void *in, void *out);

/* Automatic chunk size for n items on `workers` workers: about four chunks
 * per worker (so that uneven items still balance), never less than 1 item.
 * That is ceil(n / (4 * workers)); 0 when n == 0. */
size_t par_executor_auto_chunk(size_t n, int workers);

/* out[i] = fn(ctx, in[i]) for i in [0, n), in chunks of `chunk` items
 * (0 = par_executor_auto_chunk). in points to n items of in_size bytes,
 * out to n items of out_size bytes; both are borrowed, must not overlap, and
 * must stay valid until the call returns. in_size / out_size may be 0 (then
 * in / out may be NULL and fn receives NULL).
 *
 * Errors: a chunk stops at its first failing item (later items of that chunk
 * are not computed; other chunks still run). The call returns 0 when every
 * item succeeded, otherwise the error code of the failing item with the
 * lowest index, and stores that index in *failed_index (when not NULL; it is
 * set to n on success). Also PAR_EINVAL (p or fn NULL; in or out NULL with a
 * non-zero size and n > 0), and PAR_ESHUTDOWN / PAR_ENOMEM when the pool
 * refused a chunk (then its first index is the "failing" one; chunks
 * accepted before still finish before the call returns). Thread-safe: several threads may map on one pool at once. */
int par_executor_map(par_pool *p, par_map_fn fn, void *ctx,
                     const void *in, size_t in_size, void *out, size_t out_size,
                     size_t n, size_t chunk, size_t *failed_index);

PAR_END_DECLS
#endif
