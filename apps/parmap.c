/* parmap — one workload on processes, timed and verified. The C counterpart
 * of the cheatsheet's "Custom multiprocessing map", multiprocessing.Pool and
 * ProcessPoolExecutor:
 *   ./parmap -j 2 --workload fib                  (forked worker processes)
 *   mpirun -n 5 ./parmap                          (MPI ranks; see docs/mpi.md
 *                                                  for --oversubscribe and root)
 * Started by a launcher (mpirun, mpiexec, srun) it uses the "mpi" back end
 * with the ranks as workers; started alone, the "proc" back end with -j
 * forked workers (default: the cores). --backend overrides either choice.
 * Same options and output as poolmap. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "envnum.h"
#include "registry.h"

/* Whether a parallel launcher started this process, judged from the
 * variables the launchers set in each process they start; *rank gets this
 * process's rank (0 when unknown). */
static int under_launcher(long *rank)
{
    /* Open MPI's mpirun/mpiexec. */
    if (par_env_count("OMPI_COMM_WORLD_SIZE") >= 1) {
        *rank = par_env_count("OMPI_COMM_WORLD_RANK");
        return 1;
    }
    /* Any PMIx launcher (Open MPI 4+, srun --mpi=pmix, prterun). */
    if ((*rank = par_env_count("PMIX_RANK")) >= 0)
        return 1;
    /* PMI-1/2 launchers (MPICH's and Intel MPI's hydra, srun --mpi=pmi2). */
    if ((*rank = par_env_count("PMI_RANK")) >= 0)
        return 1;
    /* srun without an MPI plugin. A batch script also sees SLURM_PROCID, but
     * its step id is absent or one of Slurm's reserved values (>= 0xfffffff0:
     * batch, extern, interactive, pending). */
    long step = par_env_count("SLURM_STEP_ID");
    if (step < 0)
        step = par_env_count("SLURM_STEPID");
    if (step >= 0 && step < 0xfffffff0L && (*rank = par_env_count("SLURM_PROCID")) >= 0)
        return 1;
    *rank = 0;
    return 0;
}

static int launched;  /* set once in main, before the driver runs */

/* -b mpi with -j N but no launcher: a lone process is one rank, so -j N
 * cannot be honoured; the user meant a launcher. A usage error (exit 2)
 * saying what to type, rather than a run-time mismatch. */
static int check_opts(const struct par_opts *o, const char *backend, char *msg, size_t len)
{
    if (launched || strcmp(backend, "mpi") != 0 || !o->workers_from ||
        strcmp(o->workers_from, "-j") != 0 || o->workers == 1)
        return 0;
    snprintf(msg, len, "-b mpi -j %d: started without a launcher, MPI has one rank; to run %d "
             "ranks type: mpirun -n %d parmap (or srun -n %d parmap; see docs/mpi.md); "
             "-j alone forks workers with -b proc", o->workers, o->workers, o->workers,
             o->workers);
    return 1;
}

int main(int argc, char **argv)
{
    size_t count;
    const struct par_backend_entry *table = par_registry(&count);
    long rank = 0;
    launched = under_launcher(&rank);
    const struct par_tool tool = {
        .name = "parmap",
        /* Under a launcher "mpi" even when it is not built: the driver then
         * says so, once (rank 0), instead of every rank forking workers. */
        .default_backend = launched ? "mpi" : "proc",
        .default_workload = PAR_W_MAP,
        .backends = table,
        .nbackends = count,
        .rank_hint = rank > 0 ? (rank > 1000000 ? 1000000 : (int)rank) : 0,
        .workers_env = NULL, /* processes: -j, else the cores (not OMP_NUM_THREADS) */
        .env_extra = par_registry_env,
        .check_opts = check_opts,
    };
    return par_driver_main(argc, argv, &tool);
}
