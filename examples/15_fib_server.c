/* 15 — Scheduler with blocking function (David Beazley's fib server).
 *
 * Python: generators yield ('recv', sock) or ('send', sock) to a run() loop
 * that select()s on whatever they wait for; fib_server accepts, fib_handler
 * answers each request with fib(int(req)). Two `nc localhost 5566` sessions
 * send 20 and 10 and get 6765 and 55.
 *
 * This program runs that server on coro/iosched.h (poll() instead of
 * select()) and, in the same scheduler, a task that plays the two nc
 * sessions, so it needs no second terminal; it listens on a free port of
 * 127.0.0.1. The full server, with hostile-input handling, limits and a
 * thread-pool mode, is apps/fibserver (`fibserver --mode coro` is this one).
 *
 * What C teaches that the Python hides:
 * - It is one thread. "Concurrency" here is tasks returning to the loop at
 *   each yield; fib(int(req)) runs inline, so while it computes, no other
 *   client is served (ask for 40 and watch everyone wait).
 * - select() cannot watch a descriptor numbered 1024 or more (FD_SETSIZE):
 *   FD_SET on it writes out of bounds. poll() has no such limit.
 * - Every socket is non-blocking: a task that called a blocking recv() would
 *   stop the whole loop, which is exactly the blocking the yields avoid. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "coro.h"
#include "example.h"
#include "iosched.h"
#include "kernels.h"

static par_iosched *sched;

static void set_nonblocking(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
        ex_check(errno, "fcntl");
}

/* ---- fib_handler(client) ------------------------------------------------------ */

struct handler {
    struct par_coro co;
    int client;
    char req[1024];
    int64_t resp;
};

static int handler_body(struct par_coro *co)
{
    struct handler *h = (struct handler *)co;
    PAR_CORO_BEGIN(co);
    for (;;) {
        PAR_YIELD_READ(co, h->client, 0);  /* yield 'recv', client */
        ssize_t n = recv(h->client, h->req, sizeof h->req - 1, 0);
        if (n <= 0)
            break;  /* if not req: break */
        h->req[n] = '\0';
        long long x = atoll(h->req);
        h->resp = x >= 1 && x <= PAR_FIB_MAX_N ? par_fib(x) : -1;  /* fib(int(req)) */
        PAR_YIELD_WRITE(co, h->client, 0);  /* yield 'send', client */
        char out[32];
        int len = snprintf(out, sizeof out, "%lld\n", (long long)h->resp);
        (void)send(h->client, out, (size_t)len, MSG_NOSIGNAL);
    }
    PAR_CORO_END(co);
}

static void handler_destroy(struct par_coro *co)
{
    struct handler *h = (struct handler *)co;
    close(h->client);  /* client.close() */
    free(h);
}

/* ---- fib_server() ---------------------------------------------------------------- */

struct server {
    struct par_coro co;
    int sock;
};

static int server_body(struct par_coro *co)
{
    struct server *s = (struct server *)co;
    PAR_CORO_BEGIN(co);
    for (;;) {
        PAR_YIELD_READ(co, s->sock, 0);  /* yield 'recv', sock */
        int c = accept(s->sock, NULL, NULL);
        if (c < 0)
            continue;
        set_nonblocking(c);
        struct handler *h = calloc(1, sizeof *h);
        if (!h)
            ex_check(PAR_ENOMEM, "calloc");
        par_coro_init(&h->co, handler_body, handler_destroy);
        h->client = c;
        ex_check(par_iosched_spawn(sched, &h->co), "spawn");  /* tasks.append(fib_handler(c)) */
    }
    PAR_CORO_END(co);
}

/* ---- the two terminals running `nc localhost 5566` ---------------------------------- */

struct nc_sessions {
    struct par_coro co;
    struct sockaddr_in addr;
    int i, fd;
    char buf[64];
    size_t len;
};

static const char *const typed[2] = { "20", "10" };

static int nc_body(struct par_coro *co)
{
    struct nc_sessions *nc = (struct nc_sessions *)co;
    PAR_CORO_BEGIN(co);
    for (nc->i = 0; nc->i < 2; nc->i++) {
        printf("(bash %d) $ nc localhost\n%s\n", nc->i + 1, typed[nc->i]);
        nc->fd = socket(AF_INET, SOCK_STREAM, 0);
        if (nc->fd < 0)
            ex_check(errno, "socket");
        set_nonblocking(nc->fd);
        if (connect(nc->fd, (struct sockaddr *)&nc->addr, sizeof nc->addr) != 0 &&
            errno != EINPROGRESS)
            ex_check(errno, "connect");
        PAR_YIELD_WRITE(co, nc->fd, 0);  /* connected */
        char line[8];
        int len = snprintf(line, sizeof line, "%s\n", typed[nc->i]);
        if (send(nc->fd, line, (size_t)len, MSG_NOSIGNAL) != len)
            ex_check(errno ? errno : EIO, "send");
        nc->len = 0;
        while (!memchr(nc->buf, '\n', nc->len) && nc->len < sizeof nc->buf) {
            PAR_YIELD_READ(co, nc->fd, 0);
            ssize_t n = recv(nc->fd, nc->buf + nc->len, sizeof nc->buf - nc->len, 0);
            if (n <= 0)
                break;
            nc->len += (size_t)n;
        }
        printf("%.*s", (int)nc->len, nc->buf);
        close(nc->fd);
    }
    par_iosched_stop(sched);  /* both terminals are done: end the demo */
    PAR_CORO_END(co);
}

int main(void)
{
    int sock = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = 0 };  /* a free port */
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof addr;
    if (sock < 0 || setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(sock, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(sock, 5) != 0 ||
        getsockname(sock, (struct sockaddr *)&addr, &alen) != 0)
        ex_check(errno, "listen");
    set_nonblocking(sock);

    ex_check(par_iosched_create(&sched), "par_iosched_create");
    struct server srv = { .co = PAR_CORO_INIT(server_body, NULL), .sock = sock };
    struct nc_sessions nc = { .co = PAR_CORO_INIT(nc_body, NULL), .addr = addr };
    ex_check(par_iosched_spawn(sched, &srv.co), "spawn");  /* tasks.append(fib_server()) */
    ex_check(par_iosched_spawn(sched, &nc.co), "spawn");
    ex_check(par_iosched_run(sched), "run");              /* run() */
    par_iosched_destroy(sched);  /* closes the handlers still open */
    close(sock);
    return 0;
}
