/* parcompare as a user sees it, on a tiny matrix (sizes of a few
 * milliseconds): the files it writes and their schemas, a back end forced to
 * fail, crash or hang (PAR_TEST_FAULT) while the other points complete,
 * --baseline on a doctored baseline, and one-line errors for bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <cJSON.h>
#include <ftw.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run.h"

#define RUN_TIMEOUT_S 100.0
/* Serial near 10 ms, any other back end near 5 ms on 2 workers and 6 ms
 * otherwise, with some spread (1 %: every CI is disjoint from the others). */
#define INJECTED_TIMES "PAR_TEST_TIMES=serial:0.0100,0.0102,0.0098,0.0101,0.0099;" \
                       "*/2:0.0050,0.0051,0.0049,0.00505,0.00495;"                   \
                       "*:0.0060,0.0061,0.0059,0.00605,0.00595"
/* 12.5 GB/s on one thread, 20 on all cores (rule 11's bound; bandwidth.h). */
#define INJECTED_BANDWIDTH "PAR_TEST_BANDWIDTH=12.5,20"
#define MAX_ARGS 48

static char tmpdir[256];
static char second[16];          /* a back end besides serial: pthread, else omp */
static char base_dir[320];       /* the matrix every schema test reads */
static struct par_test_out base; /* its run */

static const char *pc_path(void)
{
    static char path[4096];
    const char *dir = getenv("PAR_BIN_DIR");
    if (!dir) {
        fprintf(stderr, "PAR_BIN_DIR is not set (run through ctest)\n");
        abort();
    }
    snprintf(path, sizeof path, "%s/parcompare", dir);
    return path;
}

/* Runs parcompare with env (may be NULL) and a NULL-terminated list of
 * arguments. */
static struct par_test_out pc(char *const env[], ...)
{
    char *argv[MAX_ARGS + 2];
    int n = 0;
    argv[n++] = (char *)pc_path();
    va_list ap;
    va_start(ap, env);
    for (char *a = va_arg(ap, char *); a && n < MAX_ARGS; a = va_arg(ap, char *))
        argv[n++] = a;
    va_end(ap);
    argv[n] = NULL;
    struct par_test_out r;
    if (par_test_run(argv, env, NULL, RUN_TIMEOUT_S, &r))
        fail_msg("could not run %s", argv[0]);
    return r;
}

static void expect_exit(const struct par_test_out *r, int code)
{
    if (r->status != code)
        fail_msg("expected exit %d, got %d\nstdout:\n%s\nstderr:\n%s", code, r->status, r->out,
                 r->err);
}

static cJSON *load_json(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *text = par_test_slurp(path);
    if (!text)
        fail_msg("%s was not written", path);
    cJSON *j = cJSON_Parse(text);
    free(text);
    if (!j)
        fail_msg("%s does not parse as JSON", path);
    return j;
}

static char *read_file(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *text = par_test_slurp(path);
    if (!text)
        fail_msg("%s was not written", path);
    return text;
}

static const char *str_of(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static double num_of(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsNumber(v))
        fail_msg("\"%s\" is not a number", key);
    return v->valuedouble;
}

/* The record of (workload, backend, workers) in the matrix set, or NULL. */
static const cJSON *find_record(const cJSON *root, const char *w, const char *b, int workers)
{
    const cJSON *r;
    cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(root, "records")) {
        if (strstr(str_of(r, "set"), "matrix") && strcmp(str_of(r, "workload"), w) == 0
            && strcmp(str_of(r, "backend"), b) == 0 && num_of(r, "workers") == workers)
            return r;
    }
    return NULL;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st; (void)flag; (void)ftw;
    return remove(path);
}

/* poolmap --list-backends says which back ends exist here. */
static int built(const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/poolmap", getenv("PAR_BIN_DIR"));
    char *argv[] = { path, "--list-backends", NULL };
    struct par_test_out r;
    if (par_test_run(argv, NULL, NULL, 30, &r))
        return 0;
    size_t len = strlen(name);
    int yes = 0;
    for (const char *line = r.out; *line;) {
        if (strncmp(line, name, len) == 0 && line[len] == ' '
            && strncmp(line + len + strspn(line + len, " "), "built", 5) == 0)
            yes = 1;
        const char *nl = strchr(line, '\n');
        line = nl ? nl + 1 : line + strlen(line);
    }
    par_test_out_free(&r);
    return yes;
}

static int group_setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/parcompare-test-XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    /* OpenMP under ThreadSanitizer reports libgomp's own synchronisation. */
#ifndef PAR_SANITIZE_thread
    const int omp_ok = 1;
#else
    const int omp_ok = 0;
#endif
    if (built("pthread"))
        snprintf(second, sizeof second, "pthread");
    else if (omp_ok && built("omp"))
        snprintf(second, sizeof second, "omp");
    char backends[64];
    snprintf(backends, sizeof backends, "serial%s%s", second[0] ? "," : "", second);
    snprintf(base_dir, sizeof base_dir, "%s/base", tmpdir);
    /* Injected times (PAR_TEST_TIMES): the derived numbers the schema
     * tests check (speed-up, Karp-Flatt, the fastest mark) must not depend
     * on how loaded the machine is. The back ends still run and verify. */
    char *const times_env[] = { INJECTED_TIMES, INJECTED_BANDWIDTH, NULL };
    base = pc(times_env, "--workloads", "map,fib", "--backends", backends, "--workers", "1,2",
              "--items", "1000", "--n", "18", "--k", "2", "--reps", "6", "--warmup", "0",
              "--story-n", "12", "--story-items", "1000", "--out", base_dir, NULL);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    par_test_out_free(&base);
    if (tmpdir[0])
        nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    return 0;
}

