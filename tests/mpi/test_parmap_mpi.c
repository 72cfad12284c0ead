/* parmap under mpirun, as a user runs it: every workload verifies on 5
 * ranks (which oversubscribes this machine), 1 and 2 ranks work, and only
 * rank 0 prints; the
 * command docs/mpi.md gives works with no helper variables set; a rank that
 * aborts, a result that fails on rank 0 and a usage error all end the job
 * with a non-zero status, quickly, never a hang. mpiexec's path comes from
 * CMake (PAR_MPIEXEC); ctest's environment allows root and oversubscription
 * and picks the ob1 PML (see tests/mpi/CMakeLists.txt). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <cjson/cJSON.h>

#include "mpirun.h"
#include "run.h"

static struct par_test_out mpirun(char *const *env, double timeout_s, const char *const *pre,
                                  int np, const char *const *args)
{
    return par_test_mpirun("parmap", env, timeout_s, pre, np, args);
}

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void expect_verified_json(struct par_test_out r, int np, const char *what)
{
    if (r.status != 0 || r.timed_out)
        fail_msg("%s on %d ranks: status %d%s, stderr: %s", what, np, r.status,
                 r.timed_out ? " (timed out)" : "", r.err);
    /* Only rank 0 prints: exactly one record. */
    assert_int_equal(par_test_count(r.out, "\"tool\""), 1);
    cJSON *j = cJSON_Parse(r.out);
    if (!j)
        fail_msg("not JSON: %s", r.out);
    assert_string_equal(cJSON_GetObjectItem(j, "backend")->valuestring, "mpi");
    assert_string_equal(cJSON_GetObjectItem(j, "kind")->valuestring, "processes");
    assert_int_equal(cJSON_GetObjectItem(j, "workers")->valueint, np);
    assert_string_equal(cJSON_GetObjectItem(j, "workers_from")->valuestring, "launcher");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "verified")));
    assert_non_null(strstr(cJSON_GetObjectItem(j, "detail")->valuestring, "ranks="));
    cJSON_Delete(j);
    par_test_out_free(&r);
}

static void every_workload_verifies_on_5_ranks_and_runs_on_1_and_2(void **state)
{
    (void)state;
    /* Every workload at 5 ranks (tests/mpi/test_mpi_backend covers every
     * workload and schedule at 1, 2 and 5 ranks below the program). */
    expect_verified_json(mpirun(NULL, 60, NULL, 5,
                                ARGS("--json", "--items", "20000", "--reps", "2", "--warmup",
                                     "1")), 5, "map");
    expect_verified_json(mpirun(NULL, 60, NULL, 5,
                                ARGS("--json", "-w", "fib", "--n", "20", "--k", "9", "--reps",
                                     "1", "--warmup", "0")), 5, "fib");
    expect_verified_json(mpirun(NULL, 60, NULL, 5,
                                ARGS("--json", "-w", "parmap", "--schedule", "dynamic",
                                     "--items", "12", "--reps", "1", "--warmup", "0")),
                         5, "parmap (dynamic)");
    expect_verified_json(mpirun(NULL, 60, NULL, 5,
                                ARGS("--json", "-w", "fibtask", "--n", "24", "--cutoff", "12",
                                     "--reps", "1", "--warmup", "0")), 5, "fibtask");
    expect_verified_json(mpirun(NULL, 60, NULL, 1,
                                ARGS("--json", "--schedule", "dynamic", "--items", "5000",
                                     "--reps", "1", "--warmup", "0")), 1, "map (dynamic)");
    expect_verified_json(mpirun(NULL, 60, NULL, 2,
                                ARGS("--json", "-w", "fib", "--schedule", "dynamic", "--n", "20",
                                     "--k", "9", "--chunk", "2", "--reps", "1", "--warmup", "0")),
                         2, "fib (dynamic)");
}

/* Real team sizes (issue 10): 3 ranks, a static map of 2 items: rank 2
 * gets an empty block, and the record counts 2 ranks and warns. */
