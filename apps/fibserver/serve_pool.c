/* --mode pool (the default): the event loop computes no fib worth waiting
 * for (only n <= FIB_INLINE_N, microseconds).
 *
 * DESIGN
 * Threads: the main thread runs a poll() loop over the signal self-pipe, a
 * wake pipe, the listening socket and every client; a par_pool of --workers
 * threads computes fib. Nothing else runs.
 * Per client (struct conn, owned and touched only by the main thread, except
 * `job.value`, below): a line framer, a FIFO of parsed requests (at most
 * REQ_MAX), an output buffer, and at most ONE request on the pool at a time:
 * the oldest numeric one. Error lines wait their turn in the FIFO. So answers
 * go out in request order, and one client can never hold more than one
 * worker (a client asking fib(45) ten times still takes one).
 * Long jobs (n > FIB_SHORT_N): at most --max-jobs run at once, server-wide
 * (`long_running`, main thread only); a client whose next request is long
 * while the cap is reached waits in `waitq` (arrival order) and is started
 * when a long job completes. With the default (workers - 1) one worker is
 * always free for short requests, so clients asking the largest n cannot
 * starve the others.
 * Completion: the pool task writes fib into conn->job.value; the future's
 * done callback (in the worker) pushes the conn on `done_list` under
 * done_lock and, when the list was empty, writes one byte to the wake pipe.
 * The loop drains the pipe FIRST, then takes the whole list, so a push that
 * races with the take is either taken now or announced by a new byte.
 * job.value is written before the future completes and read after the conn
 * came through done_lock: the lock orders the two.
 * Lock order: done_lock is a leaf; the loop holds no other lock.
 * Backpressure: a client is polled for input only while its FIFO has room
 * and its output holds less than OUT_HIGH bytes, so a client that sends
 * without reading stops being read (TCP then stops it) and cannot make the
 * server grow; it is dropped after --idle-timeout without progress.
 * Deadlines: progress is a complete line framed or answer bytes taken by the
 * client, never a lone byte (a slowloris client sending a digit a second
 * makes no progress); a started line must end within --line-timeout of its
 * first byte. While a job runs for an open client the idle clock waits (we
 * are the slow one); once the client half-closed, its answers must be out
 * within --idle-timeout, else it is dropped and its job cancelled: a client
 * that sent FIN and vanished (its kernel answers nothing until we write) must
 * not hold a worker for as long as its fib takes.
 * Every line gets one reply: a last line ended by EOF is framed as a line.
 * Closing a client whose request is on the pool: its socket is closed at
 * once, the job is cancelled (a queued one never runs; a running fib sees
 * job.cancel and unwinds), and the conn is kept (state DEAD) until the
 * completion arrives. So a client that asks fib(90) and goes away frees its
 * worker at once (fibcancel.h: the job looks at its flag every few
 * microseconds). A client that stays holds one worker for as long as its fib
 * takes: bounded by --max-n per client and by --max-jobs server-wide.
 * Stop (SIGINT/SIGTERM): fib_stop_requested makes running fibs unwind; the
 * pool is shut down with cancel_pending (their callbacks run here) and
 * destroyed (joins the workers); then every conn is freed. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "error.h"
#include "fibcancel.h"
#include "pool.h"
#include "proto.h"
#include "server.h"

#define REQ_MAX 64          /* parsed requests waiting per client */
#define OUT_HIGH 16384      /* stop reading a client with this much unsent output */
#define READ_CHUNK 1024

static const char err_internal[] = "error: internal: could not schedule the request\n";

/* Life of a conn:
 *   OPEN -> CLOSING  the client hung up after its requests: answer, then close
 *   OPEN/CLOSING -> DEAD  the socket is closed while a job is on the pool
 *   OPEN/CLOSING -> (freed)  closed with no job on the pool
 *   DEAD -> (freed)  its job's completion arrived */
enum conn_state { CONN_OPEN, CONN_CLOSING, CONN_DEAD };

struct pool_server;

