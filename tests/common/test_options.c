/* Option parsing: every bad input is refused with a message naming the
 * option, the accepted range and the value; nothing is clamped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "error.h"
#include "options.h"

static char msg[512];

/* Parses a NULL-terminated list of arguments (program name added). */
static int parse_list(struct par_opts *o, const char *const *args)
{
    char *argv[32];
    int argc = 0;
    argv[argc++] = (char *)"poolmap";
    for (; *args; args++)
        argv[argc++] = (char *)*args;
    argv[argc] = NULL;
    msg[0] = '\0';
    par_opts_init(o, PAR_W_MAP, "omp");
    int rc = par_opts_parse(o, argc, argv, msg, sizeof msg);
    if (rc == 0)
        rc = par_opts_finish(o, msg, sizeof msg);
    return rc;
}

#define PARSE(o, ...) parse_list(o, (const char *const[]){ __VA_ARGS__, NULL })

static void expect_error(int rc, const char *a, const char *b, const char *c)
{
    assert_int_equal(rc, PAR_EINVAL);
    if (a && !strstr(msg, a)) fail_msg("message '%s' lacks '%s'", msg, a);
    if (b && !strstr(msg, b)) fail_msg("message '%s' lacks '%s'", msg, b);
    if (c && !strstr(msg, c)) fail_msg("message '%s' lacks '%s'", msg, c);
    assert_null(strchr(msg, '\n')); /* one line */
}

static int setup(void **state)
{
    (void)state;
    unsetenv("OMP_NUM_THREADS");
    unsetenv("OMP_SCHEDULE");
    return 0;
}

static void defaults_are_map_of_999999_items_five_reps_one_warmup(void **state)
{
    (void)state;
    struct par_opts o;
    assert_int_equal(parse_list(&o, (const char *const[]){ NULL }), 0);
    assert_int_equal(o.workload, PAR_W_MAP);
    assert_int_equal(o.items, 999999);
    assert_int_equal(o.reps, 5);
    assert_int_equal(o.warmup, 1);
    assert_int_equal(o.schedule, PAR_SCHED_STATIC);
    assert_int_equal(o.chunk, 0);
    assert_string_equal(o.workers_from, "cores");
    assert_true(o.workers >= 1);
    assert_string_equal(o.backend, "omp");
}

static void bad_worker_counts_name_the_range(void **state)
{
    (void)state;
    struct par_opts o;
    expect_error(PARSE(&o, "-j", "0"), "-j/--workers", "1..1024", "'0'");
    expect_error(PARSE(&o, "-j", "abc"), "-j/--workers", "1..1024", "'abc'");
    expect_error(PARSE(&o, "-j", "-3"), "-j/--workers", "1..1024", "'-3'");
    expect_error(PARSE(&o, "-j", "1025"), "-j/--workers", "1..1024", NULL);
    expect_error(PARSE(&o, "-j", "2x"), "-j/--workers", NULL, NULL);
    expect_error(PARSE(&o, "--workers="), "-j/--workers", NULL, NULL);
    expect_error(PARSE(&o, "-j", " 2"), "-j/--workers", NULL, NULL);
}

static void fib_n_beyond_92_names_the_int64_limit(void **state)
{
    (void)state;
    struct par_opts o;
    expect_error(PARSE(&o, "--workload", "fib", "--n", "100"), "--n", "1..92", "fib(93) overflows");
    expect_error(PARSE(&o, "--n", "0"), "--n", "1..92", NULL);
    assert_int_equal(PARSE(&o, "--workload", "fib", "--n", "92"), 0);
    assert_int_equal(o.n, 92);
}

static void items_reps_and_sizes_out_of_range_are_refused(void **state)
{
    (void)state;
    struct par_opts o;
    expect_error(PARSE(&o, "--items", "0"), "--items", "1..", "memory");
    expect_error(PARSE(&o, "--items", "99999999999999999"), "--items", "memory", NULL);
    expect_error(PARSE(&o, "--reps", "0"), "--reps", "1..1000", NULL);
    expect_error(PARSE(&o, "--warmup", "-1"), "--warmup", "0..100", NULL);
    expect_error(PARSE(&o, "--k", "0"), "--k", "1..1000000", NULL);
    expect_error(PARSE(&o, "--chunk", "x"), "--chunk", "0 = automatic", NULL);
    expect_error(PARSE(&o, "--switch-interval", "0"), "--switch-interval", NULL, NULL);
    expect_error(PARSE(&o, "-w", "fibtask", "--n", "20", "--cutoff", "21"), "--cutoff",
                 "1..20", NULL);
    expect_error(PARSE(&o, "-w", "parmap", "--items", "2000000"), "--items", "1..1000000", NULL);
}

static void unknown_names_and_flags_are_refused(void **state)
{
    (void)state;
    struct par_opts o;
    expect_error(PARSE(&o, "--workload", "nope"), "--workload", "'nope'", "map, fib, parmap, fibtask");
    expect_error(PARSE(&o, "--schedule", "roundrobin"), "--schedule", "static, dynamic or guided", NULL);
    expect_error(PARSE(&o, "--bogus"), "unknown option", "--bogus", NULL);
    expect_error(PARSE(&o, "-x"), "unknown option", "-x", NULL);
    expect_error(PARSE(&o, "--n"), "--n", "needs a value", NULL);
    expect_error(PARSE(&o, "-j"), "-j/--workers", "needs a value", NULL);
    expect_error(PARSE(&o, "stray"), "unexpected argument", "stray", NULL);
    expect_error(PARSE(&o, "--json", "--csv"), "choose one", NULL, NULL);
}

