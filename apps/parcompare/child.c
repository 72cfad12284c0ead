/* DESIGN: one child at a time. The parent forks; the child makes itself the
 * leader of a new process group (the process pool's workers share it; Open
 * MPI gives each rank a group of its own, and mpirun stops them when it gets
 * SIGTERM), wires stdout/stderr to pipes and execs.
 * A close-on-exec pipe tells the parent whether exec worked: it reads EOF
 * when exec succeeded and the child's errno when it failed.
 *
 * The parent then sleeps in poll() on the two output pipes and, on Linux, on
 * a pidfd that becomes readable when the child exits (without pidfd it wakes
 * every 20 ms to try waitpid). Outcomes:
 *   child exits        -> reap it, SIGKILL what is left of its group (strays
 *                         hold our pipes open), drain the pipes to EOF;
 *   deadline passes    -> SIGTERM the group (mpirun forwards it to ranks),
 *                         two seconds later SIGKILL the group, then reap.
 * If parcompare itself is interrupted, the handler sends SIGTERM to the
 * current group before parcompare dies (the child is not in the terminal's foreground
 * group, so it would not see Ctrl-C). The interrupting signals stay blocked
 * from before fork until the child's group is published in `current_group`:
 * an interrupt in between would find no group to stop and leave the child
 * running on its own (seen: a poolmap left in the test suite's hang fault).
 * Held back, it is handled as soon as the group is known. The child unblocks
 * them just before exec. */
#include "child.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"

/* The running child's process group, for the interrupt handler; 0 when none.
 * Written by par__child_run, read by the signal handler. */
static _Atomic int current_group;

/* The line to print when interrupted (see par__child_interrupt_note): two
 * buffers, the one in use published by an atomic pointer, so that the
 * handler never reads a half-written line. */
static char note_bufs[2][1024];
static _Atomic(const char *) note_line;

void par__child_interrupt_note(const char *line)
{
    const char *cur = atomic_load(&note_line);
    char *b = cur == note_bufs[0] ? note_bufs[1] : note_bufs[0];
    snprintf(b, sizeof note_bufs[0], "%s", line);
    atomic_store(&note_line, b);
}

static void on_interrupt(int sig)
{
    int g = atomic_load(&current_group);
    if (g > 0)
        kill(-g, SIGTERM); /* mpirun stops its ranks on SIGTERM, not on SIGKILL */
    const char *line = atomic_load(&note_line);
    if (line)
        (void)!write(2, line, strlen(line));  /* write and strlen: async-signal-safe */
    signal(sig, SIG_DFL);
    raise(sig);
}

