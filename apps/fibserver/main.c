/* fibserver — the cheatsheet's "Scheduler with blocking function" server:
 * one integer per line in, its fib value per line out.
 *
 *   fibserver                   pool mode on 127.0.0.1:5566
 *   fibserver --mode coro       the faithful coroutine server
 *   nc localhost 5566           then type 20 -> 6765, abc -> error: ...
 *
 * --bind defaults to 127.0.0.1 (IPv4), as the cheatsheet's ('localhost',
 * 5566). Where `localhost` resolves to ::1 first, nc falls back to
 * 127.0.0.1 when ::1 refuses; --bind ::1 serves IPv6 instead.
 *
 * Exit status: 0 after SIGINT/SIGTERM (clean stop); 1 a runtime failure
 * (the address cannot be bound, out of memory, ...); 2 a usage error. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "options.h"
#include "proto.h"
#include "server.h"
#include "visible.h"

#define MAX_CLIENTS_LIMIT 100000
#define FDS_RESERVED 16     /* listening socket, self-pipes, stdio, pool */

static void usage(FILE *to)
{
    fprintf(to,
        "usage: fibserver [--mode pool|coro] [--bind ADDR] [--port N]\n"
        "                 [--max-clients N] [--idle-timeout S] [--line-timeout S]\n"
        "                 [--workers N] [--max-n N] [--max-jobs N]\n"
        "       fibserver --help | --version\n"
        "\n"
        "Answers each line holding an integer n (1 <= n <= --max-n) with fib(n),\n"
        "computed by the naive recursion (fib(45) takes seconds, fib(60) hours).\n"
        "Any other line gets a line starting with \"error:\"; the connection stays.\n"
        "Every line gets exactly one reply, a last line ended by EOF included.\n"
        "\n"
        "  --mode pool       (default) an event loop hands each fib to a thread\n"
        "                    pool: a big n does not delay other clients\n"
        "  --mode coro       each client is a coroutine of one poll() scheduler and\n"
        "                    fib runs inline: a big n stalls everyone (as in Python)\n"
        "  --bind ADDR       address to listen on (default 127.0.0.1; ::1 for IPv6)\n"
        "  --port N          0..65535 (default 5566); 0 picks a free port\n"
        "  --max-clients N   1..%d (default 256); one more gets \"error: busy\"\n"
        "  --idle-timeout S  drop a client that sends no complete line and takes no\n"
        "                    answer for S seconds, 0.001..86400 (default 60); after\n"
        "                    it half-closed, its answers must be ready within S too,\n"
        "                    else its work is cancelled\n"
        "  --line-timeout S  a line must end (\"\\n\") within S seconds of its first\n"
        "                    byte, 0.001..86400 (default 10, at most --idle-timeout)\n"
        "  --workers N       pool mode: 1..%d threads (default: cores, at least 2)\n"
        "  --max-n N         largest n answered, 1..92 (default %d)\n"
        "  --max-jobs N      pool mode: jobs with n > %d running at once, server-wide,\n"
        "                    1..workers (default workers - 1, at least 1): the rest\n"
        "                    wait their turn, so one worker stays free for short ones\n"
        "  -h, --help        this help\n"
        "  -V, --version     version\n"
        "\n"
        "Work for a client that is gone (reset, timed out, or half-closed and not\n"
        "answered within --idle-timeout) is cancelled at once, even mid-fib.\n"
        "\n"
        "Prints \"listening on ADDR:PORT\" once ready. Stops cleanly on SIGINT or\n"
        "SIGTERM. Exit status: 0 clean stop, 1 runtime failure (for example the\n"
        "port is in use), 2 usage error.\n",
        MAX_CLIENTS_LIMIT, PAR_MAX_WORKERS, FIB_DEFAULT_MAX_N, FIB_SHORT_N);
}

/* fmt has one %s for arg, which is shown visibly (visible.h). */
static int usage_error(const char *fmt, const char *arg)
{
    fputs("fibserver: ", stderr);
    fprintf(stderr, fmt, par_vis(arg));
    fputc('\n', stderr);
    return 2;
}

