#include "python.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "child.h"
#include "records.h"
#include "story.h"

static const char *const script_names[PAR__PY_SCRIPTS] = {
    "gil_demo", "pool_vs_map", "multiprocessing_pool", "executors"
};

/* Pairs of rows whose ratio each program is about: (later / earlier). */
static const struct { int num, den; const char *what; } pairs[PAR__PY_SCRIPTS] = {
    { 1, 0, "two threads / one thread" },
    { 2, 3, "thread pool map / plain map" },
    { 5, 4, "process pool / serial" },
    { 7, 6, "process pool / thread pool" },
};

void par__python_init(struct par__pyrun *py, int asked, int full, int n, size_t items)
{
    memset(py, 0, sizeof *py);
    py->asked = asked;
    py->n = n ? n : full ? 35 : 32;
    py->items = items ? items : 999999;
    for (int i = 0; i < PAR__PY_SCRIPTS; i++)
        py->scripts[i].name = script_names[i];
}

const char *par__python_default_dir(const char *from_bin, const char *source_dir, char *buf,
                                    size_t len)
{
    char self[PAR__PATH_LEN], probe[2 * PAR__PATH_LEN];
    struct stat st;
    par__self_dir(self, sizeof self);
    snprintf(probe, sizeof probe, "%s/%s/%s.py", self, from_bin, script_names[0]);
    if (stat(probe, &st) == 0)
        snprintf(buf, len, "%s/%s", self, from_bin);
    else
        snprintf(buf, len, "%s", source_dir);
    return buf;
}

int par__python_ready(struct par__pyrun *py, const struct par__tools *t, const char *dir)
{
    if (!py->asked)
        return 0;
    if (!t->python[0]) {
        snprintf(py->why_not, sizeof py->why_not, "python3 was not found on PATH");
        return 0;
    }
    struct stat st;
    char probe[4096];
    snprintf(probe, sizeof probe, "%s/%s.py", dir, script_names[0]);
    if (stat(probe, &st) != 0) {
        snprintf(py->why_not, sizeof py->why_not, "the Python ports are not in %s "
                 "(give --python-dir DIR)", dir);
        return 0;
    }
    return 1;
}

void par__python_run(struct par__pyrun *py, const struct par__tools *t, const char *dir,
                     double timeout_s, struct par__progress *pg)
{
    if (!par__python_ready(py, t, dir))
        return;
    py->ran = 1;
    for (int i = 0; i < PAR__PY_SCRIPTS; i++) {
        char path[4096], num[32], label[64];
        snprintf(path, sizeof path, "%s/%s.py", dir, script_names[i]);
        int is_map = strcmp(script_names[i], "pool_vs_map") == 0;
        snprintf(num, sizeof num, "%zu", is_map ? py->items : (size_t)py->n);
        char *argv[] = { (char *)t->python, path, is_map ? "--items" : "--n", num, NULL };
        snprintf(py->scripts[i].command, sizeof py->scripts[i].command, "%.400s %.500s %s %s",
                 t->python, path, argv[2], num);
        snprintf(label, sizeof label, "python3 %s.py", script_names[i]);
        par__progress_start(pg, label);
        struct par__child c;
        char *why = py->scripts[i].why;
        size_t wl = sizeof py->scripts[i].why;
        if (par__child_run(argv, NULL, timeout_s, &c)) {
            snprintf(why, wl, "could not run it (out of memory or no pipes)");
        } else if (!c.started) {
            snprintf(why, wl, "could not start python3: %s", strerror(c.exec_errno));
        } else if (c.timed_out) {
            snprintf(why, wl, "timed out after %g s", timeout_s);
        } else if (c.exit_code != 0) {
            char line[200];
            snprintf(why, wl, "exit %d: %s", c.exit_code,
                     par__last_line(c.err, line, sizeof line));
        } else {
            /* The last line that is a JSON object with "timings". */
            const char *end = c.out + strlen(c.out);
            while (end > c.out && !py->scripts[i].ok) {
                const char *start = end;
                while (start > c.out && start[-1] != '\n')
                    start--;
                cJSON *j = cJSON_ParseWithLength(start, (size_t)(end - start));
                if (j && cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(j, "timings"))) {
                    py->scripts[i].json = j;
                    py->scripts[i].ok = 1;
                } else {
                    cJSON_Delete(j);
                }
                end = start > c.out ? start - 1 : c.out;
            }
            if (!py->scripts[i].ok)
                snprintf(why, wl, "printed no JSON line with \"timings\"");
        }
        char out[300];
        snprintf(out, sizeof out, "%s", py->scripts[i].ok ? "ok" : why);
        par__progress_done(pg, label, out, !py->scripts[i].ok);
        par__child_free(&c);
    }
}

/* The Python time of story row r, NaN when the port did not give it. */
static double py_time(const struct par__pyrun *py, const struct par__story_row *r)
{
    for (int i = 0; i < PAR__PY_SCRIPTS; i++)
        if (py->scripts[i].ok && strcmp(py->scripts[i].name, r->script) == 0) {
            const cJSON *tm = cJSON_GetObjectItemCaseSensitive(py->scripts[i].json, "timings");
            return par__json_num(tm, r->timing);
        }
    return NAN;
}

static double c_time(const struct par__pyrun *py, const struct par__matrix *m, int row, int alt)
{
    const struct par__point *p =
        par__story_point(m, &par__story_rows[row], alt, py->n, py->items);
    return p && p->status == PAR__ST_OK ? p->median : NAN;
}

