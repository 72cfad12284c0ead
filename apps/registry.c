#include "registry.h"

#include <stdio.h>
#include <string.h>

#ifdef PAR_HAVE_OMP
#include "par_omp.h"
#endif

extern const struct par_backend par_backend_pthread, par_backend_gil, par_backend_proc,
    par_backend_mpi, par_backend_hybrid;
#ifdef PAR_HAVE_MPI
int par_mpi_library_version(char *buf, size_t len);
#endif

#define NOT_BUILT(name, why) { name, NULL, why }

static const struct par_backend_entry entries[] = {
    { "serial", &par_backend_serial, NULL },
#ifdef PAR_HAVE_PTHREAD
    { "pthread", &par_backend_pthread, NULL },
    { "gil", &par_backend_gil, NULL },
#else
    NOT_BUILT("pthread", "the thread library (pthread/) is not part of this build"),
    NOT_BUILT("gil", "the thread library (pthread/) is not part of this build"),
#endif
#ifdef PAR_HAVE_OMP
    { "omp", &par_backend_omp, NULL },
#else
    NOT_BUILT("omp", PAR_WHY_NO_OPENMP[0] ? PAR_WHY_NO_OPENMP
                                          : "the OpenMP back end (omp/) is not part of this build"),
#endif
#ifdef PAR_HAVE_PROC
    { "proc", &par_backend_proc, NULL },
#else
    NOT_BUILT("proc", "the process pool (proc/) is not part of this build"),
#endif
#ifdef PAR_HAVE_MPI
    { "mpi", &par_backend_mpi, NULL },
#else
    NOT_BUILT("mpi", PAR_WHY_NO_MPI[0] ? PAR_WHY_NO_MPI
                                       : "the MPI back end (mpi/) is not part of this build"),
#endif
#ifdef PAR_HAVE_HYBRID
    { "hybrid", &par_backend_hybrid, NULL },
#elif !defined(PAR_HAVE_MPI)
    NOT_BUILT("hybrid", "it needs MPI (ranks) and OpenMP (threads); MPI: " PAR_WHY_NO_MPI),
#else
    NOT_BUILT("hybrid", "it needs MPI (ranks) and OpenMP (threads); OpenMP: " PAR_WHY_NO_OPENMP),
#endif
};

const struct par_backend_entry *par_registry(size_t *count)
{
    *count = sizeof entries / sizeof *entries;
    return entries;
}

int par_registry_has(const char *name)
{
    size_t n;
    const struct par_backend_entry *table = par_registry(&n);
    const struct par_backend_entry *e = par_backend_find(table, n, name);
    return e && e->impl;
}

void par_registry_env(struct par_env *env)
{
#ifdef PAR_HAVE_OMP
    snprintf(env->openmp, sizeof env->openmp, "%s", par_omp_version());
#endif
#ifdef PAR_HAVE_MPI
    if (par_mpi_library_version(env->mpi, sizeof env->mpi))
        env->mpi[0] = '\0';
#endif
    (void)env;
}