static void omp_num_threads_sets_workers_unless_j_given(void **state)
{
    (void)state;
    struct par_opts o;
    setenv("OMP_NUM_THREADS", "10", 1);
    assert_int_equal(PARSE(&o, "-w", "map"), 0);
    assert_int_equal(o.workers, 10);
    assert_string_equal(o.workers_from, "OMP_NUM_THREADS");
    assert_int_equal(PARSE(&o, "-j", "3"), 0);
    assert_int_equal(o.workers, 3);
    assert_string_equal(o.workers_from, "-j");
    setenv("OMP_NUM_THREADS", "4,2", 1); /* nested list: the outer level */
    assert_int_equal(PARSE(&o, "-w", "map"), 0);
    assert_int_equal(o.workers, 4);
    setenv("OMP_NUM_THREADS", "lots", 1);
    expect_error(PARSE(&o, "-w", "map"), "OMP_NUM_THREADS", "1..1024", "'lots'");
    unsetenv("OMP_NUM_THREADS");
}

static void omp_schedule_applies_only_without_schedule_flag(void **state)
{
    (void)state;
    struct par_opts o;
    setenv("OMP_SCHEDULE", "dynamic,4", 1);
    assert_int_equal(PARSE(&o, "-w", "map"), 0);
    assert_int_equal(o.schedule, PAR_SCHED_DYNAMIC);
    assert_int_equal(o.chunk, 4);
    assert_int_equal(PARSE(&o, "--schedule", "guided"), 0);
    assert_int_equal(o.schedule, PAR_SCHED_GUIDED);
    assert_int_equal(o.chunk, 0);
    setenv("OMP_SCHEDULE", "monotonic:GUIDED", 1);
    assert_int_equal(PARSE(&o, "-w", "map", "--chunk", "7"), 0);
    assert_int_equal(o.schedule, PAR_SCHED_GUIDED);
    assert_int_equal(o.chunk, 7);
    setenv("OMP_SCHEDULE", "sideways", 1);
    expect_error(PARSE(&o, "-w", "map"), "OMP_SCHEDULE", "'sideways'", NULL);
    unsetenv("OMP_SCHEDULE");
}

static void seed_sizes_are_the_cheatsheets_and_explicit_flags_win(void **state)
{
    (void)state;
    struct par_opts o;
    assert_int_equal(PARSE(&o, "-w", "fib", "--seed-sizes"), 0);
    assert_int_equal(o.n, 35);
    assert_int_equal(o.k, 5);
    assert_int_equal(PARSE(&o, "-w", "parmap", "--seed-sizes"), 0);
    assert_int_equal(o.items, 4);
    assert_int_equal(PARSE(&o, "-w", "fib", "--seed-sizes", "--k", "2"), 0);
    assert_int_equal(o.k, 2);
    assert_int_equal(PARSE(&o, "-w", "fibtask"), 0);
    assert_int_equal(o.n, PAR_DEFAULT_FIBTASK_N);
    assert_int_equal(o.cutoff, PAR_DEFAULT_FIBTASK_CUTOFF);
    assert_int_equal(PARSE(&o, "-w", "fibtask", "--n", "10"), 0);
    assert_int_equal(o.cutoff, 1);
}

static void parse_real_takes_a_number_in_range_and_nothing_else(void **state)
{
    (void)state;
    double v = -1;
    assert_int_equal(par_parse_real("0.25", NULL, 0, 1, &v), 0);
    assert_true(v == 0.25);
    assert_int_equal(par_parse_real("5%", "%", 0, 1000, &v), 0);
    assert_true(v == 5.0);
    assert_int_equal(par_parse_real("2 s", " s", 0.1, 10, &v), 0);
    assert_true(v == 2.0);
    const char *bad[] = { "", " 1", "1 ", "1x", "5%%", "nan", "inf", "-0.5", "11", "0x", "." };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        v = -1;
        assert_int_equal(par_parse_real(bad[i], "%", 0, 10, &v), PAR_EINVAL);
        assert_true(v == -1);   /* untouched on failure */
    }
    assert_int_equal(par_parse_real(NULL, NULL, 0, 1, &v), PAR_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(defaults_are_map_of_999999_items_five_reps_one_warmup, setup),
        cmocka_unit_test_setup(bad_worker_counts_name_the_range, setup),
        cmocka_unit_test_setup(fib_n_beyond_92_names_the_int64_limit, setup),
        cmocka_unit_test_setup(items_reps_and_sizes_out_of_range_are_refused, setup),
        cmocka_unit_test_setup(unknown_names_and_flags_are_refused, setup),
        cmocka_unit_test_setup(omp_num_threads_sets_workers_unless_j_given, setup),
        cmocka_unit_test_setup(omp_schedule_applies_only_without_schedule_flag, setup),
        cmocka_unit_test_setup(seed_sizes_are_the_cheatsheets_and_explicit_flags_win, setup),
        cmocka_unit_test(parse_real_takes_a_number_in_range_and_nothing_else),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
