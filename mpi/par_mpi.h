/* The "mpi" back end: MPI ranks as the workers (par_backend_mpi, kind
 * "processes"), for parmap under mpirun or srun. See mpi_backend.c for the
 * design: static Scatterv/Gatherv, dynamic master/worker in which the master
 * computes too, fibtask as subtrees handed out dynamically. */
#ifndef PAR_MPI_H
#define PAR_MPI_H
#include "export.h"
PAR_BEGIN_DECLS

#include <stddef.h>

#include "backend.h"

extern const struct par_backend par_backend_mpi;

/* The "hybrid" back end (MPI ranks x OpenMP threads inside each rank), in
 * this library when it was built with OpenMP. */
extern const struct par_backend par_backend_hybrid;

/* The first line of MPI_Get_library_version ("Open MPI v4.1.4, package: ...")
 * into buf (always NUL-terminated, cut to len-1 bytes). May be called before
 * MPI_Init and after MPI_Finalize. Returns 0, PAR_EINVAL (buf NULL or len 0)
 * or PAR_EMPI. Thread-safe as MPI_Get_library_version is. */
int par_mpi_library_version(char *buf, size_t len);

PAR_END_DECLS
#endif