static void skip_without_second_backend(void)
{
    if (!second[0]) {
        fprintf(stderr, "no pthread or omp back end in this build\n");
        skip();
    }
}

/* ---- the matrix and its files --------------------------------------------- */

static void tiny_matrix_verifies_every_point_and_exits_0(void **state)
{
    (void)state;
    expect_exit(&base, 0);
    assert_non_null(strstr(base.out, "all "));
    assert_non_null(strstr(base.out, "points verified"));
    assert_non_null(strstr(base.out, "report:  "));
    assert_non_null(strstr(base.out, "/report.md"));
    /* One table per workload, serial first, the fastest marked. */
    assert_non_null(strstr(base.out, "map: items=1000"));
    assert_non_null(strstr(base.out, "fib: n=18, k=2"));
    assert_int_equal(par_test_count(base.out, "<- fastest"), 2);
    assert_null(strstr(base.err, "Traceback"));
}

static void results_json_has_every_record_and_the_environment(void **state)
{
    (void)state;
    cJSON *root = load_json(base_dir, "results.json");
    assert_string_equal(str_of(root, "tool"), "parcompare");
    assert_string_equal(str_of(root, "mode"), "quick");
    assert_true(num_of(root, "cores") >= 1);
    const cJSON *env = cJSON_GetObjectItemCaseSensitive(root, "env");
    assert_true(cJSON_IsObject(env));
    const char *env_keys[] = { "host", "cpu", "compiler", "flags", "openmp", "mpi" };
    for (size_t i = 0; i < sizeof env_keys / sizeof *env_keys; i++)
        if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(env, env_keys[i])))
            fail_msg("env lacks \"%s\"", env_keys[i]);
    assert_true(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(env, "binding")));
    assert_true(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(env, "interference")));

    int matrix = 0;
    const cJSON *r;
    cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(root, "records")) {
        assert_string_equal(str_of(r, "status"), "ok");
        assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "verified")));
        assert_true(num_of(r, "median_s") > 0);
        assert_true(num_of(r, "mad_s") >= 0);
        assert_true(cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(r, "times_s")));
        assert_true(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(r, "params")));
        assert_true(strncmp(str_of(r, "checksum"), "0x", 2) == 0);
        assert_non_null(strstr(str_of(r, "command"), "--json"));
        if (strstr(str_of(r, "set"), "matrix"))
            matrix++;
    }
    /* serial once per workload, the second back end at 1 and 2 workers. */
    assert_int_equal(matrix, second[0] ? 6 : 2);
    const cJSON *serial = find_record(root, "fib", "serial", 1);
    assert_non_null(serial);
    assert_true(num_of(serial, "speedup") == 1.0);
    if (second[0]) {
        const cJSON *two = find_record(root, "fib", second, 2);
        assert_non_null(two);
        double s = num_of(two, "speedup"), e = num_of(two, "efficiency");
        double kf = num_of(two, "karp_flatt");
        /* The derived numbers agree with each other: e = S/2 and
         * Karp-Flatt = (1/S - 1/2) / (1 - 1/2) on 2 workers. */
        double cores = num_of(root, "cores"), q = cores < 2 ? cores : 2;
        assert_true(fabs(e - s / q) < 1e-9);
        if (q == 2)
            assert_true(fabs(kf - (1 / s - 0.5) / 0.5) < 1e-9);
        assert_true(fabs(s - num_of(serial, "median_s") / num_of(two, "median_s")) < 1e-9);
    }
    /* The story has all eight printed timings. */
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(root, "story")), 8);
    cJSON_Delete(root);
}

static void results_csv_has_the_documented_columns(void **state)
{
    (void)state;
    char *csv = read_file(base_dir, "results.csv");
    const char *header = "set,workload,backend,kind,workers,items,n,k,cutoff,reps,warmup,"
                         "median_s,mad_s,min_s,max_s,mean_s,stddev_s,speedup,efficiency,"
                         "karp_flatt,fastest,checksum,verified,status,error,wall_s,"
                         "baseline_median_s,change,regression,ci_low_s,ci_high_s,samples,"
                         "warmups,target_reached,speedup_low,speedup_high,tied_with,"
                         "cannot_judge\n";
    assert_true(strncmp(csv, header, strlen(header)) == 0);
    cJSON *root = load_json(base_dir, "results.json");
    int records = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(root, "records"));
    cJSON_Delete(root);
    assert_int_equal(par_test_lines(csv), records + 1);
    /* Every row has as many fields as the header (no field holds a comma). */
    int fields = par_test_count(header, ",") + 1;
    for (char *line = strchr(csv, '\n') + 1; *line; line = strchr(line, '\n') + 1) {
        char *end = strchr(line, '\n');
        *end = '\0';
        assert_int_equal(par_test_count(line, ",") + 1, fields);
        assert_non_null(strstr(line, ",true,ok,"));
        *end = '\n';
    }
    free(csv);
}

static void report_md_has_every_section(void **state)
{
    (void)state;
    char *md = read_file(base_dir, "report.md");
    const char *sections[] = { "## Summary", "## How to read the tables", "## Results",
                               "### map", "### fib", "## The cheatsheet story",
                               "## Beside Python", "## Failures", "## Environment",
                               "| back end | kind | workers | median [95% CI]",
                               "Karp–Flatt", "**fastest**", "`nothread`", "`hasthread`",
                               "`pool_map`", "`ordinary_map`", "`nomultiprocess`",
                               "`hasmultiprocess`", "`thread`", "`process`", "9.51 s",
                               "None: every point verified." };
    for (size_t i = 0; i < sizeof sections / sizeof *sections; i++)
        if (!strstr(md, sections[i]))
            fail_msg("report.md lacks \"%s\"", sections[i]);
    /* Plots: drawn and linked, or one sentence saying why not. */
    if (!strstr(md, "![speedup-fib.png](speedup-fib.png)"))
        assert_non_null(strstr(md, "No plots: "));
    else {
        char png[400];
        snprintf(png, sizeof png, "%s/speedup-fib.png", base_dir);
        struct stat st;
        assert_int_equal(stat(png, &st), 0);
        assert_true(st.st_size > 1000);
    }
    free(md);
}

