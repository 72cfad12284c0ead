/* Futures: the result of a task submitted to a par_pool (pool.h), after
 * Python's concurrent.futures.Future.
 *
 * A future is created by par_pool_submit() and shared by the pool (until the
 * task has finished and its callbacks have run) and by whoever holds a
 * handle. Handles are reference counted: the handle par_pool_submit() gives
 * you is yours, and you give it back with par_future_release() exactly once.
 * Every function here is thread-safe: any number of threads may query, wait
 * on, cancel and add callbacks to the same future at the same time.
 *
 * A task reports failure by returning a non-zero int; that code is the
 * future's "exception" and reaches every waiter unchanged (the cheatsheet's
 * "Future error handling"). Return a positive application code or a PAR_E*
 * code of your choice (PAR_ETASK when nothing fits). Because par_future_result()
 * also returns PAR_ETIMEDOUT / PAR_EAGAIN / PAR_ECANCELLED for the wait itself,
 * use par_future_exception() when you must tell "the task failed with
 * PAR_ETIMEDOUT" from "my wait timed out".
 *
 * Timeouts follow timeout.h: < 0 forever, 0 do not block (PAR_EAGAIN), > 0
 * seconds (PAR_ETIMEDOUT).
 *
 * Nested waits: when a worker of pool P waits on a future of P (result,
 * exception, par_futures_wait, par_as_completed_next), it does not just
 * sleep. If the awaited task is still queued it runs it itself, inline;
 * otherwise it runs other queued tasks of P until the future is done, and
 * sleeps only when P's queue is empty. So a task may submit sub-tasks and
 * wait for them (fork/join, recursive fib) on any number of workers without
 * deadlock. The price: a helping worker can return later than its timeout
 * when the task it helped with is long. Threads that are not workers of the
 * future's pool never run tasks; they sleep. */
#ifndef PAR_FUTURE_H
#define PAR_FUTURE_H
#include "export.h"
PAR_BEGIN_DECLS

#include <stddef.h>

#include "timeout.h"

typedef struct par_future par_future;

/* A task: does its work on `arg` (borrowed; the pool never reads or frees
 * it), may store a result in *result (initially NULL; the pool never reads
 * or frees what it points to), and returns 0 on success or a non-zero error
 * code (its "exception"). Runs on a pool worker thread, or inline in a
 * worker that waits for it (see above). */
typedef int (*par_task_fn)(void *arg, void **result);

/* Life of a future. Transitions (each happens at most once):
 *   PENDING -> RUNNING     a worker (or a waiting worker, inline) starts it
 *   PENDING -> CANCELLED   par_future_cancel(), or par_pool_shutdown() with
 *                          cancel_pending
 *   RUNNING -> DONE        the task returned (successfully or not)
 * DONE and CANCELLED are final: the future is then "done" (Python's
 * done() is true for both). */
enum par_future_state {
    PAR_FUTURE_PENDING = 0,
    PAR_FUTURE_RUNNING = 1,
    PAR_FUTURE_DONE = 2,
    PAR_FUTURE_CANCELLED = 3
};

/* A done callback: `f` is borrowed for the duration of the call (retain it
 * to keep it longer); `ctx` is what you registered. */
typedef void (*par_done_fn)(par_future *f, void *ctx);

/* ---- references ---------------------------------------------------------- */

/* Adds a reference; returns f. f must be a live handle. */
par_future *par_future_retain(par_future *f);

/* Drops a reference. The last one frees the future; the pool holds its own
 * reference while the task is queued or running, so releasing a handle never
 * cancels or loses the task. NULL is ignored. */
void par_future_release(par_future *f);

/* ---- queries (never block) ----------------------------------------------- */

enum par_future_state par_future_state(const par_future *f);
int par_future_done(const par_future *f);      /* 1 when DONE or CANCELLED, else 0 */
int par_future_running(const par_future *f);   /* 1 when RUNNING, else 0 */
int par_future_cancelled(const par_future *f); /* 1 when CANCELLED, else 0 */

/* ---- outcome ------------------------------------------------------------- */

