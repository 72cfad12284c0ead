/* A pool of forked worker processes: C's answer to the cheatsheet's
 * multiprocessing.Pool, ProcessPoolExecutor and the hand-made Process+Pipe
 * parmap.
 *
 * N child processes are forked when the pool is created; each is connected to
 * the parent by one AF_UNIX stream socket pair. A task is a function of the
 * program (the children are copies of it, so its address is valid there)
 * plus argument bytes; the result comes back as bytes. Nothing but bytes
 * crosses the socket: pointers inside an argument mean nothing in a child
 * unless they point to memory the child had at fork time (see below).
 *
 * ---- one owner thread, no helper threads -------------------------------
 * The pool has no threads of its own in the parent. The thread that created
 * it (its owner) is the only thread that may call the functions below; the
 * pool makes progress (hands out tasks, reads results, notices dead
 * workers, forks replacements) inside those calls: submit, result,
 * as_completed, map, shutdown. Calls from another thread, or from a forked
 * child, return PAR_EPERM. So every fork happens in the owner thread, at a
 * point where the pool itself holds no lock.
 *
 * Why this is not pthread/future.h: a thread pool's future is completed by a
 * worker thread in this address space and waiters sleep on a condition
 * variable; here the "worker" is another process, and someone in the parent
 * must read its socket. Rather than add a reader thread (and fork from a
 * process with a thread we own), the waiting call does the reading. The
 * shapes follow pthread/future.h: the same states, cancel answers 0 or
 * PAR_ESTATE, the same timeout convention (below), as_completed as an
 * iterator.
 *
 * Timeouts (as pthread/timeout.h): < 0 wait forever; 0 do not block
 * (PAR_EAGAIN when not ready); > 0 seconds on CLOCK_MONOTONIC (PAR_ETIMEDOUT).
 *
 * ---- worker death -------------------------------------------------------
 * A worker holds at most one task at a time. When it dies (a crash, exit(),
 * SIGKILL from outside), the pool sees end-of-file on its socket, reaps it
 * (waitpid), fails exactly the task it held with PAR_EWORKER and a message
 * naming the worker and how it died, e.g.
 *   "worker 1 (pid 4242) was killed by signal 9 (SIGKILL)"
 *   "worker 0 (pid 4243) exited with status 3"
 * and forks a replacement in the same slot; every other task carries on. A
 * worker that dies while idle is replaced and fails nothing. If no worker
 * can be forked any more, waiting tasks fail with PAR_EWORKER.
 *
 * ---- what a forked child may touch (fork with threads running) ----------
 * A child is a copy of the parent at the moment of fork() with ONE thread:
 * the owner thread. Any lock another parent thread held at that moment
 * (a thread pool's queue lock, stdio's FILE locks, an application mutex) stays
 * locked in the child forever. POSIX therefore allows a child of a
 * multithreaded process only async-signal-safe functions until it execs.
 * The pool's own worker loop keeps to that: it calls only read, sendmsg,
 * mmap, munmap and _exit (mmap is not on POSIX's list but is a plain system
 * call that takes no user-space lock); it does not use malloc or stdio.
 * A task function (or map item function) runs in that child and must:
 *   - compute on its argument bytes and write its result bytes;
 *   - read other memory only if it existed, unchanged, when the pool was
 *     created: replacement workers are forked later and see the parent as
 *     it was then (static data and code are always safe);
 *   - not lock mutexes, use stdio, malloc or anything that locks inside, if
 *     other threads may have been running when the pool was created
 *     (glibc's malloc happens to be fork-safe; POSIX does not promise it);
 *   - not create threads, not touch any pool (this one is PAR_EPERM there),
 *     not call exit() (it would run the parent's atexit handlers and stdio
 *     flushes in the child): return an error code instead.
 * Children never exec. They inherit the parent's open file descriptors
 * (tests use that to control tasks); the pool closes, in each child, the
 * sockets of the other workers of the same pool. A child exits when its
 * socket reaches end-of-file, so workers never outlive their parent.
 *
 * SIGPIPE: the pool writes with MSG_NOSIGNAL and installs no signal handler
 * (no process-wide state). SIGCHLD must not be set to SIG_IGN (the kernel
 * would then reap workers itself and the pool could not report how they died).
 *
 * Thread-safety: none beyond the owner rule above. Two pools in one process
 * are independent (each may be owned by a different thread). */
#ifndef PAR_PROCPOOL_H
#define PAR_PROCPOOL_H
#include "export.h"
PAR_BEGIN_DECLS

#include <stddef.h>
#include <sys/types.h>

typedef struct par_proc_pool par_proc_pool;
typedef struct par_proc_future par_proc_future;
typedef struct par_proc_as_completed par_proc_as_completed;

#define PAR_PROC_MAX_WORKERS 1024