/* Every round of invocations runs the points in the same order, so each
 * point's invocations are exactly one round (n points) apart in the progress
 * lines stderr gets when it is not a terminal: "[  3/28    0s] map serial
 * -j 1 [invocation 1/2]  <outcome>". Reversed rounds would put the last
 * point's two invocations next to each other (invocations.h says why not). */
static void every_round_runs_the_points_in_plan_order(void **state)
{
    (void)state;
    expect_exit(&base, 0);
    enum { MAX_LINES = 512 };
    static char label[MAX_LINES][128];
    int round[MAX_LINES], rounds = 0, lines = 0, first = 0;
    for (const char *l = base.err, *next; l && *l; l = next) {
        const char *eol = strchr(l, '\n');
        next = eol ? eol + 1 : NULL;
        const char *start = strstr(l, "] "), *tag = strstr(l, " [invocation ");
        if (*l != '[' || !start || !tag || start > tag || (eol && tag > eol))
            continue;
        assert_true(lines < MAX_LINES);
        int r, of;
        assert_int_equal(sscanf(tag, " [invocation %d/%d]", &r, &of), 2);
        snprintf(label[lines], sizeof label[0], "%.*s", (int)(tag - start - 2), start + 2);
        round[lines++] = r;
        first += r == 1;
        rounds = of;
    }
    assert_int_equal(rounds, 2); /* quick mode's default */
    assert_true(first > 2);
    assert_int_equal(lines, first * rounds);
    /* Line j + n is line j's point in the next round, for every j. */
    for (int j = 0; j < lines; j++) {
        assert_int_equal(round[j], j / first + 1);
        if (j >= first)
            assert_string_equal(label[j], label[j - first]);
    }
}

/* ---- failures ------------------------------------------------------------- */

/* Runs fib on serial and the second back end with a fault on the second. */
static struct par_test_out faulty_run(const char *fault, const char *out, const char *timeout)
{
    char env_fault[64], backends[64], dir[320];
    snprintf(env_fault, sizeof env_fault, "PAR_TEST_FAULT=%s:%s", second, fault);
    snprintf(backends, sizeof backends, "serial,%s", second);
    snprintf(dir, sizeof dir, "%s/%s", tmpdir, out);
    char *env[] = { env_fault, NULL };
    return pc(env, "--workloads", "map,fib", "--backends", backends, "--workers", "1",
              "--items", "1000", "--n", "18", "--k", "2", "--reps", "1", "--warmup", "0",
              "--no-story", "--timeout", timeout, "--out", dir, NULL);
}

static void check_fault(struct par_test_out r, const char *out, const char *status,
                        const char *why)
{
    expect_exit(&r, 1);
    char dir[320];
    snprintf(dir, sizeof dir, "%s/%s", tmpdir, out);
    cJSON *root = load_json(dir, "results.json");
    /* The faulty back end failed on both workloads; serial still verified. */
    const char *ws[] = { "map", "fib" };
    for (int i = 0; i < 2; i++) {
        const cJSON *bad = find_record(root, ws[i], second, 1);
        const cJSON *good = find_record(root, ws[i], "serial", 1);
        assert_non_null(bad);
        assert_non_null(good);
        assert_string_equal(str_of(bad, "status"), status);
        if (!strstr(str_of(bad, "why"), why))
            fail_msg("why '%s' lacks '%s'", str_of(bad, "why"), why);
        assert_string_equal(str_of(good, "status"), "ok");
        assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(bad, "speedup")));
        /* A failed run has no median. */
        assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(bad, "median_s")));
    }
    cJSON_Delete(root);
    /* The table shows both failures; the footer counts them. */
    assert_int_equal(par_test_count(r.out, "FAILED"), 3);
    assert_non_null(strstr(r.out, "2 of 4 points FAILED"));
    char *md = read_file(dir, "report.md");
    assert_non_null(strstr(md, "**2 of 4 points failed** (see Failures)"));
    char line[96];
    snprintf(line, sizeof line, "- fib %s -j 1: **%s**", second, status);
    assert_non_null(strstr(md, line));
    snprintf(line, sizeof line, "- map %s -j 1: **%s**", second, status);
    assert_non_null(strstr(md, line));
    free(md);
    par_test_out_free(&r);
}

static void wrong_results_show_as_unverified_and_the_rest_completes(void **state)
{
    (void)state;
    skip_without_second_backend();
    check_fault(faulty_run("wrong", "wrong", "60"), "wrong", "unverified", "not verified");
}

static void a_crashing_child_shows_as_crashed(void **state)
{
    (void)state;
    skip_without_second_backend();
    check_fault(faulty_run("crash", "crash", "60"), "crash", "crashed", "SIGABRT");
}

static void a_hanging_child_is_killed_at_the_timeout(void **state)
{
    (void)state;
    skip_without_second_backend();
    /* The timeout applies to the good serial points too: 5 s is a hundred
     * times what they need, so that a loaded machine (ASan, parallel ctest)
     * cannot make them time out as well (1 s once did). */
    check_fault(faulty_run("hang", "hang", "5"), "hang", "timeout", "timed out after 5 s");
}

