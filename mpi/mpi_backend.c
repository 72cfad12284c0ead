/* The "mpi" back end.
 *
 * DESIGN
 * Who: every rank of MPI_COMM_WORLD runs the same driver loop and so makes
 * the same calls in the same order (open, map/tree..., close); the back end
 * works on its own duplicate of MPI_COMM_WORLD, so its messages never meet
 * anybody else's. Rank 0 (the root) owns job->in/job->out and verifies;
 * the others allocate what they need.
 *
 * Every map/tree call has the same shape:
 *   1. Bcast of a header from the root: the operation, n, kernel id,
 *      schedule, chunk. Other ranks take the root's values, not their own
 *      (a kernel travels as its id: function pointers differ between ranks).
 *      The root's close() sends a CLOSE header instead; a rank waiting for
 *      a header then returns an error, so a root that stops early (a result
 *      that did not verify) never leaves the others blocked.
 *   2. Every rank allocates its buffers; an Allreduce(MIN) of the status
 *      makes a failure anywhere a failure everywhere, before data moves.
 *   3. Barrier, start the clock, the work, Barrier, stop the clock. The
 *      driver's reduce_time returns the maximum over ranks of that span
 *      (NPB's rule: MPI time is the slowest rank's, between barriers).
 *
 * Schedules:
 *   static   Scatterv of contiguous blocks (n/ranks, the remainder spread
 *            over the first ranks), compute, Gatherv; the root's block
 *            stays in place (MPI_IN_PLACE).
 *   dynamic  master/worker with chunks (--chunk, default n/(8*ranks)).
 *   guided   the same master/worker, with chunks of ceil(remaining/ranks)
 *            items, never fewer than --chunk (default 1).
 *
 * Dynamic: the master (root) also computes. Reasons: on the machines this
 * is built for (2 cores, mpirun -n 2) a master that only hands out chunks
 * would leave half the machine idle, and it would not even leave its core
 * free: Open MPI's blocking waits poll. The cost is that a worker's request
 * waits while the master is inside its own chunk; that is hidden by
 * double buffering: each worker has two chunks in flight (the one it
 * computes and the next one), and the master answers a result with a new
 * chunk. The master checks for results (MPI_Testany) between its own
 * chunks and blocks (MPI_Waitany) only when no chunk is left.
 *   master -> worker (TAG_WORK):   int64 [start, count, count inputs]
 *                                  count == 0 is "stop": exactly one per worker
 *   worker -> master (TAG_RESULT): int64 [start, count, count outputs]
 * A worker posts receives for its next two messages; after "stop" it cancels
 * the one left. Messages between two ranks on one tag arrive in order.
 *
 * tree (fibtask): fib(n) is unrolled to about 8 leaves per rank (proc's
 * fibsplit.h, the same split as the proc back end) and the leaves, largest
 * first, go through the dynamic map with chunks of one leaf; the root sums.
 *
 * grain: header (tasks, iterations, pattern, steps), every rank allocates its
 * block, agree, then the steps between the clock's barriers: halo exchange
 * with the neighbour ranks for stencil, MPI_Barrier per step for none
 * (mpi_grain.c), and a Gatherv of the last step to the root. With a grain
 * hook (hybrid) the rank's threads share its block (hybrid_grain.c).
 *
 * Team size (run->workers_ran, issue 10): every rank notes whether it
 * computed any item in the call (hybrid: how many threads its OpenMP team
 * had), and an Allreduce(SUM) after the timed region adds them up. Static
 * blocks of n < ranks items leave ranks n.. without work; the dynamic
 * master sends every worker two chunks before computing its own, so a
 * short list may never reach the master or the last workers.
 *
 * Faults: MPI_COMM_WORLD and our duplicate use MPI_ERRORS_ARE_FATAL (set
 * explicitly): an MPI error, or a rank that dies, ends the whole job through
 * mpirun, which exits non-zero. A broken protocol invariant calls MPI_Abort.
 * Test-only: PAR_TEST_ABORT_RANK=r makes rank r call abort() right after
 * the start barrier of its first map or tree (tests/mpi checks that mpirun
 * then exits non-zero quickly instead of hanging). */
#include "par_mpi.h"
#include "mpi_core.h"

#include <limits.h>
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "error.h"
#include "envnum.h"
#include "fibsplit.h"
#include "mpi_internal.h"

enum { TAG_WORK = 11, TAG_RESULT = 12 };
enum op { OP_MAP = 1, OP_TREE = 2, OP_CLOSE = 3, OP_GRAIN = 4 };

/* The header broadcast at the start of every call. */
enum { H_OP, H_N, H_KERNEL, H_SCHED, H_CHUNK, H_LEN };

