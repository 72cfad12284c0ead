/* Splitting fib(n) into independent subtrees, for back ends whose tasks are
 * expensive to create (processes, MPI ranks): rather than one task per call
 * above the cutoff, the top of the recursion tree is unrolled in the caller
 * until there are enough leaves, and each leaf fib(m) becomes one task that
 * a worker computes serially. fib(n) is the sum of fib over the leaves, and
 * the leaves together make the same calls as the serial recursion below
 * them, so no work is skipped or shared. */
#ifndef PAR_FIBSPLIT_H
#define PAR_FIBSPLIT_H
#include "export.h"
PAR_BEGIN_DECLS

#include <stddef.h>
#include <stdint.h>

/* Unrolls fib(n) level by level (m -> m-1, m-2) until there are at least
 * min_leaves leaves or no leaf can be split any more (a leaf m is not split
 * when m <= 2 or m < cutoff). On success *leaves receives the leaf arguments,
 * largest first (so that a dynamic schedule starts the longest tasks first;
 * owned by the caller: free()), *count their number and, when depth is not
 * NULL, *depth the number of levels unrolled. Returns 0, PAR_EINVAL (n
 * outside [1, PAR_FIB_MAX_N], min_leaves 0, a NULL output) or PAR_ENOMEM.
 * Thread-safe. */
int par_fib_split(int n, int cutoff, size_t min_leaves, int64_t **leaves, size_t *count,
                  int *depth);

PAR_END_DECLS
#endif
