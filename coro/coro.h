/* Generators and the round-robin scheduler: the cheatsheet's last part in C.
 *
 * DESIGN CHOICE: stackless coroutines (a resumable function, "Duff's device"
 * style), not ucontext and not a stack-switching library of our own.
 *
 * - It is what a Python generator is. A generator can only `yield` from its
 *   own body, never from a function it calls (before `yield from`), and its
 *   frame lives on the heap with a "resume here" index (f_lasti). A stackless
 *   coroutine is exactly that: the state that must survive a yield lives in a
 *   struct on the heap, and `resume_at` says which yield to continue from.
 * - ucontext (makecontext/swapcontext) was removed from POSIX in 2008, the
 *   standard this project targets; every coroutine would need its own stack
 *   whose size is a guess (fib(n) inline recurses n deep), and an overflow is
 *   silent memory corruption unless we add guard pages.
 * - The sanitizers see plain function calls and returns: no fiber-switch
 *   annotations for ASan (__sanitizer_start_switch_fiber) or TSan
 *   (__tsan_switch_to_fiber), nothing that can go stale in a future compiler.
 * - A switch is a few nanoseconds (a call and a switch on an int), and a
 *   suspended coroutine costs only its struct: ten thousand idle clients of
 *   the fib server cost ten thousand small structs, not ten thousand stacks.
 *
 * The price, which the cheatsheet's Python never shows:
 * - Local variables of the body do NOT survive a yield. Everything the body
 *   needs after a yield lives in the coroutine's own struct (that is Python's
 *   frame, made visible).
 * - Yield only from the body itself, at most one PAR_YIELD_* per source line,
 *   and no `switch` statement of your own around a yield (the macros are
 *   case labels of the body's hidden switch).
 *
 * How to write one:
 *
 *     struct gen_fib { struct par_coro co; int64_t i, n; };   // co first
 *
 *     static int gen_fib_body(struct par_coro *co)
 *     {
 *         struct gen_fib *g = (struct gen_fib *)co;
 *         PAR_CORO_BEGIN(co);
 *         for (g->i = 1; g->i <= g->n; g->i++)
 *             PAR_YIELD_VALUE(co, par_fib(g->i));   // yield fib(i)
 *         PAR_CORO_END(co);                           // StopIteration
 *     }
 *
 *     struct gen_fib g = { .co = PAR_CORO_INIT(gen_fib_body, NULL), .n = 5 };
 *     int64_t v;
 *     while (par_coro_next(&g.co, &v))   // for v in gen_fib(5)
 *         printf("%lld\n", (long long)v);
 *
 * Thread-safety: a coroutine is an ordinary object. Resume it from one
 * thread at a time; it may move between threads between resumptions. The
 * queue and round-robin scheduler below are single-threaded, as in Python. */
#ifndef PAR_CORO_H
#define PAR_CORO_H
#include "export.h"
PAR_BEGIN_DECLS

#include <stddef.h>
#include <stdint.h>

/* What a suspended coroutine waits for (read by schedulers). */
enum par_coro_wait {
    PAR_CORO_NONE = 0,  /* nothing: a generator's value, or "run me again later" */
    PAR_CORO_READ,      /* resume when `fd` is readable (or its deadline passed) */
    PAR_CORO_WRITE,     /* resume when `fd` is writable (or its deadline passed) */
};

/* What one resumption returned. */
enum par_coro_status {
    PAR_CORO_DONE = 0,      /* the body ran to its end (StopIteration) */
    PAR_CORO_YIELDED = 1,   /* the body yielded; see wait/value/fd */
};

struct par_coro;
typedef int (*par_coro_body)(struct par_coro *self);        /* returns enum par_coro_status */
typedef void (*par_coro_destroy_fn)(struct par_coro *self);

/* States of resume_at (private to the macros):
 *   0 (not started) --first resume--> >0 (suspended at that source line)
 *   >0 --resume--> >0 (next yield) or -1 (finished)
 *   -1 (finished) is final: resuming again returns PAR_CORO_DONE at once. */
struct par_coro {
    int resume_at;              /* private: see above */
    par_coro_body body;         /* the coroutine's code */
    /* Optional. Called exactly once by the scheduler that owns the coroutine:
     * when it has finished, or when the scheduler is destroyed while the
     * coroutine is still suspended (par_coro_finished() tells which). It
     * releases what the coroutine holds (sockets, memory, the struct). */
    par_coro_destroy_fn destroy;

    /* Written by the body when it yields (the PAR_YIELD_* macros). */
    enum par_coro_wait wait;
    int fd;                     /* PAR_CORO_READ/WRITE: which descriptor */
    int64_t deadline_ns;        /* READ/WRITE: par_now_ns() deadline, 0 = none */
    int64_t value;              /* PAR_CORO_NONE: the yielded value */