struct mpi_state {
    MPI_Comm comm;           /* MPI_COMM_NULL until open succeeded */
    int rank, size;
    int we_initialized;      /* we called MPI_Init, so we finalize */
    int root_closed;         /* a CLOSE header arrived (non-root) */
    double init_s;           /* seconds spent in MPI_Init (0: not ours) */
    double span_s;           /* this rank's time between the barriers */
    int abort_rank;          /* PAR_TEST_ABORT_RANK, or -1 */
    char *names;             /* every rank's processor name, MPI_MAX_PROCESSOR_NAME each */
    int on_node;             /* ranks whose name is this rank's (this node's ranks) */
    struct par_placement placement;  /* filled on the root; run->placement points here */
    struct par__mpi_compute compute; /* how a rank computes its share (hybrid) */
    int has_compute;         /* compute was set: its hooks replace the plain loop */
    int leaf_cutoff;         /* inside a tree call: the cutoff for compute.leaf; else -1 */
    int compute_rc;          /* the first error a compute hook returned in this call */
    int ran_here;            /* this call: the workers that ran items on this rank (1 for
                                a plain rank that computed any, the threads of the hook's
                                team for hybrid; 0 when it got no items) */
};

int par_mpi_library_version(char *buf, size_t len)
{
    if (!buf || len == 0)
        return PAR_EINVAL;
    char v[MPI_MAX_LIBRARY_VERSION_STRING];
    int vlen = 0;
    if (MPI_Get_library_version(v, &vlen) != MPI_SUCCESS)
        return PAR_EMPI;
    v[vlen < (int)sizeof v ? vlen : (int)sizeof v - 1] = '\0';
    size_t line = strcspn(v, "\r\n");
    while (line > 0 && (v[line - 1] == ' ' || v[line - 1] == ','))
        line--;
    snprintf(buf, len, "%.*s", (int)line, v);
    return 0;
}

/* ---- open / close ------------------------------------------------------------ */

/* Started by srun, does the MPI world have as many ranks as srun started
 * tasks? srun without PMI support for this MPI (Open MPI 5 without
 * --mpi=pmix, for one) starts N singletons that each see a world of 1 and
 * would each report "1 worker". The step's task count is
 * SLURM_STEP_NUM_TASKS (SLURM_NTASKS when absent: older Slurm, and srun sets
 * it to the step's count too). Only for a process of an srun step (a valid
 * SLURM_STEP_ID, not a batch script's) and only when no other launcher's
 * variables are present: mpirun or mpiexec inside an allocation start their
 * ranks through their own daemons, which are srun tasks themselves.
 * Returns 0, or PAR_EINVAL with the message in run->errmsg. */
