/* poolmap on OpenMP: the worker count from OMP_NUM_THREADS, and the same
 * checksums as serial for every workload. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include <fcntl.h>
#include <grp.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ompenv_table.h"
#include "poolmap_run.h"

static void omp_num_threads_10_runs_10_workers_and_says_so(void **state)
{
    (void)state;
    char *env[] = { "OMP_NUM_THREADS=10", NULL };
    struct par_test_out r = POOLMAP_ENV(env, "--items", "5000", "--reps", "1");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "map on omp (threads), 10 workers (from OMP_NUM_THREADS)"));
    assert_non_null(strstr(r.out, "verified  yes"));
    par_test_out_free(&r);
}

/* Every spelling of the libgomp table (tests/support/ompenv_table.h): what
 * libgomp accepts, poolmap runs with, and nothing but our own output
 * appears; what libgomp refuses is our one line and exit 2, with no libgomp
 * line before it. */
static void omp_num_threads_spellings_as_libgomp_reads_them(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof ompenv_threads_rows / sizeof *ompenv_threads_rows; i++) {
        const struct ompenv_threads_row *row = &ompenv_threads_rows[i];
        char var[64], want[80];
        snprintf(var, sizeof var, "OMP_NUM_THREADS=%s", row->value);
        char *env[] = { var, NULL };
        struct par_test_out r = POOLMAP_ENV(env, "--items", "2000", "--reps", "1", "--warmup", "0");
        int ours = row->accepted && row->threads <= 1024;
        snprintf(want, sizeof want, "%ld workers (from OMP_NUM_THREADS)", row->threads);
        if (!row->value[0]) {
            ours = 1;  /* empty: as if unset (libgomp too runs on, with its default) */
            snprintf(want, sizeof want, "workers (from cores)");
        }
        if (ours ? (r.status != 0 || !strstr(r.out, want) || r.err[0])
                 : (r.status != 2 || par_test_lines(r.err) != 1 ||
                    strncmp(r.err, "poolmap: OMP_NUM_THREADS (from the environment)", 47)))
            fail_msg("row %zu: exit %d, stdout '%.80s', stderr '%s'", i, r.status, r.out, r.err);
        par_test_out_free(&r);
    }
}

static void omp_schedule_spellings_as_libgomp_reads_them(void **state)
{
    (void)state;
    static const char *const kinds[] = { "?", "static", "dynamic", "guided", "static" };
    for (size_t i = 0; i < sizeof ompenv_schedule_rows / sizeof *ompenv_schedule_rows; i++) {
        const struct ompenv_schedule_row *row = &ompenv_schedule_rows[i];
        char var[64], want[80];
        snprintf(var, sizeof var, "OMP_SCHEDULE=%s", row->value);
        char *env[] = { var, NULL };
        struct par_test_out r = POOLMAP_ENV(env, "--items", "2000", "--reps", "1", "--warmup", "0");
        int ours = row->accepted && !row->ours_differ;
        snprintf(want, sizeof want, "schedule  %s, ", kinds[row->kind]);
        if (!row->value[0]) {
            ours = 1;  /* empty: as if unset (libgomp too runs on, with its default) */
            snprintf(want, sizeof want, "schedule  static, ");
        }
        if (ours ? (r.status != 0 || !strstr(r.out, want) || r.err[0])
                 : (r.status != 2 || par_test_lines(r.err) != 1 ||
                    strncmp(r.err, "poolmap: OMP_SCHEDULE (from the environment)", 44)))
            fail_msg("row %zu '%s': exit %d, stdout '%.120s', stderr '%s'", i, row->value,
                     r.status, r.out, r.err);
        par_test_out_free(&r);
    }
}

/* Runs poolmap -b omp -j 64 --json where at most 8 processes and threads
 * are allowed (RLIMIT_NPROC; root is exempt from it, so as root the child
 * first becomes nobody). libgomp would abort with its own message; poolmap
 * must say it in its line, exit 1 and still print its JSON record. */