    /* Written by the scheduler when it resumes the coroutine. */
    int timed_out;              /* 1: resumed because deadline_ns passed */

    struct par_coro *next;      /* private: link in a par_coro_queue */
};

/* Static initialiser: PAR_CORO_INIT(body, destroy_or_NULL). */
#define PAR_CORO_INIT(body_, destroy_) \
    { .resume_at = 0, .body = (body_), .destroy = (destroy_), .fd = -1 }

/* Initialises a coroutine at run time (same as PAR_CORO_INIT). */
void par_coro_init(struct par_coro *co, par_coro_body body, par_coro_destroy_fn destroy);

/* ---- the body's macros ------------------------------------------------------ */

#define PAR_CORO_BEGIN(co) switch ((co)->resume_at) { case 0:

/* Suspend here; the next resumption continues after this line. */
#define PAR_CORO_SUSPEND_(co)                 \
    do {                                      \
        (co)->resume_at = __LINE__;           \
        return PAR_CORO_YIELDED;              \
        case __LINE__:;                       \
    } while (0)

/* yield value (a generator). */
#define PAR_YIELD_VALUE(co, v)                \
    do {                                      \
        (co)->wait = PAR_CORO_NONE;           \
        (co)->value = (v);                    \
        PAR_CORO_SUSPEND_(co);                \
    } while (0)

/* Suspend until fd is ready for `kind` (PAR_CORO_READ/WRITE) or the
 * deadline (par_now_ns() value, 0: none) passes; after it, (co)->timed_out
 * says which. */
#define PAR_YIELD_WAIT(co, kind, fd_, deadline) \
    do {                                      \
        (co)->wait = (kind);                  \
        (co)->fd = (fd_);                     \
        (co)->deadline_ns = (deadline);       \
        PAR_CORO_SUSPEND_(co);                \
    } while (0)

/* yield 'recv', fd */
#define PAR_YIELD_READ(co, fd_, deadline) PAR_YIELD_WAIT(co, PAR_CORO_READ, fd_, deadline)
/* yield 'send', fd */
#define PAR_YIELD_WRITE(co, fd_, deadline) PAR_YIELD_WAIT(co, PAR_CORO_WRITE, fd_, deadline)

/* Let the others run, then continue (no value, no wait). */
#define PAR_YIELD(co)                         \
    do {                                      \
        (co)->wait = PAR_CORO_NONE;           \
        PAR_CORO_SUSPEND_(co);                \
    } while (0)

/* The end of the body (also `return`-like: PAR_CORO_EXIT jumps here). */
#define PAR_CORO_END(co)                      \
    }                                         \
    (co)->resume_at = -1;                     \
    return PAR_CORO_DONE

/* Finish now, from anywhere in the body. */
#define PAR_CORO_EXIT(co)                     \
    do {                                      \
        (co)->resume_at = -1;                 \
        return PAR_CORO_DONE;                 \
    } while (0)

/* ---- driving a coroutine ---------------------------------------------------- */

/* Runs the body up to its next yield. Returns PAR_CORO_YIELDED or
 * PAR_CORO_DONE (also for a coroutine that had already finished). */
int par_coro_resume(struct par_coro *co);

/* Python's next(gen): returns 1 and stores the yielded value in *value
 * (value may be NULL), or 0 when the generator is exhausted. */
int par_coro_next(struct par_coro *co, int64_t *value);

/* 1 when the body has run to its end. */
int par_coro_finished(const struct par_coro *co);

/* ---- a FIFO of coroutines (Python's collections.deque of tasks) ------------ */

/* Intrusive: a coroutine is in at most one queue at a time, and the queue
 * does not own it. Single-threaded. Zero-initialised memory is an empty
 * queue (or use PAR_CORO_QUEUE_INIT). */
struct par_coro_queue {
    struct par_coro *head, *tail;
    size_t len;
};
#define PAR_CORO_QUEUE_INIT { NULL, NULL, 0 }

void par_coro_queue_push(struct par_coro_queue *q, struct par_coro *co);  /* append */
struct par_coro *par_coro_queue_pop(struct par_coro_queue *q);  /* popleft; NULL if empty */

/* ---- the round-robin scheduler (the cheatsheet's run(tasks)) --------------- */

/* Called after each step: finished == 0 with co->value the yielded value
 * (the cheatsheet prints it), or finished == 1 once the task is exhausted
 * (the cheatsheet prints "done"). */
typedef void (*par_rr_visit)(struct par_coro *co, int finished, void *arg);

/* while tasks: task = popleft(); value = next(task); visit; append(task)
 * A finished task is visited with finished == 1, dropped from the queue and
 * then its destroy hook (if any) is called. Returns when the queue is empty.
 * Takes the coroutines' ownership only in that sense (destroy on finish). */
void par_rr_run(struct par_coro_queue *tasks, par_rr_visit visit, void *arg);

PAR_END_DECLS
#endif