static int check_slurm_tasks(struct par_run *run, int size)
{
    long step = par_env_count("SLURM_STEP_ID");
    if (step < 0)
        step = par_env_count("SLURM_STEPID");
    if (step < 0 || step >= 0xfffffff0L || par_env_count("SLURM_PROCID") < 0)
        return 0;
    if (getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMI_SIZE") || getenv("HYDRA_CONTROL_FD"))
        return 0;
    const char *var = "SLURM_STEP_NUM_TASKS";
    long tasks = par_env_count(var);
    if (tasks < 0)
        tasks = par_env_count(var = "SLURM_NTASKS");
    if (tasks < 0 || tasks == size)
        return 0;
    snprintf(run->errmsg, sizeof run->errmsg,
             "srun started %ld tasks (%s) but MPI sees %d rank%s: each task is a singleton; "
             "try srun --mpi=pmix (srun --mpi=list) or mpirun", tasks, var, size,
             size == 1 ? "" : "s");
    return PAR_EINVAL;
}

static void set_detail(struct par_run *run, const char *what)
{
    const struct mpi_state *st = run->state;
    char threads[32] = "";
    if (st->has_compute)
        snprintf(threads, sizeof threads, " threads=%d", st->compute.threads);
    /* A detail longer than the record's field is cut: it is a summary. */
    if (snprintf(run->detail, sizeof run->detail, "ranks=%d%s %s mpi_init=%.3fs", st->size,
                 threads, what, st->init_s) >= (int)sizeof run->detail)
        return;
}

static int agree(struct par_run *run, int rc);

/* Every rank's processor name to every rank (MPI_Allgather): the root
 * fills the placement from them, every rank counts the ranks on its node
 * (the hybrid back end sizes its threads from it). Collective. */
static int gather_placement(struct par_run *run)
{
    struct mpi_state *st = run->state;
    char mine[MPI_MAX_PROCESSOR_NAME];
    int len = 0;
    memset(mine, 0, sizeof mine);
    if (MPI_Get_processor_name(mine, &len) != MPI_SUCCESS || len <= 0)
        snprintf(mine, sizeof mine, "unknown");
    int ok = (st->names = calloc((size_t)st->size, sizeof mine)) != NULL;
    if (agree(run, ok ? 0 : PAR_ENOMEM))
        return PAR_ENOMEM;
    MPI_Allgather(mine, (int)sizeof mine, MPI_CHAR, st->names, (int)sizeof mine, MPI_CHAR,
                  st->comm);
    st->on_node = par_placement_ranks_on_node(st->names, sizeof mine, st->size, st->rank);
    if (st->rank == 0) {
        par_placement_from_names(&st->placement, st->names, sizeof mine, st->size, 1);
        run->placement = &st->placement;
    }
    return 0;
}

int par__mpi_open(struct par_run *run, int thread_level)
{
    struct mpi_state *st = calloc(1, sizeof *st);
    if (!st)
        return PAR_ENOMEM;
    st->comm = MPI_COMM_NULL;
    st->abort_rank = -1;
    st->leaf_cutoff = -1;
    const char *ab = getenv("PAR_TEST_ABORT_RANK");
    if (ab && *ab) {
        char *end;
        long r = strtol(ab, &end, 10);
        if (*end == '\0' && r >= 0 && r < INT_MAX)
            st->abort_rank = (int)r;
    }
    run->state = st;
    int inited = 0;
    MPI_Initialized(&inited);
    if (!inited) {
        int64_t t0 = par_now_ns();
        int provided = MPI_THREAD_SINGLE;
        if (MPI_Init_thread(NULL, NULL, thread_level, &provided) != MPI_SUCCESS) {
            snprintf(run->errmsg, sizeof run->errmsg, "MPI_Init_thread failed");
            return PAR_EMPI;
        }
        st->init_s = (double)(par_now_ns() - t0) * 1e-9;
        st->we_initialized = 1;
        /* The thread levels are ordered (MPI 4.0, 11.6): less than asked for
         * means this MPI cannot host our threads. */
        if (provided < thread_level) {
            snprintf(run->errmsg, sizeof run->errmsg,
                     "this MPI library gives thread level %d, %d is needed", provided,
                     thread_level);
            return PAR_ENOTSUP;
        }
    } else {
        int provided = MPI_THREAD_SINGLE;
        MPI_Query_thread(&provided);
        if (provided < thread_level) {
            snprintf(run->errmsg, sizeof run->errmsg,
                     "MPI was initialised with thread level %d, %d is needed", provided,
                     thread_level);
            return PAR_ENOTSUP;
        }
    }
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);
    MPI_Comm_dup(MPI_COMM_WORLD, &st->comm);
    MPI_Comm_set_errhandler(st->comm, MPI_ERRORS_ARE_FATAL);
    MPI_Comm_rank(st->comm, &st->rank);
    MPI_Comm_size(st->comm, &st->size);
    run->rank = st->rank;
    run->is_root = st->rank == 0;
    int rc = check_slurm_tasks(run, st->size);
    if (rc)
        return rc;
    run->workers = st->size;
    run->workers_from = "launcher";
    rc = gather_placement(run);
    if (rc)
        return rc;
    set_detail(run, "open");
    return 0;
}

static int mpi_open(struct par_run *run)
{
    int rc = par__mpi_open(run, MPI_THREAD_SINGLE);
    struct mpi_state *st = run->state;
    const struct par_opts *o = run->opts;
    if (rc == 0 && o && o->workers_from && strcmp(o->workers_from, "-j") == 0 &&
        o->workers != st->size) {
        snprintf(run->errmsg, sizeof run->errmsg,
                 "-j %d does not match the %d MPI ranks: under mpirun the ranks are the "
                 "workers (mpirun -n N)", o->workers, st->size);
        return PAR_EINVAL;
    }
    return rc;
}

int par__mpi_ranks_on_node(const struct par_run *run)
{
    const struct mpi_state *st = run->state;
    return st ? st->on_node : 0;
}

int par__mpi_ranks(const struct par_run *run)
{
    const struct mpi_state *st = run->state;
    return st ? st->size : 0;
}

void par__mpi_set_compute(struct par_run *run, const struct par__mpi_compute *c)
{
    struct mpi_state *st = run->state;
    st->compute = *c;
    st->has_compute = 1;
    st->placement.threads_per_rank = c->threads;
}

void par__mpi_close(struct par_run *run)
{
    struct mpi_state *st = run->state;
    if (!st)
        return;
    if (st->comm != MPI_COMM_NULL) {
        /* The last header: tells ranks still waiting for a call that the
         * root has stopped. Every rank takes part exactly once. */
        if (st->rank == 0 || !st->root_closed) {
            int64_t h[H_LEN] = { [H_OP] = OP_CLOSE };
            MPI_Bcast(h, H_LEN, MPI_INT64_T, 0, st->comm);
            if (h[H_OP] != OP_CLOSE) /* the root is in a call we left: end the job */
                MPI_Abort(st->comm, 1);
        }
        MPI_Comm_free(&st->comm);
    }
    if (st->has_compute && st->compute.release)
        st->compute.release(st->compute.ctx);
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (st->we_initialized && !finalized)
        MPI_Finalize();
    free(st->names);
    run->placement = NULL;
    free(st);
    run->state = NULL;
}

