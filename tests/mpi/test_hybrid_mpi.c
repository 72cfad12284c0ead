/* The placement every MPI record carries, and the "hybrid" back end (MPI
 * ranks x OpenMP threads), through parmap under mpiexec on this one node:
 * every workload verifies at 2 ranks x 2 threads; the record says
 * 1 node x N ranks per node with this host's name; the threads come from
 * --threads, else OMP_NUM_THREADS (first entry of a list), else
 * SLURM_CPUS_PER_TASK, else the cores / ranks on the node; malformed values
 * and a -j that disagrees are one-line errors; records of back ends inside
 * one process say "placement": null. Two-node placement is in
 * tests/cluster (label "cluster"). */
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

#include "mpirun.h"
#include "run.h"

static int setup(void **state)
{
    (void)state;
    /* Each test states the thread variables it wants. */
    unsetenv("OMP_NUM_THREADS");
    unsetenv("SLURM_CPUS_PER_TASK");
    return 0;
}

static cJSON *json_of(struct par_test_out *r, const char *what)
{
    if (r->status != 0 || r->timed_out)
        fail_msg("%s: status %d%s, stderr: %s", what, r->status,
                 r->timed_out ? " (timed out)" : "", r->err);
    assert_int_equal(par_test_count(r->out, "\"tool\""), 1); /* only rank 0 prints */
    cJSON *j = cJSON_Parse(r->out);
    if (!j)
        fail_msg("%s: not JSON: %s", what, r->out);
    return j;
}

static int num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItem(o, key);
    if (!cJSON_IsNumber(v))
        fail_msg("no number '%s'", key);
    return v->valueint;
}

/* The placement of a run on this one machine: 1 node, `ranks` ranks on it,
 * named as this process sees its host. */
static void expect_one_node(const cJSON *j, int ranks, int threads)
{
    const cJSON *p = cJSON_GetObjectItem(j, "placement");
    assert_true(cJSON_IsObject(p));
    assert_int_equal(num(p, "nodes"), 1);
    assert_int_equal(num(p, "ranks"), ranks);
    assert_int_equal(num(p, "ranks_per_node"), ranks);
    assert_int_equal(num(p, "threads_per_rank"), threads);
    const cJSON *hosts = cJSON_GetObjectItem(p, "hosts");
    assert_int_equal(cJSON_GetArraySize(hosts), 1);
    char host[256] = "";
    assert_int_equal(gethostname(host, sizeof host - 1), 0);
    const cJSON *h0 = cJSON_GetArrayItem(hosts, 0);
    assert_string_equal(cJSON_GetObjectItem(h0, "host")->valuestring, host);
    assert_int_equal(num(h0, "ranks"), ranks);
}

static void expect_hybrid(struct par_test_out r, int ranks, int threads, const char *from,
                          const char *what)
{
    cJSON *j = json_of(&r, what);
    assert_string_equal(cJSON_GetObjectItem(j, "backend")->valuestring, "hybrid");
    assert_string_equal(cJSON_GetObjectItem(j, "kind")->valuestring, "processes+threads");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "verified")));
    assert_int_equal(num(j, "workers"), ranks * threads);
    if (from)
        assert_string_equal(cJSON_GetObjectItem(j, "workers_from")->valuestring, from);
    char want[64];
    snprintf(want, sizeof want, "ranks=%d threads=%d ", ranks, threads);
    assert_non_null(strstr(cJSON_GetObjectItem(j, "detail")->valuestring, want));
    expect_one_node(j, ranks, threads);
    cJSON_Delete(j);
    par_test_out_free(&r);
}

