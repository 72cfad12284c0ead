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
 * waits for writability; every wait carries the idle deadline.
 * Stop: SIGINT/SIGTERM sets fib_stop_requested (a fib in progress unwinds)
 * and wakes the watcher, which stops the scheduler; destroying it runs every
 * handler's destroy hook: close the socket, free the buffers.
 * Limits: --max-clients handlers; input is read 1 KiB at a time and answered
 * before more is read, so a handler holds at most ~1 KiB of input and the
 * answers to it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "error.h"
#include "iosched.h"
#include "proto.h"
#include "server.h"

#define READ_CHUNK 1024

struct coro_server {
    par_iosched *sch;
    const struct fib_config *cfg;
    int clients;            /* handlers alive */
};

static int64_t idle_deadline(const struct coro_server *cs)
{
    return par_now_ns() + (int64_t)(cs->cfg->idle_timeout * 1e9);
}

/* ---- handler: one per client (the cheatsheet's fib_handler) --------------- */

struct handler {
    struct par_coro co;     /* first: the body casts back */
    struct coro_server *cs;
    int fd;
    struct fib_framer framer;
    struct fib_out out;
    char in[READ_CHUNK];
    int closing;
};

/* Answers every complete line in h->in[0..n): fib inline, as in Python. */
static int answer_lines(struct handler *h, size_t n)
{
    size_t off = 0;
    while (off < n) {
        struct fib_req req;
        int got;
        off += fib_framer_feed(&h->framer, h->in + off, n - off, &req, &got);
        if (!got)
            continue;
        char reply[FIB_REPLY_MAX];
        const char *text = req.err;
        size_t len = req.err ? strlen(req.err) : 0;
        if (!req.err) {
            len = fib_format_reply(fib_compute(req.n, NULL), reply);
            text = reply;
        }
        if (atomic_load(&fib_stop_requested))
            return 0;  /* the value may be garbage: a stop unwound fib */
        if (fib_out_add(&h->out, text, len) != 0)
            return -1;
    }
    return 0;
}

static int handler_body(struct par_coro *co)
{
    struct handler *h = (struct handler *)co;
    PAR_CORO_BEGIN(co);
    while (!h->closing) {
        PAR_YIELD_READ(co, h->fd, idle_deadline(h->cs));  /* yield 'recv', client */
        if (co->timed_out) {
            fib_out_add(&h->out, fib_err_idle, strlen(fib_err_idle));
            fib_out_send(&h->out, h->fd);  /* best effort */
            break;
        }
        ssize_t n = recv(h->fd, h->in, sizeof h->in, 0);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            continue;
        if (n <= 0)
            break;  /* the client hung up (or the connection broke) */
        if (answer_lines(h, (size_t)n) != 0)
            break;
        if (atomic_load(&fib_stop_requested)) {
            par_iosched_stop(h->cs->sch);
            PAR_YIELD(co);  /* not resumed: the scheduler is being stopped */
        }
        while (fib_out_pending(&h->out) > 0 && !h->closing) {
            PAR_YIELD_WRITE(co, h->fd, idle_deadline(h->cs));  /* yield 'send', client */
            if (co->timed_out || fib_out_send(&h->out, h->fd) < 0)
                h->closing = 1;  /* it stopped reading, or hung up */
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
    h->cs->clients--;
    free(h);
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
    fib_install_stop_hook(NULL);
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