struct conn {
    struct pool_server *ps;
    int fd;
    enum conn_state state;
    int busy;                   /* 1 while job is on the pool */
    int waiting;                /* 1 while in waitq (its next request is long) */
    struct {
        int64_t n;
        int is_long;            /* counted in long_running */
        int64_t value;          /* written by the worker (see DESIGN) */
        atomic_int cancel;      /* set by the loop, read by the worker's fib */
        par_future *fut;        /* our handle while busy (main thread) */
    } job;
    struct fib_req reqs[REQ_MAX];   /* FIFO: reqs[(head + i) % REQ_MAX] */
    size_t head, count;
    struct fib_framer framer;
    char in[READ_CHUNK];
    size_t in_off, in_len;      /* bytes read but not yet framed */
    struct fib_out out;
    int64_t last_progress_ns;   /* for the idle timeout */
    int64_t line_start_ns;      /* first byte of the unfinished line, or 0 */
    struct conn *done_next;     /* link in done_list (done_lock) */
    struct conn *wait_prev, *wait_next;  /* links in waitq (main thread) */
};

struct pool_server {
    const struct fib_config *cfg;
    struct fib_server *srv;
    par_pool *pool;
    struct conn **conns;        /* OPEN and CLOSING conns; nconns of them */
    int nconns;
    struct pollfd *pfds;        /* 3 + max_clients */
    int wake[2];                /* wake pipe: workers -> loop */
    pthread_mutex_t done_lock;
    struct conn *done_list;     /* protected by done_lock */
    int dead;                   /* conns in state DEAD (main thread only) */
    int long_running;           /* long jobs on the pool (main thread only) */
    struct conn *waitq_head, *waitq_tail;  /* waiting for a long slot, FIFO */
    int lock_ready;             /* done_lock was initialised */
    int64_t accept_retry_ns;    /* out of descriptors: retry accept then */
};

/* ---- the worker's side -------------------------------------------------------- */

static int fib_task(void *arg, void **result)
{
    (void)result;
    struct conn *c = arg;
    struct fib_cancel cc = { .stop = &fib_stop_requested, .cancel = &c->job.cancel };
    c->job.value = fib_cancellable(c->job.n, &cc);
    return 0;
}

static void on_job_done(par_future *f, void *ctx)
{
    (void)f;
    struct conn *c = ctx;
    struct pool_server *ps = c->ps;
    if (pthread_mutex_lock(&ps->done_lock) != 0)
        abort();
    int was_empty = ps->done_list == NULL;
    c->done_next = ps->done_list;
    ps->done_list = c;
    if (pthread_mutex_unlock(&ps->done_lock) != 0)
        abort();
    if (was_empty)
        (void)!write(ps->wake[1], "x", 1);  /* non-blocking; full means already awake */
}

/* ---- the loop's side ----------------------------------------------------------- */

static void conn_free(struct conn *c)
{
    fib_out_free(&c->out);
    free(c);
}

static void waitq_push(struct pool_server *ps, struct conn *c)
{
    c->waiting = 1;
    c->wait_next = NULL;
    c->wait_prev = ps->waitq_tail;
    if (ps->waitq_tail)
        ps->waitq_tail->wait_next = c;
    else
        ps->waitq_head = c;
    ps->waitq_tail = c;
}

static void waitq_remove(struct pool_server *ps, struct conn *c)
{
    if (c->wait_prev)
        c->wait_prev->wait_next = c->wait_next;
    else
        ps->waitq_head = c->wait_next;
    if (c->wait_next)
        c->wait_next->wait_prev = c->wait_prev;
    else
        ps->waitq_tail = c->wait_prev;
    c->wait_prev = c->wait_next = NULL;
    c->waiting = 0;
}

/* Closes the client's socket; frees it unless its job is on the pool. */
static void conn_close(struct pool_server *ps, int index)
{
    struct conn *c = ps->conns[index];
    close(c->fd);
    c->fd = -1;
    ps->conns[index] = ps->conns[--ps->nconns];
    if (c->waiting)
        waitq_remove(ps, c);
    if (c->busy) {
        atomic_store(&c->job.cancel, 1);
        par_future_cancel(c->job.fut);  /* PAR_ESTATE when running: the flag stops it */
        c->state = CONN_DEAD;
        ps->dead++;
    } else {
        conn_free(c);
    }
}