static void every_workload_verifies_on_2_ranks_x_2_threads(void **state)
{
    (void)state;
    expect_hybrid(par_test_mpirun("parmap", NULL, 60, NULL, 2,
                                  PAR_ARGS("--json", "-b", "hybrid", "--threads", "2", "--items",
                                           "20001", "--reps", "2", "--warmup", "1")),
                  2, 2, "launcher x --threads", "map");
    expect_hybrid(par_test_mpirun("parmap", NULL, 60, NULL, 2,
                                  PAR_ARGS("--json", "-b", "hybrid", "--threads", "2", "-w", "fib",
                                           "--n", "20", "--k", "9", "--schedule", "dynamic",
                                           "--reps", "1", "--warmup", "0")),
                  2, 2, NULL, "fib (dynamic)");
    expect_hybrid(par_test_mpirun("parmap", NULL, 60, NULL, 2,
                                  PAR_ARGS("--json", "-b", "hybrid", "--threads", "2", "-w",
                                           "parmap", "--schedule", "guided", "--items", "12",
                                           "--reps", "1", "--warmup", "0")),
                  2, 2, NULL, "parmap (guided)");
    expect_hybrid(par_test_mpirun("parmap", NULL, 60, NULL, 2,
                                  PAR_ARGS("--json", "-b", "hybrid", "--threads", "2", "-w",
                                           "fibtask", "--n", "24", "--cutoff", "12", "--reps",
                                           "1", "--warmup", "0")),
                  2, 2, NULL, "fibtask");
    /* One rank, three threads: the distribution degenerates, the threads do not. */
    expect_hybrid(par_test_mpirun("parmap", NULL, 60, NULL, 1,
                                  PAR_ARGS("--json", "-b", "hybrid", "--threads", "3", "-w",
                                           "fibtask", "--n", "22", "--cutoff", "10", "--reps",
                                           "1", "--warmup", "0")),
                  1, 3, NULL, "fibtask on 1 rank");
}

/* Real team sizes (issue 10): ranks x the OpenMP team of every rank that
 * got items. A static map of 1 item on 2 ranks reaches rank 0 only: its
 * team of 2 threads ran, rank 1's did not, and the record warns. */
static void the_record_counts_the_threads_of_the_ranks_that_got_items(void **state)
{
    (void)state;
    struct par_test_out r = par_test_mpirun("parmap", NULL, 60, NULL, 2,
                                            PAR_ARGS("--json", "-b", "hybrid", "--threads", "2",
                                                     "--items", "1", "--schedule", "static",
                                                     "--reps", "2", "--warmup", "0"));
    cJSON *j = json_of(&r, "map of 1 item");
    assert_int_equal(num(j, "workers"), 4);
    assert_int_equal(num(j, "workers_ran"), 2);
    const cJSON *w = cJSON_GetObjectItem(j, "team_warning");
    if (!cJSON_IsString(w) || !strstr(w->valuestring, "asked for 4 workers, 2 took part"))
        fail_msg("no team warning: %s", r.out);
    cJSON_Delete(j);
    par_test_out_free(&r);
    r = par_test_mpirun("parmap", NULL, 60, NULL, 2,
                        PAR_ARGS("--json", "-b", "hybrid", "--threads", "2", "--items", "2000",
                                 "--schedule", "static", "--reps", "2", "--warmup", "0"));
    j = json_of(&r, "map of 2000 items");
    assert_int_equal(num(j, "workers_ran"), 4);
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "team_warning")));
    cJSON_Delete(j);
    par_test_out_free(&r);
}

static void threads_come_from_the_flag_then_the_variables_then_the_cores(void **state)
{
    (void)state;
    const char *const *args =
        PAR_ARGS("--json", "-b", "hybrid", "--items", "3000", "--reps", "1", "--warmup", "0");
    char *omp[] = { "OMP_NUM_THREADS=3,2", "SLURM_CPUS_PER_TASK=5", NULL };
    expect_hybrid(par_test_mpirun("parmap", omp, 60, NULL, 2, args), 2, 3,
                  "launcher x OMP_NUM_THREADS", "OMP_NUM_THREADS list");
    char *slurm[] = { "SLURM_CPUS_PER_TASK=2", NULL };
    expect_hybrid(par_test_mpirun("parmap", slurm, 60, NULL, 2, args), 2, 2,
                  "launcher x SLURM_CPUS_PER_TASK", "SLURM_CPUS_PER_TASK");
    /* --threads beats the variables. */
    expect_hybrid(par_test_mpirun("parmap", omp, 60, NULL, 2,
                                  PAR_ARGS("--json", "-b", "hybrid", "--threads", "1", "--items",
                                           "3000", "--reps", "1", "--warmup", "0")),
                  2, 1, "launcher x --threads", "--threads over OMP_NUM_THREADS");
    /* Nothing set: this node's cores shared by its ranks, at least one each. */
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int want = cores / 3 > 0 ? (int)(cores / 3) : 1;
    expect_hybrid(par_test_mpirun("parmap", NULL, 60, NULL, 3, args), 3, want,
                  "launcher x cores per rank on the node", "cores per rank");
}

