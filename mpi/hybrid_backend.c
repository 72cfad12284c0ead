/* The "hybrid" back end: MPI ranks across nodes, OpenMP threads inside each
 * rank, in the style of the NAS Parallel Benchmarks' multi-zone versions
 * (NPB-MZ: zones are spread over MPI processes, each process works on its
 * zones with OpenMP threads; van der Wijngaart & Jin, NAS-03-010, 2003).
 *
 * The distribution over ranks is the "mpi" back end's, unchanged
 * (mpi_core.h): static Scatterv/Gatherv blocks or dynamic master/worker
 * chunks for map, fib and parmap; fibtask's leaves handed out dynamically.
 * Inside a rank, its block, chunk or leaf goes to the "omp" back end
 * through its public interface (par_omp.h): a parallel for with the run's
 * schedule for map blocks, OpenMP tasks with the run's cutoff for a fibtask
 * leaf; grain's steps in one parallel region per call, the rank's block
 * split over its threads (hybrid_grain.c). Only the rank's main thread
 * calls MPI (MPI_THREAD_FUNNELED).
 *
 * Ranks x threads: the ranks come from the launcher (mpirun -n, srun -n);
 * the threads per rank from --threads, else OMP_NUM_THREADS (its first
 * entry, as libgomp reads the list), else SLURM_CPUS_PER_TASK (srun -c),
 * else this node's cores divided by the ranks on this node (at least 1), so
 * that a node is filled but not oversubscribed. Every rank decides alone
 * and they agree on the root's number (Bcast), so the record's
 * ranks x threads is what ran everywhere. workers = ranks x threads.
 * workers_ran (issue 10): the sum over the ranks that got items of the
 * OpenMP team each really had (OMP_DYNAMIC, OMP_THREAD_LIMIT may shrink it). */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "mpi_core.h"
#include "mpi_internal.h"
#include "ompenv.h"
#include "par_mpi.h"
#include "par_omp.h"

struct hybrid_state {
    struct par_run omp;      /* the OpenMP back end's run inside this rank */
    int omp_opened;
    enum par_schedule schedule; /* map blocks are split over threads by the run's schedule */
    char from[96];           /* run->workers_from: "launcher x OMP_NUM_THREADS" */
};

/* The first entry of an OMP_NUM_THREADS-style list ("4" or "4,2"), or 0
 * when unset; -1 when set but not a whole number in 1..PAR_MAX_WORKERS. */
static int threads_from_var(const char *name)
{
    const char *s = par_omp_getenv(name);   /* as set, even if the start-up guard hid it */
    if (!s || !*s)
        return 0;
    char first[32];
    size_t n = strcspn(s, ",");
    if (n >= sizeof first)
        return -1;
    memcpy(first, s, n);
    first[n] = '\0';
    long long v;
    return par_parse_whole(first, 1, PAR_MAX_WORKERS, &v) ? -1 : (int)v;
}

/* This rank's choice of threads per rank and where it came from; 0 and a
 * message in run->errmsg when a variable is malformed. */
static int choose_threads(struct par_run *run, const char **from)
{
    const struct par_opts *o = run->opts;
    if (o && o->threads > 0) {
        *from = "--threads";
        return o->threads;
    }
    static const char *const vars[] = { "OMP_NUM_THREADS", "SLURM_CPUS_PER_TASK" };
    for (size_t i = 0; i < sizeof vars / sizeof *vars; i++) {
        int t = threads_from_var(vars[i]);
        if (t < 0) {
            snprintf(run->errmsg, sizeof run->errmsg,
                     "%s: expected a whole number in 1..%d, got '%s'", vars[i], PAR_MAX_WORKERS,
                     par_omp_getenv(vars[i]));
            return 0;
        }
        if (t > 0) {
            *from = vars[i];
            return t;
        }
    }
    int on_node = par__mpi_ranks_on_node(run);
    int t = par_cores() / (on_node > 0 ? on_node : 1);
    *from = "cores per rank on the node";
    return t > 0 ? t : 1;
}

static int hybrid_compute_map(void *ctx, const struct par_kernel *k, const int64_t *in,
                              int64_t *out, size_t n)
{
    struct hybrid_state *h = ctx;
    /* The omp back end splits the block by the run's schedule; chunk 0 is
     * the runtime's default. (The rank-level chunk is the mpi layer's.) */
    struct par_map job = { .kernel = k, .in = in, .out = out, .n = n,
                           .schedule = h->schedule, .chunk = 0 };
    return par_backend_omp.map(&h->omp, &job);
}

