/* parmap started alone, as a user runs it: forked workers ("proc"), every
 * workload and schedule verifies, the same options and errors as poolmap,
 * and the launcher detection that picks "mpi" under mpirun/srun (checked
 * through --help, which names the default back end and which only rank 0
 * prints: no MPI is started here). parmap under mpirun: tests/mpi. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <cjson/cJSON.h>

#include "run.h"

static struct par_test_out parmap(char *const *env, const char *const *args)
{
    char *argv[32] = { (char *)par_test_bin("parmap") };
    int n = 1;
    while (*args && n < 31)
        argv[n++] = (char *)*args++;
    argv[n] = NULL;
    struct par_test_out r;
    if (par_test_run(argv, env, NULL, 60, &r))
        fail_msg("could not start parmap");
    return r;
}

#define RUN(...) parmap(NULL, (const char *const[]){ __VA_ARGS__, NULL })
#define RUN_ENV(env, ...) parmap(env, (const char *const[]){ __VA_ARGS__, NULL })

/* Parses the one JSON record and checks what every good run shares. */
static cJSON *good_record(struct par_test_out *r, const char *what)
{
    if (r->status != 0)
        fail_msg("%s: status %d, stderr: %s", what, r->status, r->err);
    cJSON *j = cJSON_Parse(r->out);
    if (!j)
        fail_msg("%s: not JSON: %s", what, r->out);
    assert_string_equal(cJSON_GetObjectItem(j, "tool")->valuestring, "parmap");
    assert_string_equal(cJSON_GetObjectItem(j, "kind")->valuestring, "processes");
    if (!cJSON_IsTrue(cJSON_GetObjectItem(j, "verified")))
        fail_msg("%s did not verify: %s", what, r->out);
    return j;
}

static void every_workload_and_schedule_verifies_on_forked_workers(void **state)
{
    (void)state;
    const char *const sizes[][6] = {
        { "-w", "map", "--items", "30011", NULL },
        { "-w", "fib", "--n", "21", "--k", "11" },
        { "-w", "parmap", "--items", "10", NULL },
        { "-w", "fibtask", "--n", "25", "--cutoff", "14" },
    };
    const char *scheds[] = { "static", "dynamic", "guided" };
    for (size_t w = 0; w < 4; w++) {
        for (size_t s = 0; s < 3; s++) {
            const char *args[20] = { "--json", "-j", "3", "--reps", "2", "--warmup", "1",
                                     "--schedule", scheds[s] };
            size_t n = 9;
            for (size_t i = 0; i < 6 && sizes[w][i]; i++)
                args[n++] = sizes[w][i];
            args[n] = NULL;
            struct par_test_out r = parmap(NULL, args);
            cJSON *j = good_record(&r, sizes[w][1]);
            assert_string_equal(cJSON_GetObjectItem(j, "backend")->valuestring, "proc");
            assert_int_equal(cJSON_GetObjectItem(j, "workers")->valueint, 3);
            assert_string_equal(cJSON_GetObjectItem(j, "workers_from")->valuestring, "-j");
            cJSON_Delete(j);
            par_test_out_free(&r);
        }
    }
}

/* Real team sizes (issue 10): the record counts the forked workers that
 * took a chunk. Static chunks go to idle workers one each, so 2 items on 4
 * workers reach exactly 2 (a warning), 400 items all 4 (none). */
static void the_record_counts_the_workers_that_took_work(void **state)
{
    (void)state;
    struct par_test_out r = RUN("--json", "-j", "4", "-w", "map", "--items", "2", "--schedule",
                                "static", "--reps", "2", "--warmup", "0");
    cJSON *j = good_record(&r, "map of 2 items on 4 workers");
    assert_int_equal(cJSON_GetObjectItem(j, "workers")->valueint, 4);
    assert_int_equal(cJSON_GetObjectItem(j, "workers_ran")->valueint, 2);
    const cJSON *w = cJSON_GetObjectItem(j, "team_warning");
    if (!cJSON_IsString(w) || !strstr(w->valuestring, "asked for 4 workers, 2 took part"))
        fail_msg("no team warning: %s", r.out);
    cJSON_Delete(j);
    par_test_out_free(&r);

    r = RUN("--json", "-j", "4", "-w", "map", "--items", "400", "--schedule", "static", "--reps",
            "2", "--warmup", "0");
    j = good_record(&r, "map of 400 items on 4 workers");
    assert_int_equal(cJSON_GetObjectItem(j, "workers_ran")->valueint, 4);
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "team_warning")));
    cJSON_Delete(j);
    par_test_out_free(&r);
}

static void workers_default_to_the_cores(void **state)
{
    (void)state;
    unsetenv("OMP_NUM_THREADS");
    struct par_test_out r = RUN("--json", "--items", "1000", "--reps", "1", "--warmup", "0");
    cJSON *j = good_record(&r, "default workers");
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    assert_int_equal(cJSON_GetObjectItem(j, "workers")->valueint, cores < 1 ? 1 : cores);
    assert_string_equal(cJSON_GetObjectItem(j, "workers_from")->valuestring, "cores");
    assert_string_equal(cJSON_GetObjectItem(j, "backend")->valuestring, "proc");
    cJSON_Delete(j);
    par_test_out_free(&r);

    /* OMP_NUM_THREADS is for threads: it does not size a process pool. */
    char *env[] = { "OMP_NUM_THREADS=7", NULL };
    r = RUN_ENV(env, "--json", "--items", "1000", "--reps", "1", "--warmup", "0");
    j = good_record(&r, "workers with OMP_NUM_THREADS set");
    assert_int_equal(cJSON_GetObjectItem(j, "workers")->valueint, cores < 1 ? 1 : cores);
    assert_string_equal(cJSON_GetObjectItem(j, "workers_from")->valuestring, "cores");
    cJSON_Delete(j);
    par_test_out_free(&r);

    /* ... nor does a value libgomp would refuse: parmap does not read it, so
     * it says nothing about it and neither does libgomp (the start-up guard
     * hides it from the runtime). */
    static const char *const bad[] = { "OMP_NUM_THREADS=0", "OMP_NUM_THREADS=abc",
                                       "OMP_NUM_THREADS=4,", "OMP_SCHEDULE=bogus,1" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *env2[] = { (char *)bad[i], NULL };
        r = RUN_ENV(env2, "--json", "-b", "serial", "--items", "100", "--reps", "1");
        if (r.status != 0 || r.err[0])
            fail_msg("%s: exit %d, stderr '%s'", bad[i], r.status, r.err);
        par_test_out_free(&r);
    }
}

