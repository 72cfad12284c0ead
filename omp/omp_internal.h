/* Private to omp/: the back end's grain operation (omp_grain.c), called
 * through par_backend_omp (omp_backend.c). Not installed, not exported. */
#ifndef PAR_OMP_INTERNAL_H
#define PAR_OMP_INTERNAL_H

#include "backend.h"

int par__omp_grain(struct par_run *run, const struct par_grain *job);

#endif
