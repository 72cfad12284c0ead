#include "story.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "table.h"

/* The cheatsheet's printed figures (python-concurrency-cheatsheet.rst). */
const struct par__story_row par__story_rows[PAR__STORY_ROWS] = {
    { "Performance Problem - GIL", "gil_demo", "nothread", 9.51164007187,
      PAR_W_FIB, 2, PAR__BE_SERIAL, 1, -1 },
    { "Performance Problem - GIL", "gil_demo", "hasthread", 11.3131771088,
      PAR_W_FIB, 2, PAR__BE_PTHREAD, 2, PAR__BE_GIL },
    { "Compare with map performance", "pool_vs_map", "pool_map", 0.562669038773,
      PAR_W_MAP, 0, PAR__BE_PTHREAD, 10, PAR__BE_GIL },
    { "Compare with map performance", "pool_vs_map", "ordinary_map", 0.38525390625,
      PAR_W_MAP, 0, PAR__BE_SERIAL, 1, -1 },
    { "Solving GIL problem via processes", "multiprocessing_pool", "nomultiprocess",
      23.8454811573, PAR_W_FIB, 5, PAR__BE_SERIAL, 1, -1 },
    { "Solving GIL problem via processes", "multiprocessing_pool", "hasmultiprocess",
      13.2433719635, PAR_W_FIB, 5, PAR__BE_PROC, 5, -1 },
    { "PoolExecutor", "executors", "thread", 12.550225019454956,
      PAR_W_FIB, 2, PAR__BE_PTHREAD, 2, PAR__BE_GIL },
    { "PoolExecutor", "executors", "process", 5.538189888000488,
      PAR_W_FIB, 2, PAR__BE_PROC, 2, -1 },
};

/* Row indices the sentences compare with each other. */
enum { R_NOTHREAD, R_HASTHREAD, R_POOLMAP, R_ORDMAP, R_NOMP, R_HASMP, R_THREAD, R_PROCESS };

struct par__sizes par__story_sizes(const struct par__story_row *r, int n, size_t items)
{
    struct par__sizes s = { 0 };
    if (r->workload == PAR_W_MAP) {
        s.items = items;
    } else {
        s.n = n;
        s.k = r->calls;
    }
    return s;
}

static int add_one(struct par__matrix *m, const struct par__tools *t,
                   const struct par__story_row *r, int be, int n, size_t items, int reps,
                   int warmup, int set)
{
    if (be < 0 || !t->usable[be])
        return 0;
    struct par__point p = {
        .sets = set, .workload = r->workload, .backend = (enum par__be)be,
        .workers = be == PAR__BE_SERIAL ? 1 : r->workers,
        .sizes = par__story_sizes(r, n, items), .reps = reps, .warmup = warmup,
    };
    return par__matrix_add(m, &p) < 0 ? -1 : 0;
}

int par__story_plan(struct par__matrix *m, const struct par__tools *t, int n, size_t items,
                    int reps, int warmup, int set)
{
    for (int i = 0; i < PAR__STORY_ROWS; i++) {
        const struct par__story_row *r = &par__story_rows[i];
        if (add_one(m, t, r, r->be, n, items, reps, warmup, set)
            || add_one(m, t, r, r->alt_be, n, items, reps, warmup, set))
            return -1;
    }
    return 0;
}

const struct par__point *par__story_point(const struct par__matrix *m,
                                          const struct par__story_row *r, int alt, int n,
                                          size_t items)
{
    int be = alt ? r->alt_be : (int)r->be;
    if (be < 0)
        return NULL;
    struct par__sizes s = par__story_sizes(r, n, items);
    return par__matrix_find((struct par__matrix *)m, r->workload, (enum par__be)be,
                            be == PAR__BE_SERIAL ? 1 : r->workers, &s);
}

