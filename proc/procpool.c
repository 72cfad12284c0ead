/* DESIGN
 *
 * Who runs: the owner thread (the creator) is the only parent-side thread
 * that touches a pool; there is no helper thread and so no lock. Workers are
 * child processes forked by the owner thread, one per slot; slot w talks to
 * the parent over one AF_UNIX stream socket pair (parent end: slots[w].fd).
 *
 * Queue: one FIFO of PENDING tasks (pending_head/tail, linked by task.next).
 * A worker holds at most one task (slots[w].task); a task is "held" once its
 * request has been written in full. One task in flight per worker also
 * means the parent only writes to a worker that is waiting in read(), and a
 * worker only writes when the parent expects a reply, so neither side can
 * block the other with a full socket buffer. The price is one round trip
 * per task (about 5 us here, docs/mpi.md); chunking amortises it. A second
 * task queued in a worker would hide that, but would wait behind a long
 * task while another worker idles, and would die with it: not worth it
 * for the coarse, irregular tasks processes are for.
 *
 * Progress: every blocking call runs run_until(): dispatch (hand PENDING
 * tasks to idle workers, in queue order), then one poll() over every live
 * worker's socket, then handle what became readable: a reply completes the
 * held task; end-of-file or a broken reply means the worker is dead: it is
 * reaped (SIGKILL first, in case it only closed its socket), its task fails
 * with PAR_EWORKER, and a new worker is forked into the slot.
 *
 * Ordering: tasks are handed out in submission order and finish in any
 * order; done_seq numbers completions so as_completed yields them in the
 * order they finished. A map chunk's reply is read straight into its place
 * in the caller's output array, so map results are in input order.
 *
 * Completion: complete() is the one place a task becomes DONE or CANCELLED;
 * a future whose handle was already freed is freed there.
 *
 * Wire format (same program image on both ends, so plain structs):
 *   parent -> worker: struct req, then ctx_len bytes (map ctx), then
 *                     arg_len bytes (argument, or the chunk's input items)
 *   worker -> parent: struct rep, then res_len bytes (result or outputs)
 *   a req of kind REQ_QUIT, or end-of-file, makes the worker _exit(0). */
#include "procpool.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "error.h"

#define ERRLEN 192

/* Exit codes of a worker that gives up on its own (never for a task). */
#define WORKER_EXIT_IO 70

enum req_kind { REQ_CALL = 1, REQ_MAP = 2, REQ_QUIT = 3 };

union task_fn {
    par_proc_fn call;
    par_proc_item_fn item;
};

struct req {
    uint32_t kind;
    uint32_t reserved;
    uint64_t id;
    union task_fn fn;
    uint64_t ctx_len, arg_len, res_cap;
    uint64_t in_size, out_size, count; /* REQ_MAP */
};

struct rep {
    uint64_t id;
    int32_t status;
    uint32_t reserved;
    uint64_t res_len;
};

/* One task, queued or held by a worker. States: enum par_proc_future_state
 * (transitions in procpool.h). */
struct task {
    /* request: fixed once queued */
    enum req_kind kind;
    union task_fn fn;
    const void *ctx;          /* REQ_MAP: borrowed from the map call */
    size_t ctx_len;
    const void *arg;          /* CALL: owned copy; MAP: borrowed input items */
    size_t arg_len;
    size_t in_size, out_size, count;
    void *res;                /* CALL: owned buffer; MAP: borrowed output slot */
    size_t res_cap;
    /* progress */
    enum par_proc_future_state state;
    uint64_t id;
    uint64_t done_seq;        /* completion order, from 1; 0 while not done */
    int status;
    size_t res_len;
    char err[ERRLEN];
    struct task *next;        /* pending queue link */
    struct map_call *group;   /* the map call a chunk belongs to, else NULL */
    int is_future;            /* embedded in a par_proc_future */
    int handle_freed;         /* future: the caller gave its handle back */
};

/* One par_proc_map_bounds call: its chunks and how many have finished
 * (counted by complete(), so waiting costs O(1) per event, not O(chunks)). */
struct map_call {
    par_proc_pool *pool;
    struct task *tasks;
    size_t n, ndone;
    int failed;     /* a chunk failed */
    int cancelled;  /* ...and the chunks not started were cancelled */
};

struct par_proc_future {
    struct task t;            /* first member: a future is its task */
    par_proc_pool *pool;      /* used only while the task is not done */
};

struct slot {
    pid_t pid;                /* -1: empty (died and not replaced) */
    int fd;                   /* parent end of the socket pair, -1 when empty */
    struct task *task;        /* held task, or NULL when idle */
};

