/* The driver's back ends on a par_pool (backend_threads.c): "pthread" (kind
 * "threads") and "gil" (the same code under an emulated GIL, gil.h). Both
 * follow backend.h: map cuts the items into chunks, one task per chunk;
 * tree is fib(n) with one future per call above the cutoff. Workers:
 * run->workers threads. */
#ifndef PAR_PTHREAD_H
#define PAR_PTHREAD_H
#include "export.h"
PAR_BEGIN_DECLS

#include "backend.h"

extern const struct par_backend par_backend_pthread;
extern const struct par_backend par_backend_gil;

PAR_END_DECLS
#endif
