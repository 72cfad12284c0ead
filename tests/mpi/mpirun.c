#include "mpirun.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

struct par_test_out par_test_mpirun(const char *program, char *const *env, double timeout_s,
                                    const char *const *pre, int np, const char *const *args)
{
    const char *mpiexec = getenv("PAR_MPIEXEC");
    if (!mpiexec || !*mpiexec)
        fail_msg("PAR_MPIEXEC is not set (run through ctest)");
    char nps[16];
    snprintf(nps, sizeof nps, "%d", np);
    char *argv[48];
    int n = 0;
    argv[n++] = (char *)mpiexec;
    for (; pre && *pre && n < 40; pre++)
        argv[n++] = (char *)*pre;
    argv[n++] = "-n";
    argv[n++] = nps;
    argv[n++] = (char *)par_test_bin(program);
    for (; *args && n < 47; args++)
        argv[n++] = (char *)*args;
    argv[n] = NULL;
    struct par_test_out out;
    if (par_test_run(argv, env, NULL, timeout_s, &out))
        fail_msg("could not start %s", mpiexec);
    return out;
}
