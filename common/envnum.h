/* Whole numbers that launchers (mpirun, srun, hydra) put in the environment. */
#ifndef PAR_ENVNUM_H
#define PAR_ENVNUM_H
#include "export.h"
PAR_BEGIN_DECLS

/* The value of environment variable `name` when it is a whole number >= 0
 * written in decimal and nothing else; -1 when unset, empty or anything
 * else. Thread-unsafe (getenv). */
long par_env_count(const char *name);

PAR_END_DECLS
#endif