/* ---- --baseline ------------------------------------------------------------ */

/* Every --baseline run, the reference included, reports injected times, so
 * a verdict depends only on the doctoring below, never on load (a live
 * reference once made an injected regression pass: issue 10). */
static struct par_test_out baseline_run(const char *baseline, const char *out)
{
    char dir[320];
    snprintf(dir, sizeof dir, "%s/%s", tmpdir, out);
    char *const env[] = { INJECTED_TIMES, NULL };
    if (!baseline)
        return pc(env, "--workloads", "map,fib", "--backends", "serial", "--items", "1000",
                  "--n", "18", "--k", "2", "--reps", "6", "--warmup", "0", "--no-story",
                  "--out", dir, NULL);
    return pc(env, "--workloads", "map,fib", "--backends", "serial", "--items", "1000", "--n",
              "18", "--k", "2", "--reps", "6", "--warmup", "0", "--no-story", "--baseline",
              baseline, "--out", dir, NULL);
}

static void scale_number(cJSON *r, const char *key, double scale)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(r, key);
    if (cJSON_IsNumber(v))
        cJSON_ReplaceItemInObjectCaseSensitive(r, key, cJSON_CreateNumber(v->valuedouble * scale));
}

static void write_json(const char *path, const cJSON *root)
{
    char *text = cJSON_Print(root);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    free(text);
}

/* Writes a copy of the injected reference run's results.json with every
 * time (samples, median, CI, spread) scaled by `others`, except the fib
 * serial point's, scaled by `fib_serial`. */
static void doctored_baseline(const char *path, double fib_serial, double others)
{
    static int have_ref;
    char ref[320];
    snprintf(ref, sizeof ref, "%s/baseline-ref", tmpdir);
    if (!have_ref) {
        struct par_test_out r = baseline_run(NULL, "baseline-ref");
        expect_exit(&r, 0);
        par_test_out_free(&r);
        have_ref = 1;
    }
    cJSON *root = load_json(ref, "results.json");
    cJSON *r;
    cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(root, "records")) {
        int is_it = strcmp(str_of(r, "workload"), "fib") == 0
                 && strcmp(str_of(r, "backend"), "serial") == 0 && strstr(str_of(r, "set"), "matrix");
        double scale = is_it ? fib_serial : others;
        static const char *const keys[] = { "median_s", "mad_s", "min_s", "max_s", "mean_s",
                                            "stddev_s", "ci_low_s", "ci_high_s" };
        for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
            scale_number(r, keys[k], scale);
        cJSON *t;
        cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(r, "times_s"))
            cJSON_SetNumberValue(t, t->valuedouble * scale);
        cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(r, "invocations")) {
            scale_number(t, "median_s", scale);
            scale_number(t, "ci_low_s", scale);
            scale_number(t, "ci_high_s", scale);
        }
    }
    write_json(path, root);
    cJSON_Delete(root);
}

/* A doctored baseline as above, with every record's invocations changed by
 * `edit` (which may delete them). */
static void doctored_invocations(const char *path, double fib_serial,
                                 void (*edit)(cJSON *record))
{
    doctored_baseline(path, fib_serial, 1.0);
    char *text = read_file(tmpdir, path + strlen(tmpdir) + 1);
    cJSON *root = cJSON_Parse(text);
    free(text);
    assert_non_null(root);
    cJSON *r;
    cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(root, "records"))
        edit(r);
    write_json(path, root);
    cJSON_Delete(root);
}


static void baseline_flags_an_injected_regression(void **state)
{
    (void)state;
    char path[320];
    snprintf(path, sizeof path, "%s/baseline-slow.json", tmpdir);
    /* The baseline says fib on serial took half the time it now takes
     * (+100 %, far beyond the injected spread of 2 %); map is unchanged. */
    doctored_baseline(path, 0.5, 1.0);
    struct par_test_out r = baseline_run(path, "regressed");
    expect_exit(&r, 1);
    assert_int_equal(par_test_count(r.out, "\nREGRESSION "), 1); /* footer lines */
    assert_non_null(strstr(r.out, "REGRESSION fib serial -j 1"));
    assert_non_null(strstr(r.out, "baseline: 1 regression among 2 matched points"));
    char dir[320];
    snprintf(dir, sizeof dir, "%s/regressed", tmpdir);
    cJSON *root = load_json(dir, "results.json");
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(root, "baseline");
    assert_int_equal((int)num_of(b, "regressions"), 1);
    const cJSON *fib = find_record(root, "fib", "serial", 1);
    const cJSON *fb = cJSON_GetObjectItemCaseSensitive(fib, "baseline");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(fb, "regression")));
    assert_true(fabs(num_of(fb, "change") - 1.0) < 1e-6);
    const cJSON *map = find_record(root, "map", "serial", 1);
    const cJSON *mb = cJSON_GetObjectItemCaseSensitive(map, "baseline");
    assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(mb, "regression")));
    cJSON_Delete(root);
    char *md = read_file(dir, "report.md");
    assert_non_null(strstr(md, "## Against the baseline"));
    assert_non_null(strstr(md, "REGRESSION"));
    free(md);
    par_test_out_free(&r);
}

/* A baseline doctored by `scale` everywhere gives exit 0 and no verdict. */
static void expect_no_regression(const char *file, double scale, const char *out)
{
    char path[320];
    snprintf(path, sizeof path, "%s/%s", tmpdir, file);
    doctored_baseline(path, scale, scale);
    struct par_test_out r = baseline_run(path, out);
    expect_exit(&r, 0);
    assert_int_equal(par_test_count(r.out, "REGRESSION"), 0);
    assert_non_null(strstr(r.out, "baseline: 0 regressions among 2 matched points"));
    par_test_out_free(&r);
}