/* Pool states: OPEN -> CLOSING (shutdown waiting for tasks) -> CLOSED. */
enum pool_state { POOL_OPEN, POOL_CLOSING, POOL_CLOSED };

struct par_proc_pool {
    pthread_t owner;
    pid_t owner_pid;
    size_t page;              /* page size, for the workers' buffers */
    enum pool_state state;
    int nslots;
    struct slot *slots;
    struct task *pending_head, *pending_tail;
    size_t npending, nrunning;
    uint64_t next_id, done_seq;
    unsigned long replacements;
    struct pollfd *pfd;       /* scratch for poll, nslots entries */
    int *pfd_slot;
    /* The last map call's team (issue 10, real team sizes): took[w] is 1
     * once a reply to one of its chunks came back on slot w's socket;
     * ntook counts the ones. Reset when a map call starts. */
    unsigned char *took;
    int ntook;
};

struct par_proc_as_completed {
    par_proc_pool *pool;      /* NULL when every future was done at begin */
    par_proc_future **fs;
    unsigned char *yielded;
    size_t n, left;
    double timeout_s;
    int64_t deadline_ns;
};

/* ---- small I/O helpers (used in the worker too: no malloc, no stdio) ------ */

/* Reads exactly len bytes. 1: done; 0: end-of-file before the first byte;
 * -1: error, or end-of-file in the middle. */
static int read_full(int fd, void *buf, size_t len)
{
    unsigned char *p = buf;
    size_t got = 0;
    while (got < len) {
        ssize_t r = read(fd, p + got, len - got);
        if (r > 0)
            got += (size_t)r;
        else if (r == 0)
            return got == 0 ? 0 : -1;
        else if (errno != EINTR)
            return -1;
    }
    return 1;
}

/* Sends every byte of iov[0..n) (modified). 0 or -1 (errno set; EPIPE when
 * the peer is gone: MSG_NOSIGNAL keeps SIGPIPE away). */