static void bad_thread_counts_are_one_line_errors(void **state)
{
    (void)state;
    char *bad[] = { "OMP_NUM_THREADS=two", NULL };
    struct par_test_out r = par_test_mpirun(
        "parmap", bad, 30, NULL, 2, PAR_ARGS("-b", "hybrid", "--items", "100", "--reps", "1"));
    assert_false(r.timed_out);
    assert_int_equal(r.status, 1);
    assert_string_equal(r.out, "");
    assert_int_equal(par_test_count(r.err, "parmap: "), 1);
    assert_non_null(strstr(r.err, "OMP_NUM_THREADS: expected a whole number in 1..1024, got 'two'"));
    par_test_out_free(&r);

    r = par_test_mpirun("parmap", NULL, 30, NULL, 2,
                        PAR_ARGS("-b", "hybrid", "--threads", "0", "--items", "100"));
    assert_false(r.timed_out);
    assert_int_equal(r.status, 2);
    assert_int_equal(par_test_count(r.err, "parmap: "), 1);
    assert_non_null(strstr(r.err, "--threads: expected a whole number in 1..1024"));
    par_test_out_free(&r);

    r = par_test_mpirun("parmap", NULL, 30, NULL, 2,
                        PAR_ARGS("-b", "hybrid", "--threads", "2", "-j", "3", "--items", "100"));
    assert_false(r.timed_out);
    assert_int_equal(r.status, 1);
    assert_int_equal(par_test_count(r.err, "parmap: "), 1);
    assert_non_null(strstr(r.err, "-j 3 does not match 2 ranks x 2 threads"));
    par_test_out_free(&r);
}

static void the_mpi_back_end_says_where_its_ranks_ran(void **state)
{
    (void)state;
    struct par_test_out r = par_test_mpirun(
        "parmap", NULL, 60, NULL, 3, PAR_ARGS("--json", "--items", "900", "--reps", "1"));
    cJSON *j = json_of(&r, "mpi");
    assert_string_equal(cJSON_GetObjectItem(j, "backend")->valuestring, "mpi");
    expect_one_node(j, 3, 1);
    cJSON_Delete(j);
    par_test_out_free(&r);
    /* The same in the text summary and the CSV row. */
    r = par_test_mpirun("parmap", NULL, 60, NULL, 2, PAR_ARGS("--items", "900", "--reps", "1"));
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "  placement 1 node x 2 ranks per node: "));
    par_test_out_free(&r);
    r = par_test_mpirun("parmap", NULL, 60, NULL, 2,
                        PAR_ARGS("--csv", "--items", "900", "--reps", "1"));
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, ",nodes,ranks_per_node,threads_per_rank,hosts,samples,"));
    assert_non_null(strstr(r.out, ",1,2,1,"));
    par_test_out_free(&r);
}

static void records_inside_one_process_have_no_placement(void **state)
{
    (void)state;
    char *argv[] = { (char *)par_test_bin("poolmap"), "--json", "-b", "serial", "--items", "100",
                     "--reps", "1", NULL };
    struct par_test_out r;
    assert_int_equal(par_test_run(argv, NULL, NULL, 30, &r), 0);
    cJSON *j = json_of(&r, "poolmap");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "placement")));
    cJSON_Delete(j);
    par_test_out_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(every_workload_verifies_on_2_ranks_x_2_threads, setup),
        cmocka_unit_test_setup(threads_come_from_the_flag_then_the_variables_then_the_cores,
                               setup),
        cmocka_unit_test_setup(bad_thread_counts_are_one_line_errors, setup),
        cmocka_unit_test_setup(the_record_counts_the_threads_of_the_ranks_that_got_items, setup),
        cmocka_unit_test_setup(the_mpi_back_end_says_where_its_ranks_ran, setup),
        cmocka_unit_test_setup(records_inside_one_process_have_no_placement, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
