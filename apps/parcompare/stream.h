/* Sustainable memory bandwidth, measured as McCalpin's STREAM benchmark
 * measures it, with its "triad" kernel:
 *
 *     a[i] = b[i] + s * c[i]      (double a[n], b[n], c[n])
 *
 * Source: J. D. McCalpin, "Memory Bandwidth and Machine Balance in Current
 * High Performance Computers", IEEE Computer Society TCCA Newsletter, Dec.
 * 1995, and the STREAM benchmark (https://www.cs.virginia.edu/stream/). As
 * STREAM does, and so that our GB/s compare with published STREAM figures:
 *   - bytes counted: 3 x 8 per element (two loads, one store); the extra
 *     read a write-allocate cache makes for the store is not counted;
 *   - the time is the best (shortest) of the repetitions after the first,
 *     which is left out;
 *   - units are decimal: GB/s = 1e9 bytes per second;
 *   - with several threads each initialises (first touch) and computes its
 *     own contiguous slice, and a repetition's time runs from a barrier
 *     before to a barrier after the kernel;
 *   - the result is checked after timing.
 * STREAM also asks for each array to be at least 4 times the last-level
 * cache; the caller chooses n (bandwidth.c says how and records whether the
 * rule was met). Our own code, written from the description above. */
#ifndef PAR_CMP_STREAM_H
#define PAR_CMP_STREAM_H

#include <stddef.h>

/* STREAM's byte count per element of the triad: b[i], c[i] read, a[i] written. */
#define PAR__TRIAD_BYTES_PER_ELEMENT 24

struct par__triad {
    size_t n;         /* elements per array */
    int threads;      /* threads that ran the kernel */
    int reps;         /* timed repetitions (after one untimed) */
    double best_s;    /* the shortest timed repetition, seconds */
    double gbs;       /* 24 n / best_s / 1e9 */
};

/* Runs the triad over three arrays of n doubles (allocated and freed here):
 * first on `threads` threads (the caller's thread is one of them; each
 * first-touches its slice), then on the caller's thread alone over the same
 * arrays; each time one untimed repetition then `reps` timed ones. Fills
 * *all and *one. n >= threads >= 1, reps >= 1. Returns 0; PAR_EINVAL (bad
 * arguments); PAR_ENOMEM; PAR_ESYS (a thread could not start); PAR_EVERIFY
 * (a[] does not hold b + s*c afterwards). */
int par__triad_measure(size_t n, int threads, int reps, struct par__triad *one,
                       struct par__triad *all);

#endif
