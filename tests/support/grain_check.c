#include "grain_check.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "grain.h"

int par_test_grain_matches_serial(const struct par_backend *be, struct par_run *run, char *msg,
                                  size_t len)
{
    /* A failed call fails on every rank alike (MPI agrees), so it ends the
     * loop at once; a wrong answer, seen only by the root, does not. */
    /* T below, at and above the worker counts tests use (1, 2, 3, 5); S odd
     * and even (the buffers swap by parity); I across a tick block (4096). */
    static const size_t tasks[] = { 1, 2, 3, 7, 64 };
    static const int64_t steps[] = { 1, 2, 5 };
    static const int64_t iters[] = { 1, 5000 };
    int ok = 1, matched = 1;
    for (int p = 0; p < PAR_PATTERN_COUNT_; p++)
        for (size_t a = 0; a < sizeof tasks / sizeof *tasks; a++)
            for (size_t b = 0; b < sizeof steps / sizeof *steps; b++)
                for (size_t c = 0; c < sizeof iters / sizeof *iters; c++) {
                    size_t t = tasks[a];
                    int64_t *out = calloc(t, sizeof *out), *ref = calloc(t, sizeof *ref);
                    int64_t *ser = calloc(t, sizeof *ser), *scratch = calloc(2 * t, 8);
                    if (!out || !ref || !ser || !scratch) {
                        snprintf(msg, len, "out of memory");
                        ok = 0;
                    }
                    struct par_grain job = { iters[c], t, steps[b], (enum par_pattern)p, out };
                    int rc = ok ? be->grain(run, &job) : PAR_ENOMEM;
                    if (ok && rc) {
                        snprintf(msg, len, "%s grain failed: %s: %s", be->name,
                                 par_strerror(rc), run->errmsg);
                        ok = 0;
                    }
                    if (ok && run->is_root) {
                        struct par_grain sj = job;
                        sj.out = ser;
                        par_grain_run_serial(&sj, scratch);
                        if (par_grain_reference(iters[c], t, steps[b], job.pattern, ref))
                            ok = 0;
                        for (size_t i = 0; matched && i < t; i++)
                            if (out[i] != ref[i] || ser[i] != ref[i]) {
                                snprintf(msg, len, "%s, pattern %s, T=%zu S=%" PRId64
                                         " I=%" PRId64 ", %d workers: task %zu got %" PRId64
                                         ", serial %" PRId64 ", reference %" PRId64,
                                         be->name, par_pattern_name(job.pattern), t, steps[b],
                                         iters[c], run->workers, i, out[i], ser[i], ref[i]);
                                matched = 0;   /* keep going: MPI ranks stay in step */
                            }
                    }
                    free(out);
                    free(ref);
                    free(ser);
                    free(scratch);
                    if (!ok)
                        return 0;
                }
    return matched;
}