/* Puts fib(n) for c on the pool; answers here if the pool refuses. */
static void conn_submit(struct pool_server *ps, struct conn *c, int64_t n)
{
    c->job.n = n;
    c->job.is_long = n > FIB_SHORT_N;
    atomic_store(&c->job.cancel, 0);
    par_future *f = NULL;
    int rc = par_pool_try_submit(ps->pool, fib_task, c, &f);
    if (rc == 0) {
        c->busy = 1;  /* before the callback: it may run at once */
        c->job.fut = f;
        ps->long_running += c->job.is_long;
        rc = par_future_add_done_callback(f, on_job_done, c);
        if (rc == 0)
            return;
        ps->long_running -= c->job.is_long;
    }
    if (f) {
        /* Submitted, but no callback (out of memory): wait for it here. */
        par_future_result(f, PAR_FOREVER, NULL);
        char reply[FIB_REPLY_MAX];
        fib_out_add(&c->out, reply, fib_format_reply(c->job.value, reply));
        par_future_release(f);
        c->job.fut = NULL;
        c->busy = 0;
    } else {
        fib_out_add(&c->out, err_internal, strlen(err_internal));
    }
}

/* Moves answers to the output in request order and puts the next numeric
 * request on the pool (or answers it here when it is tiny, or parks the
 * client in waitq when it is long and --max-jobs long jobs are running). */
static void conn_pump(struct pool_server *ps, struct conn *c)
{
    while (!c->busy && !c->waiting && c->count > 0) {
        struct fib_req *r = &c->reqs[c->head];
        if (r->err) {
            fib_out_add(&c->out, r->err, strlen(r->err));
        } else if (r->n <= FIB_INLINE_N) {
            char reply[FIB_REPLY_MAX];
            struct fib_cancel cc = { .stop = &fib_stop_requested };
            fib_out_add(&c->out, reply, fib_format_reply(fib_cancellable(r->n, &cc), reply));
        } else if (r->n > FIB_SHORT_N && ps->long_running >= ps->cfg->max_jobs) {
            waitq_push(ps, c);  /* keeps its request at the head of its FIFO */
            return;
        } else {
            conn_submit(ps, c, r->n);
        }
        c->head = (c->head + 1) % REQ_MAX;
        c->count--;
    }
}

/* Frames buffered input into requests while the FIFO has room. A complete
 * line is progress; a line's first byte starts its --line-timeout clock. */
static void conn_frame(struct conn *c, int64_t now)
{
    while (c->in_off < c->in_len && c->count < REQ_MAX) {
        struct fib_req req;
        int got;
        c->in_off += fib_framer_feed(&c->framer, c->in + c->in_off, c->in_len - c->in_off,
                                     &req, &got);
        if (got) {
            c->reqs[(c->head + c->count++) % REQ_MAX] = req;
            c->last_progress_ns = now;
            c->line_start_ns = 0;
        }
    }
    if (c->in_off == c->in_len)
        c->in_off = c->in_len = 0;
    if (!fib_framer_in_line(&c->framer))
        c->line_start_ns = 0;
    else if (c->line_start_ns == 0)
        c->line_start_ns = now;
}

static int conn_wants_input(const struct conn *c)
{
    return c->state == CONN_OPEN && c->in_len == 0 && c->count < REQ_MAX &&
           fib_out_pending(&c->out) < OUT_HIGH;
}

/* The time at which c is dropped, or 0; *why gets the reply that says so. */
static int64_t conn_deadline(const struct pool_server *ps, const struct conn *c,
                             const char **why)
{
    int64_t d = 0;
    *why = fib_err_idle;
    /* While its job runs or waits, an open client waits for us: no idle
     * clock. A half-closed one must get its answers within the timeout. */
    if (!((c->busy || c->waiting) && c->state == CONN_OPEN))
        d = c->last_progress_ns + (int64_t)(ps->cfg->idle_timeout * 1e9);
    if (c->line_start_ns > 0 && conn_wants_input(c)) {
        int64_t l = c->line_start_ns + (int64_t)(ps->cfg->line_timeout * 1e9);
        if (d == 0 || l < d) {
            d = l;
            *why = fib_err_line_slow;
        }
    }
    return d;
}