static int send_all(int fd, struct iovec *iov, int n)
{
    while (n > 0) {
        struct msghdr m = { .msg_iov = iov, .msg_iovlen = (size_t)n };
        ssize_t w = sendmsg(fd, &m, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        size_t left = (size_t)w;
        while (n > 0 && left >= iov->iov_len) {
            left -= iov->iov_len;
            iov++;
            n--;
        }
        if (n > 0) {
            iov->iov_base = (char *)iov->iov_base + left;
            iov->iov_len -= left;
        }
    }
    return 0;
}

static size_t round16(size_t x)
{
    return (x + 15) & ~(size_t)15;
}

/* ---- the worker (child side) --------------------------------------------- */

/* Skips len bytes of the stream (a request whose buffer could not be had). */
static int drain(int fd, uint64_t len)
{
    unsigned char sink[4096];
    while (len > 0) {
        size_t k = len < sizeof sink ? (size_t)len : sizeof sink;
        if (read_full(fd, sink, k) != 1)
            return -1;
        len -= k;
    }
    return 0;
}

static void reply(int fd, uint64_t id, int status, const void *res, size_t len)
{
    struct rep r = { .id = id, .status = status, .res_len = len };
    struct iovec iov[2] = { { &r, sizeof r }, { (void *)res, len } };
    if (send_all(fd, iov, len ? 2 : 1))
        _exit(WORKER_EXIT_IO); /* the parent is gone */
}

/* The worker loop. `page` comes from the parent: sysconf() is not on POSIX's
 * list of functions a child of a multithreaded process may call. */
static _Noreturn void worker_main(int fd, size_t page)
{
    unsigned char *buf = NULL;
    size_t cap = 0;
    for (;;) {
        struct req q;
        int r = read_full(fd, &q, sizeof q);
        if (r == 0 || (r == 1 && q.kind == REQ_QUIT))
            _exit(0);
        if (r < 0)
            _exit(WORKER_EXIT_IO);
        size_t off_arg = round16((size_t)q.ctx_len);
        size_t off_res = off_arg + round16((size_t)q.arg_len);
        size_t need = off_res + (size_t)q.res_cap + 1; /* never an empty buffer */
        if (q.ctx_len > SIZE_MAX / 4 || q.arg_len > SIZE_MAX / 4 || q.res_cap > SIZE_MAX / 4)
            need = SIZE_MAX;
        if (need > cap) {
            size_t ncap = need > SIZE_MAX - page ? SIZE_MAX : (need + page - 1) / page * page;
            void *nb = ncap == SIZE_MAX ? MAP_FAILED
                     : mmap(NULL, ncap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (nb == MAP_FAILED) {
                if (drain(fd, q.ctx_len + q.arg_len))
                    _exit(WORKER_EXIT_IO);
                reply(fd, q.id, PAR_ENOMEM, NULL, 0);
                continue;
            }
            if (buf)
                munmap(buf, cap);
            buf = nb;
            cap = ncap;
        }
        if (read_full(fd, buf, (size_t)q.ctx_len) != 1 ||
            read_full(fd, buf + off_arg, (size_t)q.arg_len) != 1)
            _exit(WORKER_EXIT_IO);
        unsigned char *res = buf + off_res;
        size_t res_len = 0;
        int status = 0;
        if (q.kind == REQ_CALL) {
            status = q.fn.call(buf + off_arg, (size_t)q.arg_len, res, (size_t)q.res_cap, &res_len);
            if (status == 0 && res_len > q.res_cap)
                status = PAR_ERANGE;
        } else {
            const unsigned char *in = buf + off_arg;
            for (uint64_t i = 0; i < q.count && status == 0; i++)
                status = q.fn.item(buf, in + i * q.in_size, res + i * q.out_size);
            res_len = (size_t)(q.count * q.out_size);
        }
        if (status)
            res_len = 0;
        reply(fd, q.id, status, res, res_len);
    }
}

/* ---- parent side: workers --------------------------------------------------- */

static int is_owner(const par_proc_pool *p)
{
    return p->owner_pid == getpid() && pthread_equal(p->owner, pthread_self());
}

static const char *signal_name(int sig)
{
    switch (sig) {
    case SIGKILL: return "SIGKILL";
    case SIGSEGV: return "SIGSEGV";
    case SIGABRT: return "SIGABRT";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGTERM: return "SIGTERM";
    case SIGINT: return "SIGINT";
    case SIGHUP: return "SIGHUP";
    case SIGQUIT: return "SIGQUIT";
    case SIGPIPE: return "SIGPIPE";
    case SIGTRAP: return "SIGTRAP";
    case SIGSYS: return "SIGSYS";
    case SIGXCPU: return "SIGXCPU";
    case SIGUSR1: return "SIGUSR1";
    case SIGUSR2: return "SIGUSR2";
    case SIGALRM: return "SIGALRM";
    default: return "unknown";
    }
}

/* Forks a worker into slot w (which must be empty). */
static int spawn(par_proc_pool *p, int w)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
        return PAR_ESYS;
    pid_t pid = fork();
    if (pid < 0) {
        close(sv[0]);
        close(sv[1]);
        return PAR_ESYS;
    }
    if (pid == 0) {
        /* Child: keep only our own end; the other workers' parent ends must
         * not stay open here, or they would not see end-of-file. */
        close(sv[0]);
        for (int i = 0; i < p->nslots; i++)
            if (i != w && p->slots[i].fd >= 0)
                close(p->slots[i].fd);
        worker_main(sv[1], p->page);
    }
    close(sv[1]);
    p->slots[w] = (struct slot){ .pid = pid, .fd = sv[0], .task = NULL };
    return 0;
}

/* Reaps a worker whose socket is closed or broken. It is killed first: if
 * it is already exiting (the usual case: its socket closes during exit) the
 * kill changes nothing and waitpid reports how it really ended; if it only
 * closed its socket, the kill ends it. Returns the wait status, or -1. */
static int reap(pid_t pid, int kill_first)
{
    if (kill_first)
        kill(pid, SIGKILL);
    int st;
    for (;;) {
        pid_t r = waitpid(pid, &st, 0);
        if (r == pid)
            return st;
        if (r < 0 && errno != EINTR)
            return -1;
    }
}

static void describe_death(char *buf, size_t len, int w, pid_t pid, int st)
{
    if (st == -1)
        snprintf(buf, len, "worker %d (pid %ld) died; its status is unknown (was SIGCHLD ignored?)",
                 w, (long)pid);
    else if (WIFSIGNALED(st))
        snprintf(buf, len, "worker %d (pid %ld) was killed by signal %d (%s)", w, (long)pid,
                 WTERMSIG(st), signal_name(WTERMSIG(st)));
    else if (WIFEXITED(st))
        snprintf(buf, len, "worker %d (pid %ld) exited with status %d", w, (long)pid,
                 WEXITSTATUS(st));
    else
        snprintf(buf, len, "worker %d (pid %ld) died (wait status %#x)", w, (long)pid, st);
}

/* ---- parent side: tasks ---------------------------------------------------- */

static void free_task_memory(struct task *t)
{
    if (t->kind == REQ_CALL) {
        free((void *)t->arg);
        free(t->res);
    }
}

/* The one place a task finishes. state: PAR_PROC_DONE or PAR_PROC_CANCELLED. */
static void complete(par_proc_pool *p, struct task *t, enum par_proc_future_state state,
                     int status, const char *err)
{
    if (t->state == PAR_PROC_RUNNING)
        p->nrunning--;
    t->state = state;
    t->status = status;
    t->done_seq = ++p->done_seq;
    if (err && t->err != err)
        snprintf(t->err, sizeof t->err, "%s", err);
    if (t->group) {
        t->group->ndone++;
        if (status)
            t->group->failed = 1;
    }
    if (t->is_future && t->handle_freed) {
        free_task_memory(t);
        free(t);
    }
}

static void enqueue(par_proc_pool *p, struct task *t)
{
    t->next = NULL;
    t->state = PAR_PROC_PENDING;
    t->id = ++p->next_id;
    if (p->pending_tail)
        p->pending_tail->next = t;
    else
        p->pending_head = t;
    p->pending_tail = t;
    p->npending++;
}

static struct task *dequeue(par_proc_pool *p)
{
    struct task *t = p->pending_head;
    if (t) {
        p->pending_head = t->next;
        if (!p->pending_head)
            p->pending_tail = NULL;
        p->npending--;
        t->next = NULL;
    }
    return t;
}

/* Unlinks from the pending queue every task for which pick(t, ctx) is true
 * and cancels it (ECANCELLED with `why`). */
static void cancel_pending_if(par_proc_pool *p, int (*pick)(const struct task *, const void *),
                              const void *ctx, int status, const char *why)
{
    struct task **link = &p->pending_head, *prev = NULL;
    while (*link) {
        struct task *t = *link;
        if (pick(t, ctx)) {
            *link = t->next;
            if (p->pending_tail == t)
                p->pending_tail = prev;
            p->npending--;
            complete(p, t, PAR_PROC_CANCELLED, status, why);
        } else {
            prev = t;
            link = &t->next;
        }
    }
}

static int pick_all(const struct task *t, const void *ctx)
{
    (void)t;
    (void)ctx;
    return 1;
}

static int pick_group(const struct task *t, const void *ctx)
{
    return t->group == ctx;
}

static int pick_one(const struct task *t, const void *ctx)
{
    return t == ctx;
}

static int live_workers(const par_proc_pool *p)
{
    int n = 0;
    for (int i = 0; i < p->nslots; i++)
        n += p->slots[i].fd >= 0;
    return n;
}

/* A worker is dead (or broken): reap it, fail its task, replace it. */
static void worker_lost(par_proc_pool *p, int w)
{
    struct slot *s = &p->slots[w];
    close(s->fd);
    int st = reap(s->pid, 1);
    char what[ERRLEN];
    describe_death(what, sizeof what, w, s->pid, st);
    struct task *t = s->task;
    *s = (struct slot){ .pid = -1, .fd = -1, .task = NULL };
    if (t)
        complete(p, t, PAR_PROC_DONE, PAR_EWORKER, what);
    /* Replace it while there is or may be work; a closing pool with nothing
     * queued needs no new worker. */
    if (p->state == POOL_OPEN || p->npending > 0) {
        if (spawn(p, w) == 0)
            p->replacements++;
    }
}

/* Hands pending tasks to idle workers, in queue order. */
static void dispatch(par_proc_pool *p)
{
    if (p->npending > 0 && live_workers(p) == 0) {
        /* Every slot is empty (forks failed): try once more, then give up
         * on the queue rather than wait forever. */
        for (int w = 0; w < p->nslots; w++)
            if (p->slots[w].fd < 0 && spawn(p, w) == 0)
                p->replacements++;
        if (live_workers(p) == 0) {
            char why[ERRLEN];
            snprintf(why, sizeof why, "no worker left: fork failed (%s)", strerror(errno));
            while (p->npending > 0)
                complete(p, dequeue(p), PAR_PROC_DONE, PAR_EWORKER, why);
            return;
        }
    }
    for (int w = 0; w < p->nslots && p->npending > 0; w++) {
        struct slot *s = &p->slots[w];
        if (s->fd < 0 || s->task)
            continue;
        struct task *t = dequeue(p);
        struct req q = {
            .kind = t->kind, .id = t->id, .fn = t->fn, .ctx_len = t->ctx_len,
            .arg_len = t->arg_len, .res_cap = t->res_cap, .in_size = t->in_size,
            .out_size = t->out_size, .count = t->count,
        };
        struct iovec iov[3] = {
            { &q, sizeof q }, { (void *)t->ctx, t->ctx_len }, { (void *)t->arg, t->arg_len },
        };
        if (send_all(s->fd, iov, 3)) {
            /* The worker died before taking it: it never held the task, so
             * the task goes back to the head of the queue. */
            t->next = p->pending_head;
            p->pending_head = t;
            if (!p->pending_tail)
                p->pending_tail = t;
            p->npending++;
            worker_lost(p, w);
            w = -1; /* rescan: the slot may hold a new idle worker */
            continue;
        }
        t->state = PAR_PROC_RUNNING;
        p->nrunning++;
        s->task = t;
    }
}

/* Worker w's socket is readable: a reply, or its death. */
static void on_readable(par_proc_pool *p, int w)
{
    struct slot *s = &p->slots[w];
    struct task *t = s->task;
    struct rep r;
    if (!t || read_full(s->fd, &r, sizeof r) != 1 || r.id != t->id || r.res_len > t->res_cap ||
        (r.res_len > 0 && read_full(s->fd, t->res, (size_t)r.res_len) != 1)) {
        worker_lost(p, w);
        return;
    }
    s->task = NULL;
    t->res_len = (size_t)r.res_len;
    if (t->group && !p->took[w]) { /* this worker ran a chunk of the map */
        p->took[w] = 1;
        p->ntook++;
    }
    if (r.status) {
        if (r.status < 0 && r.status >= PAR_E_LAST_)
            snprintf(t->err, sizeof t->err, "the task returned error %d (%s)", (int)r.status,
                     par_strerror(r.status));
        else
            snprintf(t->err, sizeof t->err, "the task returned code %d", (int)r.status);
    }
    complete(p, t, PAR_PROC_DONE, r.status, NULL);
}

/* Runs the pool until done(ctx) holds or the timeout passes. Returns 0,
 * PAR_EAGAIN (timeout 0) or PAR_ETIMEDOUT. */
static int run_until(par_proc_pool *p, int (*done)(void *), void *ctx, double timeout_s)
{
    if (timeout_s > 1e6)
        timeout_s = -1; /* eleven days and more: forever */
    int64_t deadline = timeout_s > 0 ? par_now_ns() + (int64_t)(timeout_s * 1e9) : 0;
    int polled_once = 0;
    for (;;) {
        dispatch(p);
        if (done(ctx))
            return 0;
        int wait_ms = -1;
        if (timeout_s == 0 || timeout_s != timeout_s) {
            wait_ms = timeout_s == 0 ? 0 : -1;
        } else if (timeout_s > 0) {
            int64_t left = deadline - par_now_ns();
            if (left <= 0 && polled_once)
                return PAR_ETIMEDOUT;
            wait_ms = left <= 0 ? 0 : (int)((left + 999999) / 1000000);
            if (left > (int64_t)INT_MAX * 1000000)
                wait_ms = INT_MAX;
        }
        if (timeout_s == 0 && polled_once)
            return PAR_EAGAIN;
        int n = 0;
        for (int w = 0; w < p->nslots; w++) {
            if (p->slots[w].fd < 0)
                continue;
            p->pfd[n] = (struct pollfd){ .fd = p->slots[w].fd, .events = POLLIN };
            p->pfd_slot[n++] = w;
        }
        if (p->npending == 0 && p->nrunning == 0)
            return PAR_ESTATE; /* nothing left that could make done() true */
        int r = poll(p->pfd, (nfds_t)n, wait_ms);
        polled_once = 1;
        if (r < 0 && errno != EINTR)
            return PAR_ESYS;
        for (int i = 0; r > 0 && i < n; i++)
            if (p->pfd[i].revents)
                on_readable(p, p->pfd_slot[i]);
    }
}

/* ---- pool ----------------------------------------------------------------- */

static void close_workers(par_proc_pool *p, int kill_them)
{
    for (int w = 0; w < p->nslots; w++) {
        struct slot *s = &p->slots[w];
        if (s->fd < 0)
            continue;
        if (!kill_them) {
            struct req q = { .kind = REQ_QUIT };
            struct iovec iov = { &q, sizeof q };
            (void)send_all(s->fd, &iov, 1); /* a dead worker is reaped all the same */
        }
        close(s->fd);
        reap(s->pid, kill_them);
        *s = (struct slot){ .pid = -1, .fd = -1, .task = NULL };
    }
}

int par_proc_pool_create(par_proc_pool **out, int workers)
{
    if (out)
        *out = NULL;
    if (!out || workers < 1 || workers > PAR_PROC_MAX_WORKERS)
        return PAR_EINVAL;
    par_proc_pool *p = calloc(1, sizeof *p);
    if (!p)
        return PAR_ENOMEM;
    p->slots = calloc((size_t)workers, sizeof *p->slots);
    p->pfd = calloc((size_t)workers, sizeof *p->pfd);
    p->pfd_slot = calloc((size_t)workers, sizeof *p->pfd_slot);
    p->took = calloc((size_t)workers, sizeof *p->took);
    if (!p->slots || !p->pfd || !p->pfd_slot || !p->took) {
        free(p->slots);
        free(p->pfd);
        free(p->pfd_slot);
        free(p->took);
        free(p);
        return PAR_ENOMEM;
    }
    p->owner = pthread_self();
    p->owner_pid = getpid();
    long pg = sysconf(_SC_PAGESIZE);
    p->page = pg > 0 ? (size_t)pg : 4096;
    p->state = POOL_OPEN;
    p->nslots = workers;
    for (int w = 0; w < workers; w++)
        p->slots[w] = (struct slot){ .pid = -1, .fd = -1, .task = NULL };
    for (int w = 0; w < workers; w++) {
        if (spawn(p, w)) {
            close_workers(p, 1);
            free(p->slots);
            free(p->pfd);
            free(p->pfd_slot);
            free(p->took);
            free(p);
            return PAR_ESYS;
        }
    }
    *out = p;
    return 0;
}

int par_proc_pool_size(const par_proc_pool *p)
{
    return p ? p->nslots : 0;
}

pid_t par_proc_pool_worker_pid(const par_proc_pool *p, int i)
{
    if (!p || i < 0 || i >= p->nslots)
        return -1;
    return p->slots[i].pid;
}

unsigned long par_proc_pool_replacements(const par_proc_pool *p)
{
    return p ? p->replacements : 0;
}

int par_proc_pool_map_team(const par_proc_pool *p)
{
    return p ? p->ntook : 0;
}

static int pool_idle(void *ctx)
{
    const par_proc_pool *p = ctx;
    return p->npending == 0 && p->nrunning == 0;
}

int par_proc_pool_shutdown(par_proc_pool *p, int cancel_pending)
{
    if (!p)
        return PAR_EINVAL;
    if (!is_owner(p))
        return PAR_EPERM;
    if (p->state == POOL_CLOSED)
        return 0;
    p->state = POOL_CLOSING;
    if (cancel_pending)
        cancel_pending_if(p, pick_all, NULL, PAR_ECANCELLED, "cancelled by shutdown");
    int rc = run_until(p, pool_idle, p, -1);
    if (rc) /* poll itself failed: do not leave tasks hanging */
        return par_proc_pool_terminate(p), rc;
    close_workers(p, 0);
    p->state = POOL_CLOSED;
    return 0;
}

int par_proc_pool_terminate(par_proc_pool *p)
{
    if (!p)
        return PAR_EINVAL;
    if (!is_owner(p))
        return PAR_EPERM;
    p->state = POOL_CLOSED;
    cancel_pending_if(p, pick_all, NULL, PAR_ECANCELLED, "cancelled: the pool was terminated");
    for (int w = 0; w < p->nslots; w++) {
        struct task *t = p->slots[w].task;
        if (t) {
            p->slots[w].task = NULL;
            complete(p, t, PAR_PROC_DONE, PAR_ESHUTDOWN, "the pool was terminated while it ran");
        }
    }
    close_workers(p, 1);
    return 0;
}

void par_proc_pool_destroy(par_proc_pool *p)
{
    if (!p)
        return;
    if (p->state != POOL_CLOSED)
        par_proc_pool_shutdown(p, 0);
    free(p->slots);
    free(p->pfd);
    free(p->pfd_slot);
    free(p->took);
    free(p);
}

/* ---- futures ----------------------------------------------------------------- */

int par_proc_submit(par_proc_pool *p, par_proc_fn fn, const void *arg, size_t arg_len,
                    size_t res_cap, par_proc_future **out)
{
    if (out)
        *out = NULL;
    if (!p || !fn || !out || (!arg && arg_len > 0))
        return PAR_EINVAL;
    if (!is_owner(p))
        return PAR_EPERM;
    if (p->state != POOL_OPEN)
        return PAR_ESHUTDOWN;
    par_proc_future *f = calloc(1, sizeof *f);
    void *a = malloc(arg_len ? arg_len : 1);
    void *r = malloc(res_cap ? res_cap : 1);
    if (!f || !a || !r) {
        free(f);
        free(a);
        free(r);
        return PAR_ENOMEM;
    }
    if (arg_len)
        memcpy(a, arg, arg_len);
    f->t.kind = REQ_CALL;
    f->t.fn.call = fn;
    f->t.arg = a;
    f->t.arg_len = arg_len;
    f->t.res = r;
    f->t.res_cap = res_cap;
    f->t.is_future = 1;
    f->pool = p;
    enqueue(p, &f->t);
    dispatch(p);
    *out = f;
    return 0;
}

enum par_proc_future_state par_proc_future_state(const par_proc_future *f)
{
    return f->t.state;
}

int par_proc_future_done(const par_proc_future *f)
{
    return f->t.state == PAR_PROC_DONE || f->t.state == PAR_PROC_CANCELLED;
}

static int future_done(void *ctx)
{
    return par_proc_future_done(ctx);
}

int par_proc_future_result(par_proc_future *f, double timeout_s, const void **res, size_t *len)
{
    if (!f)
        return PAR_EINVAL;
    if (!par_proc_future_done(f)) {
        if (!is_owner(f->pool))
            return PAR_EPERM;
        int rc = run_until(f->pool, future_done, f, timeout_s);
        if (rc)
            return rc;
    }
    if (f->t.status == 0) {
        if (res)
            *res = f->t.res;
        if (len)
            *len = f->t.res_len;
    }
    return f->t.status;
}

const char *par_proc_future_error(const par_proc_future *f)
{
    return f ? f->t.err : "";
}

int par_proc_future_cancel(par_proc_future *f)
{
    if (!f)
        return PAR_EINVAL;
    if (f->t.state == PAR_PROC_CANCELLED)
        return 0;
    if (f->t.state != PAR_PROC_PENDING)
        return PAR_ESTATE;
    if (!is_owner(f->pool))
        return PAR_EPERM;
    cancel_pending_if(f->pool, pick_one, &f->t, PAR_ECANCELLED, "cancelled");
    return 0;
}

void par_proc_future_free(par_proc_future *f)
{
    if (!f)
        return;
    if (par_proc_future_done(f)) {
        free_task_memory(&f->t);
        free(f);
    } else {
        f->t.handle_freed = 1; /* complete() frees it */
    }
}

/* ---- as_completed ---------------------------------------------------------- */

int par_proc_as_completed_begin(par_proc_as_completed **out, par_proc_future *const *fs,
                                size_t n, double timeout_s)
{
    if (out)
        *out = NULL;
    if (!out || (!fs && n > 0))
        return PAR_EINVAL;
    par_proc_pool *pool = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!fs[i])
            return PAR_EINVAL;
        if (!par_proc_future_done(fs[i])) {
            if (pool && fs[i]->pool != pool)
                return PAR_EINVAL;
            pool = fs[i]->pool;
        }
    }
    par_proc_as_completed *it = calloc(1, sizeof *it);
    if (!it)
        return PAR_ENOMEM;
    it->fs = malloc((n ? n : 1) * sizeof *it->fs);
    it->yielded = calloc(n ? n : 1, 1);
    if (!it->fs || !it->yielded) {
        par_proc_as_completed_end(it);
        return PAR_ENOMEM;
    }
    if (n)
        memcpy(it->fs, fs, n * sizeof *fs);
    it->pool = pool;
    it->n = it->left = n;
    it->timeout_s = timeout_s > 1e6 ? -1 : timeout_s; /* as run_until */
    it->deadline_ns = it->timeout_s > 0 ? par_now_ns() + (int64_t)(timeout_s * 1e9) : 0;
    *out = it;
    return 0;
}

