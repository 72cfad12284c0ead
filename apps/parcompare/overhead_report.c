#include "overhead_report.h"

#include <math.h>
#include <string.h>

#include "metg.h"

/* Operations in table order (bench/overhead.c's names). */
static const char *const ops[] = { "fork/join", "barrier", "empty task", "map item",
                                   "round trip" };
#define NOPS (sizeof ops / sizeof *ops)

static double num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static const char *str(const cJSON *o, const char *key, const char *dflt)
{
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
    return s ? s : dflt;
}

static void row(FILE *f, const char *backend, const cJSON *r)
{
    char m[32], lo[32], hi[32];
    par_metg_us_text(num(r, "median_s"), m, sizeof m);
    par_metg_us_text(num(r, "low_s"), lo, sizeof lo);
    par_metg_us_text(num(r, "high_s"), hi, sizeof hi);
    double k = num(r, "inner_reps");
    fprintf(f, "| %s | %s | %s | [%s, %s] | %.0f | %s |\n", str(r, "op", "?"), backend, m, lo, hi,
            isnan(k) ? 0.0 : k, str(r, "what", ""));
}

static int known_op(const char *op)
{
    for (size_t i = 0; i < NOPS; i++)
        if (!strcmp(op, ops[i]))
            return 1;
    return 0;
}

int par__overhead_table(FILE *f, const cJSON *overhead)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(overhead, "backends"), *e, *r;
    int n = 0;
    fprintf(f, "| operation | back end | median µs | 95 %% CI µs | inner reps | what |\n"
            "|---|---|--:|--:|--:|---|\n");
    /* Known operations in their order, then any other a newer suite wrote. */
    for (size_t i = 0; i <= NOPS; i++)
        cJSON_ArrayForEach(e, list) {
            const char *be = str(e, "backend", "?");
            cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(e, "rows")) {
                const char *op = str(r, "op", "?");
                if (i < NOPS ? strcmp(op, ops[i]) == 0 : !known_op(op)) {
                    row(f, be, r);
                    n++;
                }
            }
        }
    fprintf(f, "\n");
    cJSON_ArrayForEach(e, list) {
        const char *status = str(e, "status", "?");
        if (!strcmp(status, "ok"))
            continue;
        int rows = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(e, "rows"));
        int failed = !strcmp(status, "failed");
        fprintf(f, "- %s: %s%s%s: %s%s\n", str(e, "backend", "?"), failed ? "**" : "", status,
                failed ? "**" : "", str(e, "why", "(no reason given)"),
                rows > 0 ? " (the rows it printed before are kept above)" : "");
        if (failed)
            fprintf(f, "  `%s`\n", str(e, "command", ""));
    }
    return n;
}

void par__overhead_report(FILE *f, const cJSON *overhead)
{
    if (!overhead)
        return;
    double w = num(overhead, "workers"), s = num(overhead, "samples");
    fprintf(f, "## Appendix: overheads of every back end\n\n"
            "What the basic operations of each back end cost on this machine, measured by "
            "`bench_overhead` (bench/overhead.c) with %.0f workers (MPI: 2 ranks) and %.0f "
            "samples per operation. Method (%s). fork/join is a pool-wide map of one empty "
            "item per worker for pthread and proc and an empty parallel region for omp; "
            "map item is per item of a 100,000-item map; round trip is one request and "
            "its answer with nothing else in flight. These costs are the floor under the "
            "task sizes in the METG section: a task much shorter than a back end's barrier "
            "or round trip cannot run efficiently on it.\n\n",
            isnan(w) ? 0.0 : w, isnan(s) ? 0.0 : s, str(overhead, "method", "EPCC"));
    int n = par__overhead_table(f, overhead);
    if (!n)
        fprintf(f, "No back end was measured.\n");
    fprintf(f, "\n");
}

void par__overhead_print(FILE *f, const cJSON *overhead)
{
    if (!overhead)
        return;
    fprintf(f, "\nOverheads of every back end (EPCC method; bench_overhead):\n\n");
    par__overhead_table(f, overhead);
}
