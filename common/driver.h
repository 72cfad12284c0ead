/* The common driver behind poolmap and parmap: options, warm-up,
 * repetitions, timing around the back end's map/tree only, verification
 * against the serial reference outside the timed region, statistics, output.
 *
 * Exit status of par_driver_main: 0 every repetition verified; 1 a run
 * failed or a result did not verify; 2 a usage error (one line on stderr).
 *
 * Test-only fault switch: PAR_TEST_FAULT=<backend>:<fault> (backend "*"
 * matches any) makes runs on that back end misbehave so that tools above
 * (parcompare) can be tested on failures: "wrong" corrupts one result after
 * the timed region, "fail" reports a back-end error, "crash" aborts the
 * process, "hang" blocks forever. PAR_TEST_TIMES (see inject.h) replaces
 * the measured times with a given series, so that what is computed from
 * them can be tested without depending on load. */
#ifndef PAR_DRIVER_H
#define PAR_DRIVER_H
#include "export.h"
PAR_BEGIN_DECLS

#include <stddef.h>

#include "backend.h"
#include "env.h"
#include "options.h"

struct par_tool {
    const char *name;                  /* program name for messages: "poolmap" */
    const char *default_backend;
    enum par_workload default_workload;
    const struct par_backend_entry *backends;  /* every back end, built or not */
    size_t nbackends;
    int rank_hint;      /* the launcher's rank (MPI), 0 otherwise: only 0 prints */
    const char *workers_env; /* "OMP_NUM_THREADS" for threads; NULL for processes */
    /* Optional: adds what only the registry knows (OpenMP, MPI versions). */
    void (*env_extra)(struct par_env *env);
    /* Optional: a tool's own usage checks once the options are final (the
     * back end is found and built). Returns 0, or non-zero with a one-line
     * message in msg: a usage error (exit 2). */
    int (*check_opts)(const struct par_opts *o, const char *backend, char *msg, size_t len);
};

int par_driver_main(int argc, char **argv, const struct par_tool *tool);

PAR_END_DECLS
#endif