static void baseline_without_slowdown_passes(void **state)
{
    (void)state;
    expect_no_regression("baseline-same.json", 1.0, "steady");
}

static void a_faster_run_is_no_regression(void **state)
{
    (void)state;
    /* The baseline was three times slower everywhere. */
    expect_no_regression("baseline-fast.json", 3.0, "faster");
}

static void too_few_samples_cannot_be_judged_exit_3(void **state)
{
    (void)state;
    char path[320], dir[320];
    snprintf(path, sizeof path, "%s/baseline-slow3.json", tmpdir);
    doctored_baseline(path, 0.5, 1.0); /* +100 % on fib: still no verdict */
    snprintf(dir, sizeof dir, "%s/three", tmpdir);
    char *const env[] = { INJECTED_TIMES, NULL };
    /* 2 repetitions in each of the 2 invocations: 4 samples, no CI. */
    struct par_test_out r = pc(env, "--workloads", "map,fib", "--backends", "serial", "--items",
                               "1000", "--n", "18", "--k", "2", "--reps", "2", "--warmup", "0",
                               "--no-story", "--baseline", path, "--out", dir, NULL);
    expect_exit(&r, 3);
    assert_int_equal(par_test_count(r.out, "REGRESSION"), 0);
    assert_non_null(strstr(r.out, "baseline: cannot judge 2 of them"));
    assert_int_equal(par_test_count(r.out, "cannot judge"), 3); /* 2 rows + the footer */
    cJSON *root = load_json(dir, "results.json");
    const cJSON *fb = cJSON_GetObjectItemCaseSensitive(find_record(root, "fib", "serial", 1),
                                                       "baseline");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(fb, "cannot_judge")));
    assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(fb, "regression")));
    cJSON_Delete(root);
    /* One sample: no +-, and no interval anywhere. */
    assert_null(strstr(r.out, "±"));
    par_test_out_free(&r);
}

/* The fib point's two invocations in the baseline were 2.5x apart. */
static void spread_fib_invocations(cJSON *r)
{
    if (strcmp(str_of(r, "workload"), "fib") != 0)
        return;
    cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(r, "invocations"), 0);
    assert_non_null(first);
    scale_number(first, "median_s", 0.4);
}

static void noise_floor_absorbs_a_run_to_run_gap(void **state)
{
    (void)state;
    char path[320], dir[320];
    snprintf(path, sizeof path, "%s/baseline-spread.json", tmpdir);
    /* +100 % on fib, with disjoint CIs -- but two invocations of the same
     * point differed by 150 % in the baseline: not a regression. */
    doctored_invocations(path, 0.5, spread_fib_invocations);
    snprintf(dir, sizeof dir, "%s/spread", tmpdir);
    struct par_test_out r = baseline_run(path, "spread");
    expect_exit(&r, 0);
    assert_int_equal(par_test_count(r.out, "REGRESSION"), 0);
    assert_non_null(strstr(r.out, "baseline: 0 regressions among 2 matched points"));
    assert_non_null(strstr(r.out, "noise floor"));
    assert_non_null(strstr(r.out, "noise floor 150%"));
    assert_non_null(strstr(r.out, "fib 150%"));
    cJSON *root = load_json(dir, "results.json");
    const cJSON *fl = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(root, "baseline"), "noise_floor");
    assert_true(fabs(num_of(fl, "fib") - 1.5) < 1e-6);
    assert_true(fabs(num_of(cJSON_GetObjectItemCaseSensitive(root, "baseline"), "noise_floor_all")
                     - 1.5) < 1e-6);
    assert_true(fabs(num_of(fl, "map")) < 1e-9); /* injected: identical invocations */
    const cJSON *fb = cJSON_GetObjectItemCaseSensitive(find_record(root, "fib", "serial", 1),
                                                       "baseline");
    assert_true(fabs(num_of(fb, "change") - 1.0) < 1e-6);
    assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(fb, "regression")));
    cJSON_Delete(root);
    par_test_out_free(&r);
}

static void drop_invocations(cJSON *r)
{
    cJSON_DeleteItemFromObjectCaseSensitive(r, "invocations");
}

static void one_invocation_cannot_judge_exit_3(void **state)
{
    (void)state;
    char path[320], dir[320];
    snprintf(path, sizeof path, "%s/baseline-one.json", tmpdir);
    doctored_invocations(path, 0.5, drop_invocations); /* +100 % on fib */
    snprintf(dir, sizeof dir, "%s/one", tmpdir);
    char *const env[] = { INJECTED_TIMES, NULL };
    struct par_test_out r = pc(env, "--workloads", "map,fib", "--backends", "serial", "--items",
                               "1000", "--n", "18", "--k", "2", "--reps", "6", "--warmup", "0",
                               "--invocations", "1", "--no-story", "--baseline", path, "--out",
                               dir, NULL);
    expect_exit(&r, 3);
    assert_int_equal(par_test_count(r.out, "REGRESSION"), 0);
    assert_non_null(strstr(r.out, "baseline: cannot judge 2 of them: every point ran in one "
                                  "invocation"));
    cJSON *root = load_json(dir, "results.json");
    const cJSON *fb = cJSON_GetObjectItemCaseSensitive(find_record(root, "fib", "serial", 1),
                                                       "baseline");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(fb, "cannot_judge")));
    assert_string_equal(str_of(fb, "why_no_verdict"), "run-to-run noise unknown");
    cJSON_Delete(root);
    par_test_out_free(&r);
}

