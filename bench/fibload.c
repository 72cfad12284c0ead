/* fibload — a bounded load on fibserver: many clients at once, each asking
 * a few fib(n) one after the other, every answer checked.
 *
 *   fibload --server build/release/apps/fibserver --mode pool
 *   fibload --server ... --mode coro --clients 1000 --requests 10
 *
 * It starts the server itself (--port 0) so that it can read the server's
 * resident memory (VmRSS) and open descriptors from /proc/PID: once idle
 * before the load, at their peak during it, and once every client has gone
 * (waiting, bounded, for the server to close its ends). Then it stops the
 * server with SIGTERM and checks its exit status.
 *
 * Requests: n in 1..--max-n (default 40), drawn from a fixed seed so that
 * every run asks the same. A uniform n would cost ~250 x fib(40)-sized jobs
 * per 10,000 requests (minutes of CPU on two cores); so n > 30 is drawn for
 * --long-per-mille (default 10) requests in 1000 and n in 1..30 otherwise:
 * every n of the range appears, and the run stays bounded.
 *
 * Verdict (exit status): 0 when every request got exactly its right answer
 * ("lost" counts requests never answered, "wrong" answers that differ from
 * fib(n), "errors" error lines), the server's descriptors are back to their
 * idle count, its memory is back within --rss-slack KiB of idle, and it
 * exited 0; 1 otherwise; 2 usage. The whole run stops by itself after
 * --timeout seconds. Measured times are printed, never judged. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <arpa/inet.h>
#include <netinet/in.h>

struct opts {
    const char *server, *mode;
    int clients, requests, max_n, long_per_mille, workers;
    double timeout;
    long rss_slack_kb;
};

struct client {
    int fd;
    int connected;
    int next;           /* index of the request to send next */
    int answered;
    int64_t want;       /* answer to the request in flight */
    char buf[256];
    size_t len;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t fib_ref(int n)
{
    int64_t a = 1, b = 1;
    for (int i = 3; i <= n; i++) {
        int64_t c = a + b;
        a = b;
        b = c;
    }
    return b;
}

/* The n of request j of client i: fixed, spread over 1..max_n (see top). */
static int request_n(const struct opts *o, int i, int j)
{
    uint64_t x = (uint64_t)i * 1000003u + (uint64_t)j * 7919u + 12345u;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    int shortmax = o->max_n < 30 ? o->max_n : 30;
    if (o->max_n > 30 && (int)(x % 1000) < o->long_per_mille)
        return 31 + (int)((x / 1000) % (uint64_t)(o->max_n - 30));
    return 1 + (int)((x / 1000) % (uint64_t)shortmax);
}

static long rss_kb(pid_t pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    long kb = -1;
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
            break;
    fclose(f);
    return kb;
}

static int open_fds(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
    DIR *d = opendir(path);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
    *o = (struct opts){ .mode = "pool", .clients = 1000, .requests = 10, .max_n = 40,
                        .long_per_mille = 10, .timeout = 600, .rss_slack_kb = 1024 };
    for (int i = 1; i < argc; i += 2) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        char *end = NULL;
        if (!v && strcmp(a, "--help") != 0)
            goto bad;
        if (!strcmp(a, "--server"))
            o->server = v;
        else if (!strcmp(a, "--mode"))
            o->mode = v;
        else if (!strcmp(a, "--clients"))
            o->clients = (int)strtol(v, &end, 10);
        else if (!strcmp(a, "--requests"))
            o->requests = (int)strtol(v, &end, 10);
        else if (!strcmp(a, "--max-n"))
            o->max_n = (int)strtol(v, &end, 10);
        else if (!strcmp(a, "--long-per-mille"))
            o->long_per_mille = (int)strtol(v, &end, 10);
        else if (!strcmp(a, "--workers"))
            o->workers = (int)strtol(v, &end, 10);
        else if (!strcmp(a, "--timeout"))
            o->timeout = strtod(v, &end);
        else if (!strcmp(a, "--rss-slack"))
            o->rss_slack_kb = strtol(v, &end, 10);
        else
            goto bad;
        if (end && *end)
            goto bad;
    }
    if (!o->server || o->clients < 1 || o->clients > 100000 || o->requests < 1 ||
        o->max_n < 1 || o->max_n > 92 || o->long_per_mille < 0 || o->long_per_mille > 1000 ||
        o->timeout <= 0 || o->workers < 0 || (strcmp(o->mode, "pool") && strcmp(o->mode, "coro")))
        goto bad;
    return 0;