/* A task, run in a worker process. `arg` holds the arg_len bytes given to
 * par_proc_submit (16-byte aligned); the task writes at most res_cap bytes
 * to `res` (16-byte aligned), stores how many in *res_len (initially 0) and
 * returns 0, or a non-zero code that becomes the future's error (a PAR_E*
 * code of your choice, PAR_ETASK when nothing fits). A *res_len larger than
 * res_cap fails the task with PAR_ERANGE. */
typedef int (*par_proc_fn)(const void *arg, size_t arg_len, void *res, size_t res_cap,
                           size_t *res_len);

/* A map item function, run in a worker process: reads one input item of
 * in_size bytes at `in`, writes one output item of out_size bytes at `out`,
 * returns 0 or a non-zero error code (the rest of that chunk is skipped).
 * `ctx` points to a worker-side copy of the ctx bytes given to the map. */
typedef int (*par_proc_item_fn)(const void *ctx, const void *in, void *out);

/* ---- the pool ------------------------------------------------------------ */

/* Forks `workers` worker processes; the calling thread becomes the pool's
 * owner. *out receives the pool (owned by the caller: par_proc_pool_destroy).
 * Returns 0; PAR_EINVAL (out NULL or workers outside [1,
 * PAR_PROC_MAX_WORKERS]); PAR_ENOMEM; PAR_ESYS when a socket pair or a fork
 * fails (the workers already forked are then reaped; nothing leaks). */
int par_proc_pool_create(par_proc_pool **out, int workers);

/* Number of worker slots (the `workers` given to create). */
int par_proc_pool_size(const par_proc_pool *p);

/* Process id of the worker in slot i, or -1 when the slot is empty (its
 * worker died and could not be replaced) or i is out of range. Changes when
 * a worker is replaced. For diagnostics and tests. */
pid_t par_proc_pool_worker_pid(const par_proc_pool *p, int i);

/* How many workers have died and been replaced since create. */
unsigned long par_proc_pool_replacements(const par_proc_pool *p);

/* The team of the last par_proc_map / par_proc_map_bounds call: how many
 * distinct worker slots sent back the reply to at least one of its chunks
 * (the reply came through that worker's own socket, so the worker took the
 * chunk and ran it; a replacement forked into a slot counts as that slot).
 * 0 before any map, for a map of no chunks, or when p is NULL. At most
 * par_proc_pool_size(p); fewer when there were fewer chunks than workers or
 * some workers were never free when a chunk was handed out. */
int par_proc_pool_map_team(const par_proc_pool *p);

/* Stops accepting tasks (submit and map then return PAR_ESHUTDOWN). With
 * cancel_pending, tasks not yet handed to a worker are cancelled
 * (PAR_ECANCELLED); every other task runs to the end. Then tells every
 * worker to exit and reaps it: no child of this pool remains, not even a
 * zombie. Returns 0, or PAR_EPERM (not the owner). Calling it again does
 * nothing and returns 0. */
int par_proc_pool_shutdown(par_proc_pool *p, int cancel_pending);

/* Like Pool.terminate(): kills every worker with SIGKILL at once and reaps
 * it; running tasks fail with PAR_ESHUTDOWN, pending ones are cancelled
 * (PAR_ECANCELLED). Never waits for a task. Returns 0 or PAR_EPERM. */
int par_proc_pool_terminate(par_proc_pool *p);

/* Shuts the pool down if that was not done (par_proc_pool_shutdown(p, 0):
 * it waits for every accepted task; call terminate first if a task may never
 * end) and frees it. Futures you still hold stay valid, all done; free them
 * as usual. NULL is ignored. Owner thread only. */
void par_proc_pool_destroy(par_proc_pool *p);

/* ---- submit and futures ---------------------------------------------------- */

/* Queues fn(arg) with room for res_cap result bytes and stores a new future
 * in *out (owned by the caller: par_proc_future_free). The arg_len bytes at
 * arg are copied (arg may be NULL when arg_len is 0). Returns 0; PAR_EINVAL
 * (p, fn or out NULL, arg NULL with arg_len > 0); PAR_ESHUTDOWN; PAR_ENOMEM;
 * PAR_EPERM. On failure *out is NULL. Does not wait for a free worker. */
int par_proc_submit(par_proc_pool *p, par_proc_fn fn, const void *arg, size_t arg_len,
                    size_t res_cap, par_proc_future **out);

/* States, as in pthread/future.h. Transitions (each at most once):
 *   PENDING -> RUNNING     handed to a worker
 *   PENDING -> CANCELLED   par_proc_future_cancel, shutdown(cancel_pending),
 *                          terminate
 *   PENDING -> DONE        no worker left to run it (PAR_EWORKER)
 *   RUNNING -> DONE        its result arrived, or its worker died
 *                          (PAR_EWORKER), or terminate (PAR_ESHUTDOWN)
 * DONE and CANCELLED are final ("done"). */