/* Maximum over ranks of the span between the barriers of the last call
 * (the driver's own `seconds` also counts the header and allocations).
 * The driver calls it after every call, also a failed one; after the root's
 * CLOSE the root takes part in nothing more, so neither do we. */
double par__mpi_reduce_time(struct par_run *run, double seconds)
{
    struct mpi_state *st = run->state;
    if (st->root_closed)
        return seconds;
    double mine = st->span_s, all = mine;
    MPI_Allreduce(&mine, &all, 1, MPI_DOUBLE, MPI_MAX, st->comm);
    return all;
}

/* The driver's stop/continue decision: the root's, on every rank. A rank
 * that saw the root close has nothing to agree with and stops. */
static int mpi_agree_stop(struct par_run *run, int decision)
{
    struct mpi_state *st = run->state;
    if (st->root_closed)
        return 1;
    MPI_Bcast(&decision, 1, MPI_INT, 0, st->comm);
    return decision;
}

/* ---- the shape every call shares ------------------------------------------- */

/* Step 1: the header. Returns 0, or PAR_ESHUTDOWN when the root has closed. */
static int exchange_header(struct par_run *run, int64_t h[H_LEN], enum op want)
{
    struct mpi_state *st = run->state;
    MPI_Bcast(h, H_LEN, MPI_INT64_T, 0, st->comm);
    if (h[H_OP] == OP_CLOSE) {
        st->root_closed = 1;
        snprintf(run->errmsg, sizeof run->errmsg, "rank 0 ended the run");
        return PAR_ESHUTDOWN;
    }
    if (h[H_OP] != want)
        MPI_Abort(st->comm, 1); /* ranks disagree on the workload: a bug */
    return 0;
}

/* Step 2: every rank's status, agreed. */
static int agree(struct par_run *run, int rc)
{
    struct mpi_state *st = run->state;
    int all = rc;
    MPI_Allreduce(&rc, &all, 1, MPI_INT, MPI_MIN, st->comm);
    if (all && !rc)
        snprintf(run->errmsg, sizeof run->errmsg, "another rank failed: %s", par_strerror(all));
    return all;
}

static void start_clock(struct mpi_state *st, int64_t *t0)
{
    MPI_Barrier(st->comm);
    *t0 = par_now_ns();
    if (st->abort_rank == st->rank) {
        st->abort_rank = -1;
        abort(); /* test-only fault: PAR_TEST_ABORT_RANK */
    }
}

static void stop_clock(struct mpi_state *st, int64_t t0)
{
    MPI_Barrier(st->comm);
    st->span_s = (double)(par_now_ns() - t0) * 1e-9;
}

static void apply(const struct par_kernel *k, const int64_t *in, int64_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = k->fn(in[i]);
}

/* This rank's share: the plain loop, or the compute hooks when set (hybrid:
 * OpenMP threads). Inside a tree call every item is a leaf fib(in[i]) that
 * the leaf hook may split further. A hook's error is kept in compute_rc and
 * agreed after the call: the protocol must finish either way. */
static void compute(struct mpi_state *st, const struct par_kernel *k, const int64_t *in,
                    int64_t *out, size_t n)
{
    int rc = 0;
    if (n == 0)
        return;
    int team = 1;
    if (!st->has_compute) {
        apply(k, in, out, n);
    } else if (st->leaf_cutoff >= 0 && st->compute.leaf) {
        for (size_t i = 0; i < n && rc == 0; i++)
            rc = st->compute.leaf(st->compute.ctx, (int)in[i], st->leaf_cutoff, &out[i]);
    } else {
        rc = st->compute.map(st->compute.ctx, k, in, out, n);
    }
    if (st->has_compute && st->compute.team) {
        int t = st->compute.team(st->compute.ctx);
        team = t > 0 ? t : 1;
    }
    if (team > st->ran_here)
        st->ran_here = team;
    if (rc && !st->compute_rc)
        st->compute_rc = rc;
}

/* After a map or tree call, on every rank that took part in its header:
 * the workers that really ran items (issue 10, real team sizes), the sum
 * over ranks of ran_here, so ranks that got no items (more ranks than
 * items, say) are not counted. Outside the timed region; collective. */
static void count_team(struct par_run *run)
{
    struct mpi_state *st = run->state;
    int mine = st->ran_here, all = 0;
    st->ran_here = 0;
    MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_SUM, st->comm);
    run->workers_ran = all;
}

/* After the timed region: a compute hook's error anywhere is an error
 * everywhere (only when hooks are set: the plain loop cannot fail). */
static int agree_compute(struct par_run *run, int rc)
{
    struct mpi_state *st = run->state;
    if (!st->has_compute)
        return rc;
    int mine = st->compute_rc;
    st->compute_rc = 0;
    int all = agree(run, rc ? rc : mine);
    if (all && mine && !run->errmsg[0])
        snprintf(run->errmsg, sizeof run->errmsg, "threads inside rank %d failed: %s", st->rank,
                 par_strerror(mine));
    return all;
}