/* Waits until f is done, then:
 *   returns 0 and stores the task's result in *value (if value != NULL) when
 *     the task returned 0;
 *   returns the task's own non-zero code when it failed (*value is set to
 *     whatever the task stored, often NULL);
 *   returns PAR_ECANCELLED when the future was cancelled (at once: waiting
 *     on a cancelled future is not an error and never blocks);
 *   returns PAR_EAGAIN (timeout 0) or PAR_ETIMEDOUT (timeout > 0) when it is
 *     not done in time; *value is then left untouched;
 *   returns PAR_EINVAL when f is NULL.
 * May be called any number of times, by any number of threads. */
int par_future_result(par_future *f, double timeout_s, void **value);

/* Like result, but reports the task's code separately (Python's
 * exception()): returns 0 once f has finished and stores in *code the task's
 * return value (0 = success); returns PAR_ECANCELLED, PAR_EAGAIN,
 * PAR_ETIMEDOUT or PAR_EINVAL (f or code NULL) as par_future_result does. */
int par_future_exception(par_future *f, double timeout_s, int *code);

/* Cancels f if it has not started. Returns 0 when f is cancelled on return
 * (now or before; its callbacks have then run or are running in the thread
 * that cancelled it), PAR_ESTATE when it is running or has finished (it is
 * then not cancelled), PAR_EINVAL when f is NULL. A cancelled task never
 * runs. */
int par_future_cancel(par_future *f);

/* Registers fn(f, ctx) to run once f is done (DONE or CANCELLED). Each
 * registered callback runs exactly once, in registration order, in the
 * thread that finished the task (a worker), or in the thread that cancelled
 * the future, or — if f is already done — immediately in the calling thread
 * before this function returns. A callback may call par_future_result(f)
 * (it returns at once), submit more tasks (to any pool; a shut-down pool
 * answers PAR_ESHUTDOWN), and add callbacks; it must not release the
 * reference it was not given. Returns 0, PAR_EINVAL (f or fn NULL) or
 * PAR_ENOMEM (then fn will not run). */
int par_future_add_done_callback(par_future *f, par_done_fn fn, void *ctx);

/* ---- waiting on several futures ----------------------------------------- */

enum par_wait_mode {
    PAR_WAIT_ALL_COMPLETED,   /* every future is done */
    PAR_WAIT_FIRST_COMPLETED, /* at least one future is done */
    PAR_WAIT_FIRST_EXCEPTION  /* one finished with a non-zero code (a
                                 cancelled future does not count), or all
                                 are done */
};

/* Waits until `mode` is satisfied for fs[0..n) (Python's wait()). Futures
 * may belong to different pools and may repeat. Returns 0 when satisfied
 * (also when n == 0), PAR_EAGAIN / PAR_ETIMEDOUT when not in time,
 * PAR_EINVAL for a NULL array with n > 0, a NULL entry or a bad mode,
 * PAR_ENOMEM. In every case *ndone (when ndone != NULL) receives how many of
 * the n entries were done on return; query each with par_future_done() to
 * split them into done / not done. The futures are borrowed. */
int par_futures_wait(par_future *const *fs, size_t n, double timeout_s,
                     enum par_wait_mode mode, size_t *ndone);

/* as_completed: yields each future of a set once, in the order they finish
 * (those already done first, in array order). The timeout is for the whole
 * iteration, counted from par_as_completed_begin (like Python's). */
typedef struct par_as_completed par_as_completed;

/* Starts an iteration over fs[0..n). Takes its own reference on each future
 * (you may release yours). The iterator is owned by the caller, to be used by
 * one thread at a time, and freed with par_as_completed_end(). Returns 0,
 * PAR_EINVAL (out NULL, fs NULL with n > 0, a NULL entry) or PAR_ENOMEM.
 * A future listed twice is yielded twice. */
int par_as_completed_begin(par_as_completed **out, par_future *const *fs, size_t n,
                           double timeout_s);

/* Next finished future: returns 0 and sets *f to it (borrowed: valid until
 * par_as_completed_end; retain it to keep it longer); returns 0 with
 * *f == NULL when every future has been yielded; PAR_EAGAIN / PAR_ETIMEDOUT
 * when the iteration's deadline passed first (call again later if you like);
 * PAR_EINVAL for NULL arguments. */
int par_as_completed_next(par_as_completed *it, par_future **f);

/* Ends the iteration and frees it (also before every future was yielded:
 * unfinished tasks are not affected). NULL is ignored. */
void par_as_completed_end(par_as_completed *it);

PAR_END_DECLS
#endif