/* Index of the not-yet-yielded future that finished first, or n. */
static size_t first_finished(const par_proc_as_completed *it)
{
    size_t best = it->n;
    for (size_t i = 0; i < it->n; i++)
        if (!it->yielded[i] && par_proc_future_done(it->fs[i]) &&
            (best == it->n || it->fs[i]->t.done_seq < it->fs[best]->t.done_seq))
            best = i;
    return best;
}

static int any_finished(void *ctx)
{
    const par_proc_as_completed *it = ctx;
    return first_finished(it) < it->n;
}

int par_proc_as_completed_next(par_proc_as_completed *it, par_proc_future **f)
{
    if (!it || !f)
        return PAR_EINVAL;
    *f = NULL;
    if (it->left == 0)
        return 0;
    if (!any_finished(it)) {
        if (!is_owner(it->pool))
            return PAR_EPERM;
        double t = it->timeout_s;
        if (t > 0) {
            t = (double)(it->deadline_ns - par_now_ns()) * 1e-9;
            if (t <= 0)
                t = 1e-9; /* one last look without waiting */
        }
        int rc = run_until(it->pool, any_finished, it, t);
        if (rc)
            return rc;
    }
    size_t i = first_finished(it);
    it->yielded[i] = 1;
    it->left--;
    *f = it->fs[i];
    return 0;
}