bad:
    fprintf(stderr, "usage: fibload --server PATH [--mode pool|coro] [--clients N] "
            "[--requests R] [--max-n N] [--long-per-mille K] [--workers N] [--timeout S] "
            "[--rss-slack KIB]\n");
    return -1;
}

/* Starts the server; returns its pid and sets *port, or -1. */
static pid_t start_server(const struct opts *o, int *port, int *out_fd)
{
    char maxc[16], maxn[16], workers[16];
    snprintf(maxc, sizeof maxc, "%d", o->clients + 16);
    snprintf(maxn, sizeof maxn, "%d", o->max_n);
    snprintf(workers, sizeof workers, "%d", o->workers);
    char *argv[20] = { (char *)o->server, "--mode", (char *)o->mode, "--port", "0",
                       "--max-clients", maxc, "--max-n", maxn, "--idle-timeout", "600",
                       "--line-timeout", "600", NULL };
    if (o->workers) {
        argv[13] = "--workers";
        argv[14] = workers;
        argv[15] = NULL;
    }
    int p[2];
    if (pipe(p) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        dup2(p[1], 1);
        close(p[0]);
        close(p[1]);
        execv(argv[0], argv);
        _exit(127);
    }
    close(p[1]);
    char line[256];
    size_t len = 0;
    while (len < sizeof line - 1 && !memchr(line, '\n', len)) {
        struct pollfd pfd = { .fd = p[0], .events = POLLIN };
        ssize_t n = poll(&pfd, 1, 20000) == 1 ? read(p[0], line + len, sizeof line - 1 - len) : 0;
        if (n <= 0) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
            return -1;
        }
        len += (size_t)n;
    }
    line[len] = '\0';
    const char *colon = strrchr(line, ':');
    *port = colon ? atoi(colon + 1) : 0;
    *out_fd = p[0];
    return pid;
}

static int client_open(struct client *c, int port)
{
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0)
        return -1;
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(c->fd, (struct sockaddr *)&a, sizeof a) != 0 && errno != EINPROGRESS)
        return -1;
    return 0;
}

static void nap_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
    nanosleep(&ts, NULL);
}

/* Asks "1", waits for "1", closes, and waits (bounded) until the server has
 * closed its end. Returns the server's descriptor count then, or -1. */
static int probe(pid_t pid, int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    char buf[16];
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        send(fd, "1\n", 2, MSG_NOSIGNAL) != 2) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    ssize_t n = poll(&pfd, 1, 20000) == 1 ? recv(fd, buf, sizeof buf, 0) : -1;
    int with_probe = open_fds(pid);
    close(fd);
    if (n != 2 || memcmp(buf, "1\n", 2) != 0)
        return -1;
    int now = with_probe;
    for (int i = 0; i < 500 && (now = open_fds(pid)) >= with_probe; i++)
        nap_ms(20);
    return now;
}

