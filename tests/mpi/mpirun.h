/* Black-box MPI test support: runs `$PAR_MPIEXEC [pre...] -n np <program>
 * args...` (mpiexec's path comes from CMake through ctest's environment). */
#ifndef PAR_TEST_MPIRUN_H
#define PAR_TEST_MPIRUN_H

#include "run.h"

/* pre and args are NULL-terminated lists (pre may be NULL); env as in
 * par_test_run. Fails the running cmocka test when mpiexec cannot start. */
struct par_test_out par_test_mpirun(const char *program, char *const *env, double timeout_s,
                                    const char *const *pre, int np, const char *const *args);

#define PAR_ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

#endif
