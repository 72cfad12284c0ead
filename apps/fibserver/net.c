/* Helpers shared by both serving modes: accepting, rejecting, output
 * buffers, and the stop flag. */
#include "server.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "clock.h"

atomic_int fib_stop_requested = 0;

#define ACCEPT_RETRY_NS 100000000  /* out of descriptors: try again in 100 ms */

static void reject_busy(int fd, int max_clients)
{
    char msg[80];
    int n = snprintf(msg, sizeof msg, "error: busy (at most %d clients), closing\n", max_clients);
    if (n > 0)
        (void)send(fd, msg, (size_t)n, MSG_NOSIGNAL);  /* best effort: it may not fit */
    close(fd);
}

int fib_accept_client(int listen_fd, int clients, int max_clients, int64_t *retry_ns)
{
    for (;;) {
        int fd = accept(listen_fd, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
                *retry_ns = par_now_ns() + ACCEPT_RETRY_NS;
            return -1;  /* else EAGAIN: none pending */
        }
        int fl = fcntl(fd, F_GETFL);
        if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ||
            fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
            close(fd);
            continue;
        }
        if (clients >= max_clients) {
            reject_busy(fd, max_clients);
            continue;
        }
        return fd;
    }
}

void fib_drain_fd(int fd)
{
    char buf[64];
    while (read(fd, buf, sizeof buf) > 0)
        ;
}

int fib_out_add(struct fib_out *o, const char *s, size_t n)
{
    if (o->off > 0 && o->off == o->len)
        o->off = o->len = 0;
    if (o->len + n > o->cap) {
        if (o->off > 0) {  /* slide the pending bytes to the front first */
            memmove(o->buf, o->buf + o->off, o->len - o->off);
            o->len -= o->off;
            o->off = 0;
        }
        if (o->len + n > o->cap) {
            size_t cap = o->cap ? o->cap : 256;
            while (cap < o->len + n)
                cap *= 2;
            char *b = realloc(o->buf, cap);
            if (!b)
                return -1;
            o->buf = b;
            o->cap = cap;
        }
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
    return 0;
}

size_t fib_out_pending(const struct fib_out *o)
{
    return o->len - o->off;
}

int fib_out_send(struct fib_out *o, int fd)
{
    int progress = 0;
    while (o->off < o->len) {
        ssize_t k = send(fd, o->buf + o->off, o->len - o->off, MSG_NOSIGNAL);
        if (k > 0) {
            o->off += (size_t)k;
            progress = 1;
        } else if (k < 0 && errno == EINTR) {
            continue;
        } else if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return progress;
        } else {
            return -1;
        }
    }
    o->off = o->len = 0;
    return progress;
}

void fib_out_free(struct fib_out *o)
{
    free(o->buf);
    *o = (struct fib_out){ 0 };
}

void fib_idle_again(void)
{
#ifdef __GLIBC__
    /* glibc keeps freed heap (and the worker threads' arenas) mapped; hand
     * it back so that a server between bursts is as small as when it started
     * (bench/fibload checks). Once per burst: cheap. */
    malloc_trim(0);
#endif
}