void par_proc_as_completed_end(par_proc_as_completed *it)
{
    if (!it)
        return;
    free(it->fs);
    free(it->yielded);
    free(it);
}

/* ---- map -------------------------------------------------------------------- */

/* Done when every chunk is; on the first failure, cancel what has not
 * started (fail fast, like Python's map raising on the first error). */
static int map_done(void *ctx)
{
    struct map_call *m = ctx;
    if (m->failed && !m->cancelled) {
        m->cancelled = 1;
        cancel_pending_if(m->pool, pick_group, m, PAR_ECANCELLED,
                          "cancelled: an earlier chunk failed");
    }
    return m->ndone == m->n;
}

int par_proc_map_bounds(par_proc_pool *p, par_proc_item_fn fn, const void *ctx, size_t ctx_len,
                        const void *in, size_t in_size, void *out, size_t out_size,
                        const size_t *bounds, size_t nchunks, char *errmsg, size_t errlen)
{
    if (errmsg && errlen)
        errmsg[0] = '\0';
    if (!p || !fn || !bounds || in_size == 0 || out_size == 0 || (!ctx && ctx_len > 0))
        return PAR_EINVAL;
    size_t n = bounds[nchunks];
    if (bounds[0] != 0 || (n > 0 && (!in || !out)))
        return PAR_EINVAL;
    for (size_t c = 0; c < nchunks; c++)
        if (bounds[c + 1] <= bounds[c])
            return PAR_EINVAL;
    if (!is_owner(p))
        return PAR_EPERM;
    if (p->state != POOL_OPEN)
        return PAR_ESHUTDOWN;
    memset(p->took, 0, (size_t)p->nslots * sizeof *p->took);
    p->ntook = 0;
    if (nchunks == 0)
        return 0;
    if (n > SIZE_MAX / in_size || n > SIZE_MAX / out_size)
        return PAR_EINVAL;
    struct map_call m = { .pool = p, .n = nchunks };
    m.tasks = calloc(nchunks, sizeof *m.tasks);
    if (!m.tasks)
        return PAR_ENOMEM;
    for (size_t c = 0; c < nchunks; c++) {
        struct task *t = &m.tasks[c];
        size_t lo = bounds[c], cnt = bounds[c + 1] - lo;
        t->kind = REQ_MAP;
        t->fn.item = fn;
        t->ctx = ctx;
        t->ctx_len = ctx_len;
        t->arg = (const unsigned char *)in + lo * in_size;
        t->arg_len = cnt * in_size;
        t->in_size = in_size;
        t->out_size = out_size;
        t->count = cnt;
        t->res = (unsigned char *)out + lo * out_size;
        t->res_cap = cnt * out_size;
        t->group = &m;
        enqueue(p, t);
    }
    int rc = run_until(p, map_done, &m, -1);
    if (rc) {
        /* poll failed: chunks may still sit in workers with our buffers */
        par_proc_pool_terminate(p);
        if (errmsg && errlen)
            snprintf(errmsg, errlen, "poll failed (%s); the pool was terminated", strerror(errno));
    } else if (m.failed) {
        const struct task *bad = NULL;
        for (size_t c = 0; c < nchunks && !bad; c++)
            if (m.tasks[c].status && m.tasks[c].status != PAR_ECANCELLED)
                bad = &m.tasks[c];
        for (size_t c = 0; c < nchunks && !bad; c++)
            if (m.tasks[c].status)
                bad = &m.tasks[c];
        size_t c = (size_t)(bad - m.tasks);
        rc = bad->status;
        if (errmsg && errlen)
            snprintf(errmsg, errlen, "items [%zu, %zu): %s", bounds[c], bounds[c + 1],
                     bad->err[0] ? bad->err : par_strerror(rc));
    }
    free(m.tasks);
    return rc;
}

int par_proc_map(par_proc_pool *p, par_proc_item_fn fn, const void *ctx, size_t ctx_len,
                 const void *in, size_t in_size, void *out, size_t out_size, size_t n,
                 size_t chunk, char *errmsg, size_t errlen)
{
    if (!p)
        return PAR_EINVAL;
    if (chunk == 0) {
        size_t parts = (size_t)p->nslots * 4;
        chunk = n / parts + (n % parts != 0);
        if (chunk == 0)
            chunk = 1;
    }
    size_t nchunks = n / chunk + (n % chunk != 0);
    size_t *bounds = malloc((nchunks + 1) * sizeof *bounds);
    if (!bounds)
        return PAR_ENOMEM;
    for (size_t c = 0; c < nchunks; c++)
        bounds[c] = c * chunk;
    bounds[nchunks] = n;
    int rc = par_proc_map_bounds(p, fn, ctx, ctx_len, in, in_size, out, out_size, bounds, nchunks,
                                 errmsg, errlen);
    free(bounds);
    return rc;
}
