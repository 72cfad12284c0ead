/* Rule 11 of Hoefler & Belli (SC'15): show an upper bound beside what was
 * measured. parcompare measures this machine's memory bandwidth once per run
 * (STREAM triad, stream.h) on one thread and on every core, and from it the
 * least time `map` can take at each worker count:
 *
 *   bytes(map)      = 16 x items   in[i] read (8 B) and out[i] written (8 B),
 *                                  counted as STREAM counts (no
 *                                  write-allocate read; see below)
 *   bandwidth(w)    = min(w x B1, Ball) for w < cores, Ball from w = cores
 *                                  on. B1: one thread's triad GB/s, Ball:
 *                                  all cores' (a worker cannot go faster
 *                                  than one thread alone, nor all of them
 *                                  faster than the whole machine; workers
 *                                  beyond the cores share them)
 *   bound(w)        = bytes(map) / bandwidth(w)   seconds; no map run on w
 *                                  workers can be faster
 *
 * Why the count is a true lower bound: map's kernel (x*x on an int64) costs
 * a few instructions per 16 bytes, so it can at best stream its arrays. A
 * write-allocate cache also reads out[i] before writing it (24 B real per
 * item), but the triad's store does the same and STREAM does not count it
 * either, so counting 16 B against STREAM's GB/s can only make the bound
 * lower (looser), never higher than the truth. The bound holds for data in
 * memory; a map whose arrays fit in the last-level cache may beat it (the
 * report says when the arrays are that small). Extra copies a back end makes
 * (MPI's scatter/gather, proc's sockets) are the back end's cost, not part
 * of the bound.
 *
 * Test-only: PAR_TEST_BANDWIDTH="<one>,<all>" (GB/s) replaces the
 * measurement, so that the files can be checked against known values. */
#ifndef PAR_CMP_BANDWIDTH_H
#define PAR_CMP_BANDWIDTH_H

#include <stddef.h>
#include <stdio.h>

#include <cJSON.h>

#include "matrix.h"

/* STREAM-convention bytes map moves per item (one int64 read, one written). */
#define PAR__MAP_BYTES_PER_ITEM 16

enum par__bw_state { PAR__BW_NONE, PAR__BW_MEASURED, PAR__BW_INJECTED };

struct par__bandwidth {
    enum par__bw_state state;
    double one_gbs, all_gbs;  /* triad GB/s on 1 thread and on `threads` threads */
    int threads;              /* the cores */
    size_t array_bytes;       /* bytes per array (3 arrays) */
    size_t llc_bytes;         /* last-level cache as the C library reports it; 0 unknown */
    int reps;                 /* timed repetitions of each measurement */
    double cost_s;            /* wall time the measurements took */
    char why[200];            /* PAR__BW_NONE: why there is none */
};

/* Parses PAR_TEST_BANDWIDTH's value "<one>,<all>" (GB/s, each in (0, 1e6]).
 * Returns 0, or PAR_EINVAL with one line in msg. */
int par__bandwidth_parse(const char *spec, double *one, double *all, char *msg, size_t len);

/* Bytes per STREAM array: `mib` MiB when > 0, else 4 x the last-level cache
 * (STREAM's rule) between 32 MiB and 64 MiB (--quick) or 256 MiB (--full).
 * A multiple of 8. */
size_t par__bandwidth_array_bytes(size_t llc_bytes, int full, int mib);

/* Measures (or takes PAR_TEST_BANDWIDTH) into *bw: one thread, then `cores`
 * threads. A failure leaves state NONE with the reason in bw->why; it is not
 * a failure of the run. Returns PAR_EINVAL only for a malformed
 * PAR_TEST_BANDWIDTH (message in bw->why). */
int par__bandwidth_measure(struct par__bandwidth *bw, int cores, int full, int mib);

/* The bound arithmetic above: bytes(map) for `items` items; the bandwidth
 * (GB/s) w workers can have; bound(w) in seconds (NaN without a
 * bandwidth or for w < 1). */
double par__map_bytes(double items);
double par__bandwidth_for(const struct par__bandwidth *bw, int workers);
double par__map_bound_s(const struct par__bandwidth *bw, double items, int workers);

/* Sets p->bw_bound_s on every matrix map point (from its record's items),
 * NaN elsewhere or without a bandwidth. */
void par__bandwidth_derive(struct par__matrix *m, const struct par__bandwidth *bw);

/* results.json's "bandwidth" object (owned by the caller; NULL out of memory). */
cJSON *par__bandwidth_json(const struct par__bandwidth *bw);

/* One line for the console (markdown 0) or a paragraph for report.md. */
void par__bandwidth_print(FILE *f, const struct par__bandwidth *bw, int markdown);

/* Under the map table: the bound at each worker count of the matrix's map
 * points, in the table's unit ("" when there is none). */
void par__bandwidth_bound_line(FILE *f, const struct par__matrix *m, double scale,
                               const char *unit, int markdown);

#endif
