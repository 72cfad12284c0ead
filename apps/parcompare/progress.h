/* Progress on stderr while the matrix runs: one line rewritten in place when
 * stderr is a terminal ("[ 12/64] fib omp -j 2 ..."), plain lines otherwise.
 * Notes (skips, failures) are printed as lines of their own either way.
 * Single-threaded. */
#ifndef PAR_CMP_PROGRESS_H
#define PAR_CMP_PROGRESS_H

#include <stddef.h>

struct par__progress {
    int tty;          /* stderr is a terminal */
    size_t total;     /* points to run */
    size_t done;      /* points finished */
    int line_open;    /* tty: a status line is on screen */
    double t0;        /* start, for the elapsed time */
};

void par__progress_init(struct par__progress *pg, size_t total);

/* A point starts: on a terminal, rewrite the status line. */
void par__progress_start(struct par__progress *pg, const char *what);

/* A point (announced by par__progress_start) ended with a one-line
 * outcome; failed points are always shown. */
void par__progress_done(struct par__progress *pg, const char *what, const char *outcome,
                        int failed);

/* A line of its own (printf format), e.g. "skipping mpi: ...". */
void par__progress_note(struct par__progress *pg, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Clears the status line. */
void par__progress_end(struct par__progress *pg);

#endif