/* Two points whose CIs overlap are tied: neither is called fastest. */
static void overlapping_points_are_tied_not_fastest(void **state)
{
    (void)state;
    skip_without_second_backend();
    char dir[320], backends[64];
    snprintf(dir, sizeof dir, "%s/tied", tmpdir);
    snprintf(backends, sizeof backends, "serial,%s", second);
    /* -j 1 and -j 2 report the same series. */
    char *const env[] = { "PAR_TEST_TIMES=serial:0.010,0.011,0.009;*:0.006,0.0061,0.0059",
                          NULL };
    struct par_test_out r = pc(env, "--workloads", "fib", "--backends", backends, "--workers",
                               "1,2", "--n", "18", "--k", "2", "--reps", "6", "--warmup", "0",
                               "--no-story", "--out", dir, NULL);
    expect_exit(&r, 0);
    assert_int_equal(par_test_count(r.out, "<- fastest"), 0);
    char want[64];
    snprintf(want, sizeof want, "<- tied with %s -j ", second);
    assert_int_equal(par_test_count(r.out, want), 1);
    cJSON *root = load_json(dir, "results.json");
    const cJSON *rec;
    int tied = 0;
    cJSON_ArrayForEach(rec, cJSON_GetObjectItemCaseSensitive(root, "records")) {
        assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(rec, "fastest")));
        tied += cJSON_IsString(cJSON_GetObjectItemCaseSensitive(rec, "tied_with"));
    }
    assert_int_equal(tied, 1);
    /* Karp-Flatt is n/a at -j 1 (one core), a number at -j 2 (S > 1). */
    assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(find_record(root, "fib", second, 1),
                                                              "karp_flatt")));
    cJSON_Delete(root);
    par_test_out_free(&r);
}

/* ---- bad input ------------------------------------------------------------- */

/* A refused run: exit 2, nothing on stdout, one line on stderr that starts
 * with "parcompare: " and names the culprit. */
struct bad_case {
    const char *args[5];  /* NULL-terminated */
    const char *says;
};