void par__python_report(FILE *f, const struct par__pyrun *py, const struct par__matrix *m,
                        const struct par__tools *t)
{
    fprintf(f, "## Beside Python\n\n");
    if (!py->asked) {
        fprintf(f, "Not run (add --python to time our Python 3 ports in bench/python).\n\n");
        return;
    }
    if (!py->ran) {
        fprintf(f, "Not run: %s.\n\n", py->why_not);
        return;
    }
    fprintf(f, "Our Python 3 ports of the cheatsheet's timed programs (bench/python), run now "
            "with %s at fib(%d) and %zu items, beside the C points at the same sizes. Python's "
            "figures are one run each, pool start-up included (as the cheatsheet timed them); "
            "C's are medians of the timed call alone.\n\n",
            t->python_version[0] ? t->python_version : "python3", py->n, py->items);
    fprintf(f, "| program | timing | Python now | C now (back end) | Python ÷ C |\n"
            "|---|---|--:|--:|--:|\n");
    for (int i = 0; i < PAR__STORY_ROWS; i++) {
        const struct par__story_row *r = &par__story_rows[i];
        double p = py_time(py, r), c = c_time(py, m, i, 0);
        char a[32], b[32], ratio[32];
        if (isnan(p) || isnan(c))
            snprintf(ratio, sizeof ratio, "-");
        else
            snprintf(ratio, sizeof ratio, "%.0f×", p / c);
        fprintf(f, "| %s.py | `%s` | %s | %s (%s -j %d) | %s |\n", r->script, r->timing,
                par__fmt_seconds(p, a, sizeof a), par__fmt_seconds(c, b, sizeof b),
                par__be_name(r->be), r->be == PAR__BE_SERIAL ? 1 : r->workers, ratio);
    }
    fprintf(f, "\nWithin each program, the ratio the cheatsheet was about (below 1: the "
            "parallel version is faster):\n\n| program | ratio | Python | C | C, emulated GIL |\n"
            "|---|---|--:|--:|--:|\n");
    for (int i = 0; i < PAR__PY_SCRIPTS; i++) {
        const struct par__story_row *num = &par__story_rows[pairs[i].num];
        const struct par__story_row *den = &par__story_rows[pairs[i].den];
        double pr = py_time(py, num) / py_time(py, den);
        double cr = c_time(py, m, pairs[i].num, 0) / c_time(py, m, pairs[i].den, 0);
        double gr = num->alt_be >= 0 ? c_time(py, m, pairs[i].num, 1)
                                         / c_time(py, m, pairs[i].den, 0) : NAN;
        if (pairs[i].den == 6) /* process / thread: the GIL sits in the denominator */
            gr = c_time(py, m, pairs[i].num, 0) / c_time(py, m, pairs[i].den, 1);
        char a[24], b[24], g[24];
        snprintf(a, sizeof a, isnan(pr) ? "-" : "%.2f", pr);
        snprintf(b, sizeof b, isnan(cr) ? "-" : "%.2f", cr);
        snprintf(g, sizeof g, isnan(gr) ? "-" : "%.2f", gr);
        fprintf(f, "| %s.py | %s | %s | %s | %s |\n", script_names[i], pairs[i].what, a, b, g);
    }
    int failed = 0;
    for (int i = 0; i < PAR__PY_SCRIPTS; i++)
        if (!py->scripts[i].ok) {
            if (!failed++)
                fprintf(f, "\n");
            fprintf(f, "- %s.py failed: %s\n", script_names[i], py->scripts[i].why);
        }
    fprintf(f, "\n");
}

cJSON *par__python_json(const struct par__pyrun *py, const struct par__matrix *m)
{
    if (!py->ran)
        return NULL;
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddNumberToObject(o, "n", py->n);
    cJSON_AddNumberToObject(o, "items", (double)py->items);
    cJSON *scripts = cJSON_AddArrayToObject(o, "scripts");
    for (int i = 0; i < PAR__PY_SCRIPTS; i++) {
        cJSON *s = cJSON_CreateObject();
        cJSON_AddStringToObject(s, "script", py->scripts[i].name);
        cJSON_AddStringToObject(s, "command", py->scripts[i].command);
        cJSON_AddBoolToObject(s, "ok", py->scripts[i].ok);
        if (py->scripts[i].ok)
            cJSON_AddItemToObject(s, "output", cJSON_Duplicate(py->scripts[i].json, 1));
        else
            cJSON_AddStringToObject(s, "error", py->scripts[i].why);
        cJSON_AddItemToArray(scripts, s);
    }
    cJSON *rows = cJSON_AddArrayToObject(o, "rows");
    for (int i = 0; i < PAR__STORY_ROWS; i++) {
        const struct par__story_row *r = &par__story_rows[i];
        double p = py_time(py, r), c = c_time(py, m, i, 0);
        cJSON *row = cJSON_CreateObject();
        cJSON_AddStringToObject(row, "script", r->script);
        cJSON_AddStringToObject(row, "timing", r->timing);
        if (isnan(p))
            cJSON_AddNullToObject(row, "python_s");
        else
            cJSON_AddNumberToObject(row, "python_s", p);
        cJSON_AddStringToObject(row, "c_backend", par__be_name(r->be));
        cJSON_AddNumberToObject(row, "c_workers", r->be == PAR__BE_SERIAL ? 1 : r->workers);
        if (isnan(c))
            cJSON_AddNullToObject(row, "c_s");
        else
            cJSON_AddNumberToObject(row, "c_s", c);
        if (isnan(p) || isnan(c))
            cJSON_AddNullToObject(row, "python_over_c");
        else
            cJSON_AddNumberToObject(row, "python_over_c", p / c);
        cJSON_AddItemToArray(rows, row);
    }
    return o;
}

void par__python_free(struct par__pyrun *py)
{
    for (int i = 0; i < PAR__PY_SCRIPTS; i++) {
        cJSON_Delete(py->scripts[i].json);
        py->scripts[i].json = NULL;
    }
}
