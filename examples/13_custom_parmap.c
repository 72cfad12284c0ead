/* 13 — Custom multiprocessing map: one process and one pipe per item.
 *
 * Python: parmap(f, X) starts a Process per x with a Pipe, joins them all,
 * then reads each result: parmap(lambda x: x**x, range(1, 5)) prints
 * [1, 4, 27, 256]. Written here with fork() and pipe() directly: that is the
 * point of the section.
 *
 * What C teaches that the Python hides:
 * - What fork copies: the child is a copy of the parent's memory at that
 *   moment, so it can call f and read x without any pickling; the result has
 *   to come back as bytes, through the pipe. Pending stdio output is copied
 *   too: flush before fork, or the child's exit prints it a second time
 *   (children leave with _exit, which flushes nothing).
 * - The Python joins before it reads. A child blocks in write() once its
 *   result fills the pipe (64 KiB on Linux), so with big results the parent
 *   would wait for a child that waits for the parent: a deadlock. Read first,
 *   then wait (waitpid) — and check how each child ended. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "example.h"
#include "kernels.h"

typedef int64_t (*item_fn)(int64_t);

/* Child side (the Python's spawn(f)): compute, send, exit. */
static void child(item_fn f, int64_t x, int wfd)
{
    int64_t r = f(x);
    ssize_t w = write(wfd, &r, sizeof r);
    _exit(w == (ssize_t)sizeof r ? 0 : 1);
}

/* out[i] = f(X[i]) for i in [0, n), one child each. Returns 0 or -1. */
static int parmap(item_fn f, const int64_t *X, int64_t *out, int n)
{
    pid_t *pid = calloc((size_t)n, sizeof *pid);
    int *rfd = calloc((size_t)n, sizeof *rfd);
    if (!pid || !rfd)
        ex_check(PAR_ENOMEM, "calloc");
    fflush(stdout);
    for (int i = 0; i < n; i++) {  /* [p.start() for p in proc] */
        int p[2];
        if (pipe(p) != 0)
            ex_check(errno, "pipe");
        pid[i] = fork();
        if (pid[i] < 0)
            ex_check(errno, "fork");
        if (pid[i] == 0) {
            close(p[0]);
            child(f, X[i], p[1]);
        }
        close(p[1]);
        rfd[i] = p[0];
    }
    int ok = 1;
    for (int i = 0; i < n; i++) {  /* p.recv() first ... */
        ssize_t r = read(rfd[i], &out[i], sizeof out[i]);
        ok &= r == (ssize_t)sizeof out[i];
        close(rfd[i]);
    }
    for (int i = 0; i < n; i++) {  /* ... then p.join() */
        int st;
        ok &= waitpid(pid[i], &st, 0) == pid[i] && WIFEXITED(st) && WEXITSTATUS(st) == 0;
    }
    free(pid);
    free(rfd);
    return ok ? 0 : -1;
}

int main(void)
{
    int64_t X[4] = { 1, 2, 3, 4 }, out[4];  /* range(1, 5) */
    if (parmap(par_powself, X, out, 4) != 0) {  /* lambda x: x**x */
        fprintf(stderr, "parmap: a child failed\n");
        return 1;
    }
    printf("[%" PRId64 ", %" PRId64 ", %" PRId64 ", %" PRId64 "]\n", out[0], out[1], out[2],
           out[3]);
    return 0;
}