static int hybrid_compute_leaf(void *ctx, int n, int cutoff, int64_t *out)
{
    struct hybrid_state *h = ctx;
    return par_backend_omp.tree(&h->omp, n, cutoff, out);
}

static int hybrid_team(void *ctx)
{
    const struct hybrid_state *h = ctx;
    return h->omp.workers_ran; /* omp_get_num_threads() in the last region */
}

static void hybrid_grain(void *ctx, struct par__mpi_grain *g, MPI_Comm comm, int rank,
                         int64_t iterations, int64_t steps, enum par_pattern p, int64_t *out)
{
    struct hybrid_state *h = ctx;
    /* the team, for hybrid_team (the record's workers_ran) */
    h->omp.workers_ran =
        par__hybrid_grain_run(g, comm, rank, h->omp.workers, iterations, steps, p, out);
}

static void hybrid_release(void *ctx)
{
    struct hybrid_state *h = ctx;
    if (h->omp_opened)
        par_backend_omp.close(&h->omp);
    free(h);
}

static int hybrid_open(struct par_run *run)
{
    int rc = par__mpi_open(run, MPI_THREAD_FUNNELED);
    if (rc)
        return rc;
    struct hybrid_state *h = calloc(1, sizeof *h);
    const char *from = "";
    int threads = choose_threads(run, &from);
    /* Every rank takes the root's count; a failure anywhere (a malformed
     * variable, no memory) fails every rank. */
    int mine = h && threads > 0 ? threads : -1, root = mine;
    MPI_Bcast(&root, 1, MPI_INT, 0, MPI_COMM_WORLD);
    int ok = mine > 0 && root > 0, all_ok = ok;
    MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (!all_ok) {
        int nomem = h == NULL;
        free(h);
        if (!run->errmsg[0])
            snprintf(run->errmsg, sizeof run->errmsg, "%s",
                     nomem ? "out of memory" : "another rank could not choose its threads");
        return nomem ? PAR_ENOMEM : PAR_EINVAL;
    }
    /* From here the core owns h: par__mpi_close calls hybrid_release. */
    int ranks = par__mpi_ranks(run);
    const struct par_opts *o = run->opts;
    h->omp = (struct par_run){ .opts = o, .workers = root, .is_root = run->is_root };
    h->schedule = o ? o->schedule : PAR_SCHED_STATIC;
    struct par__mpi_compute c = { .ctx = h, .threads = root, .map = hybrid_compute_map,
                                  .leaf = hybrid_compute_leaf, .team = hybrid_team,
                                  .grain = hybrid_grain,
                                  .release = hybrid_release };
    par__mpi_set_compute(run, &c);
    run->workers = ranks * root;
    snprintf(h->from, sizeof h->from, "launcher x %s", root == threads ? from : "rank 0");
    run->workers_from = h->from;
    /* The record must say what ran; a -j that disagrees is a usage slip. */
    if (o && o->workers_from && strcmp(o->workers_from, "-j") == 0 &&
        o->workers != run->workers) {
        snprintf(run->errmsg, sizeof run->errmsg,
                 "-j %d does not match %d ranks x %d threads: the hybrid back end takes its "
                 "ranks from the launcher (mpirun -n) and its threads from --threads or "
                 "OMP_NUM_THREADS", o->workers, ranks, root);
        return PAR_EINVAL;
    }
    rc = par_backend_omp.open(&h->omp);
    if (rc) {
        snprintf(run->errmsg, sizeof run->errmsg, "OpenMP inside the rank: %.200s",
                 h->omp.errmsg[0] ? h->omp.errmsg : par_strerror(rc));
        par_backend_omp.close(&h->omp);
        return rc;
    }
    h->omp_opened = 1;
    return 0;
}

static int hybrid_map(struct par_run *run, const struct par_map *job)
{
    return par__mpi_map(run, job);
}

const struct par_backend par_backend_hybrid = {
    .name = "hybrid",
    .kind = "processes+threads",
    .open = hybrid_open,
    .map = hybrid_map,
    .tree = par__mpi_tree,
    .close = par__mpi_close,
    .reduce_time = par__mpi_reduce_time,
    .grain = par__mpi_grain,
    .agree = par__mpi_agree,
};
