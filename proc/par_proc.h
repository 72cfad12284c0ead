/* The driver's back end "proc" (kind "processes", proc_backend.c): map and
 * tree on a pool of run->workers forked worker processes (procpool.h), the
 * kernel sent by its id. Follows backend.h. */
#ifndef PAR_PROC_H
#define PAR_PROC_H
#include "export.h"
PAR_BEGIN_DECLS

#include "backend.h"

extern const struct par_backend par_backend_proc;

PAR_END_DECLS
#endif
