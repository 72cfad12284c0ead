/* DESIGN
 * One thread runs everything: no locks, no atomics. The scheduler holds two
 * collections, like the Python's `tasks` deque and `r_wait`/`s_wait` dicts:
 *   ready    a FIFO of tasks to step, in the order they became ready;
 *   waiting  an array of tasks suspended on a descriptor (read or write),
 *            each with an optional deadline.
 * Ordering: tasks that became ready in the same poll() round join the ready
 * queue in the order they started waiting, so no task starves another.
 * Completion: a task that returns PAR_CORO_DONE is destroyed at once; a stop
 * request ends run() after the current step and leaves the rest owned until
 * par_iosched_destroy(). */
#include "iosched.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>

#include "clock.h"
#include "error.h"

struct par_iosched {
    struct par_coro_queue ready;
    struct par_coro **waiting;  /* suspended on a descriptor, oldest first */
    struct pollfd *pfds;        /* scratch for poll(), same capacity */
    size_t nwaiting, cap;
    int stop;                   /* set by par_iosched_stop */
};

int par_iosched_create(par_iosched **out)
{
    par_iosched *s = calloc(1, sizeof *s);
    if (!s)
        return PAR_ENOMEM;
    *out = s;
    return 0;
}

int par_iosched_spawn(par_iosched *s, struct par_coro *co)
{
    if (!s || !co || par_coro_finished(co))
        return PAR_EINVAL;
    par_coro_queue_push(&s->ready, co);
    return 0;
}

void par_iosched_stop(par_iosched *s)
{
    s->stop = 1;
}

size_t par_iosched_count(const par_iosched *s)
{
    return s->ready.len + s->nwaiting;
}

static int add_waiter(par_iosched *s, struct par_coro *co)
{
    if (s->nwaiting == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        struct par_coro **w = realloc(s->waiting, cap * sizeof *w);
        if (!w)
            return PAR_ENOMEM;
        s->waiting = w;
        struct pollfd *p = realloc(s->pfds, cap * sizeof *p);
        if (!p)
            return PAR_ENOMEM;
        s->pfds = p;
        s->cap = cap;
    }
    s->waiting[s->nwaiting++] = co;
    return 0;
}

/* Milliseconds until the nearest deadline (rounded up), -1 when none. */
static int poll_timeout_ms(const par_iosched *s, int64_t now)
{
    int64_t nearest = 0;
    for (size_t i = 0; i < s->nwaiting; i++) {
        int64_t d = s->waiting[i]->deadline_ns;
        if (d > 0 && (nearest == 0 || d < nearest))
            nearest = d;
    }
    if (nearest == 0)
        return -1;
    if (nearest <= now)
        return 0;
    int64_t ms = (nearest - now + 999999) / 1000000;
    return ms > 60000 ? 60000 : (int)ms;
}

/* The Python's `select(r_wait, s_wait, {})` round: moves every waiter whose
 * descriptor is ready, or whose deadline passed, to the ready queue. */
static int poll_round(par_iosched *s)
{
    size_t n = s->nwaiting;
    for (size_t i = 0; i < n; i++) {
        struct par_coro *co = s->waiting[i];
        s->pfds[i].fd = co->fd;
        s->pfds[i].events = co->wait == PAR_CORO_READ ? POLLIN : POLLOUT;
        s->pfds[i].revents = 0;
    }
    int rc = poll(s->pfds, (nfds_t)n, poll_timeout_ms(s, par_now_ns()));
    if (rc < 0)
        return errno == EINTR ? 0 : PAR_ESYS;
    int64_t now = par_now_ns();
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        struct par_coro *co = s->waiting[i];
        int fired = s->pfds[i].revents != 0;
        int expired = !fired && co->deadline_ns > 0 && co->deadline_ns <= now;
        if (fired || expired) {
            co->timed_out = expired;
            par_coro_queue_push(&s->ready, co);
        } else {
            s->waiting[kept++] = co;
        }
    }
    s->nwaiting = kept;
    return 0;
}

int par_iosched_run(par_iosched *s)
{
    s->stop = 0;
    while (!s->stop && (s->ready.len > 0 || s->nwaiting > 0)) {
        while (s->ready.len == 0) {
            int rc = poll_round(s);
            if (rc)
                return rc;
        }
        struct par_coro *task = par_coro_queue_pop(&s->ready);
        if (par_coro_resume(task) == PAR_CORO_DONE) {
            if (task->destroy)
                task->destroy(task);
            continue;
        }
        task->timed_out = 0;
        if (task->wait == PAR_CORO_NONE) {
            par_coro_queue_push(&s->ready, task);
        } else if (add_waiter(s, task) != 0) {
            /* Keep ownership consistent: the task stays scheduled. */
            par_coro_queue_push(&s->ready, task);
            return PAR_ENOMEM;
        }
    }
    return 0;
}

void par_iosched_destroy(par_iosched *s)
{
    if (!s)
        return;
    struct par_coro *co;
    while ((co = par_coro_queue_pop(&s->ready)) != NULL)
        if (co->destroy)
            co->destroy(co);
    for (size_t i = 0; i < s->nwaiting; i++)
        if (s->waiting[i]->destroy)
            s->waiting[i]->destroy(s->waiting[i]);
    free(s->waiting);
    free(s->pfds);
    free(s);
}
