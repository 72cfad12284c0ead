/* Spawns a child with pipes for stdout/stderr, drains both with poll() so a
 * chatty child can never block on a full pipe, and kills it at the deadline.
 * No sleeps: the only waits are poll() on the pipes and waitpid(). */
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct buf { char *p; size_t n, cap; };

static void buf_add(struct buf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4096;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p)
            abort();
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int par_test_run(char *const argv[], char *const env[], const char *stdin_text,
                 double timeout_s, struct par_test_out *out)
{
    memset(out, 0, sizeof *out);
    out->status = -1;
    int po[2], pe[2], pi[2];
    if (pipe(po) || pipe(pe) || pipe(pi))
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        dup2(pi[0], 0);
        dup2(po[1], 1);
        dup2(pe[1], 2);
        close(pi[0]); close(pi[1]); close(po[0]); close(po[1]); close(pe[0]); close(pe[1]);
        for (char *const *e = env; e && *e; e++)
            putenv(*e);
        setpgid(0, 0); /* own process group: a timeout kills its children too */
        execv(argv[0], argv);
        fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    setpgid(pid, pid);
    close(po[1]); close(pe[1]); close(pi[0]);
    if (stdin_text) {
        /* Test inputs are small (< pipe buffer); larger ones would need polling. */
        size_t len = strlen(stdin_text), off = 0;
        while (off < len) {
            ssize_t w = write(pi[1], stdin_text + off, len - off);
            if (w <= 0)
                break;
            off += (size_t)w;
        }
    }
    close(pi[1]);

    struct buf bo = {0}, be = {0};
    buf_add(&bo, "", 0);
    buf_add(&be, "", 0);
    double deadline = mono_now() + timeout_s;
    int open_fds = 2;
    struct pollfd fds[2] = { { po[0], POLLIN, 0 }, { pe[0], POLLIN, 0 } };
    while (open_fds > 0) {
        double left = deadline - mono_now();
        if (left <= 0) {
            out->timed_out = 1;
            kill(-pid, SIGKILL);
            break;
        }
        int r = poll(fds, 2, (int)(left * 1000) + 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            break;
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            char tmp[8192];
            ssize_t n = read(fds[i].fd, tmp, sizeof tmp);
            if (n > 0) {
                buf_add(i == 0 ? &bo : &be, tmp, (size_t)n);
            } else {
                close(fds[i].fd);
                fds[i].fd = -1;
                open_fds--;
            }
        }
    }
    for (int i = 0; i < 2; i++)
        if (fds[i].fd >= 0)
            close(fds[i].fd);
    int st = 0;
    if (out->timed_out) {
        waitpid(pid, &st, 0);
    } else {
        /* Pipes closed: the child has exited or closed them; wait with the
         * same deadline so a child that closed its stdout cannot hang us. */
        for (;;) {
            pid_t w = waitpid(pid, &st, WNOHANG);
            if (w == pid)
                break;
            if (w < 0)
                return -1;
            if (mono_now() > deadline) {
                out->timed_out = 1;
                kill(-pid, SIGKILL);
                waitpid(pid, &st, 0);
                break;
            }
            struct pollfd none;
            poll(&none, 0, 5); /* bounded back-off while a closed-stdout child finishes */
        }
    }
    kill(-pid, SIGKILL); /* reap stragglers of the child's group, if any */
    out->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    out->out = bo.p;
    out->err = be.p;
    return 0;
}

void par_test_out_free(struct par_test_out *out)
{
    free(out->out);
    free(out->err);
    out->out = out->err = NULL;
}

const char *par_test_bin(const char *name)
{
    static char path[4096];
    const char *dir = getenv("PAR_BIN_DIR");
    if (!dir) {
        fprintf(stderr, "PAR_BIN_DIR is not set (run through ctest)\n");
        abort();
    }
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return path;
}

int par_test_count(const char *hay, const char *needle)
{
    int n = 0;
    size_t len = strlen(needle);
    if (!len)
        return 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + len, needle))
        n++;
    return n;
}

int par_test_lines(const char *s)
{
    int n = 0;
    char last = '\n';
    for (; *s; s++) {
        if (*s == '\n')
            n++;
        last = *s;
    }
    return last == '\n' ? n : n + 1;
}

char *par_test_slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    long len = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    if (len >= 0 && fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)len + 1))) {
        size_t got = fread(buf, 1, (size_t)len, f);
        buf[got] = '\0';
    }
    fclose(f);
    return buf;
}
