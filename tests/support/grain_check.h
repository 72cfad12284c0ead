/* The grain workload on an opened back end against the serial reference, for
 * every back end's own test: both patterns and several (T, S, I). */
#ifndef PAR_TEST_GRAIN_CHECK_H
#define PAR_TEST_GRAIN_CHECK_H

#include "backend.h"

/* Runs be->grain on `run` (opened by the caller) for every combination and
 * compares the last step with par_grain_reference and with the serial back
 * end. Under MPI call it on every rank: only run->is_root compares, and the
 * verdict is returned, not asserted, so that the caller can agree on it
 * across ranks. Returns 1 when every combination matched, else 0 with one
 * line in msg. */
int par_test_grain_matches_serial(const struct par_backend *be, struct par_run *run, char *msg,
                                  size_t len);

#endif
