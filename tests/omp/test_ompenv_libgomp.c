/* The table of tests/support/ompenv_table.h against the OpenMP runtime this
 * build links: each spelling is given to a small OpenMP program
 * (ompenv_probe), which prints what the runtime made of it; a refusal is
 * the runtime's warning on stderr. If this fails, the runtime reads OMP_*
 * differently from the table, and so from common/ompenv.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ompenv_table.h"
#include "run.h"
#include "visible.h"

static const char *probe(void)
{
    const char *p = getenv("PAR_OMPENV_PROBE");
    if (!p)
        fail_msg("PAR_OMPENV_PROBE is not set");
    return p;
}

/* Runs the probe with name=value; returns 1 when the runtime accepted it,
 * with its reading in threads/kind/chunk. */
static int run_probe(const char *name, const char *value, long *threads, int *kind, int *chunk)
{
    char var[128];
    snprintf(var, sizeof var, "%s=%s", name, value);
    char *env[] = { var, NULL };
    char *argv[] = { (char *)probe(), NULL };
    struct par_test_out out;
    /* Only this variable: the other one must not come from the test's own
     * environment. */
    unsetenv("OMP_NUM_THREADS");
    unsetenv("OMP_SCHEDULE");
    assert_int_equal(par_test_run(argv, env, NULL, 30, &out), 0);
    assert_int_equal(out.status, 0);
    int ok = out.err[0] == '\0';
    assert_int_equal(sscanf(out.out, "threads=%ld kind=%d chunk=%d", threads, kind, chunk), 3);
    par_test_out_free(&out);
    return ok;
}

static void the_runtime_reads_num_threads_as_the_table_says(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof ompenv_threads_rows / sizeof *ompenv_threads_rows; i++) {
        const struct ompenv_threads_row *r = &ompenv_threads_rows[i];
        long t;
        int k, c;
        int ok = run_probe("OMP_NUM_THREADS", r->value, &t, &k, &c);
        if (ok != r->accepted || (ok && t != r->threads))
            fail_msg("OMP_NUM_THREADS='%s': runtime %s (%ld threads), table %s (%ld)",
                     par_vis(r->value), ok ? "accepts" : "refuses", t,
                     r->accepted ? "accepts" : "refuses", r->threads);
    }
}

static void the_runtime_reads_schedule_as_the_table_says(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof ompenv_schedule_rows / sizeof *ompenv_schedule_rows; i++) {
        const struct ompenv_schedule_row *r = &ompenv_schedule_rows[i];
        long t;
        int k, c;
        int ok = run_probe("OMP_SCHEDULE", r->value, &t, &k, &c);
        if (ok != r->accepted || (ok && (k != r->kind || c != r->chunk)))
            fail_msg("OMP_SCHEDULE='%s': runtime %s (kind %d chunk %d), table %s (%d, %d)",
                     par_vis(r->value), ok ? "accepts" : "refuses", k, c,
                     r->accepted ? "accepts" : "refuses", r->kind, r->chunk);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_runtime_reads_num_threads_as_the_table_says),
        cmocka_unit_test(the_runtime_reads_schedule_as_the_table_says),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
