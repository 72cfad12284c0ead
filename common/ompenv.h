/* OMP_NUM_THREADS and OMP_SCHEDULE read the way the OpenMP runtime (GNU
 * libgomp, env.c: parse_unsigned_long_list and parse_schedule) reads them,
 * so that a value libgomp accepts is accepted here too and one it refuses is
 * refused here too. The table in tests/common/test_ompenv.c was taken from
 * libgomp 12 on Debian 12 (omp_get_max_threads / omp_get_schedule under
 * each spelling) and is checked against the live libgomp when OpenMP is
 * built.
 *
 * What libgomp accepts:
 *   OMP_NUM_THREADS  a comma-separated list of whole numbers >= 1 (nested
 *                    levels; the first is the outer level), each optionally
 *                    surrounded by white space (isspace: space, \t, \n, \v,
 *                    \f, \r) and preceded by "+"; no "-", no empty entry.
 *   OMP_SCHEDULE     [ws][modifier ws ":" ws] kind ws ["," ws chunk ws] where
 *                    modifier is monotonic | nonmonotonic, kind is static |
 *                    dynamic | guided | auto (any case), chunk a whole number
 *                    (optional "+") <= INT_MAX. A chunk of 0 means "the
 *                    default" for static and 1 for the other kinds.
 * Deliberate differences: libgomp takes a chunk "-1" (strtoul wraps it) and
 * a thread count up to ULONG_MAX; we refuse a negative chunk, and the
 * programs cap threads at PAR_MAX_WORKERS (their message says so). */
#ifndef PAR_OMPENV_H
#define PAR_OMPENV_H
#include "export.h"
PAR_BEGIN_DECLS

#include <stddef.h>

#include "options.h"

/* Parses an OMP_NUM_THREADS value; *first gets the outer level (>= 1,
 * saturated at LONG_MAX). Returns 0, or PAR_EINVAL when libgomp would
 * refuse it. */
int par_omp_parse_num_threads(const char *s, long *first);

/* Parses an OMP_SCHEDULE value. *is_auto is 1 for "auto" (*kind is then
 * static, which is how our back ends run it); *chunk is the chunk as the
 * runtime sets it (0 = default for static; 0 given for another kind becomes
 * 1), or 0 when none was given. Returns 0 or PAR_EINVAL. */
int par_omp_parse_schedule(const char *s, enum par_schedule *kind, int *is_auto,
                           size_t *chunk);

/* The value of an OMP_* variable as the user set it: getenv(name), unless
 * the program's start-up guard (apps/ompenv_guard.c) hid a value the OpenMP
 * runtime would have complained about, in which case that value. */
const char *par_omp_getenv(const char *name);

/* For the guard: records that `name` had value `value` (not copied: it must
 * live as long as the process, like the environment) and was hidden. */
void par_omp_env_hide(const char *name, const char *value);

PAR_END_DECLS
#endif
