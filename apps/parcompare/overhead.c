#include "overhead.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "child.h"
#include "run.h"

/* Samples per operation: 11 in quick mode (ranks 2 and 10 bound the 95 %
 * interval), 21 in full. */
#define QUICK_SAMPLES 11
#define FULL_SAMPLES 21
#define MAX_ARGS 32

/* What bench_overhead has no rows for, and why (serial has no overhead). */
static const char *not_measured(int be)
{
    switch (be) {
    case PAR__BE_GIL:
        return "the pthread pool's costs plus the emulated interpreter lock, handed over "
               "every switch interval";
    case PAR__BE_HYBRID:
        return "between ranks it pays mpi's costs, inside a rank omp's";
    default:
        return NULL;
    }
}

static int suite_runs(int be)
{
    return be == PAR__BE_PTHREAD || be == PAR__BE_OMP || be == PAR__BE_PROC ||
           be == PAR__BE_MPI;
}

static size_t runs_in_plan(const struct par__plan *pl)
{
    size_t n = 0;
    for (int i = 0; i < pl->nbackends; i++)
        n += suite_runs(pl->backends[i]);
    return n;
}

size_t par__overhead_children(const struct par__plan *pl, const struct par__tools *t)
{
    return t->overhead[0] ? runs_in_plan(pl) : 0;
}

/* Keeps each stdout line that is a whole row; returns how many. */
static int read_rows(const char *out, cJSON *rows)
{
    int n = 0;
    for (const char *line = out; line && *line;) {
        size_t len = strcspn(line, "\n");
        cJSON *r = cJSON_ParseWithLength(line, len);
        if (r && cJSON_IsString(cJSON_GetObjectItemCaseSensitive(r, "op")) &&
            cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(r, "median_s"))) {
            cJSON_AddItemToArray(rows, r);
            n++;
        } else {
            cJSON_Delete(r);
        }
        line += len;
        if (*line == '\n')
            line++;
    }
    return n;
}

/* One child; fills entry's status, why, command and rows. Returns 1 when it
 * failed, 0 when it ran, -1 when out of memory. */
static int run_child(int be, const struct par__tools *t, int workers, int samples,
                     double timeout_s, cJSON *entry)
{
    const char *v[MAX_ARGS + 1];
    char nw[16], ns[16];
    snprintf(nw, sizeof nw, "%d", workers);
    snprintf(ns, sizeof ns, "%d", samples);
    int n = 0;
    if (be == PAR__BE_MPI) {
        n = par__mpirun_argv(t, v, MAX_ARGS - 8);
        v[n++] = "-n";
        v[n++] = "2"; /* the ping-pong's two ranks */
        v[n++] = t->overhead;
        v[n++] = "--mpi";
    } else {
        v[n++] = t->overhead;
        v[n++] = "--backend";
        v[n++] = par__be_name(be);
        v[n++] = "-j";
        v[n++] = nw;
    }
    v[n++] = "--json";
    v[n++] = "--samples";
    v[n++] = ns;
    v[n] = NULL;
    char command[1024] = "";
    for (int i = 0; i < n; i++)
        snprintf(command + strlen(command), sizeof command - strlen(command), "%s%s",
                 i ? " " : "", v[i]);
    cJSON_AddStringToObject(entry, "command", command);
    cJSON *rows = cJSON_AddArrayToObject(entry, "rows");
    struct par__child c;
    if (!rows || par__child_run((char *const *)v, NULL, timeout_s, &c))
        return -1;
    int got = c.started ? read_rows(c.out, rows) : 0;
    char why[400] = "", line[256], sig[32];
    if (!c.started)
        snprintf(why, sizeof why, "could not start %s: %s", v[0], strerror(c.exec_errno));
    else if (c.timed_out)
        snprintf(why, sizeof why, "timed out after %g s; killed with its process group",
                 timeout_s);
    else if (c.signal)
        snprintf(why, sizeof why, "crashed (%s): %s",
                 par__signal_name(c.signal, sig, sizeof sig),
                 par__last_line(c.err, line, sizeof line));
    else if (c.exit_code != 0)
        snprintf(why, sizeof why, "exit %d: %s", c.exit_code,
                 par__last_line(c.err, line, sizeof line)[0] ? line : "(no message)");
    else if (!got)
        snprintf(why, sizeof why, "exited 0 but printed no rows");
    par__child_free(&c);
    cJSON_AddStringToObject(entry, "status", why[0] ? "failed" : "ok");
    if (why[0])
        cJSON_AddStringToObject(entry, "why", why);
    return why[0] ? 1 : 0;
}

