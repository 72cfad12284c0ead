/* --mode coro: the cheatsheet's server, faithfully.
 *
 * DESIGN
 * One thread, one par_iosched (coro/iosched.h), no locks. Its tasks:
 *   listener  `yield 'recv', sock` on the listening socket, then accepts
 *             every pending connection and spawns one handler per client;
 *   handler   per client: `yield 'recv'`, read, compute fib inline for every
 *             complete line, then `yield 'send'` until the answers are out;
 *   watcher   waits on the signal self-pipe and stops the scheduler.
 * Ordering: a handler answers its lines in order (it computes them in order).
 * Because fib runs inline, a fib(40) stalls every other client until it
 * returns: that is the cheatsheet's lesson, kept on purpose (--mode pool is
 * the fix). A client that does not read stalls only its own handler, which
 * waits for writability; every wait carries the idle deadline, and a started
 * line its --line-timeout deadline (a byte alone is not progress: a client
 * trickling a digit a second is dropped when the line is late).
 * Cancellation: the inline fib looks at the stop flag every few microseconds
 * and polls the client's socket every few milliseconds; a client that reset
 * the connection has its fib abandoned at once. --max-jobs does not apply:
 * one fib runs at a time by construction.
 * Every line gets one reply: the last line ended by EOF is answered too.
 * Stop: SIGINT/SIGTERM sets fib_stop_requested (a fib in progress unwinds)
 * and wakes the watcher, which stops the scheduler; destroying it runs every
 * handler's destroy hook: close the socket, free the buffers.
 * Limits: --max-clients handlers; input is read 1 KiB at a time and answered
 * before more is read, so a handler holds at most ~1 KiB of input and the
 * answers to it. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "error.h"
#include "fibcancel.h"
#include "iosched.h"
#include "proto.h"
#include "server.h"

#define READ_CHUNK 1024

struct coro_server {
    par_iosched *sch;
    const struct fib_config *cfg;
    int clients;            /* handlers alive */
};

/* ---- handler: one per client (the cheatsheet's fib_handler) --------------- */

struct handler {
    struct par_coro co;     /* first: the body casts back */
    struct coro_server *cs;
    int fd;
    struct fib_framer framer;
    struct fib_out out;
    char in[READ_CHUNK];
    int closing;
    int eof;                /* the client half-closed: answer, then close */
    int64_t progress_ns;    /* last complete line or answer taken */
    int64_t line_start_ns;  /* first byte of the unfinished line, or 0 */
};

/* The deadline of the next wait: idle, or the started line's. */
static int64_t handler_deadline(const struct handler *h)
{
    const struct fib_config *cfg = h->cs->cfg;
    int64_t d = h->progress_ns + (int64_t)(cfg->idle_timeout * 1e9);
    if (h->line_start_ns > 0) {
        int64_t l = h->line_start_ns + (int64_t)(cfg->line_timeout * 1e9);
        if (l < d)
            d = l;
    }
    return d;
}

/* fibcancel's slow check, every few milliseconds of an inline fib: whether
 * the client is gone. Reset (or broken): at once. Half-closed with nothing
 * more to read (a client that sent FIN may have vanished; its kernel tells
 * us nothing until we write): once --idle-timeout has passed since we first
 * saw it, the same rule as pool mode's. */
struct gone_check {
    int fd;
    int64_t idle_ns;
    int64_t eof_seen_ns;    /* when the FIN was first seen, or 0 */
};

