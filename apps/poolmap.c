/* poolmap — one workload on one shared-memory back end, timed and verified.
 * The C counterpart of the cheatsheet's "Compare with map performance":
 *   OMP_NUM_THREADS=10 ./poolmap          (map of x*x over 999,999 items)
 *   ./poolmap --backend gil --workload fib -j 2 */
#include "driver.h"
#include "registry.h"

int main(int argc, char **argv)
{
    size_t count;
    const struct par_backend_entry *table = par_registry(&count);
    /* OpenMP is the default; without it, the thread pool, then serial. */
    const char *def = par_registry_has("omp") ? "omp"
                    : par_registry_has("pthread") ? "pthread" : "serial";
    const struct par_tool tool = {
        .name = "poolmap", .default_backend = def, .default_workload = PAR_W_MAP,
        .backends = table, .nbackends = count, .rank_hint = 0,
        .workers_env = "OMP_NUM_THREADS", .env_extra = par_registry_env,
    };
    return par_driver_main(argc, argv, &tool);
}