/* `parmap > /dev/full` exits 1 with one line (was: exit 0, the result lost). */
static void a_result_that_cannot_be_written_exits_1(void **state)
{
    (void)state;
    if (access("/dev/full", W_OK) != 0)
        skip();  /* no /dev/full here: nothing to write to that always fails */
    char *argv[] = { "/bin/sh", "-c", "\"$0\" -j 2 --items 100 --reps 1 > /dev/full",
                     (char *)par_test_bin("parmap"), NULL };
    struct par_test_out r;
    assert_int_equal(par_test_run(argv, NULL, NULL, 60, &r), 0);
    if (r.status != 1 || par_test_lines(r.err) != 1 ||
        !strstr(r.err, "parmap: cannot write the result to standard output: No space left"))
        fail_msg("exit %d, stderr '%s'", r.status, r.err);
    par_test_out_free(&r);
}

static void bad_input_is_one_line_and_exit_2(void **state)
{
    (void)state;
    const char *const cases[][3] = {
        { "-j", "0", "1..1024" },
        { "-j", "many", "'many'" },
        { "--workload", "nope", "unknown workload 'nope'" },
        { "--backend", "nope", "unknown back end 'nope'" },
        { "--items", "0", "--items" },
        { "--reps", "0", "--reps" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct par_test_out r = RUN(cases[i][0], cases[i][1]);
        if (r.status != 2 || strncmp(r.err, "parmap: ", 8) != 0 || !strstr(r.err, cases[i][2]))
            fail_msg("%s %s: status %d, stderr '%s'", cases[i][0], cases[i][1], r.status, r.err);
        assert_int_equal(par_test_lines(r.err), 1);
        assert_string_equal(r.out, "");
        par_test_out_free(&r);
    }
}

/* --help names the default back end; a rank other than 0 prints nothing. */
static void expect_default(char *const *env, const char *backend)
{
    struct par_test_out r = RUN_ENV(env, "--help");
    assert_int_equal(r.status, 0);
    char want[64];
    snprintf(want, sizeof want, "(default %s;", backend ? backend : "");
    if (backend ? !strstr(r.out, want) : r.out[0] != '\0')
        fail_msg("with %s: expected %s, got: %.300s", env[0], backend ? want : "no output",
                 r.out);
    par_test_out_free(&r);
}

static void a_launcher_in_the_environment_selects_mpi_and_rank_0_prints(void **state)
{
    (void)state;
    char *alone[] = { "PAR_NOTHING=1", NULL };
    char *ompi0[] = { "OMPI_COMM_WORLD_SIZE=2", "OMPI_COMM_WORLD_RANK=0", NULL };
    char *ompi1[] = { "OMPI_COMM_WORLD_SIZE=2", "OMPI_COMM_WORLD_RANK=1", NULL };
    char *pmix0[] = { "PMIX_RANK=0", NULL };
    char *pmi3[] = { "PMI_RANK=3", NULL };
    char *srun0[] = { "SLURM_STEP_ID=0", "SLURM_PROCID=0", NULL };
    char *srun2[] = { "SLURM_STEP_ID=4", "SLURM_PROCID=2", NULL };
    char *batch[] = { "SLURM_STEP_ID=4294967291", "SLURM_PROCID=0", NULL };
    char *nostep[] = { "SLURM_PROCID=0", "SLURM_JOB_ID=77", NULL };
    expect_default(alone, "proc");
    expect_default(ompi0, "mpi");
    expect_default(ompi1, NULL);
    expect_default(pmix0, "mpi");
    expect_default(pmi3, NULL);
    expect_default(srun0, "mpi");
    expect_default(srun2, NULL);
    expect_default(batch, "proc"); /* a batch script's own step is no launcher */
    expect_default(nostep, "proc");
    /* Usage errors: rank 0 prints the line and exits 2; other ranks are
     * quiet and exit 0, so the launcher cannot end the job before rank 0's
     * line is out (common/driver.c). */
    struct par_test_out r = RUN_ENV(pmi3, "-j", "0");
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    par_test_out_free(&r);
    char *pmi0[] = { "PMI_RANK=0", NULL };
    r = RUN_ENV(pmi0, "-j", "0");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "parmap: -j/--workers: expected a whole number in 1..1024"));
    par_test_out_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_workload_and_schedule_verifies_on_forked_workers),
        cmocka_unit_test(a_result_that_cannot_be_written_exits_1),
        cmocka_unit_test(the_record_counts_the_workers_that_took_work),
        cmocka_unit_test(workers_default_to_the_cores),
        cmocka_unit_test(bad_input_is_one_line_and_exit_2),
        cmocka_unit_test(a_launcher_in_the_environment_selects_mpi_and_rank_0_prints),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