static int client_gone(void *ctx)
{
    struct gone_check *g = ctx;
    struct pollfd p = { .fd = g->fd, .events = POLLIN };
    if (poll(&p, 1, 0) != 1)
        return 0;
    if (p.revents & (POLLERR | POLLHUP | POLLNVAL))
        return 1;
    char b;
    ssize_t k = recv(g->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
    if (k < 0)
        return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
    if (k > 0)
        return 0;
    int64_t now = par_now_ns();
    if (g->eof_seen_ns == 0)
        g->eof_seen_ns = now;
    return now - g->eof_seen_ns >= g->idle_ns;
}

/* Appends the reply to one request (fib inline, as in Python). Returns 0,
 * 1 when the fib was abandoned (stop, or the client is gone), -1 when out
 * of memory. */
static int answer(struct handler *h, const struct fib_req *req)
{
    char reply[FIB_REPLY_MAX];
    const char *text = req->err;
    size_t len = req->err ? strlen(req->err) : 0;
    if (!req->err) {
        struct gone_check g = { .fd = h->fd,
                                .idle_ns = (int64_t)(h->cs->cfg->idle_timeout * 1e9) };
        struct fib_cancel cc = { .stop = &fib_stop_requested, .check = client_gone,
                                 .ctx = &g };
        int64_t v = fib_cancellable(req->n, &cc);
        if (v < 0)
            return 1;
        len = fib_format_reply(v, reply);
        text = reply;
    }
    return fib_out_add(&h->out, text, len) != 0 ? -1 : 0;
}

/* Answers every complete line in h->in[0..n). Returns 0, or non-zero to
 * close (out of memory, or a fib abandoned because the client is gone). */
static int answer_lines(struct handler *h, size_t n)
{
    size_t off = 0;
    int64_t now = par_now_ns();
    while (off < n) {
        struct fib_req req;
        int got;
        off += fib_framer_feed(&h->framer, h->in + off, n - off, &req, &got);
        if (!got)
            continue;
        h->progress_ns = now;
        h->line_start_ns = 0;
        if (answer(h, &req) != 0)
            return -1;
    }
    if (!fib_framer_in_line(&h->framer))
        h->line_start_ns = 0;
    else if (h->line_start_ns == 0)
        h->line_start_ns = now;
    return 0;
}

static int handler_body(struct par_coro *co)
{
    struct handler *h = (struct handler *)co;
    PAR_CORO_BEGIN(co);
    h->progress_ns = par_now_ns();
    while (!h->closing && !h->eof) {
        PAR_YIELD_READ(co, h->fd, handler_deadline(h));  /* yield 'recv', client */
        if (co->timed_out) {
            const char *why = h->line_start_ns > 0 && par_now_ns() >= h->line_start_ns +
                              (int64_t)(h->cs->cfg->line_timeout * 1e9)
                              ? fib_err_line_slow : fib_err_idle;
            fib_out_add(&h->out, why, strlen(why));
            fib_out_send(&h->out, h->fd);  /* best effort */
            break;
        }
        ssize_t n = recv(h->fd, h->in, sizeof h->in, 0);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            continue;
        if (n < 0)
            break;  /* the connection broke */
        int rc = 0;
        if (n == 0) {
            /* The client half-closed: its unterminated last line is a line. */
            struct fib_req req;
            int got;
            h->eof = 1;
            fib_framer_finish(&h->framer, &req, &got);
            if (got)
                rc = answer(h, &req);
        } else {
            rc = answer_lines(h, (size_t)n);
        }
        if (rc != 0)
            h->closing = 1;  /* out of memory, or the client is gone */
        if (atomic_load(&fib_stop_requested)) {
            par_iosched_stop(h->cs->sch);
            PAR_YIELD(co);  /* not resumed: the scheduler is being stopped */
        }
        while (fib_out_pending(&h->out) > 0 && !h->closing) {
            PAR_YIELD_WRITE(co, h->fd, handler_deadline(h));  /* yield 'send', client */
            int sent = co->timed_out ? -1 : fib_out_send(&h->out, h->fd);
            if (sent < 0)
                h->closing = 1;  /* it stopped reading, or hung up */
            else if (sent > 0)
                h->progress_ns = par_now_ns();
        }
    }
    PAR_CORO_END(co);
}

static void handler_destroy(struct par_coro *co)
{
    struct handler *h = (struct handler *)co;
    if (!par_coro_finished(co)) {
        /* The server is stopping under this client: say so, best effort. */
        fib_out_add(&h->out, fib_err_shutdown, strlen(fib_err_shutdown));
        fib_out_send(&h->out, h->fd);
    }
    close(h->fd);
    fib_out_free(&h->out);
    struct coro_server *cs = h->cs;
    free(h);
    if (--cs->clients == 0)
        fib_idle_again();
}

/* ---- listener (the cheatsheet's fib_server) --------------------------------- */

struct listener {
    struct par_coro co;
    struct coro_server *cs;
    int fd;
    int64_t retry_at;       /* out of descriptors: sleep until then */
};

/* Accepts every pending connection. Returns a deadline to sleep until when
 * the process ran out of descriptors, else 0. */
static int64_t accept_all(struct listener *l)
{
    struct coro_server *cs = l->cs;
    int64_t retry = 0;
    int fd;
    while ((fd = fib_accept_client(l->fd, cs->clients, cs->cfg->max_clients, &retry)) >= 0) {
        struct handler *h = calloc(1, sizeof *h);
        if (!h) {
            close(fd);
            continue;
        }
        par_coro_init(&h->co, handler_body, handler_destroy);
        h->cs = cs;
        h->fd = fd;
        cs->clients++;
        par_iosched_spawn(cs->sch, &h->co);  /* tasks.append(fib_handler(c)) */
    }
    return retry;
}

static int listener_body(struct par_coro *co)
{
    struct listener *l = (struct listener *)co;
    PAR_CORO_BEGIN(co);
    for (;;) {
        if (l->retry_at)
            PAR_YIELD_READ(co, -1, l->retry_at);  /* sleep: poll ignores fd -1 */
        else
            PAR_YIELD_READ(co, l->fd, 0);         /* yield 'recv', sock */
        l->retry_at = accept_all(l);
    }
    PAR_CORO_END(co);
}

/* ---- signal watcher --------------------------------------------------------- */

struct watcher {
    struct par_coro co;
    struct coro_server *cs;
    int fd;
};

static int watcher_body(struct par_coro *co)
{
    struct watcher *w = (struct watcher *)co;
    PAR_CORO_BEGIN(co);
    PAR_YIELD_READ(co, w->fd, 0);
    fib_drain_fd(w->fd);
    par_iosched_stop(w->cs->sch);
    PAR_CORO_END(co);
}

int fib_serve_coro(struct fib_server *srv)
{
    struct coro_server cs = { .cfg = srv->cfg };
    if (par_iosched_create(&cs.sch) != 0) {
        fprintf(stderr, "fibserver: out of memory\n");
        return 1;
    }
    struct listener l = { .co = PAR_CORO_INIT(listener_body, NULL), .cs = &cs,
                          .fd = srv->listen_fd };
    struct watcher w = { .co = PAR_CORO_INIT(watcher_body, NULL), .cs = &cs,
                         .fd = srv->signal_fd };
    par_iosched_spawn(cs.sch, &w.co);
    par_iosched_spawn(cs.sch, &l.co);  /* tasks.append(fib_server()) */
    int rc = atomic_load(&fib_stop_requested) ? 0 : par_iosched_run(cs.sch);  /* run() */
    int saved = errno;
    par_iosched_destroy(cs.sch);
    if (rc != 0) {
        fprintf(stderr, "fibserver: scheduler failed: %s\n",
                rc == PAR_ESYS ? strerror(saved) : par_strerror(rc));
        return 1;
    }
    return 0;
}