const char *par__fmt_seconds(double s, char *buf, size_t len)
{
    if (isnan(s))
        snprintf(buf, len, "-");
    else if (s >= 1.0)
        snprintf(buf, len, "%.2f s", s);
    else if (s >= 1e-3)
        snprintf(buf, len, "%.3g ms", s * 1e3);
    else
        snprintf(buf, len, "%.3g µs", s * 1e6);
    return buf;
}

/* The median of row i's C point (alt: its second back end), NaN if none. */
static double c_time(const struct par__matrix *m, int i, int alt, int n, size_t items)
{
    const struct par__point *p = par__story_point(m, &par__story_rows[i], alt, n, items);
    return p && p->status == PAR__ST_OK ? p->median : NAN;
}

/* "1.9× faster" / "1.2× slower" / "no faster and no slower (0.98×)" for a
 * time ratio new/old; every form reads on with "than ...". */
static const char *compare(double ratio, char *buf, size_t len)
{
    if (ratio < 0.95)
        snprintf(buf, len, "%.2f× faster", 1.0 / ratio);
    else if (ratio > 1.05)
        snprintf(buf, len, "%.2f× slower", ratio);
    else
        snprintf(buf, len, "no faster and no slower (%.2f×)", ratio);
    return buf;
}

/* Appends to the string in buf (truncating, as snprintf does). */
__attribute__((format(printf, 3, 4)))
static void appendf(char *buf, size_t len, const char *fmt, ...)
{
    size_t used = strlen(buf);
    if (used + 1 >= len)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + used, len - used, fmt, ap);
    va_end(ap);
}

