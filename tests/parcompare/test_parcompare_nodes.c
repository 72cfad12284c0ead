/* parcompare --nodes on this one machine: bad values and a request without
 * an allocation or hostfile are one-line usage errors (exit 2) before any
 * point runs; with an Open MPI hostfile naming localhost, --nodes 1 runs the
 * mpi and hybrid points once per node count, their records carry the
 * placement that was asked for, results.json holds the interconnect measured
 * within the node, and the report and stdout have the "across nodes" tables.
 * The two-node run is in tests/cluster (label "cluster"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <cJSON.h>
#include <unistd.h>

#include "run.h"

#define MAX_ARGS 48

static char tmpdir[256];

static struct par_test_out pc(char *const env[], ...)
{
    char *argv[MAX_ARGS + 2];
    int n = 0;
    argv[n++] = (char *)par_test_bin("parcompare");
    va_list ap;
    va_start(ap, env);
    for (char *a = va_arg(ap, char *); a && n < MAX_ARGS; a = va_arg(ap, char *))
        argv[n++] = a;
    va_end(ap);
    argv[n] = NULL;
    struct par_test_out r;
    if (par_test_run(argv, env, NULL, 150, &r))
        fail_msg("could not run %s", argv[0]);
    return r;
}

static void usage_error(struct par_test_out r, const char *want)
{
    if (r.status != 2 || r.timed_out)
        fail_msg("expected exit 2, got %d\nstderr:\n%s", r.status, r.err);
    assert_int_equal(par_test_lines(r.err), 1);
    if (!strstr(r.err, want))
        fail_msg("expected '%s' in: %s", want, r.err);
    assert_string_equal(r.out, "");
    par_test_out_free(&r);
}

static int setup(void **state)
{
    (void)state;
    unsetenv("SLURM_JOB_ID");
    unsetenv("SLURM_JOB_NUM_NODES");
    unsetenv("SLURM_NNODES");
    snprintf(tmpdir, sizeof tmpdir, "/tmp/par_pcnodes_XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void bad_node_lists_are_usage_errors(void **state)
{
    (void)state;
    usage_error(pc(NULL, "--nodes", "0", NULL),
                "parcompare: --nodes: expected node counts in 1..4096 separated by commas, got '0'");
    usage_error(pc(NULL, "--nodes", "1,two", NULL), "got 'two'");
    usage_error(pc(NULL, "--nodes", "1,,2", NULL), "separated by commas, got '1,,2'");
    usage_error(pc(NULL, "--nodes", "", NULL), "--nodes: empty list");
    usage_error(pc(NULL, "--nodes", NULL), "--nodes needs a value");
    usage_error(pc(NULL, "--hostfile", "hosts", NULL), "--hostfile is used with --nodes");
}

static void nodes_without_an_allocation_or_hostfile_are_usage_errors(void **state)
{
    (void)state;
    char out[300];
    snprintf(out, sizeof out, "%s/never", tmpdir);
    usage_error(pc(NULL, "--nodes", "1,2", "--out", out, NULL),
                "--nodes needs a Slurm allocation (run it under salloc or sbatch: SLURM_JOB_ID "
                "is not set) or --hostfile FILE");
    char missing[300];
    snprintf(missing, sizeof missing, "%s/no-such-hostfile", tmpdir);
    usage_error(pc(NULL, "--nodes", "1", "--hostfile", missing, "--out", out, NULL),
                "--hostfile ");
    char hf[300];
    snprintf(hf, sizeof hf, "%s/hosts", tmpdir);
    FILE *f = fopen(hf, "w");
    assert_non_null(f);
    fputs("# one host\nlocalhost slots=4\n\n", f);
    fclose(f);
    usage_error(pc(NULL, "--nodes", "1,2", "--hostfile", hf, "--out", out, NULL),
                "--nodes 2: more nodes than the hostfile");
    /* An allocation of one node cannot hold two (srun need not be called). */
    char *one[] = { "SLURM_JOB_ID=42", "SLURM_JOB_NUM_NODES=1", NULL };
    struct par_test_out r = pc(one, "--nodes", "2", "--out", out, NULL);
    assert_int_equal(r.status, 2);
    assert_int_equal(par_test_lines(r.err), 1);
    assert_true(strstr(r.err, "--nodes 2: more nodes than the Slurm job 42 (1 node) offers") ||
                strstr(r.err, "srun is not in PATH"));
    par_test_out_free(&r);
    assert_int_equal(access(out, F_OK), -1); /* nothing was run or written */
}

/* A hostfile of this machine alone. */
static void localhost_hostfile(const char *path)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("localhost\n", f);
    fclose(f);
}

