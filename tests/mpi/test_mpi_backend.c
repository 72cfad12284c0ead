/* The "mpi" back end through the driver's contract, on every rank of an
 * mpiexec run (ctest starts it with 1, 2 and 5 ranks). The test initialises
 * MPI itself, so the back end can be opened and closed many times (it then
 * leaves MPI_Finalize to us). Every check that only rank 0 can make is
 * broadcast, so all ranks pass or fail together instead of leaving the
 * others blocked in a collective. */
#include <mpi.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "error.h"
#include "grain_check.h"
#include "par_mpi.h"
#include "workload.h"

static int rank, size;

/* Options for a small run of workload w; workers left to the defaults, as
 * parmap does under mpirun. */
static void small_opts(struct par_opts *o, enum par_workload w)
{
    char msg[256];
    par_opts_init(o, w, "mpi");
    o->items = w == PAR_W_PARMAP ? 23 : 4099;
    o->n = w == PAR_W_FIBTASK ? 23 : 16;
    o->k = 7;
    o->cutoff = 12;
    o->set_mask = PAR_SET_ITEMS | PAR_SET_N | PAR_SET_K | PAR_SET_CUTOFF;
    assert_int_equal(par_opts_finish(o, msg, sizeof msg), 0);
}

/* Same answer on every rank: rank 0's verdict, broadcast. */
static int root_verdict(int ok)
{
    MPI_Bcast(&ok, 1, MPI_INT, 0, MPI_COMM_WORLD);
    return ok;
}