/* One sentence for row i, into buf. */
static void sentence(const struct par__matrix *m, int i, int n, size_t items, int cores,
                     char *buf, size_t len)
{
    const struct par__story_row *r = &par__story_rows[i];
    double c = c_time(m, i, 0, n, items);
    if (isnan(c)) {
        const struct par__point *p = par__story_point(m, r, 0, n, items);
        snprintf(buf, len, "Not measured: %s.",
                 p ? p->why : "the back end is not usable on this machine (see Skipped)");
        return;
    }
    char a[48], b[48], t1[32];
    double alt = c_time(m, i, 1, n, items);
    switch (i) {
    case R_NOTHREAD:
    case R_NOMP:
        snprintf(buf, len, "The same %d fib(%d) calls take %s in C, %.0f× less than the printed "
                 "figure: compiled code makes each of fib's calls in about a nanosecond, where "
                 "CPython interprets bytecode and allocates an object per integer.",
                 r->calls, n, par__fmt_seconds(c, t1, sizeof t1), r->printed_s / c);
        break;
    case R_HASTHREAD: {
        double s = c_time(m, R_NOTHREAD, 0, n, items);
        double py = r->printed_s / par__story_rows[R_NOTHREAD].printed_s;
        snprintf(buf, len, "CPython's GIL lets one thread run at a time, so two threads "
                 "were %s than one; C threads share no such lock and are %s than one "
                 "thread on %d cores",
                 compare(py, a, sizeof a), compare(c / s, b, sizeof b), cores);
        if (!isnan(alt))
            appendf(buf, len, ", while our gil back end, which emulates the lock, is %s.",
                    compare(alt / s, a, sizeof a));
        else
            appendf(buf, len, ".");
        break;
    }
    case R_POOLMAP: {
        double s = c_time(m, R_ORDMAP, 0, n, items);
        double py = r->printed_s / par__story_rows[R_ORDMAP].printed_s;
        double cr = c / s;
        snprintf(buf, len, "A ThreadPool(10) only added hand-off cost to ~0.4 µs of "
                 "interpreted work per item (%s than plain map); in C, 10 threads on "
                 "%d cores are %s than the serial loop: %s",
                 compare(py, a, sizeof a), cores, compare(cr, b, sizeof b),
                 cr < 0.95 ? "the pool hands out large chunks of items, so even ~1 ns "
                             "of work per item is worth splitting"
                           : "at ~1 ns per item, starting ten threads' share of the "
                             "work costs about what it saves");
        if (!isnan(alt))
            appendf(buf, len, " (with the emulated GIL: %s).", compare(alt / s, a, sizeof a));
        else
            appendf(buf, len, ".");
        break;
    }
    case R_ORDMAP:
        snprintf(buf, len, "C squares the %zu items in %s, %.0f× less than CPython's map, "
                 "which calls a lambda and allocates an integer object for every item.",
                 items, par__fmt_seconds(c, t1, sizeof t1), r->printed_s / c);
        break;
    case R_HASMP: {
        double s = c_time(m, R_NOMP, 0, n, items);
        double py = par__story_rows[R_NOMP].printed_s / r->printed_s;
        snprintf(buf, len, "Processes escape the GIL in both languages: Pool(5) gave Python "
                 "%.2f×, C's 5 forked workers give %.2f× on %d cores (the cores cap it, not "
                 "the 5 workers); C forks its pool before the clock starts, Python's figure "
                 "includes starting Pool(5).", py, s / c, cores);
        break;
    }
    case R_THREAD: {
        double p = c_time(m, R_PROCESS, 0, n, items);
        double py = r->printed_s / par__story_rows[R_PROCESS].printed_s;
        snprintf(buf, len, "ThreadPoolExecutor(2) ran the two calls one at a time "
                 "under the GIL (%s than the process pool); C threads run both at once",
                 compare(py, a, sizeof a));
        if (!isnan(p))
            appendf(buf, len, " and are %s than C's process pool", compare(c / p, b, sizeof b));
        if (!isnan(alt) && !isnan(p))
            appendf(buf, len, "; with the emulated GIL they are %s.",
                    compare(alt / p, a, sizeof a));
        else
            appendf(buf, len, ".");
        break;
    }
    case R_PROCESS: {
        double th = c_time(m, R_THREAD, 0, n, items);
        double py = par__story_rows[R_THREAD].printed_s / r->printed_s;
        if (isnan(th)) {
            snprintf(buf, len, "Processes were Python's only way onto both cores (%.2f× faster "
                     "than threads); the C thread pool was not measured to compare.", py);
            break;
        }
        double ratio = c / th;
        const char *why = ratio > 1.15 ? "paying for pipes and a second address space where "
                                         "threads share memory."
                        : ratio < 0.87 ? "which is not what processes cost against threads "
                                         "(both run the two calls on both cores at once): look "
                                         "at the MADs and the machine-load line before reading "
                                         "anything into it."
                                       : "since both run the two calls on both cores, the "
                                         "workers are forked before the clock and each call "
                                         "sends only a few bytes through a pipe.";
        snprintf(buf, len, "Processes were Python's only way onto both cores (%.2f× faster than "
                 "threads); in C they are %s than threads, %s", py, compare(ratio, a, sizeof a),
                 why);
        break;
    }
    default:
        snprintf(buf, len, "-");
    }
}

static const char *timed_what(const struct par__story_row *r, int n, size_t items, char *buf,
                              size_t len)
{
    if (r->workload == PAR_W_MAP)
        snprintf(buf, len, "x**2 over %zu items", items);
    else
        snprintf(buf, len, "fib(%d) x %d", n, r->calls);
    return buf;
}

static const char *c_cell(const struct par__matrix *m, const struct par__story_row *r, int n,
                          size_t items, char *buf, size_t len)
{
    char t[32], u[32];
    const struct par__point *p = par__story_point(m, r, 0, n, items);
    const struct par__point *q = par__story_point(m, r, 1, n, items);
    if (!p || p->status != PAR__ST_OK)
        snprintf(buf, len, "- (%s)", par__be_name(r->be));
    else
        snprintf(buf, len, "%s (%s -j %d)", par__fmt_seconds(p->median, t, sizeof t),
                 par__be_name(r->be), p->workers);
    if (q && q->status == PAR__ST_OK)
        appendf(buf, len, "; %s (%s -j %d)", par__fmt_seconds(q->median, u, sizeof u),
                par__be_name(q->backend), q->workers);
    return buf;
}