/* ---- static: Scatterv / Gatherv ------------------------------------------ */

struct blocks {
    int *counts, *displs;
    int64_t *in, *out;     /* this rank's block (non-root) */
};

static int blocks_alloc(struct blocks *b, const struct mpi_state *st, size_t n)
{
    memset(b, 0, sizeof *b);
    if (n > INT_MAX)
        return PAR_ERANGE; /* MPI counts are int; see docs/mpi.md */
    b->counts = malloc((size_t)st->size * sizeof *b->counts);
    b->displs = malloc((size_t)st->size * sizeof *b->displs);
    if (!b->counts || !b->displs)
        return PAR_ENOMEM;
    size_t base = n / (size_t)st->size, extra = n % (size_t)st->size, at = 0;
    for (int r = 0; r < st->size; r++) {
        b->counts[r] = (int)(base + ((size_t)r < extra));
        b->displs[r] = (int)at;
        at += (size_t)b->counts[r];
    }
    if (st->rank != 0) {
        size_t mine = (size_t)b->counts[st->rank] + 1;
        b->in = malloc(mine * sizeof *b->in);
        b->out = malloc(mine * sizeof *b->out);
        if (!b->in || !b->out)
            return PAR_ENOMEM;
    }
    return 0;
}

static void blocks_free(struct blocks *b)
{
    free(b->counts);
    free(b->displs);
    free(b->in);
    free(b->out);
}

static void run_static(struct mpi_state *st, const struct blocks *b, const struct par_kernel *k,
                       const int64_t *in, int64_t *out)
{
    int mine = b->counts[st->rank];
    if (st->rank == 0) {
        MPI_Scatterv(in, b->counts, b->displs, MPI_INT64_T, MPI_IN_PLACE, mine, MPI_INT64_T, 0,
                     st->comm);
        compute(st, k, in, out, (size_t)mine);
        MPI_Gatherv(MPI_IN_PLACE, mine, MPI_INT64_T, out, b->counts, b->displs, MPI_INT64_T, 0,
                    st->comm);
    } else {
        MPI_Scatterv(NULL, NULL, NULL, MPI_INT64_T, b->in, mine, MPI_INT64_T, 0, st->comm);
        compute(st, k, b->in, b->out, (size_t)mine);
        MPI_Gatherv(b->out, mine, MPI_INT64_T, NULL, NULL, NULL, MPI_INT64_T, 0, st->comm);
    }
}

/* ---- dynamic: master/worker ------------------------------------------------ */

struct dyn {
    int guided;
    size_t chunk;            /* dynamic: items per chunk; guided: the least */
    size_t max_chunk, msg;   /* the largest chunk; int64 per message (2 + it) */
    size_t ranks;
    int64_t *mem;            /* every buffer below, one allocation */
    /* master: per worker w (index w-1): two send slots, one receive buffer */
    int64_t *sbuf, *rbuf;
    MPI_Request *sreq, *rreq;
    int *slot, *stopped, *inflight;
    /* worker: two receive and two send buffers */
    int64_t *wrecv[2], *wsend[2];
};

/* Items in the next chunk when `left` items are not handed out yet. */
static size_t next_chunk(const struct dyn *d, size_t left)
{
    size_t c = d->chunk;
    if (d->guided) {
        size_t g = left / d->ranks + (left % d->ranks != 0);
        if (g > c)
            c = g;
    }
    return c < left ? c : left;
}

static int dyn_alloc(struct dyn *d, const struct mpi_state *st, size_t n, size_t chunk,
                     int guided)
{
    memset(d, 0, sizeof *d);
    d->guided = guided;
    d->ranks = (size_t)st->size;
    if (chunk == 0)
        chunk = guided ? 1 : n / (8 * (size_t)st->size) + 1;
    if (chunk > n)
        chunk = n ? n : 1;
    d->chunk = chunk;
    d->max_chunk = n ? next_chunk(d, n) : 1;
    if (d->max_chunk > (size_t)INT_MAX - 2)
        return PAR_ERANGE;
    d->msg = d->max_chunk + 2;
    size_t nw = (size_t)st->size - 1, bufs = st->rank == 0 ? 3 * nw : 4;
    if (bufs && d->msg > SIZE_MAX / sizeof(int64_t) / bufs)
        return PAR_ENOMEM;
    d->mem = malloc((bufs ? bufs : 1) * d->msg * sizeof *d->mem);
    if (!d->mem)
        return PAR_ENOMEM;
    if (st->rank == 0) {
        d->sbuf = d->mem;
        d->rbuf = d->mem + 2 * nw * d->msg;
        d->sreq = malloc((2 * nw + 1) * sizeof *d->sreq);
        d->rreq = malloc((nw + 1) * sizeof *d->rreq);
        d->slot = calloc(nw + 1, sizeof *d->slot);
        d->stopped = calloc(nw + 1, sizeof *d->stopped);
        d->inflight = calloc(nw + 1, sizeof *d->inflight);
        if (!d->sreq || !d->rreq || !d->slot || !d->stopped || !d->inflight)
            return PAR_ENOMEM;
        for (size_t i = 0; i < 2 * nw; i++)
            d->sreq[i] = MPI_REQUEST_NULL;
        for (size_t i = 0; i < nw; i++)
            d->rreq[i] = MPI_REQUEST_NULL;
    } else {
        for (int i = 0; i < 2; i++) {
            d->wrecv[i] = d->mem + (size_t)i * d->msg;
            d->wsend[i] = d->mem + (size_t)(2 + i) * d->msg;
        }
    }
    return 0;
}

