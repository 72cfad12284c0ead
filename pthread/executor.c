/* Executor map: an array cut into chunks, one pool task per chunk.
 *
 * DESIGN
 * The calling thread submits every chunk (blocking on a full queue like any
 * submitter), then waits on the chunks' futures in index order. Chunks write
 * disjoint ranges of `out`, so they share nothing but the read-only inputs;
 * the future of each chunk publishes its writes to the caller (the future's
 * lock and state swap order them). A failing item ends its chunk and is
 * recorded in the chunk's own descriptor, read by the caller only after the
 * chunk's future is done. Called from a worker of the same pool, the waits
 * help (future.c), so nested maps do not deadlock. No lock of its own. */
#include "executor.h"

#include <stdint.h>
#include <stdlib.h>

#include "error.h"

size_t par_executor_auto_chunk(size_t n, int workers)
{
    if (n == 0)
        return 0;
    size_t parts = 4 * (size_t)(workers < 1 ? 1 : workers);
    return n / parts + (n % parts != 0);
}

struct chunk {
    par_map_fn fn;
    void *ctx;
    const unsigned char *in;
    size_t in_size;
    unsigned char *out;
    size_t out_size;
    size_t begin, end;   /* item range [begin, end) */
    size_t failed;       /* index of the failing item, when the task fails */
};

static int chunk_task(void *arg, void **result)
{
    (void)result;
    struct chunk *c = arg;
    for (size_t i = c->begin; i < c->end; i++) {
        const void *x = c->in_size ? c->in + i * c->in_size : NULL;
        void *y = c->out_size ? c->out + i * c->out_size : NULL;
        int rc = c->fn(c->ctx, x, y);
        if (rc != 0) {
            c->failed = i;
            return rc;
        }
    }
    return 0;
}

int par_executor_map(par_pool *p, par_map_fn fn, void *ctx,
                     const void *in, size_t in_size, void *out, size_t out_size,
                     size_t n, size_t chunk, size_t *failed_index)
{
    if (failed_index)
        *failed_index = n;
    if (!p || !fn || (n > 0 && ((in_size && !in) || (out_size && !out))))
        return PAR_EINVAL;
    if (n == 0)
        return 0;
    if (chunk == 0)
        chunk = par_executor_auto_chunk(n, par_pool_workers(p));
    size_t nchunks = n / chunk + (n % chunk != 0);
    struct chunk *cs = malloc(nchunks * sizeof *cs);
    par_future **fs = malloc(nchunks * sizeof *fs);
    if (!cs || !fs) {
        free(cs);
        free(fs);
        return PAR_ENOMEM;
    }

    int err = 0;
    size_t err_at = n;
    size_t submitted = 0;
    for (size_t k = 0; k < nchunks; k++) {
        size_t b = k * chunk;
        cs[k] = (struct chunk){ fn, ctx, in, in_size, out, out_size, b,
                                n - b < chunk ? n : b + chunk, n };
        int rc = par_pool_submit(p, chunk_task, &cs[k], &fs[k]);
        if (rc != 0) {
            err = rc;
            err_at = b;
            break;
        }
        submitted++;
    }
    for (size_t k = 0; k < submitted; k++) {
        int rc = par_future_result(fs[k], PAR_FOREVER, NULL);
        /* A cancelled chunk (shutdown with cancel_pending) failed as a whole. */
        size_t at = rc == PAR_ECANCELLED ? cs[k].begin : cs[k].failed;
        if (rc != 0 && at < err_at) {
            err = rc;
            err_at = at;
        }
        par_future_release(fs[k]);
    }
    free(fs);
    free(cs);
    if (failed_index)
        *failed_index = err_at;
    return err;
}