static void the_record_counts_the_ranks_that_got_items(void **state)
{
    (void)state;
    struct par_test_out r = mpirun(NULL, 60, NULL, 3,
                                   ARGS("--json", "--items", "2", "--schedule", "static",
                                        "--reps", "2", "--warmup", "0"));
    if (r.status != 0 || r.timed_out)
        fail_msg("status %d, stderr: %s", r.status, r.err);
    cJSON *j = cJSON_Parse(r.out);
    if (!j)
        fail_msg("not JSON: %s", r.out);
    assert_int_equal(cJSON_GetObjectItem(j, "workers")->valueint, 3);
    assert_int_equal(cJSON_GetObjectItem(j, "workers_ran")->valueint, 2);
    const cJSON *w = cJSON_GetObjectItem(j, "team_warning");
    if (!cJSON_IsString(w) || !strstr(w->valuestring, "asked for 3 workers, 2 took part"))
        fail_msg("no team warning: %s", r.out);
    cJSON_Delete(j);
    par_test_out_free(&r);
}

static void the_documented_command_works_without_helper_variables(void **state)
{
    (void)state;
    /* docs/mpi.md: mpirun --allow-run-as-root --oversubscribe -n 5 ./parmap
     * (Open MPI's flags: another MPI's mpiexec would not know them). */
    char *ver[] = { getenv("PAR_MPIEXEC"), "--version", NULL };
    struct par_test_out v;
    assert_int_equal(par_test_run(ver, NULL, NULL, 20, &v), 0);
    int openmpi = strstr(v.out, "Open MPI") || strstr(v.out, "OpenRTE"); /* mpiexec says OpenRTE */
    par_test_out_free(&v);
    if (!openmpi)
        skip();
    unsetenv("OMPI_ALLOW_RUN_AS_ROOT");
    unsetenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM");
    unsetenv("OMPI_MCA_rmaps_base_oversubscribe");
    struct par_test_out r =
        mpirun(NULL, 60, ARGS("--allow-run-as-root", "--oversubscribe"), 5,
               ARGS("-w", "fib", "--n", "20", "--k", "10", "--reps", "1", "--warmup", "0"));
    if (r.status != 0)
        fail_msg("status %d, stderr: %s", r.status, r.err);
    assert_int_equal(par_test_count(r.out, "verified  yes"), 1);
    assert_non_null(strstr(r.out, "on mpi (processes), 5 workers"));
    par_test_out_free(&r);
    setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 1);
    setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 1);
    setenv("OMPI_MCA_rmaps_base_oversubscribe", "1", 1);
}

static void a_rank_that_aborts_ends_the_job_non_zero_within_10_s(void **state)
{
    (void)state;
    char *env[] = { "PAR_TEST_ABORT_RANK=1", NULL };
    struct par_test_out r = mpirun(env, 10, NULL, 3,
                                   ARGS("-w", "fib", "--n", "27", "--k", "40", "--reps", "3",
                                        "--warmup", "0"));
    if (r.timed_out || r.status == 0)
        fail_msg("status %d, timed out %d", r.status, r.timed_out);
    assert_int_equal(par_test_count(r.out, "verified  yes"), 0);
    par_test_out_free(&r);
}

static void a_result_failing_on_rank_0_ends_every_rank(void **state)
{
    (void)state;
    char *env[] = { "PAR_TEST_FAULT=mpi:wrong", NULL };
    struct par_test_out r = mpirun(env, 20, NULL, 3,
                                   ARGS("--items", "1000", "--reps", "3", "--warmup", "0"));
    assert_false(r.timed_out);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "parmap: item 500 of 1000"));
    assert_int_equal(par_test_count(r.out, "verified  NO"), 1);
    par_test_out_free(&r);
}

static void usage_errors_under_mpirun_are_printed_once(void **state)
{
    (void)state;
    struct par_test_out r = mpirun(NULL, 20, NULL, 3, ARGS("--workload", "nope"));
    assert_false(r.timed_out);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.out, "");
    assert_int_equal(par_test_count(r.err, "parmap: "), 1);
    assert_non_null(strstr(r.err, "parmap: --workload: unknown workload 'nope'"));
    par_test_out_free(&r);
    /* -j is for forked workers; under mpirun the ranks are the workers. */
    r = mpirun(NULL, 20, NULL, 2, ARGS("-j", "3", "--items", "10"));
    assert_false(r.timed_out);
    assert_int_equal(r.status, 1);
    assert_int_equal(par_test_count(r.err, "parmap: "), 1);
    assert_non_null(strstr(r.err, "-j 3 does not match the 2 MPI ranks"));
    par_test_out_free(&r);
}