/* Handles one client's poll events. Returns 0 to keep it, -1 to close it. */
static int conn_service(struct pool_server *ps, struct conn *c, short revents)
{
    int64_t now = par_now_ns();
    if ((revents & POLLIN) && conn_wants_input(c)) {
        ssize_t n = recv(c->fd, c->in, sizeof c->in, 0);
        if (n > 0) {
            c->in_len = (size_t)n;  /* bytes alone are no progress (slowloris) */
        } else if (n == 0) {
            /* Half-closed: the unterminated last line is a line too; then
             * answer what we have (within --idle-timeout, see DESIGN). */
            struct fib_req req;
            int got;
            fib_framer_finish(&c->framer, &req, &got);
            if (got)  /* room: we read only while the FIFO has some */
                c->reqs[(c->head + c->count++) % REQ_MAX] = req;
            c->state = CONN_CLOSING;
            c->last_progress_ns = now;
            c->line_start_ns = 0;
        } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            return -1;
        }
    } else if ((revents & (POLLERR | POLLHUP | POLLNVAL)) && !(revents & POLLOUT)) {
        return -1;  /* broken and nothing more can be read or written */
    }
    for (;;) {  /* frame and answer what is buffered, as far as the job allows */
        conn_frame(c, now);
        conn_pump(ps, c);
        if (c->busy || c->waiting || c->in_len == 0 || c->count == REQ_MAX ||
            fib_out_pending(&c->out) >= OUT_HIGH)
            break;
    }
    if (fib_out_pending(&c->out) > 0) {
        int s = fib_out_send(&c->out, c->fd);
        if (s < 0)
            return -1;
        if (s > 0)
            c->last_progress_ns = now;
    }
    if (c->state == CONN_CLOSING && !c->busy && !c->waiting && c->count == 0 &&
        c->in_len == 0 && fib_out_pending(&c->out) == 0)
        return -1;
    return 0;
}

/* Starts the long jobs that waited for a slot, in arrival order. */
static void start_waiters(struct pool_server *ps)
{
    while (ps->waitq_head && ps->long_running < ps->cfg->max_jobs) {
        struct conn *c = ps->waitq_head;
        waitq_remove(ps, c);
        conn_pump(ps, c);
    }
}

/* Takes the finished jobs and turns them into answers. */
static void take_completions(struct pool_server *ps)
{
    fib_drain_fd(ps->wake[0]);
    if (pthread_mutex_lock(&ps->done_lock) != 0)
        abort();
    struct conn *list = ps->done_list;
    ps->done_list = NULL;
    if (pthread_mutex_unlock(&ps->done_lock) != 0)
        abort();
    while (list) {
        struct conn *c = list;
        list = c->done_next;
        int ok = par_future_result(c->job.fut, PAR_NOWAIT, NULL) == 0 && c->job.value >= 0;
        par_future_release(c->job.fut);
        c->job.fut = NULL;
        c->busy = 0;
        ps->long_running -= c->job.is_long;
        if (c->state == CONN_DEAD) {
            ps->dead--;
            conn_free(c);
            if (ps->dead == 0 && ps->nconns == 0)
                fib_idle_again();
            continue;
        }
        if (ok && !atomic_load(&fib_stop_requested)) {
            char reply[FIB_REPLY_MAX];
            fib_out_add(&c->out, reply, fib_format_reply(c->job.value, reply));
        }
    }
    if (!atomic_load(&fib_stop_requested))
        start_waiters(ps);
}

static void accept_clients(struct pool_server *ps)
{
    int fd;
    while ((fd = fib_accept_client(ps->srv->listen_fd, ps->nconns, ps->cfg->max_clients,
                                   &ps->accept_retry_ns)) >= 0) {
        struct conn *c = calloc(1, sizeof *c);
        if (!c) {
            close(fd);
            continue;
        }
        c->ps = ps;
        c->fd = fd;
        c->last_progress_ns = par_now_ns();
        ps->conns[ps->nconns++] = c;
    }
}

/* One turn of the loop. Returns 1 to go on, 0 when a stop was requested,
 * -1 when poll failed. */