static void check_workload(enum par_workload w, enum par_schedule s, size_t chunk)
{
    struct par_opts o;
    small_opts(&o, w);
    struct par_workload_data d;
    assert_int_equal(par_workload_prepare(&d, &o, rank == 0), 0);
    if (w == PAR_W_PARMAP && rank == 0) /* a shorter irregular list */
        for (size_t i = 0; i < d.n; i++) {
            d.in[i] = par_parmap_size(i) % 30000;
            d.ref[i] = par_powself_fast(d.in[i]);
        }
    struct par_run run = { .opts = &o, .workers = o.workers, .is_root = 1 };
    assert_int_equal(par_backend_mpi.open(&run), 0);
    assert_int_equal(run.workers, size);
    assert_int_equal(run.rank, rank);
    assert_int_equal(run.is_root, rank == 0);
    par_workload_reset(&d);
    int rc;
    if (w == PAR_W_FIBTASK) {
        rc = par_backend_mpi.tree(&run, d.fib_n, d.cutoff, &d.tree_out);
    } else {
        struct par_map job = { .kernel = d.kernel, .in = d.in, .out = d.out, .n = d.n,
                               .schedule = s, .chunk = chunk };
        rc = par_backend_mpi.map(&run, &job);
    }
    if (rc)
        fail_msg("rank %d: %s: %s", rank, par_strerror(rc), run.errmsg);
    /* The run's time is one number, the same on every rank. */
    double t = par_backend_mpi.reduce_time(&run, 1e9), lo, hi;
    MPI_Allreduce(&t, &lo, 1, MPI_DOUBLE, MPI_MIN, MPI_COMM_WORLD);
    MPI_Allreduce(&t, &hi, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    assert_true(t >= 0 && t < 1e9); /* its own span, not the driver's number */
    assert_true(lo == hi);
    char msg[256] = "";
    int ok = rank != 0 || par_workload_verify(&d, msg, sizeof msg) == 0;
    if (!root_verdict(ok))
        fail_msg("%s schedule=%s chunk=%zu on %d ranks: %s", par_workload_name(w),
                 par_schedule_name(s), chunk, size, rank == 0 ? msg : "(see rank 0)");
    par_backend_mpi.close(&run);
    par_workload_free(&d);
}

static void every_workload_and_schedule_equals_serial(void **state)
{
    (void)state;
    const size_t chunks[] = { 0, 1, 333 };
    for (int w = 0; w < PAR_W_GRAIN; w++) /* grain: its own test below */
        for (int s = PAR_SCHED_STATIC; s <= PAR_SCHED_GUIDED; s++)
            for (size_t c = 0; c < sizeof chunks / sizeof *chunks; c++)
                check_workload((enum par_workload)w, (enum par_schedule)s, chunks[c]);
}

static void ranks_waiting_for_a_call_are_released_when_rank_0_closes(void **state)
{
    (void)state;
    struct par_opts o;
    small_opts(&o, PAR_W_MAP);
    struct par_run run = { .opts = &o, .workers = o.workers, .is_root = 1 };
    assert_int_equal(par_backend_mpi.open(&run), 0);
    if (rank != 0) {
        /* Rank 0 stopped (say its result did not verify): we are in the next
         * repetition's map and must get an error, not wait forever. */
        struct par_map job = { .kernel = par_kernel_get(PAR_K_SQUARE), .n = 10 };
        assert_int_equal(par_backend_mpi.map(&run, &job), PAR_ESHUTDOWN);
        assert_string_equal(run.errmsg, "rank 0 ended the run");
        /* and the driver's reduce_time after it is no collective any more */
        assert_true(par_backend_mpi.reduce_time(&run, 2.5) == 2.5);
    }
    par_backend_mpi.close(&run);
    MPI_Barrier(MPI_COMM_WORLD); /* every rank got out */
}

static void workers_from_j_must_match_the_ranks(void **state)
{
    (void)state;
    struct par_opts o;
    small_opts(&o, PAR_W_MAP);
    o.workers = size + 1;
    o.workers_from = "-j";
    struct par_run run = { .opts = &o, .workers = o.workers, .is_root = 1 };
    assert_int_equal(par_backend_mpi.open(&run), PAR_EINVAL);
    assert_non_null(strstr(run.errmsg, "does not match the"));
    assert_non_null(strstr(run.errmsg, "mpirun -n N"));
    assert_int_equal(run.is_root, rank == 0);
    par_backend_mpi.close(&run);
    o.workers = size; /* -j equal to the ranks is fine */
    run = (struct par_run){ .opts = &o, .workers = o.workers, .is_root = 1 };
    assert_int_equal(par_backend_mpi.open(&run), 0);
    par_backend_mpi.close(&run);
}

/* One map of n squares on every rank; returns the call's workers_ran (the
 * same on every rank: an Allreduce). */
static int team_of_map(struct par_run *run, size_t n, enum par_schedule s)
{
    int64_t in[4200], out[4200];
    for (size_t i = 0; i < n; i++)
        in[i] = (int64_t)i;
    struct par_map job = { .kernel = par_kernel_get(PAR_K_SQUARE), .in = in, .out = out,
                           .n = n, .schedule = s, .chunk = 0 };
    run->workers_ran = 0;
    int rc = par_backend_mpi.map(run, &job);
    if (rc)
        fail_msg("rank %d: %s: %s", rank, par_strerror(rc), run->errmsg);
    return run->workers_ran;
}

/* Real team sizes (issue 10): the ranks that got items, counted. Static
 * blocks: ranks [0, n) when n < ranks; dynamic: the master hands each
 * worker two chunks before it computes, so 2 one-item chunks go to rank 1
 * alone (rank 0 itself when it is the only rank). */
static void the_team_counts_the_ranks_that_got_items(void **state)
{
    (void)state;
    struct par_opts o;
    small_opts(&o, PAR_W_MAP);
    struct par_run run = { .opts = &o, .workers = o.workers, .is_root = 1 };
    assert_int_equal(par_backend_mpi.open(&run), 0);
    assert_int_equal(team_of_map(&run, 4099, PAR_SCHED_STATIC), size);
    assert_int_equal(team_of_map(&run, 2, PAR_SCHED_STATIC), size < 2 ? size : 2);
    assert_int_equal(team_of_map(&run, 1, PAR_SCHED_STATIC), 1);
    assert_int_equal(team_of_map(&run, 2, PAR_SCHED_DYNAMIC), 1);
    assert_int_equal(team_of_map(&run, 0, PAR_SCHED_STATIC), 0);
    /* the tree's leaves, dynamically: at least one rank, at most all */
    int64_t r = 0;
    run.workers_ran = 0;
    assert_int_equal(par_backend_mpi.tree(&run, 20, 12, &r), 0);
    assert_true(run.workers_ran >= 1 && run.workers_ran <= size);
    par_backend_mpi.close(&run);
}

static void library_version_is_one_line(void **state)
{
    (void)state;
    char v[256], small[8];
    assert_int_equal(par_mpi_library_version(v, sizeof v), 0);
    assert_true(strlen(v) > 3);
    assert_null(strchr(v, '\n'));
    assert_int_equal(par_mpi_library_version(small, sizeof small), 0);
    assert_int_equal(strlen(small), sizeof small - 1);
    assert_int_equal(strncmp(small, v, sizeof small - 1), 0);
    assert_int_equal(par_mpi_library_version(NULL, 4), PAR_EINVAL);
}

/* grain on every rank: halo exchange (stencil) and barriers (none), with T
 * below, at and above the rank count. */
static void grain_equals_serial_for_both_patterns_and_worker_counts(void **state)
{
    (void)state;
    struct par_opts o;
    small_opts(&o, PAR_W_GRAIN);
    struct par_run run = { .opts = &o, .workers = o.workers, .is_root = 1 };
    assert_int_equal(par_backend_mpi.open(&run), 0);
    char msg[512] = "";
    int ok = par_test_grain_matches_serial(&par_backend_mpi, &run, msg, sizeof msg);
    /* A failing call fails on every rank (agree), so all ranks get here. */
    ok = root_verdict(ok);
    par_backend_mpi.close(&run);
    if (!ok)
        fail_msg("%d ranks: %s", size, rank == 0 ? msg : "(see rank 0)");
}

#ifdef PAR_TEST_HYBRID
/* grain on hybrid (ranks x OpenMP threads sharing each rank's block): the
 * same combinations with 2 and 3 threads per rank, so blocks split unevenly
 * and some threads or ranks own no task. */
static void hybrid_grain_equals_serial_for_both_patterns_and_thread_counts(void **state)
{
    (void)state;
    for (int threads = 2; threads <= 3; threads++) {
        struct par_opts o;
        small_opts(&o, PAR_W_GRAIN);
        o.threads = threads;
        struct par_run run = { .opts = &o, .workers = o.workers, .is_root = 1 };
        assert_int_equal(par_backend_hybrid.open(&run), 0);
        assert_int_equal(run.workers, size * threads);
        char msg[512] = "";
        int ok = par_test_grain_matches_serial(&par_backend_hybrid, &run, msg, sizeof msg);
        ok = root_verdict(ok);
        par_backend_hybrid.close(&run);
        if (!ok)
            fail_msg("%d ranks x %d threads: %s", size, threads, rank == 0 ? msg : "(see rank 0)");
    }
}
#endif

int main(int argc, char **argv)
{
    /* FUNNELED: the hybrid back end's threads need it (MPI from the main
     * thread only); the mpi back end is content with it too. */
    int provided;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_workload_and_schedule_equals_serial),
        cmocka_unit_test(ranks_waiting_for_a_call_are_released_when_rank_0_closes),
        cmocka_unit_test(workers_from_j_must_match_the_ranks),
        cmocka_unit_test(library_version_is_one_line),
        cmocka_unit_test(the_team_counts_the_ranks_that_got_items),
        cmocka_unit_test(grain_equals_serial_for_both_patterns_and_worker_counts),
#ifdef PAR_TEST_HYBRID
        cmocka_unit_test(hybrid_grain_equals_serial_for_both_patterns_and_thread_counts),
#endif
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    MPI_Finalize();
    return rc;
}