/* A whole number in [lo, hi] and nothing else (common/options.h). */
static int parse_long(const char *s, long lo, long hi, long *out)
{
    long long v;
    if (par_parse_whole(s, lo, hi, &v) != 0)
        return -1;
    *out = (long)v;
    return 0;
}

/* Returns 0, 1 (help or version printed: exit 0) or 2 (usage error printed). */
static int parse_args(int argc, char **argv, struct fib_config *cfg)
{
    static const struct option longopts[] = {
        { "mode", required_argument, NULL, 'm' },
        { "bind", required_argument, NULL, 'b' },
        { "port", required_argument, NULL, 'p' },
        { "max-clients", required_argument, NULL, 'c' },
        { "idle-timeout", required_argument, NULL, 't' },
        { "workers", required_argument, NULL, 'w' },
        { "line-timeout", required_argument, NULL, 'l' },
        { "max-n", required_argument, NULL, 'n' },
        { "max-jobs", required_argument, NULL, 'J' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    int cores = par_cores();
    *cfg = (struct fib_config){ .bind = "127.0.0.1", .port = 5566, .mode = FIB_MODE_POOL,
                                .max_clients = 256, .idle_timeout = 60.0,
                                .line_timeout = 0, .max_n = FIB_DEFAULT_MAX_N, .max_jobs = 0,
                                .workers = cores < 2 ? 2 : cores };
    opterr = 0;
    int c;
    long v;
    while ((c = getopt_long(argc, argv, ":hV", longopts, NULL)) != -1) {
        switch (c) {
        case 'm':
            if (strcmp(optarg, "pool") == 0)
                cfg->mode = FIB_MODE_POOL;
            else if (strcmp(optarg, "coro") == 0)
                cfg->mode = FIB_MODE_CORO;
            else
                return usage_error("--mode '%s': expected pool or coro", optarg);
            break;
        case 'b':
            cfg->bind = optarg;
            break;
        case 'p':
            if (parse_long(optarg, 0, 65535, &v))
                return usage_error("--port '%s': expected an integer 0..65535", optarg);
            cfg->port = (int)v;
            break;
        case 'c':
            if (parse_long(optarg, 1, MAX_CLIENTS_LIMIT, &v))
                return usage_error("--max-clients '%s': expected an integer 1..100000", optarg);
            cfg->max_clients = (int)v;
            break;
        case 't':
            if (par_parse_real(optarg, NULL, 0.001, 86400, &cfg->idle_timeout))
                return usage_error("--idle-timeout '%s': expected seconds 0.001..86400", optarg);
            break;
        case 'w':
            if (parse_long(optarg, 1, PAR_MAX_WORKERS, &v))
                return usage_error("--workers '%s': expected an integer 1..1024", optarg);
            cfg->workers = (int)v;
            break;
        case 'l':
            if (par_parse_real(optarg, NULL, 0.001, 86400, &cfg->line_timeout))
                return usage_error("--line-timeout '%s': expected seconds 0.001..86400", optarg);
            break;
        case 'n':
            if (parse_long(optarg, FIB_N_MIN, FIB_N_MAX, &v))
                return usage_error("--max-n '%s': expected an integer 1..92", optarg);
            cfg->max_n = (int)v;
            break;
        case 'J':
            if (parse_long(optarg, 1, PAR_MAX_WORKERS, &v))
                return usage_error("--max-jobs '%s': expected an integer 1..1024", optarg);
            cfg->max_jobs = (int)v;
            break;
        case 'h':
            usage(stdout);
            return 1;
        case 'V':
            printf("fibserver %s\n", PAR_VERSION);
            return 1;
        case ':':
            return usage_error("%s: missing its value (see --help)", argv[optind - 1]);
        default:
            return usage_error("unknown option '%s' (see --help)", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return usage_error("unexpected argument '%s' (see --help)", argv[optind]);
    if (cfg->line_timeout == 0)
        cfg->line_timeout = cfg->idle_timeout < 10 ? cfg->idle_timeout : 10;
    if (cfg->max_jobs == 0)
        cfg->max_jobs = cfg->workers > 1 ? cfg->workers - 1 : 1;
    else if (cfg->max_jobs > cfg->workers)
        cfg->max_jobs = cfg->workers;  /* more could never run at once */
    return 0;
}

/* Room for max_clients descriptors: raises the soft limit when it must. */
static int check_fd_limit(const struct fib_config *cfg)
{
    struct rlimit rl;
    rlim_t need = (rlim_t)cfg->max_clients + FDS_RESERVED;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= need)
        return 0;
    if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= need) {
        rl.rlim_cur = need;
        if (setrlimit(RLIMIT_NOFILE, &rl) == 0)
            return 0;
    }
    fprintf(stderr, "fibserver: --max-clients %d needs %llu open files, the limit is %llu "
            "(ulimit -n)\n", cfg->max_clients, (unsigned long long)need,
            (unsigned long long)rl.rlim_max);
    return 2;
}

static int set_flags(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
        return -1;
    return fcntl(fd, F_SETFD, FD_CLOEXEC);
}

/* Binds and listens; prints the address. Returns the fd or -1 (one line on
 * stderr). */
static int open_listener(const struct fib_config *cfg)
{
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                              .ai_flags = AI_PASSIVE | AI_NUMERICSERV }, *res;
    char port[8];
    snprintf(port, sizeof port, "%d", cfg->port);
    int rc = getaddrinfo(cfg->bind, port, &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "fibserver: --bind '%s': %s\n", par_vis(cfg->bind), gai_strerror(rc));
        return -1;
    }
    int fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
    int one = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(fd, res->ai_addr, res->ai_addrlen) != 0 || listen(fd, 128) != 0 ||
        set_flags(fd) != 0) {
        fprintf(stderr, "fibserver: cannot listen on %s port %d: %s\n", par_vis(cfg->bind), cfg->port,
                strerror(errno));
        if (fd >= 0)
            close(fd);
        freeaddrinfo(res);
        return -1;
    }
    freeaddrinfo(res);

    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    socklen_t len = sizeof ss;
    char host[INET6_ADDRSTRLEN] = "?";
    int bound_port = cfg->port;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0) {
        if (ss.ss_family == AF_INET) {
            struct sockaddr_in *a = (struct sockaddr_in *)&ss;
            inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
            bound_port = ntohs(a->sin_port);
        } else if (ss.ss_family == AF_INET6) {
            struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
            inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
            bound_port = ntohs(a->sin6_port);
        }
    }
    if (ss.ss_family == AF_INET6)
        printf("listening on [%s]:%d\n", host, bound_port);
    else
        printf("listening on %s:%d\n", host, bound_port);
    fflush(stdout);
    return fd;
}