void par__child_interrupts(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

struct sink {
    char *p;
    size_t n, cap, dropped;
};

static int sink_add(struct sink *s, const char *data, size_t n)
{
    if (s->n + n > PAR__CHILD_MAX_OUT) {
        size_t keep = PAR__CHILD_MAX_OUT - s->n;
        s->dropped += n - keep;
        n = keep;
    }
    if (s->n + n + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 4096;
        while (cap < s->n + n + 1)
            cap *= 2;
        char *p = realloc(s->p, cap);
        if (!p)
            return -1;
        s->p = p;
        s->cap = cap;
    }
    memcpy(s->p + s->n, data, n);
    s->n += n;
    s->p[s->n] = '\0';
    return 0;
}

static void set_cloexec(int fd)
{
    int fl = fcntl(fd, F_GETFD);
    if (fl >= 0)
        fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* In the child after fork: never returns. */
static void exec_child(char *const argv[], char *const env_add[], int out_w, int err_w,
                       int status_w)
{
    setpgid(0, 0);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) {
        dup2(devnull, 0);
        close(devnull);
    }
    dup2(out_w, 1);
    dup2(err_w, 2);
    close(out_w);
    close(err_w);
    /* Dispositions and mask as a fresh program expects them. */
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    /* parcompare is single-threaded, so the environment may be changed here. */
    for (char *const *e = env_add; e && *e; e++)
        putenv(*e);
    execvp(argv[0], argv);
    int e = errno;
    ssize_t w = write(status_w, &e, sizeof e);
    (void)w;
    _exit(127);
}

/* Reads what is there on fds[i] into the sink; closes it at EOF. */
static int drain(struct pollfd *pfd, struct sink *s)
{
    char buf[16384];
    ssize_t r = read(pfd->fd, buf, sizeof buf);
    if (r > 0)
        return sink_add(s, buf, (size_t)r);
    if (r < 0 && (errno == EINTR || errno == EAGAIN))
        return 0;
    close_fd(&pfd->fd);
    return 0;
}

static int open_pidfd(pid_t pid)
{
#ifdef SYS_pidfd_open
    long fd = syscall(SYS_pidfd_open, pid, 0);
    return fd >= 0 ? (int)fd : -1;
#else
    (void)pid;
    return -1;
#endif
}

/* Tests only: PAR_TEST_INTERRUPT_AT_FORK=WORD makes parcompare send itself
 * SIGINT right after forking a child that has WORD among its arguments,
 * before it knows the child's group: the moment a real Ctrl-C can hit
 * (tests/parcompare/test_parcompare_output.c). */
static void test_interrupt_at_fork(char *const argv[])
{
    const char *word = getenv("PAR_TEST_INTERRUPT_AT_FORK");
    if (!word || !*word)
        return;
    for (char *const *a = argv; *a; a++)
        if (strcmp(*a, word) == 0) {
            raise(SIGINT);
            return;
        }
}

int par__child_run(char *const argv[], char *const env_add[], double timeout_s,
                   struct par__child *res)
{
    memset(res, 0, sizeof *res);
    res->exit_code = -1;
    int po[2] = { -1, -1 }, pe[2] = { -1, -1 }, ps[2] = { -1, -1 };
    if (pipe(po) || pipe(pe) || pipe(ps)) {
        int e = errno;
        close_fd(&po[0]); close_fd(&po[1]); close_fd(&pe[0]); close_fd(&pe[1]);
        close_fd(&ps[0]); close_fd(&ps[1]);
        res->exec_errno = e;
        return -1;
    }
    set_cloexec(po[0]);
    set_cloexec(pe[0]);
    set_cloexec(ps[0]);
    set_cloexec(ps[1]);
    double t0 = par_now_s();
    sigset_t interrupts, old_mask;
    sigemptyset(&interrupts);
    sigaddset(&interrupts, SIGINT);
    sigaddset(&interrupts, SIGTERM);
    sigaddset(&interrupts, SIGHUP);
    sigprocmask(SIG_BLOCK, &interrupts, &old_mask);   /* until current_group is set: DESIGN */
    pid_t pid = fork();
    if (pid == 0)
        exec_child(argv, env_add, po[1], pe[1], ps[1]);
    int fork_errno = errno;
    if (pid > 0)
        test_interrupt_at_fork(argv);
    close_fd(&po[1]);
    close_fd(&pe[1]);
    close_fd(&ps[1]);
    if (pid < 0) {
        sigprocmask(SIG_SETMASK, &old_mask, NULL);
        close_fd(&po[0]); close_fd(&pe[0]); close_fd(&ps[0]);
        res->exec_errno = fork_errno;
        return 0;
    }
    setpgid(pid, pid); /* also done by the child; whichever runs first wins */
    atomic_store(&current_group, (int)pid);
    sigprocmask(SIG_SETMASK, &old_mask, NULL);   /* a held-back interrupt runs now */

    /* EOF: exec worked. An int: exec failed with that errno. */
    int exec_err = 0;
    ssize_t r;
    do
        r = read(ps[0], &exec_err, sizeof exec_err);
    while (r < 0 && errno == EINTR);
    close_fd(&ps[0]);
    int status = 0;
    if (r == (ssize_t)sizeof exec_err) {
        close_fd(&po[0]);
        close_fd(&pe[0]);
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
        atomic_store(&current_group, 0);
        res->exec_errno = exec_err;
        res->wall_s = par_now_s() - t0;
        return 0;
    }
    res->started = 1;

    struct sink out = { 0 }, err = { 0 };
    int rc = sink_add(&out, "", 0) | sink_add(&err, "", 0);
    int pidfd = open_pidfd(pid);
    struct pollfd fds[3] = { { po[0], POLLIN, 0 }, { pe[0], POLLIN, 0 }, { pidfd, POLLIN, 0 } };
    enum { RUNNING, TERMINATED, KILLED } phase = RUNNING;
    double deadline = t0 + timeout_s, drain_until = 0;
    int reaped = 0;
    while (!reaped || fds[0].fd >= 0 || fds[1].fd >= 0) {
        if (!reaped) {
            pid_t w = waitpid(pid, &status, WNOHANG);
            if (w == pid || (w < 0 && errno == ECHILD)) {
                reaped = 1;
                res->wall_s = par_now_s() - t0;
                close_fd(&fds[2].fd);
                /* Whatever is left of the group only holds our pipes open. */
                kill(-pid, SIGKILL);
                drain_until = par_now_s() + 2.0;
            }
        }
        if (reaped && fds[0].fd < 0 && fds[1].fd < 0)
            break; /* both pipes were at EOF already */
        double now = par_now_s();
        if (reaped && now >= drain_until)
            break; /* a stray escaped the group and keeps a pipe open */
        if (!reaped && now >= deadline) {
            if (phase == RUNNING) {
                res->timed_out = 1;
                kill(-pid, SIGTERM);
                phase = TERMINATED;
                deadline = now + 2.0;
            } else if (phase == TERMINATED) {
                kill(-pid, SIGKILL);
                phase = KILLED;
                deadline = now + 10.0;
            } else {
                while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                    ;
                continue; /* the next turn sees ECHILD and reaps */
            }
        }
        double until = reaped ? drain_until : deadline;
        int wait_ms = (int)((until - now) * 1000.0) + 1;
        if (!reaped && fds[2].fd < 0 && wait_ms > 20)
            wait_ms = 20; /* no pidfd: look at waitpid now and then */
        int pr = poll(fds, 3, wait_ms);
        if (pr < 0 && errno != EINTR)
            break;
        for (int i = 0; i < 2 && pr > 0; i++)
            if (fds[i].fd >= 0 && (fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                rc |= drain(&fds[i], i == 0 ? &out : &err);
    }
    close_fd(&fds[0].fd);
    close_fd(&fds[1].fd);
    close_fd(&fds[2].fd);
    atomic_store(&current_group, 0);
    if (!reaped) {
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
        res->wall_s = par_now_s() - t0;
    }
    if (WIFEXITED(status)) {
        res->exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        res->signal = WTERMSIG(status);
    }
    res->out = out.p;
    res->err = err.p;
    res->dropped = out.dropped + err.dropped;
    if (rc) {
        par__child_free(res);
        return -1;
    }
    return 0;
}

void par__child_free(struct par__child *res)
{
    free(res->out);
    free(res->err);
    res->out = res->err = NULL;
}

const char *par__signal_name(int sig, char *buf, size_t len)
{
    switch (sig) {
    case SIGABRT: return "SIGABRT";
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGKILL: return "SIGKILL";
    case SIGTERM: return "SIGTERM";
    case SIGINT: return "SIGINT";
    case SIGPIPE: return "SIGPIPE";
    case SIGHUP: return "SIGHUP";
    default:
        snprintf(buf, len, "signal %d", sig);
        return buf;
    }
}

const char *par__last_line(const char *s, char *buf, size_t len)
{
    buf[0] = '\0';
    if (!s)
        return buf;
    const char *end = s + strlen(s);
    while (end > s && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
        end--;
    const char *start = end;
    while (start > s && start[-1] != '\n')
        start--;
    size_t n = (size_t)(end - start);
    if (n >= len)
        n = len - 1;
    memcpy(buf, start, n);
    buf[n] = '\0';
    return buf;
}