static void dyn_free(struct dyn *d)
{
    free(d->mem);
    free(d->sreq);
    free(d->rreq);
    free(d->slot);
    free(d->stopped);
    free(d->inflight);
}

struct master {
    struct mpi_state *st;
    struct dyn *d;
    const int64_t *in;
    int64_t *out;
    size_t n, next;          /* items [next, n) not handed out yet */
    size_t outstanding;      /* chunks sent whose results have not come back */
};

/* Sends worker w its next chunk, or its one "stop". */
static void send_next(struct master *m, int w)
{
    struct dyn *d = m->d;
    size_t i = (size_t)w - 1;
    int s = d->slot[i];
    d->slot[i] ^= 1;
    MPI_Request *req = &d->sreq[2 * i + (size_t)s];
    MPI_Wait(req, MPI_STATUS_IGNORE); /* the slot's previous message has left */
    int64_t *buf = d->sbuf + (2 * i + (size_t)s) * d->msg;
    if (m->next < m->n) {
        size_t c = next_chunk(d, m->n - m->next);
        buf[0] = (int64_t)m->next;
        buf[1] = (int64_t)c;
        memcpy(buf + 2, m->in + m->next, c * sizeof *buf);
        MPI_Isend(buf, (int)(c + 2), MPI_INT64_T, w, TAG_WORK, m->st->comm, req);
        m->next += c;
        d->inflight[i]++;
        m->outstanding++;
    } else if (!d->stopped[i]) {
        buf[0] = buf[1] = 0;
        MPI_Isend(buf, 2, MPI_INT64_T, w, TAG_WORK, m->st->comm, req);
        d->stopped[i] = 1;
    }
}

static void post_result_recv(struct master *m, int w)
{
    struct dyn *d = m->d;
    size_t i = (size_t)w - 1;
    if (d->inflight[i] > 0)
        MPI_Irecv(d->rbuf + i * d->msg, (int)d->msg, MPI_INT64_T, w, TAG_RESULT, m->st->comm,
                  &d->rreq[i]);
}

/* A result from worker w is in its receive buffer. */
static void take_result(struct master *m, int w)
{
    struct dyn *d = m->d;
    size_t i = (size_t)w - 1;
    const int64_t *buf = d->rbuf + i * d->msg;
    int64_t start = buf[0], c = buf[1];
    if (start < 0 || c <= 0 || (size_t)c > d->max_chunk || (size_t)(start + c) > m->n)
        MPI_Abort(m->st->comm, 1); /* a result we never asked for */
    memcpy(m->out + start, buf + 2, (size_t)c * sizeof *buf);
    d->inflight[i]--;
    m->outstanding--;
    send_next(m, w);
    post_result_recv(m, w);
}

static void run_master(struct mpi_state *st, struct dyn *d, const struct par_kernel *k,
                       const int64_t *in, int64_t *out, size_t n)
{
    struct master m = { .st = st, .d = d, .in = in, .out = out, .n = n };
    int nw = st->size - 1;
    for (int w = 1; w <= nw; w++) {
        send_next(&m, w); /* the chunk it computes first */
        send_next(&m, w); /* and the next one, already on its way */
        post_result_recv(&m, w);
    }
    for (;;) {
        for (;;) { /* take every result that has arrived, without waiting */
            int idx, flag;
            MPI_Testany(nw, d->rreq, &idx, &flag, MPI_STATUS_IGNORE);
            if (!flag || idx == MPI_UNDEFINED)
                break;
            take_result(&m, idx + 1);
        }
        if (m.next < n) { /* the master's own chunk */
            size_t c = next_chunk(d, n - m.next);
            compute(st, k, in + m.next, out + m.next, c);
            m.next += c;
            continue;
        }
        if (m.outstanding == 0)
            break;
        int idx;
        MPI_Waitany(nw, d->rreq, &idx, MPI_STATUS_IGNORE);
        if (idx == MPI_UNDEFINED)
            MPI_Abort(st->comm, 1); /* results outstanding but no receive posted */
        take_result(&m, idx + 1);
    }
    /* A worker whose every chunk came back before the list ran out still
     * needs its stop; then let every send finish. */
    for (int w = 1; w <= nw; w++)
        if (!d->stopped[w - 1])
            send_next(&m, w);
    MPI_Waitall(2 * nw, d->sreq, MPI_STATUSES_IGNORE);
}

