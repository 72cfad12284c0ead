/* fibserver internals shared by main.c and the two serving modes. */
#ifndef FIBSERVER_SERVER_H
#define FIBSERVER_SERVER_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

enum fib_mode { FIB_MODE_POOL, FIB_MODE_CORO };

struct fib_config {
    const char *bind;       /* numeric address or host name; default 127.0.0.1 */
    int port;               /* 0..65535; 0 = the kernel picks */
    enum fib_mode mode;
    int max_clients;        /* >= 1 */
    double idle_timeout;    /* seconds without a complete line or an answer taken
                               before a client is dropped */
    double line_timeout;    /* seconds from a line's first byte to its "\n" */
    int workers;            /* pool mode: worker threads */
    int max_n;              /* largest n answered, 1..92 */
    int max_jobs;           /* pool mode: long jobs (n > FIB_SHORT_N) running at
                               once, server-wide, 1..workers */
};

/* Requests with n <= FIB_INLINE_N cost microseconds: the pool-mode loop
 * answers them itself. Up to FIB_SHORT_N (fib(30): ~3 ms) a job is "short";
 * above, "long", and only --max-jobs long jobs run at once, so that with the
 * default (workers - 1) one worker always serves the short ones. */
#define FIB_INLINE_N 20
#define FIB_SHORT_N 30

struct fib_server {
    const struct fib_config *cfg;
    int listen_fd;          /* non-blocking listening socket */
    int signal_fd;          /* read end of the self-pipe the signal handler writes */
};

/* Set (once) by the SIGINT/SIGTERM handler; read by every thread. It also
 * makes a running fib unwind at once (fibcancel.h). */
extern atomic_int fib_stop_requested;

/* Accepts the next pending connection that may be served: non-blocking,
 * close-on-exec. While `clients` (already served) has reached max_clients, a
 * newcomer is told "error: busy" (best effort) and closed. Returns the fd, or
 * -1 when nothing is pending; when the process is out of descriptors (or
 * memory), also sets *retry_ns to the par_now_ns() time at which to try
 * again (the pending connection stays in the backlog until then). */
int fib_accept_client(int listen_fd, int clients, int max_clients, int64_t *retry_ns);

/* The last client has gone: returns freed memory to the system, so that
 * an idle server's resident size is back to what it was before the load. */
void fib_idle_again(void);

/* Empties the self-pipe after a wake-up. */
void fib_drain_fd(int fd);

/* An output buffer: bytes queued for a client, sent as it can take them. */
struct fib_out {
    char *buf;
    size_t off, len, cap;   /* pending bytes are buf[off..len) */
};

/* Appends n bytes. Returns 0 or -1 (out of memory). */
int fib_out_add(struct fib_out *o, const char *s, size_t n);

/* Bytes still to send. */
size_t fib_out_pending(const struct fib_out *o);

/* Sends what the socket takes without blocking. Returns 1 when something was
 * sent, 0 when the socket is full (EAGAIN) or nothing was pending, -1 when
 * the connection is broken. */
int fib_out_send(struct fib_out *o, int fd);

void fib_out_free(struct fib_out *o);

/* The two serving modes. Each runs until SIGINT/SIGTERM and returns the
 * program's exit status: 0 after a clean stop, 1 on a runtime failure
 * (reported on stderr in one line). */
int fib_serve_coro(struct fib_server *srv);
int fib_serve_pool(struct fib_server *srv);

#endif