static void every_bad_input_is_one_line_and_exit_2(void **state)
{
    (void)state;
    char file[320], dir[320];
    snprintf(file, sizeof file, "%s/a-file", tmpdir);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fclose(f);
    snprintf(dir, sizeof dir, "%s/never", tmpdir);
    const struct bad_case cases[] = {
        { { "--backends", "serial,nope" }, "unknown back end 'nope'" },
        { { "--workloads", "fib,nope" }, "unknown workload 'nope'" },
        { { "--backends", "" }, "--backends: empty list" },
        { { "--workloads", "" }, "--workloads: empty list" },
        { { "--workloads", "map,,fib" }, "empty entry" },
        { { "--workers", "" }, "--workers: empty list" },
        { { "--workers", "0" }, "--workers: expected worker counts in 1..1024" },
        { { "--workers", "1,x" }, "got 'x'" },
        { { "--reps", "0" }, "--reps" },
        { { "--timeout", "0" }, "--timeout" },
        { { "--threshold", "-5" }, "--threshold" },
        { { "--quick", "--full" }, "choose one" },
        { { "--bogus" }, "unknown option '--bogus'" },
        { { "stray" }, "unexpected argument 'stray'" },
        { { "--out", "/dev/null/x" }, "--out: cannot create folder" },
        { { "--out", file }, "is not a folder" },
        { { "--bin-dir", dir, "--out", dir }, "cannot find poolmap" },
        { { "--baseline", file, "--out", dir }, "not valid JSON" },
        { { "--baseline", dir, "--out", dir }, "--baseline: cannot open" },
        { { "--stream-mib", "0" }, "--stream-mib" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const struct bad_case *c = &cases[i];
        struct par_test_out r = pc(NULL, c->args[0], c->args[1], c->args[2], c->args[3], NULL);
        if (r.status != 2 || r.out[0] || par_test_lines(r.err) != 1
            || strncmp(r.err, "parcompare: ", 12) != 0 || !strstr(r.err, c->says))
            fail_msg("case %zu (%s): exit %d, stdout '%s', stderr '%s'; wanted exit 2 and one "
                     "line saying '%s'", i, c->args[0], r.status, r.out, r.err, c->says);
        par_test_out_free(&r);
    }
    /* A malformed test variable is refused the same way. */
    char *const bad_bw[] = { "PAR_TEST_BANDWIDTH=fast", NULL };
    struct par_test_out r = pc(bad_bw, "--out", dir, NULL);
    if (r.status != 2 || par_test_lines(r.err) != 1 || !strstr(r.err, "PAR_TEST_BANDWIDTH"))
        fail_msg("PAR_TEST_BANDWIDTH=fast: exit %d, stderr '%s'", r.status, r.err);
    par_test_out_free(&r);
    /* Nothing was written for runs that were refused. */
    struct stat st;
    assert_int_not_equal(stat(dir, &st), 0);
}

/* ---- rule 11: the memory-bandwidth bound on map ------------------------------ */

/* The base run had 12.5 GB/s (one thread) and 20 GB/s (all cores) injected:
 * the console, results.json, report.md and the plot data carry them and the
 * bound they put on map: 16 B x 1000 items / 12.5 GB/s = 1.28 us on one
 * worker, / 20 GB/s = 0.8 us on 2 (2 workers reach all of a 2-core
 * machine's bandwidth and, with more cores, 2 x 12.5 is more than 20). */
static void the_bandwidth_and_its_bound_on_map_are_reported(void **state)
{
    (void)state;
    expect_exit(&base, 0);
    assert_non_null(strstr(base.out, "memory bandwidth (injected by PAR_TEST_BANDWIDTH, not "
                                     "measured"));
    assert_non_null(strstr(base.out, "12.5 GB/s on 1 thread, 20.0 GB/s on"));
    assert_non_null(strstr(base.out, "memory-bandwidth bound (16 B/item at STREAM triad GB/s): "
                                     "at least 0.00128 ms at 1 worker"));

    cJSON *root = load_json(base_dir, "results.json");
    const cJSON *bw = cJSON_GetObjectItemCaseSensitive(root, "bandwidth");
    assert_true(cJSON_IsObject(bw));
    assert_string_equal(str_of(bw, "state"), "injected (test)");
    assert_true(num_of(bw, "one_thread_gbs") == 12.5);
    assert_true(num_of(bw, "all_cores_gbs") == 20);
    assert_true(num_of(bw, "map_bytes_per_item") == 16);
    const cJSON *serial = find_record(root, "map", "serial", 1);
    assert_non_null(serial);
    assert_true(fabs(num_of(serial, "bandwidth_bound_s") - 16.0 * 1000 / 12.5e9) < 1e-15);
    if (second[0]) {
        const cJSON *two = find_record(root, "map", second, 2);
        assert_non_null(two);
        assert_true(fabs(num_of(two, "bandwidth_bound_s") - 16.0 * 1000 / 20e9) < 1e-15);
    }
    const cJSON *fib = find_record(root, "fib", "serial", 1);
    assert_null(cJSON_GetObjectItemCaseSensitive(fib, "bandwidth_bound_s"));
    cJSON_Delete(root);

    char *md = read_file(base_dir, "report.md");
    assert_non_null(strstr(md, "**12.5 GB/s** on 1 thread, **20.0 GB/s** on"));
    assert_non_null(strstr(md, "no `map` run can be faster than 0.00128 ms at 1 worker"));
    free(md);
    /* The time plot's data: a bound beside the bars (when gnuplot drew). */
    char path[400];
    snprintf(path, sizeof path, "%s/plots/time-map.dat", base_dir);
    char *dat = par_test_slurp(path);
    if (dat) {
        assert_non_null(strstr(dat, "# memory-bandwidth bound\n"));
        assert_non_null(strstr(dat, " 0.001280\n")); /* ms, serial's bar */
        free(dat);
    }
}

/* Without injection, parcompare measures: on 1 MiB arrays here (a check
 * that the real measurement reaches the files, not a figure). And
 * --no-bandwidth leaves it out. */
static void a_real_measurement_reaches_the_files_and_no_bandwidth_skips_it(void **state)
{
    (void)state;
    char dir[320];
    snprintf(dir, sizeof dir, "%s/bw-real", tmpdir);
    char *const env[] = { INJECTED_TIMES, "PAR_TEST_BANDWIDTH=", NULL };
    struct par_test_out r = pc(env, "--workloads", "map", "--backends", "serial", "--workers",
                               "1", "--items", "1000", "--reps", "2", "--warmup", "0",
                               "--no-story", "--no-grain", "--stream-mib", "1", "--out", dir,
                               NULL);
    expect_exit(&r, 0);
    assert_non_null(strstr(r.out, "memory bandwidth (STREAM triad, 1 MiB arrays): "));
    par_test_out_free(&r);
    cJSON *root = load_json(dir, "results.json");
    const cJSON *bw = cJSON_GetObjectItemCaseSensitive(root, "bandwidth");
    assert_string_equal(str_of(bw, "state"), "measured");
    assert_true(num_of(bw, "one_thread_gbs") > 0);
    assert_true(num_of(bw, "all_cores_gbs") > 0);
    assert_true(num_of(bw, "array_bytes") == 1 << 20);
    assert_true(num_of(find_record(root, "map", "serial", 1), "bandwidth_bound_s") > 0);
    cJSON_Delete(root);

    snprintf(dir, sizeof dir, "%s/bw-none", tmpdir);
    r = pc(env, "--workloads", "map", "--backends", "serial", "--workers", "1", "--items",
           "1000", "--reps", "2", "--warmup", "0", "--no-story", "--no-grain", "--no-bandwidth",
           "--out", dir, NULL);
    expect_exit(&r, 0);
    assert_null(strstr(r.out, "memory bandwidth"));
    assert_null(strstr(r.out, "memory-bandwidth bound"));
    par_test_out_free(&r);
    root = load_json(dir, "results.json");
    assert_null(cJSON_GetObjectItemCaseSensitive(root, "bandwidth"));
    assert_null(cJSON_GetObjectItemCaseSensitive(find_record(root, "map", "serial", 1),
                                                 "bandwidth_bound_s"));
    cJSON_Delete(root);
}

static void help_names_every_option(void **state)
{
    (void)state;
    struct par_test_out r = pc(NULL, "--help", NULL);
    assert_int_equal(r.status, 0);
    const char *opts[] = { "--workloads", "--backends", "--workers", "--reps", "--quick",
                           "--full", "--timeout", "--out", "--python", "--baseline",
                           "--threshold", "--bin-dir", "--mpirun", "Exit status" };
    for (size_t i = 0; i < sizeof opts / sizeof *opts; i++)
        if (!strstr(r.out, opts[i]))
            fail_msg("--help lacks %s", opts[i]);
    par_test_out_free(&r);
}

/* Without gnuplot, mpirun and python3 on PATH: one line each, and the run
 * still succeeds. */
static void missing_tools_are_skipped_with_one_line(void **state)
{
    (void)state;
    char dir[320];
    snprintf(dir, sizeof dir, "%s/no-tools", tmpdir);
    char *env[] = { "PATH=/nonexistent", NULL };
    struct par_test_out r = pc(env, "--workloads", "fib", "--backends", "serial,mpi",
                               "--n", "15", "--k", "2", "--reps", "1", "--warmup", "0",
                               "--no-story", "--python", "--out", dir, NULL);
    expect_exit(&r, 0);
    assert_int_equal(par_test_count(r.err, "gnuplot was not found"), 1);
    assert_non_null(strstr(r.err, "no plots: gnuplot was not found on PATH"));
    assert_non_null(strstr(r.err, "skipping --python: python3 was not found on PATH"));
    if (built("mpi"))
        assert_non_null(strstr(r.err, "skipping mpi: mpirun was not found on PATH"));
    else
        assert_non_null(strstr(r.err, "skipping mpi: "));
    assert_int_equal(par_test_count(r.err, "skipping mpi"), 1);
    char *md = read_file(dir, "report.md");
    assert_non_null(strstr(md, "No plots: gnuplot was not found"));
    assert_non_null(strstr(md, "Skipped back end mpi"));
    free(md);
    par_test_out_free(&r);
}

/* --python: the ports run beside C at the same sizes. */
static void python_ports_run_beside_c(void **state)
{
    (void)state;
    char probe[4096];
    snprintf(probe, sizeof probe, "%s/bench/python/gil_demo.py", getenv("PAR_SOURCE_DIR"));
    struct stat st;
    if (stat(probe, &st) != 0 || system("python3 -c 'pass' >/dev/null 2>&1") != 0) {
        fprintf(stderr, "python3 or the ports are missing\n");
        skip();
    }
    char dir[320];
    snprintf(dir, sizeof dir, "%s/python", tmpdir);
    struct par_test_out r = pc(NULL, "--workloads", "fib", "--backends", "serial", "--n", "15",
                               "--k", "2", "--reps", "1", "--warmup", "0", "--no-story",
                               "--python", "--python-n", "15", "--python-items", "1000",
                               "--out", dir, NULL);
    expect_exit(&r, 0);
    char *md = read_file(dir, "report.md");
    const char *want[] = { "## Beside Python", "at fib(15) and 1000 items", "gil_demo.py",
                           "pool_vs_map.py", "multiprocessing_pool.py", "executors.py",
                           "Python ÷ C", "two threads / one thread" };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        if (!strstr(md, want[i]))
            fail_msg("report.md lacks \"%s\"", want[i]);
    assert_null(strstr(md, "failed:"));
    free(md);
    cJSON *root = load_json(dir, "results.json");
    const cJSON *py = cJSON_GetObjectItemCaseSensitive(root, "python");
    const cJSON *row;
    int rows = 0;
    cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(py, "rows")) {
        assert_true(num_of(row, "python_s") > 0);
        rows++;
    }
    assert_int_equal(rows, 8);
    cJSON_Delete(root);
    par_test_out_free(&r);
}