static void a_hostfile_run_on_one_node_records_its_placement(void **state)
{
    (void)state;
    if (access(par_test_bin("parmap"), X_OK) != 0)
        skip();
    char hf[300], out[300];
    snprintf(hf, sizeof hf, "%s/hosts", tmpdir);
    snprintf(out, sizeof out, "%s/run", tmpdir);
    localhost_hostfile(hf);
    struct par_test_out r =
        pc(NULL, "--nodes", "1", "--hostfile", hf, "--workloads", "map,fibtask", "--backends",
           "serial,mpi,hybrid", "--workers", "1,2", "--items", "3000", "--n", "18", "--cutoff",
           "9", "--reps", "1", "--warmup", "0", "--no-story", "--out", out, NULL);
    if (r.status != 0)
        fail_msg("exit %d\nstdout:\n%s\nstderr:\n%s", r.status, r.out, r.err);
    assert_non_null(strstr(r.out, "Across nodes (hostfile "));
    assert_non_null(strstr(r.out, "interconnect within one node: 8 B latency "));
    assert_non_null(strstr(r.out, "map across nodes"));
    assert_non_null(strstr(r.out, "fibtask across nodes"));
    par_test_out_free(&r);

    char path[400];
    snprintf(path, sizeof path, "%s/results.json", out);
    char *text = par_test_slurp(path);
    assert_non_null(text);
    cJSON *j = cJSON_Parse(text);
    assert_non_null(j);
    cJSON *nodes = cJSON_GetObjectItem(j, "nodes");
    assert_string_equal(cJSON_GetObjectItem(nodes, "via")->valuestring, "hostfile");
    cJSON *within = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "interconnect"), "within_node");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(within, "verified")));
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(within, "same_node")));
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "interconnect"),
                                                 "between_nodes")));
    /* 2 workloads x (mpi at 1 and 2 ranks, hybrid at 1x1 and 1x2) on 1 node. */
    int node_points = 0, hybrid2 = 0;
    cJSON *rec;
    cJSON_ArrayForEach(rec, cJSON_GetObjectItem(j, "records"))
    {
        if (strcmp(cJSON_GetObjectItem(rec, "set")->valuestring, "nodes") != 0)
            continue;
        node_points++;
        assert_string_equal(cJSON_GetObjectItem(rec, "status")->valuestring, "ok");
        cJSON *pl = cJSON_GetObjectItem(rec, "placement");
        assert_int_equal(cJSON_GetObjectItem(pl, "nodes")->valueint, 1);
        const char *be = cJSON_GetObjectItem(rec, "backend")->valuestring;
        int workers = cJSON_GetObjectItem(rec, "workers")->valueint;
        if (!strcmp(be, "hybrid")) {
            assert_int_equal(cJSON_GetObjectItem(pl, "ranks")->valueint, 1);
            assert_int_equal(cJSON_GetObjectItem(pl, "threads_per_rank")->valueint, workers);
            hybrid2 += workers == 2;
            assert_non_null(strstr(cJSON_GetObjectItem(rec, "command")->valuestring,
                                   "--threads"));
        } else {
            assert_int_equal(cJSON_GetObjectItem(pl, "ranks_per_node")->valueint, workers);
        }
        assert_non_null(strstr(cJSON_GetObjectItem(rec, "command")->valuestring,
                               "--host localhost:"));
    }
    assert_int_equal(node_points, 8);
    assert_int_equal(hybrid2, 2);
    cJSON_Delete(j);
    free(text);

    snprintf(path, sizeof path, "%s/report.md", out);
    text = par_test_slurp(path);
    assert_non_null(text);
    assert_non_null(strstr(text, "## Across nodes"));
    assert_non_null(strstr(text, "What crossed the network"));
    assert_non_null(strstr(text, "| hybrid | 1 x 1 x 2 | 2 |"));
    free(text);
}

/* The default matrix (no --workloads, so the grain sweep and the overhead
 * suite would join) with --nodes: both are left out, with one line. */
static void a_nodes_run_leaves_out_the_sweep_and_the_suite_in_one_line(void **state)
{
    (void)state;
    if (access(par_test_bin("parmap"), X_OK) != 0)
        skip();
    char hf[300], out[300];
    snprintf(hf, sizeof hf, "%s/hosts1", tmpdir);
    snprintf(out, sizeof out, "%s/run_nosweep", tmpdir);
    localhost_hostfile(hf);
    struct par_test_out r =
        pc(NULL, "--nodes", "1", "--hostfile", hf, "--backends", "serial", "--workers", "1",
           "--items", "3000", "--parmap-items", "8", "--n", "18", "--k", "2", "--cutoff", "9",
           "--reps", "1", "--warmup", "0", "--no-story", "--out", out, NULL);
    if (r.status != 0)
        fail_msg("exit %d\nstdout:\n%s\nstderr:\n%s", r.status, r.out, r.err);
    if (par_test_count(r.err, "--nodes: the grain sweep and the overhead suite are left out") != 1)
        fail_msg("stderr lacks the one line:\n%s", r.err);
    assert_null(strstr(r.err, "grain sweep ("));   /* the sweep's own progress line */
    assert_null(strstr(r.out, "METG"));
    par_test_out_free(&r);
    char path[400];
    snprintf(path, sizeof path, "%s/results.json", out);
    char *text = par_test_slurp(path);
    assert_non_null(text);
    cJSON *j = cJSON_Parse(text);
    assert_non_null(j);
    assert_null(cJSON_GetObjectItem(j, "grain"));
    assert_null(cJSON_GetObjectItem(j, "overhead"));
    cJSON_Delete(j);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bad_node_lists_are_usage_errors),
        cmocka_unit_test(nodes_without_an_allocation_or_hostfile_are_usage_errors),
        cmocka_unit_test(a_hostfile_run_on_one_node_records_its_placement),
        cmocka_unit_test(a_nodes_run_leaves_out_the_sweep_and_the_suite_in_one_line),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