void par__story_report(FILE *f, const struct par__matrix *m, const struct par__tools *t,
                       int ran, int n, size_t items, int cores)
{
    (void)t;
    fprintf(f, "## The cheatsheet story\n\n");
    if (!ran) {
        fprintf(f, "Not run (--no-story).\n\n");
        return;
    }
    fprintf(f, "Every timing the cheatsheet printed, beside the C point that answers it, "
            "measured now on this machine. C times are medians of the timed map call alone "
            "(workers started before the clock); the Python figures are single runs that "
            "include starting the pool.");
    if (n != 35 || items != 999999)
        fprintf(f, " **These C points ran at n=%d and %zu items, not the cheatsheet's 35 and "
                "999,999, so the factors are not like for like.**", n, items);
    fprintf(f, "\n\n| cheatsheet section | timing | what was timed | Python, as printed | "
            "C now | what changed and why |\n|---|---|---|--:|--:|---|\n");
    for (int i = 0; i < PAR__STORY_ROWS; i++) {
        const struct par__story_row *r = &par__story_rows[i];
        char what[64], cc[128], s[900];
        sentence(m, i, n, items, cores, s, sizeof s);
        fprintf(f, "| %s | `%s` | %s | %.2f s | %s | %s |\n", r->section, r->timing,
                timed_what(r, n, items, what, sizeof what), r->printed_s,
                c_cell(m, r, n, items, cc, sizeof cc), s);
    }
    fprintf(f, "\nThe `gil` back end runs the kernels under an emulated interpreter lock, to "
            "show in C what the GIL did to Python's threads. In \"Solving GIL problem via "
            "processes\" the cheatsheet's fib reads `if n >= 2: return 1`, which returns at "
            "once; its printed times must come from the usual fib (`n <= 2`), which is what "
            "both our C kernels and our Python ports compute.\n\n");
}

cJSON *par__story_json(const struct par__matrix *m, int n, size_t items, int cores)
{
    cJSON *arr = cJSON_CreateArray();
    if (!arr)
        return NULL;
    for (int i = 0; i < PAR__STORY_ROWS; i++) {
        const struct par__story_row *r = &par__story_rows[i];
        cJSON *o = cJSON_CreateObject();
        if (!o)
            break;
        char s[900];
        sentence(m, i, n, items, cores, s, sizeof s);
        cJSON_AddStringToObject(o, "section", r->section);
        cJSON_AddStringToObject(o, "timing", r->timing);
        cJSON_AddNumberToObject(o, "python_printed_s", r->printed_s);
        cJSON_AddStringToObject(o, "workload", par_workload_name(r->workload));
        if (r->workload == PAR_W_MAP)
            cJSON_AddNumberToObject(o, "items", (double)items);
        else {
            cJSON_AddNumberToObject(o, "n", n);
            cJSON_AddNumberToObject(o, "k", r->calls);
        }
        for (int alt = 0; alt < 2; alt++) {
            const struct par__point *p = par__story_point(m, r, alt, n, items);
            if (!p)
                continue;
            cJSON *c = cJSON_CreateObject();
            cJSON_AddStringToObject(c, "backend", par__be_name(p->backend));
            cJSON_AddNumberToObject(c, "workers", p->workers);
            cJSON_AddStringToObject(c, "status", par__status_name(p->status));
            if (p->status == PAR__ST_OK) {
                cJSON_AddNumberToObject(c, "median_s", p->median);
                cJSON_AddNumberToObject(c, "mad_s", p->mad);
            } else {
                cJSON_AddNullToObject(c, "median_s");
            }
            cJSON_AddItemToObject(o, alt ? "c_alt" : "c", c);
        }
        cJSON_AddStringToObject(o, "sentence", s);
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}
