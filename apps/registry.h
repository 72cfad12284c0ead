/* The registry: every back end, built or not, for the programs. This is the
 * only file that knows them all (apps -> back ends -> common). */
#ifndef PAR_REGISTRY_H
#define PAR_REGISTRY_H

#include <stddef.h>

#include "backend.h"
#include "env.h"

/* The table of back ends; *count gets its length. Constant, thread-safe. */
const struct par_backend_entry *par_registry(size_t *count);

/* 1 when the named back end is built here. */
int par_registry_has(const char *name);

/* Adds the OpenMP and MPI versions to an environment record. */
void par_registry_env(struct par_env *env);

#endif