static int signal_pipe[2] = { -1, -1 };

static void on_stop_signal(int sig)
{
    (void)sig;
    int saved = errno;
    atomic_store(&fib_stop_requested, 1);
    (void)!write(signal_pipe[1], "x", 1);  /* non-blocking; a full pipe is fine */
    errno = saved;
}

static int install_signals(void)
{
    if (pipe(signal_pipe) != 0 || set_flags(signal_pipe[0]) || set_flags(signal_pipe[1]))
        return -1;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL))
        return -1;
    sa.sa_handler = SIG_IGN;  /* a client hanging up must not kill us */
    return sigaction(SIGPIPE, &sa, NULL);
}

int main(int argc, char **argv)
{
    struct fib_config cfg;
    int rc = parse_args(argc, argv, &cfg);
    if (rc)
        return rc == 1 ? 0 : rc;
    if ((rc = check_fd_limit(&cfg)) != 0)
        return rc;
    fib_proto_set_max_n(cfg.max_n);
    if (install_signals() != 0) {
        fprintf(stderr, "fibserver: cannot install signal handlers: %s\n", strerror(errno));
        return 1;
    }
    struct fib_server srv = { .cfg = &cfg, .listen_fd = -1, .signal_fd = signal_pipe[0] };
    srv.listen_fd = open_listener(&cfg);
    if (srv.listen_fd < 0)
        rc = 1;
    else
        rc = cfg.mode == FIB_MODE_CORO ? fib_serve_coro(&srv) : fib_serve_pool(&srv);
    if (srv.listen_fd >= 0)
        close(srv.listen_fd);
    close(signal_pipe[0]);
    close(signal_pipe[1]);
    return rc;
}