/* parmap run directly, without a launcher. */
static struct par_test_out parmap_alone(char *const *env, const char *const *args)
{
    char *argv[24];
    int n = 0;
    argv[n++] = (char *)par_test_bin("parmap");
    for (; *args && n < 23; args++)
        argv[n++] = (char *)*args;
    argv[n] = NULL;
    struct par_test_out out;
    if (par_test_run(argv, env, NULL, 60, &out))
        fail_msg("could not start parmap");
    assert_false(out.timed_out);
    return out;
}

/* `parmap -b mpi -j 2` with no launcher is a usage error that says what to
 * type; -j 1 (what a lone process is) and no -j run. */
static void mpi_with_j_but_no_launcher_is_a_usage_error(void **state)
{
    (void)state;
    struct par_test_out r = parmap_alone(NULL, ARGS("-b", "mpi", "-j", "2", "--items", "10"));
    assert_int_equal(r.status, 2);
    assert_string_equal(r.out, "");
    assert_int_equal(par_test_lines(r.err), 1);
    assert_non_null(strstr(r.err, "mpirun -n 2 parmap"));
    par_test_out_free(&r);
    r = parmap_alone(NULL, ARGS("-b", "mpi", "-j", "1", "--items", "10", "--reps", "1"));
    assert_int_equal(r.status, 0);
    par_test_out_free(&r);
}

/* srun without PMI support starts N singletons: with SLURM_STEP_NUM_TASKS
 * (or SLURM_NTASKS) saying 2 and a world of 1, parmap fails in one line
 * instead of reporting "1 worker"; when they agree it runs. The variables
 * are set here as srun sets them in each task it starts. */
static void srun_task_count_must_match_the_mpi_world(void **state)
{
    (void)state;
    char *two[] = { "SLURM_STEP_ID=0", "SLURM_PROCID=0", "SLURM_STEP_NUM_TASKS=2",
                    "SLURM_NTASKS=2", NULL };
    struct par_test_out r = parmap_alone(two, ARGS("--items", "10", "--reps", "1"));
    assert_int_equal(r.status, 1);
    assert_int_equal(par_test_lines(r.err), 1);
    assert_non_null(strstr(r.err, "srun started 2 tasks (SLURM_STEP_NUM_TASKS) but MPI sees 1"));
    par_test_out_free(&r);
    char *old[] = { "SLURM_STEP_ID=3", "SLURM_PROCID=0", "SLURM_NTASKS=4", NULL };
    r = parmap_alone(old, ARGS("--items", "10", "--reps", "1"));
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "srun started 4 tasks (SLURM_NTASKS) but MPI sees 1"));
    par_test_out_free(&r);
    char *one[] = { "SLURM_STEP_ID=0", "SLURM_PROCID=0", "SLURM_STEP_NUM_TASKS=1", NULL };
    r = parmap_alone(one, ARGS("--items", "10", "--reps", "1"));
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    par_test_out_free(&r);
    /* A batch script's own step (not an srun task) is not checked. */
    char *batch[] = { "SLURM_STEP_ID=4294967291", "SLURM_PROCID=0", "SLURM_NTASKS=4", NULL };
    r = parmap_alone(batch, ARGS("-b", "mpi", "--items", "10", "--reps", "1"));
    assert_int_equal(r.status, 0);
    par_test_out_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mpi_with_j_but_no_launcher_is_a_usage_error),
        cmocka_unit_test(srun_task_count_must_match_the_mpi_world),
        cmocka_unit_test(every_workload_verifies_on_5_ranks_and_runs_on_1_and_2),
        cmocka_unit_test(the_documented_command_works_without_helper_variables),
        cmocka_unit_test(the_record_counts_the_ranks_that_got_items),
        cmocka_unit_test(a_rank_that_aborts_ends_the_job_non_zero_within_10_s),
        cmocka_unit_test(a_result_failing_on_rank_0_ends_every_rank),
        cmocka_unit_test(usage_errors_under_mpirun_are_printed_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