static void run_worker(struct mpi_state *st, struct dyn *d, const struct par_kernel *k)
{
    MPI_Request rreq[2], sreq[2] = { MPI_REQUEST_NULL, MPI_REQUEST_NULL };
    for (int b = 0; b < 2; b++)
        MPI_Irecv(d->wrecv[b], (int)d->msg, MPI_INT64_T, 0, TAG_WORK, st->comm, &rreq[b]);
    for (int b = 0;; b ^= 1) {
        MPI_Wait(&rreq[b], MPI_STATUS_IGNORE);
        int64_t start = d->wrecv[b][0], c = d->wrecv[b][1];
        if (c == 0) { /* stop: the other receive will never match */
            MPI_Cancel(&rreq[b ^ 1]);
            MPI_Wait(&rreq[b ^ 1], MPI_STATUS_IGNORE);
            break;
        }
        if (c < 0 || (size_t)c > d->max_chunk)
            MPI_Abort(st->comm, 1);
        MPI_Wait(&sreq[b], MPI_STATUS_IGNORE); /* this send buffer is free again */
        int64_t *res = d->wsend[b];
        res[0] = start;
        res[1] = c;
        compute(st, k, d->wrecv[b] + 2, res + 2, (size_t)c);
        MPI_Isend(res, (int)(c + 2), MPI_INT64_T, 0, TAG_RESULT, st->comm, &sreq[b]);
        MPI_Irecv(d->wrecv[b], (int)d->msg, MPI_INT64_T, 0, TAG_WORK, st->comm, &rreq[b]);
    }
    MPI_Waitall(2, sreq, MPI_STATUSES_IGNORE);
}

/* A dynamic (or guided) map of kernel k over in[0..n) into out (root's
 * arrays; ignored elsewhere), through steps 2 and 3 of every call. The
 * chunk size used (the least, when guided) goes to *used. */
static int dynamic_map(struct par_run *run, const struct par_kernel *k, const int64_t *in,
                       int64_t *out, size_t n, size_t chunk, int guided, size_t *used)
{
    struct mpi_state *st = run->state;
    struct dyn d;
    int rc = agree(run, dyn_alloc(&d, st, n, chunk, guided));
    *used = d.chunk;
    if (rc == 0) {
        int64_t t0;
        start_clock(st, &t0);
        if (st->rank == 0 && st->size == 1)
            compute(st, k, in, out, n);
        else if (st->rank == 0)
            run_master(st, &d, k, in, out, n);
        else
            run_worker(st, &d, k);
        stop_clock(st, t0);
        rc = agree_compute(run, rc);
    }
    dyn_free(&d);
    return rc;
}

/* ---- map / tree ----------------------------------------------------------------- */

static int mpi_map(struct par_run *run, const struct par_map *job)
{
    struct mpi_state *st = run->state;
    int64_t h[H_LEN] = { 0 };
    if (st->rank == 0) {
        h[H_OP] = OP_MAP;
        h[H_N] = (int64_t)job->n;
        h[H_KERNEL] = job->kernel ? (int64_t)job->kernel->id : -1;
        h[H_SCHED] = job->schedule;
        h[H_CHUNK] = (int64_t)job->chunk;
    }
    int rc = exchange_header(run, h, OP_MAP);
    if (rc)
        return rc;
    const struct par_kernel *k = par_kernel_get((enum par_kernel_id)h[H_KERNEL]);
    size_t n = (size_t)h[H_N], chunk = (size_t)h[H_CHUNK];
    enum par_schedule sched = (enum par_schedule)h[H_SCHED];
    if (!k)
        return agree(run, PAR_EINVAL);
    char what[96];
    if (sched == PAR_SCHED_STATIC) {
        struct blocks b;
        rc = agree(run, blocks_alloc(&b, st, n));
        if (rc == 0) {
            int64_t t0;
            start_clock(st, &t0);
            run_static(st, &b, k, job->in, job->out);
            stop_clock(st, t0);
            rc = agree_compute(run, rc);
        }
        blocks_free(&b);
        snprintf(what, sizeof what, "schedule=static (Scatterv/Gatherv)");
    } else {
        int guided = sched == PAR_SCHED_GUIDED;
        size_t used;
        rc = dynamic_map(run, k, job->in, job->out, n, chunk, guided, &used);
        snprintf(what, sizeof what, "schedule=%s (master/worker, master computes) %s=%zu",
                 guided ? "guided" : "dynamic", guided ? "min_chunk" : "chunk", used);
    }
    count_team(run);
    set_detail(run, what);
    if (rc && !run->errmsg[0])
        snprintf(run->errmsg, sizeof run->errmsg, "%s", par_strerror(rc));
    return rc;
}

