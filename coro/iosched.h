/* The I/O-wait scheduler: the cheatsheet's "Scheduler with blocking
 * function" (David Beazley, PyCon 2015) with poll() in place of select().
 *
 * A task is a stackless coroutine (coro.h) that yields what it waits for:
 * PAR_YIELD_READ(co, fd, deadline) is the Python's `yield 'recv', sock`,
 * PAR_YIELD_WRITE is `yield 'send', sock`, PAR_YIELD(co) means "run me
 * again after the others" (the Python raises RuntimeError there). The run loop
 * is the Python's:
 *
 *     while tasks or waiting:
 *         while not tasks: poll(waiting) -> the ready ones join tasks
 *         task = tasks.popleft(); step it; file it under what it waits for
 *
 * Additions the fib server needs: an optional deadline per wait (the task is
 * resumed with co->timed_out = 1, for idle timeouts), a stop request, and a
 * destroy hook per task so that stopping frees every task still suspended.
 * A wait on fd -1 with a deadline is a sleep: poll() ignores negative
 * descriptors, so only the deadline resumes the task.
 *
 * Why poll() and not select(): select() cannot watch a descriptor numbered
 * FD_SETSIZE (1024) or above -- FD_SET on it writes past the fd_set -- so a
 * server with many clients would corrupt memory. poll() has no such limit.
 *
 * Thread-safety: none. One thread creates, runs and destroys a scheduler;
 * tasks call par_iosched_spawn/stop only from their bodies (same thread).
 * A signal handler must not touch it: make the handler write to a pipe and
 * let a task wait on the pipe's read end (see apps/fibserver). */
#ifndef PAR_IOSCHED_H
#define PAR_IOSCHED_H
#include "export.h"
PAR_BEGIN_DECLS

#include <stddef.h>

#include "coro.h"

typedef struct par_iosched par_iosched;

/* Creates an empty scheduler in *out. Returns 0 or PAR_ENOMEM. */
int par_iosched_create(par_iosched **out);

/* Adds a task at the back of the ready queue. The scheduler owns it from now
 * on: it calls co->destroy (if set) when the task finishes or when the
 * scheduler is destroyed. Returns 0, or PAR_EINVAL for a NULL or finished
 * coroutine (then the caller still owns it). */
int par_iosched_spawn(par_iosched *s, struct par_coro *co);

/* Runs until no task is left (returns 0) or a task called par_iosched_stop
 * (returns 0, the remaining tasks stay suspended and owned). Returns
 * PAR_ENOMEM when the wait table cannot grow, PAR_ESYS when poll() fails
 * other than by EINTR (errno tells why). A task waiting on a descriptor that
 * poll reports as an error, hang-up or invalid is resumed as if it were ready:
 * its next read or write tells it what happened. */
int par_iosched_run(par_iosched *s);

/* Asks par_iosched_run to return after the current step. */
void par_iosched_stop(par_iosched *s);

/* Number of tasks owned (ready + waiting). */
size_t par_iosched_count(const par_iosched *s);

/* Destroys every task still owned (their destroy hooks run, in no promised
 * order) and frees the scheduler. NULL is a no-op. */
void par_iosched_destroy(par_iosched *s);

PAR_END_DECLS
#endif