static void a_thread_start_that_fails_is_our_line_and_a_json_record(void **state)
{
    (void)state;
    char out[] = "/tmp/poolmap-nproc-out-XXXXXX", err[] = "/tmp/poolmap-nproc-err-XXXXXX";
    int fo = mkstemp(out), fe = mkstemp(err);
    assert_true(fo >= 0 && fe >= 0);
    fchmod(fo, 0666);
    fchmod(fe, 0666);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fo, 1);
        dup2(fe, 2);
        if (geteuid() == 0 && (setgroups(0, NULL) || setgid(65534) || setuid(65534)))
            _exit(125);
        struct rlimit rl = { 8, 8 };
        if (setrlimit(RLIMIT_NPROC, &rl))
            _exit(125);
        char *argv[] = { (char *)par_test_bin("poolmap"), "-b", "omp", "-j", "64", "--json",
                         "--items", "1000", "--reps", "1", NULL };
        execv(argv[0], argv);
        _exit(126);  /* e.g. nobody may not enter the build folder */
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    close(fo);
    close(fe);
    FILE *f = fopen(out, "r");
    char o[8192] = "", e[2048] = "";
    size_t no = fread(o, 1, sizeof o - 1, f);
    o[no] = '\0';
    fclose(f);
    f = fopen(err, "r");
    size_t ne = fread(e, 1, sizeof e - 1, f);
    e[ne] = '\0';
    fclose(f);
    unlink(out);
    unlink(err);
    int code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    if (code == 125 || code == 126) {
        fprintf(stderr, "cannot run poolmap as nobody with a process limit (exit %d)\n", code);
        skip();
    }
    if (code != 1 || par_test_lines(e) != 1 ||
        !strstr(e, "poolmap: back end 'omp' could not start: cannot start 64 threads"))
        fail_msg("exit %d, stderr '%s'", code, e);
    cJSON *j = cJSON_Parse(o);
    if (!j)
        fail_msg("no JSON record on stdout: '%s'", o);
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(j, "verified")));
    assert_non_null(strstr(cJSON_GetObjectItem(j, "error")->valuestring, "ulimit -u"));
    cJSON_Delete(j);
}

static char *checksum_of(const char *backend, const char *w, const char *j)
{
    const char *items = strcmp(w, "parmap") ? "3000" : "4"; /* parmap: range(1, 5) */
    struct par_test_out r = POOLMAP("--json", "-b", backend, "-w", w, "-j", j, "--items", items,
                                    "--n", "16", "--k", "5", "--reps", "1", "--warmup", "0");
    if (r.status != 0)
        fail_msg("%s %s -j %s: exit %d: %s", backend, w, j, r.status, r.err);
    cJSON *o = cJSON_Parse(r.out);
    assert_non_null(o);
    char *sum = strdup(cJSON_GetObjectItem(o, "checksum")->valuestring);
    cJSON_Delete(o);
    par_test_out_free(&r);
    return sum;
}

static void every_workload_on_omp_has_the_serial_checksum(void **state)
{
    (void)state;
    const char *w[] = { "map", "fib", "parmap", "fibtask" };
    for (size_t i = 0; i < 4; i++) {
        char *ref = checksum_of("serial", w[i], "1");
        char *a = checksum_of("omp", w[i], "2");
        char *b = checksum_of("omp", w[i], "3");
        assert_string_equal(a, ref);
        assert_string_equal(b, ref);
        free(ref);
        free(a);
        free(b);
    }
}

/* The team a run really had (issue 10's rule 2), on OpenMP: the threads of
 * the parallel region, for map and for grain. OMP_THREAD_LIMIT=1 caps the
 * region at one thread whatever -j asks, as libgomp does; the record must
 * then say workers_ran 1 and carry a team warning, not claim 2 workers. */
static cJSON *omp_record(char **env, const char *workload)
{
    struct par_test_out r = POOLMAP_ENV(env, "--json", "-b", "omp", "-j", "2", "-w", workload,
                                        "--items", "2000", "--tasks", "4", "--steps", "3",
                                        "--iterations", "100", "--reps", "1", "--warmup", "0");
    cJSON *j = cJSON_Parse(r.out);
    if (r.status != 0 || !j)
        fail_msg("%s: exit %d, '%s' (stderr: %s)", workload, r.status, r.out, r.err);
    par_test_out_free(&r);
    return j;
}

static void omp_records_the_team_it_really_had(void **state)
{
    (void)state;
    const char *w[] = { "map", "grain" };
    for (size_t i = 0; i < 2; i++) {
        char *free_env[] = { NULL };
        cJSON *j = omp_record(free_env, w[i]);
        assert_int_equal(cJSON_GetObjectItem(j, "workers_ran")->valueint, 2);
        assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "team_warning")));
        cJSON_Delete(j);

        char *limit_env[] = { "OMP_THREAD_LIMIT=1", NULL };
        j = omp_record(limit_env, w[i]);
        assert_int_equal(cJSON_GetObjectItem(j, "workers_ran")->valueint, 1);
        assert_true(cJSON_IsString(cJSON_GetObjectItem(j, "team_warning")));
        cJSON_Delete(j);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(omp_num_threads_10_runs_10_workers_and_says_so),
        cmocka_unit_test(omp_num_threads_spellings_as_libgomp_reads_them),
        cmocka_unit_test(omp_schedule_spellings_as_libgomp_reads_them),
        cmocka_unit_test(a_thread_start_that_fails_is_our_line_and_a_json_record),
        cmocka_unit_test(every_workload_on_omp_has_the_serial_checksum),
        cmocka_unit_test(omp_records_the_team_it_really_had),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