static int mpi_tree(struct par_run *run, int n, int cutoff, int64_t *result)
{
    struct mpi_state *st = run->state;
    int64_t h[H_LEN] = { [H_OP] = OP_TREE, [H_N] = n, [H_CHUNK] = cutoff };
    int rc = exchange_header(run, h, OP_TREE);
    if (rc)
        return rc;
    /* Every rank splits alike; only the root needs the leaves and values. */
    int64_t *leaves = NULL, *vals = NULL;
    size_t count = 0;
    int depth = 0;
    rc = par_fib_split((int)h[H_N], (int)h[H_CHUNK], 8 * (size_t)st->size, &leaves, &count,
                       &depth);
    if (rc == 0 && !(vals = malloc(count * sizeof *vals)))
        rc = PAR_ENOMEM;
    size_t used;
    if (rc == 0) {
        st->leaf_cutoff = (int)h[H_CHUNK]; /* leaves go through compute.leaf */
        rc = dynamic_map(run, par_kernel_get(PAR_K_FIB), leaves, vals, count, 1, 0, &used);
        st->leaf_cutoff = -1;
    } else
        rc = agree(run, rc); /* the agreement dynamic_map would have made */
    count_team(run);
    if (rc == 0) {
        int64_t sum = 0;
        if (st->rank == 0)
            for (size_t i = 0; i < count; i++)
                sum += vals[i];
        MPI_Bcast(&sum, 1, MPI_INT64_T, 0, st->comm);
        *result = sum;
    }
    char what[96];
    snprintf(what, sizeof what, "tree: depth=%d leaves=%zu (master/worker, master computes)",
             depth, count);
    set_detail(run, what);
    free(leaves);
    free(vals);
    return rc;
}

static int mpi_grain(struct par_run *run, const struct par_grain *job)
{
    struct mpi_state *st = run->state;
    int64_t h[H_LEN] = { 0 };
    if (st->rank == 0) {
        h[H_OP] = OP_GRAIN;
        h[H_N] = (int64_t)job->tasks;
        h[H_KERNEL] = job->iterations;
        h[H_SCHED] = job->pattern;
        h[H_CHUNK] = job->steps;
    }
    int rc = exchange_header(run, h, OP_GRAIN);
    if (rc)
        return rc;
    struct par__mpi_grain g;
    rc = agree(run, par__mpi_grain_alloc(&g, st->rank, st->size, (size_t)h[H_N]));
    if (rc == 0) {
        int64_t t0;
        start_clock(st, &t0);
        if (st->has_compute && st->compute.grain)
            st->compute.grain(st->compute.ctx, &g, st->comm, st->rank, h[H_KERNEL], h[H_CHUNK],
                              (enum par_pattern)h[H_SCHED], st->rank == 0 ? job->out : NULL);
        else
            par__mpi_grain_run(&g, st->comm, st->rank, h[H_KERNEL], h[H_CHUNK],
                               (enum par_pattern)h[H_SCHED], st->rank == 0 ? job->out : NULL);
        stop_clock(st, t0);
        if (st->has_compute && st->compute.grain) {
            /* ranks with tasks count their team (the grain hook's threads) */
            int team = st->compute.team ? st->compute.team(st->compute.ctx) : 1;
            st->ran_here = st->rank < g.active ? (team > 0 ? team : 1) : 0;
            count_team(run);
        } else {
            run->workers_ran = g.active; /* the ranks that own tasks compute; others wait */
        }
    }
    char what[96];
    snprintf(what, sizeof what, "grain: %d ranks with tasks, %s%s", g.active,
             h[H_SCHED] == PAR_PATTERN_STENCIL ? "halo exchange (Isend/Irecv 8 B)"
                                               : "MPI_Barrier per step",
             st->has_compute && st->compute.grain ? ", omp barriers in the rank" : "");
    par__mpi_grain_free(&g);
    set_detail(run, what);
    if (rc && !run->errmsg[0])
        snprintf(run->errmsg, sizeof run->errmsg, "%s", par_strerror(rc));
    return rc;
}

int par__mpi_map(struct par_run *run, const struct par_map *job)
{
    return mpi_map(run, job);
}

int par__mpi_tree(struct par_run *run, int n, int cutoff, int64_t *result)
{
    return mpi_tree(run, n, cutoff, result);
}

int par__mpi_grain(struct par_run *run, const struct par_grain *job)
{
    return mpi_grain(run, job);
}

int par__mpi_agree(struct par_run *run, int decision)
{
    return mpi_agree_stop(run, decision);
}

const struct par_backend par_backend_mpi = {
    .name = "mpi",
    .kind = "processes",
    .open = mpi_open,
    .map = mpi_map,
    .tree = mpi_tree,
    .close = par__mpi_close,
    .reduce_time = par__mpi_reduce_time,
    .grain = mpi_grain,
    .agree = mpi_agree_stop,
};