static int loop_once(struct pool_server *ps)
{
    int64_t now = par_now_ns();
    int accepting = ps->accept_retry_ns <= now;
    int64_t next = accepting ? 0 : ps->accept_retry_ns;
    struct pollfd *p = ps->pfds;
    p[0] = (struct pollfd){ .fd = ps->srv->signal_fd, .events = POLLIN };
    p[1] = (struct pollfd){ .fd = ps->wake[0], .events = POLLIN };
    p[2] = (struct pollfd){ .fd = accepting ? ps->srv->listen_fd : -1, .events = POLLIN };
    int nc = ps->nconns;
    for (int i = 0; i < nc; i++) {
        struct conn *c = ps->conns[i];
        short ev = conn_wants_input(c) ? POLLIN : 0;
        if (fib_out_pending(&c->out) > 0)
            ev |= POLLOUT;
        p[3 + i] = (struct pollfd){ .fd = c->fd, .events = ev };
        const char *why;
        int64_t d = conn_deadline(ps, c, &why);
        if (d > 0 && (next == 0 || d < next))
            next = d;
    }
    int timeout = -1;
    if (next > 0)
        timeout = next <= now ? 0 : (int)((next - now + 999999) / 1000000);
    if (poll(p, (nfds_t)(3 + nc), timeout) < 0 && errno != EINTR)
        return -1;
    if (p[0].revents || atomic_load(&fib_stop_requested))
        return 0;
    if (p[1].revents)
        take_completions(ps);
    /* Service clients from the last so that conn_close's swap-with-last only
     * moves conns already serviced this turn. A client is serviced first
     * (what it sent counts), then held to its deadlines. */
    for (int i = nc - 1; i >= 0; i--) {
        struct conn *c = ps->conns[i];
        if (conn_service(ps, c, p[3 + i].revents) != 0) {
            conn_close(ps, i);
            continue;
        }
        const char *why;
        int64_t d = conn_deadline(ps, c, &why);
        if (d > 0 && d <= par_now_ns()) {
            fib_out_add(&c->out, why, strlen(why));
            fib_out_send(&c->out, c->fd);  /* best effort */
            conn_close(ps, i);
        }
    }
    if (ps->nconns == 0 && ps->dead == 0 && nc > 0)
        fib_idle_again();  /* the last client went this turn */
    if (p[2].revents)
        accept_clients(ps);
    return 1;
}

static int setup(struct pool_server *ps)
{
    ps->wake[0] = ps->wake[1] = -1;
    ps->conns = calloc((size_t)ps->cfg->max_clients, sizeof *ps->conns);
    ps->pfds = calloc((size_t)ps->cfg->max_clients + 3, sizeof *ps->pfds);
    if (!ps->conns || !ps->pfds)
        return PAR_ENOMEM;
    if (pipe(ps->wake) != 0)
        return PAR_ESYS;
    for (int i = 0; i < 2; i++) {
        int fl = fcntl(ps->wake[i], F_GETFL);
        if (fl < 0 || fcntl(ps->wake[i], F_SETFL, fl | O_NONBLOCK) < 0)
            return PAR_ESYS;
    }
    if (pthread_mutex_init(&ps->done_lock, NULL) != 0)
        return PAR_ENOMEM;
    ps->lock_ready = 1;
    /* Workers inherit a mask that blocks the stop signals: they go to the
     * main thread, whose poll() they interrupt. */
    sigset_t stop, old;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, &old);
    struct par_pool_opts o = {
        .workers = ps->cfg->workers,
        /* Queued jobs <= live clients (one each; a closed client's queued
         * job is cancelled); running ones <= workers. So this never fills. */
        .queue_capacity = (size_t)ps->cfg->max_clients + (size_t)ps->cfg->workers,
    };
    int rc = par_pool_create_ex(&ps->pool, &o);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return rc;
}

static void teardown(struct pool_server *ps)
{
    for (int i = ps->nconns - 1; i >= 0; i--) {
        struct conn *c = ps->conns[i];
        fib_out_add(&c->out, fib_err_shutdown, strlen(fib_err_shutdown));
        fib_out_send(&c->out, c->fd);  /* best effort */
        conn_close(ps, i);
    }
    if (ps->pool) {
        par_pool_shutdown(ps->pool, 1, 1);  /* cancels queued jobs, waits for running */
        par_pool_destroy(ps->pool);
        take_completions(ps);  /* frees the DEAD conns */
    }
    if (ps->wake[0] >= 0) {
        close(ps->wake[0]);
        close(ps->wake[1]);
    }
    if (ps->lock_ready)
        pthread_mutex_destroy(&ps->done_lock);
    free(ps->conns);
    free(ps->pfds);
}

int fib_serve_pool(struct fib_server *srv)
{
    struct pool_server ps = { .cfg = srv->cfg, .srv = srv };
    int rc = setup(&ps);
    if (rc != 0) {
        fprintf(stderr, "fibserver: cannot start the thread pool: %s\n", par_strerror(rc));
        teardown(&ps);
        return 1;
    }
    while ((rc = loop_once(&ps)) > 0)
        ;
    int saved = errno;
    teardown(&ps);
    if (rc < 0) {
        fprintf(stderr, "fibserver: poll failed: %s\n", strerror(saved));
        return 1;
    }
    return 0;
}
