/* The environment a result was measured in: enough to tell two runs apart. */
#ifndef PAR_ENV_H
#define PAR_ENV_H
#include "export.h"
PAR_BEGIN_DECLS

#include <stdio.h>

#define PAR_ENV_MAX_VARS 32

struct par_env {
    char host[256];
    int cores;
    char cpu[256];          /* model name from /proc/cpuinfo, or "unknown" */
    char compiler[128];     /* "gcc 12.2.0" / "clang 14.0.6" */
    char flags[256];        /* optimisation and sanitizer flags of this build */
    char openmp[64];        /* "4.5 (201511)", or "" when not built */
    char mpi[256];          /* MPI library version line, or "" */
    int nvars;              /* OMP_*, GOMP_*, KMP_* and binding variables in effect */
    char vars[PAR_ENV_MAX_VARS][160];
};

/* Fills what this process can see. Thread-unsafe (reads environ). */
void par_env_collect(struct par_env *env);

/* Writes env as a JSON object (no trailing newline). */
void par_env_json(FILE *f, const struct par_env *env);

/* Writes s as a JSON string literal with escapes. */
void par_json_string(FILE *f, const char *s);

PAR_END_DECLS
#endif