enum par_proc_future_state {
    PAR_PROC_PENDING = 0,
    PAR_PROC_RUNNING = 1,
    PAR_PROC_DONE = 2,
    PAR_PROC_CANCELLED = 3
};

/* Queries; never block, never make progress (use result with timeout 0 to
 * poll). f must be a live handle. */
enum par_proc_future_state par_proc_future_state(const par_proc_future *f);
int par_proc_future_done(const par_proc_future *f);   /* 1 when DONE or CANCELLED */

/* Waits (running the pool) until f is done. Returns 0 and, when res / len are
 * not NULL, points *res at the result bytes (owned by the future, valid until
 * par_proc_future_free) and stores their count in *len; returns the task's
 * non-zero code when it failed; PAR_EWORKER when its worker died;
 * PAR_ECANCELLED; PAR_ESHUTDOWN (terminated); PAR_EAGAIN / PAR_ETIMEDOUT
 * when not done in time; PAR_EPERM (not the owner); PAR_EINVAL (f NULL).
 * A done future answers at once, also after its pool was destroyed. */
int par_proc_future_result(par_proc_future *f, double timeout_s, const void **res,
                           size_t *len);

/* One line saying why f failed ("worker 1 (pid 4242) was killed by signal 9
 * (SIGKILL)"), or "" when it did not (yet). Owned by the future. */
const char *par_proc_future_error(const par_proc_future *f);

/* Cancels f if it has not been handed to a worker. Returns 0 when f is
 * cancelled on return (now or before), PAR_ESTATE when it is running or has
 * finished, PAR_EPERM, PAR_EINVAL. */
int par_proc_future_cancel(par_proc_future *f);

/* Gives the handle back. A future that is not done yet still runs; the pool
 * frees it when it finishes. NULL is ignored. Owner thread only. */
void par_proc_future_free(par_proc_future *f);

/* ---- as_completed ---------------------------------------------------------- */

/* Iterates over fs[0..n) (futures of one pool; borrowed: free none of them
 * before par_proc_as_completed_end), yielding each once in the order they
 * finished. The timeout is for the whole iteration, from begin. Returns 0,
 * PAR_EINVAL (out NULL, fs NULL with n > 0, a NULL entry, futures of
 * different pools), PAR_ENOMEM. */
int par_proc_as_completed_begin(par_proc_as_completed **out, par_proc_future *const *fs,
                                size_t n, double timeout_s);

/* Next finished future in *f; 0 with *f == NULL once all were yielded;
 * PAR_EAGAIN / PAR_ETIMEDOUT when the deadline passed first (call again if
 * you like); PAR_EPERM; PAR_EINVAL. */
int par_proc_as_completed_next(par_proc_as_completed *it, par_proc_future **f);

/* Frees the iterator (also before the end). NULL is ignored. */
void par_proc_as_completed_end(par_proc_as_completed *it);

/* ---- map ------------------------------------------------------------------- */

/* out[i] = fn(in[i]) for i in [0, n), in chunks of `chunk` items (0: about
 * four chunks per worker), handed out to whichever worker is free; results
 * land in input order. The ctx_len bytes at ctx are sent with every chunk
 * and fn sees a copy (ctx may be NULL when ctx_len is 0). in and out are
 * borrowed until the call returns; map returns only when no chunk of it is
 * in a worker any more.
 * Returns 0; the error of the first failing chunk in input order (then
 * chunks not yet started are cancelled and one line naming the item range
 * and the cause goes to errmsg, when errmsg is not NULL): the item
 * function's code, or PAR_EWORKER when a worker died holding the chunk;
 * PAR_EINVAL (p or fn NULL, in/out NULL with n > 0, in_size or out_size 0);
 * PAR_ESHUTDOWN; PAR_ENOMEM; PAR_EPERM. */
int par_proc_map(par_proc_pool *p, par_proc_item_fn fn, const void *ctx, size_t ctx_len,
                 const void *in, size_t in_size, void *out, size_t out_size, size_t n,
                 size_t chunk, char *errmsg, size_t errlen);

/* The same with chunks given by their bounds: chunk c covers items
 * [bounds[c], bounds[c+1]) for c in [0, nchunks); bounds[0] == 0 and the
 * bounds grow strictly; bounds[nchunks] is the item count. Chunks are handed
 * out in this order (the proc back end uses it for static, dynamic and
 * guided schedules, and for largest-first task lists). */
int par_proc_map_bounds(par_proc_pool *p, par_proc_item_fn fn, const void *ctx, size_t ctx_len,
                        const void *in, size_t in_size, void *out, size_t out_size,
                        const size_t *bounds, size_t nchunks, char *errmsg, size_t errlen);

PAR_END_DECLS
#endif