int main(int argc, char **argv)
{
    struct opts o;
    if (parse_args(argc, argv, &o))
        return 2;
    signal(SIGPIPE, SIG_IGN);
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)o.clients + 64) {
        rl.rlim_cur = rl.rlim_max < (rlim_t)o.clients + 64 ? rl.rlim_max : (rlim_t)o.clients + 64;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    int port, server_out;
    pid_t pid = start_server(&o, &port, &server_out);
    if (pid < 0 || port <= 0) {
        fprintf(stderr, "fibload: cannot start %s\n", o.server);
        return 1;
    }
    /* Idle means serving: one request answered and its client gone (the
     * pool and its pipes exist only once the server serves). */
    int fds_idle = probe(pid, port);
    if (fds_idle < 0) {
        fprintf(stderr, "fibload: the server does not answer a first request\n");
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return 1;
    }
    long rss_idle = rss_kb(pid), rss_peak = rss_idle;
    int fds_peak = fds_idle;

    struct client *cl = calloc((size_t)o.clients, sizeof *cl);
    struct pollfd *pf = calloc((size_t)o.clients, sizeof *pf);
    if (!cl || !pf)
        return 1;
    long wrong = 0, errors = 0, answered = 0, lost = 0, open_failed = 0;
    int64_t t0 = now_ms(), deadline = t0 + (int64_t)(o.timeout * 1000), last_sample = 0;
    for (int i = 0; i < o.clients; i++)
        if (client_open(&cl[i], port) != 0) {
            open_failed++;
            if (cl[i].fd >= 0)
                close(cl[i].fd);
            cl[i].fd = -1;
        }
    int live = o.clients - (int)open_failed;
    while (live > 0 && now_ms() < deadline) {
        for (int i = 0; i < o.clients; i++) {
            struct client *c = &cl[i];
            pf[i] = (struct pollfd){ .fd = c->fd, .events = c->connected ? POLLIN : POLLOUT };
        }
        int r = poll(pf, (nfds_t)o.clients, 200);
        if (r < 0 && errno != EINTR)
            break;
        if (now_ms() - last_sample >= 100) {
            last_sample = now_ms();
            long rk = rss_kb(pid);
            int nf = open_fds(pid);
            rss_peak = rk > rss_peak ? rk : rss_peak;
            fds_peak = nf > fds_peak ? nf : fds_peak;
        }
        for (int i = 0; i < o.clients && r > 0; i++) {
            struct client *c = &cl[i];
            if (c->fd < 0 || !pf[i].revents)
                continue;
            int done = 0;
            if (!c->connected) {
                int err = 0;
                socklen_t el = sizeof err;
                getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el);
                if (err) {
                    done = 1;
                } else {
                    c->connected = 1;
                }
            } else {
                ssize_t n = recv(c->fd, c->buf + c->len, sizeof c->buf - 1 - c->len, 0);
                if (n <= 0 && !(n < 0 && (errno == EAGAIN || errno == EINTR)))
                    done = 1;
                else if (n > 0)
                    c->len += (size_t)n;
                char *nl;
                while (!done && (nl = memchr(c->buf, '\n', c->len))) {
                    *nl = '\0';
                    if (strncmp(c->buf, "error:", 6) == 0)
                        errors++;
                    else if (strtoll(c->buf, NULL, 10) != c->want)
                        wrong++;
                    else
                        answered++;
                    c->answered++;
                    size_t used = (size_t)(nl - c->buf) + 1;
                    memmove(c->buf, nl + 1, c->len - used);
                    c->len -= used;
                    if (c->answered == o.requests)
                        done = 1;
                }
            }
            if (!done && c->connected && c->next == c->answered && c->next < o.requests) {
                int n = request_n(&o, i, c->next);
                char req[16];
                int k = snprintf(req, sizeof req, "%d\n", n);
                c->want = fib_ref(n);
                if (send(c->fd, req, (size_t)k, MSG_NOSIGNAL) != k)
                    done = 1;
                else
                    c->next++;
            }
            if (done) {
                lost += o.requests - c->answered;
                close(c->fd);
                c->fd = -1;
                live--;
            }
        }
    }
    for (int i = 0; i < o.clients; i++)
        if (cl[i].fd >= 0) {
            lost += o.requests - cl[i].answered;
            close(cl[i].fd);
        }
    lost += open_failed * o.requests;
    double secs = (double)(now_ms() - t0) / 1000.0;

    /* Idle again: the server closes its ends once it sees ours closed. */
    int64_t settle = now_ms() + 10000;
    int fds_after;
    while ((fds_after = open_fds(pid)) > fds_idle && now_ms() < settle)
        nap_ms(20);
    long rss_after = rss_kb(pid);
    kill(pid, SIGTERM);
    int st = 0;
    waitpid(pid, &st, 0);
    close(server_out);
    int server_rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    long total = (long)o.clients * o.requests;
    printf("fibload: mode %s, %d clients x %d requests (n in 1..%d, n > 30 for %d per mille)\n",
           o.mode, o.clients, o.requests, o.max_n, o.long_per_mille);
    printf("  requests %ld: right %ld, wrong %ld, error lines %ld, lost %ld; %.1f s\n", total,
           answered, wrong, errors, lost, secs);
    printf("  server VmRSS kB: idle %ld, peak %ld, after %ld\n", rss_idle, rss_peak, rss_after);
    printf("  server open fds: idle %d, peak %d, after %d\n", fds_idle, fds_peak, fds_after);
    printf("  server exit status after SIGTERM: %d\n", server_rc);
    int ok = answered == total && wrong == 0 && errors == 0 && lost == 0 &&
             fds_after == fds_idle && rss_after <= rss_idle + o.rss_slack_kb && server_rc == 0;
    printf("  verdict: %s\n", ok ? "nothing lost or corrupted, back to idle" : "FAILED");
    free(cl);
    free(pf);
    return ok ? 0 : 1;
}
