/* Shared by the poolmap black-box tests: run poolmap with arguments. */
#ifndef PAR_POOLMAP_RUN_H
#define PAR_POOLMAP_RUN_H

#include <string.h>
#include <cjson/cJSON.h>

#include "run.h"

/* Runs poolmap with a NULL-terminated argument list and extra environment. */
static inline struct par_test_out poolmap_env(char *const *env, const char *const *args)
{
    char *argv[40];
    int n = 0;
    argv[n++] = (char *)par_test_bin("poolmap");
    for (; *args && n < 39; args++)
        argv[n++] = (char *)*args;
    argv[n] = NULL;
    struct par_test_out out;
    if (par_test_run(argv, env, NULL, 60, &out))
        out.status = -1;
    return out;
}

#define POOLMAP(...) poolmap_env(NULL, (const char *const[]){ __VA_ARGS__, NULL })
#define POOLMAP_ENV(env, ...) poolmap_env(env, (const char *const[]){ __VA_ARGS__, NULL })

#endif
