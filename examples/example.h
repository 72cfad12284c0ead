/* What every example program shares: stop with one clear line when a call
 * fails, and read an optional size from the command line (tests pass small
 * sizes so that the suite runs fast; without arguments each example uses the
 * cheatsheet's own). Header-only: each example is one file plus this. */
#ifndef PAR_EXAMPLE_H
#define PAR_EXAMPLE_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "error.h"
#include "kernels.h"

/* rc is 0, a negative PAR_E* code, or a positive errno value (what pthread_*
 * calls return). Anything but 0 ends the program with status 1. */
static inline void ex_check(int rc, const char *what)
{
    if (rc == 0)
        return;
    fprintf(stderr, "%s: %s\n", what, rc < 0 ? par_strerror(rc) : strerror(rc));
    exit(1);
}

/* argv[i] as an integer in [lo, hi], or def when absent. A bad value ends
 * the program with one line and status 2. */
static inline int ex_int_arg(int argc, char **argv, int i, int def, int lo, int hi)
{
    if (i >= argc)
        return def;
    char *end;
    errno = 0;
    long v = strtol(argv[i], &end, 10);
    if (errno || *end || end == argv[i] || v < lo || v > hi) {
        fprintf(stderr, "%s: argument %d '%s': expected an integer %d..%d\n", argv[0], i,
                argv[i], lo, hi);
        exit(2);
    }
    return (int)v;
}

/* Sleeps about ms milliseconds: pacing that stands in for the cheatsheet's
 * time.sleep(random()*5) "work", never for synchronisation. */
static inline void ex_pause_ms(int ms)
{
    struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* The futures examples' task (a par_task_fn, pthread/future.h): computes
 * fib(job->n) into job->value and hands the job back as the result. */
struct ex_fib_job {
    int64_t n, value;
};

static inline int ex_fib_task(void *arg, void **result)
{
    struct ex_fib_job *j = arg;
    j->value = par_fib(j->n);
    *result = j;
    return 0;
}

#endif