/* With fibtask in the plan, the fine-grained points (cutoff 10) run beside
 * the matrix, get their own section in report.md and are marked in the CSV. */
static void fibtask_gains_a_fine_grained_point(void **state)
{
    (void)state;
    skip_without_second_backend();
    char dir[320], backends[64];
    snprintf(dir, sizeof dir, "%s/fine", tmpdir);
    snprintf(backends, sizeof backends, "serial,%s", second);
    struct par_test_out r = pc(NULL, "--workloads", "fibtask", "--backends", backends,
                               "--workers", "1", "--n", "16", "--cutoff", "14", "--reps", "1",
                               "--warmup", "0", "--no-story", "--out", dir, NULL);
    expect_exit(&r, 0);
    char *md = read_file(dir, "report.md");
    assert_non_null(strstr(md, "## Fine-grained tasks (fibtask, cutoff 10)"));
    assert_non_null(strstr(md, "| serial | 1 |"));
    char row[64];
    snprintf(row, sizeof row, "| %s | ", second);   /* at every core */
    assert_non_null(strstr(md, row));
    free(md);
    char *csv = read_file(dir, "results.csv");
    assert_non_null(strstr(csv, "fine"));
    free(csv);
    par_test_out_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tiny_matrix_verifies_every_point_and_exits_0),
        cmocka_unit_test(results_json_has_every_record_and_the_environment),
        cmocka_unit_test(results_csv_has_the_documented_columns),
        cmocka_unit_test(report_md_has_every_section),
        cmocka_unit_test(every_round_runs_the_points_in_plan_order),
        cmocka_unit_test(wrong_results_show_as_unverified_and_the_rest_completes),
        cmocka_unit_test(a_crashing_child_shows_as_crashed),
        cmocka_unit_test(a_hanging_child_is_killed_at_the_timeout),
        cmocka_unit_test(baseline_flags_an_injected_regression),
        cmocka_unit_test(baseline_without_slowdown_passes),
        cmocka_unit_test(a_faster_run_is_no_regression),
        cmocka_unit_test(too_few_samples_cannot_be_judged_exit_3),
        cmocka_unit_test(noise_floor_absorbs_a_run_to_run_gap),
        cmocka_unit_test(one_invocation_cannot_judge_exit_3),
        cmocka_unit_test(overlapping_points_are_tied_not_fastest),
        cmocka_unit_test(every_bad_input_is_one_line_and_exit_2),
        cmocka_unit_test(the_bandwidth_and_its_bound_on_map_are_reported),
        cmocka_unit_test(a_real_measurement_reaches_the_files_and_no_bandwidth_skips_it),
        cmocka_unit_test(help_names_every_option),
        cmocka_unit_test(missing_tools_are_skipped_with_one_line),
        cmocka_unit_test(python_ports_run_beside_c),
        cmocka_unit_test(fibtask_gains_a_fine_grained_point),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