cJSON *par__overhead_run(const struct par__plan *pl, const struct par__tools *t,
                         double timeout_s, struct par__progress *pg, int *failures)
{
    *failures = 0;
    int samples = pl->full ? FULL_SAMPLES : QUICK_SAMPLES;
    cJSON *root = cJSON_CreateObject();
    if (!root)
        return NULL;
    cJSON_AddNumberToObject(root, "workers", pl->cores);
    cJSON_AddNumberToObject(root, "samples", samples);
    cJSON_AddStringToObject(root, "method",
                            "EPCC: inner repetitions from 8, doubled until the median of 5 "
                            "trials lasts max(2 ms, 1000 clock ticks); the median of a "
                            "reference loop of the same count subtracted; median and 95 % CI "
                            "of the samples, fewer (at least 6) once an operation has taken "
                            "1 s");
    cJSON *list = cJSON_AddArrayToObject(root, "backends");
    if (!list) {
        cJSON_Delete(root);
        return NULL;
    }
    if (!t->overhead[0] && runs_in_plan(pl))
        par__progress_note(pg, "parcompare: skipping the overhead suite: %s",
                           t->why_no_overhead);
    /* The back ends that run, then those that cannot run here. */
    int order[2 * PAR__BE_COUNT], usable[2 * PAR__BE_COUNT], norder = 0;
    for (int i = 0; i < pl->nbackends; i++) {
        order[norder] = pl->backends[i];
        usable[norder++] = 1;
    }
    for (int i = 0; i < pl->nskipped; i++) {
        order[norder] = pl->skipped[i];
        usable[norder++] = 0;
    }
    for (int i = 0; i < norder; i++) {
        int be = order[i];
        if (be == PAR__BE_SERIAL)
            continue;
        cJSON *e = cJSON_CreateObject();
        if (!e || !cJSON_AddItemToArray(list, e)) {
            cJSON_Delete(e);
            cJSON_Delete(root);
            return NULL;
        }
        cJSON_AddStringToObject(e, "backend", par__be_name(be));
        char label[64];
        snprintf(label, sizeof label, "overheads %s", par__be_name(be));
        if (!usable[i]) {
            cJSON_AddStringToObject(e, "status", "unavailable");
            cJSON_AddStringToObject(e, "why", t->why[be]);
            continue;
        }
        if (!suite_runs(be)) {
            cJSON_AddStringToObject(e, "status", "not measured");
            cJSON_AddStringToObject(e, "why", not_measured(be));
            continue;
        }
        if (!t->overhead[0]) { /* said once above */
            cJSON_AddStringToObject(e, "status", "unavailable");
            cJSON_AddStringToObject(e, "why", t->why_no_overhead);
            continue;
        }
        par__progress_start(pg, label);
        int rc = run_child(be, t, pl->cores, samples, timeout_s, e);
        if (rc < 0) {
            cJSON_Delete(root);
            return NULL;
        }
        const char *why = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "why"));
        char out[480];
        snprintf(out, sizeof out, "%s%s", rc ? "FAILED: " : "ok",
                 rc && why ? why : "");
        par__progress_done(pg, label, out, rc);
        *failures += rc;
    }
    return root;
}
