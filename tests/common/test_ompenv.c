/* common/ompenv.c reads OMP_NUM_THREADS and OMP_SCHEDULE as libgomp does:
 * every row of tests/support/ompenv_table.h (libgomp's observed behaviour).
 * And common/visible.c quotes outside text visibly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "ompenv.h"
#include "ompenv_table.h"
#include "visible.h"

static void num_threads_spellings_as_libgomp(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof ompenv_threads_rows / sizeof *ompenv_threads_rows; i++) {
        const struct ompenv_threads_row *r = &ompenv_threads_rows[i];
        long v = -1;
        int rc = par_omp_parse_num_threads(r->value, &v);
        if ((rc == 0) != r->accepted)
            fail_msg("OMP_NUM_THREADS='%s': libgomp %s it, we %s it", par_vis(r->value),
                     r->accepted ? "accepts" : "refuses", rc == 0 ? "accept" : "refuse");
        if (r->accepted && v != r->threads)
            fail_msg("OMP_NUM_THREADS='%s': %ld threads, libgomp %ld", par_vis(r->value), v,
                     r->threads);
    }
}

static void schedule_spellings_as_libgomp(void **state)
{
    (void)state;
    static const int kind_of[] = { [PAR_SCHED_STATIC] = 1, [PAR_SCHED_DYNAMIC] = 2,
                                   [PAR_SCHED_GUIDED] = 3 };
    for (size_t i = 0; i < sizeof ompenv_schedule_rows / sizeof *ompenv_schedule_rows; i++) {
        const struct ompenv_schedule_row *r = &ompenv_schedule_rows[i];
        enum par_schedule k;
        int is_auto = 0;
        size_t chunk = 0;
        int rc = par_omp_parse_schedule(r->value, &k, &is_auto, &chunk);
        int want = r->accepted && !r->ours_differ;
        if ((rc == 0) != want)
            fail_msg("OMP_SCHEDULE='%s': want %s, we %s it", par_vis(r->value),
                     want ? "accepted" : "refused", rc == 0 ? "accept" : "refuse");
        if (!want)
            continue;
        int kind = is_auto ? 4 : kind_of[k];
        if (kind != r->kind)
            fail_msg("OMP_SCHEDULE='%s': kind %d, libgomp %d", par_vis(r->value), kind, r->kind);
        /* libgomp reports a dynamic/guided/auto schedule without a chunk as
         * chunk 1; we keep 0 ("automatic") there, which runs as 1 too. */
        size_t want_chunk = (size_t)r->chunk;
        if (kind != 1 && !strchr(r->value, ','))
            want_chunk = 0;
        if (chunk != want_chunk)
            fail_msg("OMP_SCHEDULE='%s': chunk %zu, want %zu", par_vis(r->value), chunk,
                     want_chunk);
    }
}

static void visible_quotes_control_characters(void **state)
{
    (void)state;
    char buf[64];
    assert_string_equal(par_visible("4\r", buf, sizeof buf), "4\\r");
    assert_string_equal(par_visible("a\nb\tc", buf, sizeof buf), "a\\nb\\tc");
    assert_string_equal(par_visible("\x1b[2J\x7f\xff", buf, sizeof buf), "\\x1b[2J\\x7f\\xff");
    assert_string_equal(par_visible("back\\slash", buf, sizeof buf), "back\\\\slash");
    assert_string_equal(par_visible("plain text", buf, sizeof buf), "plain text");
    assert_string_equal(par_visible(NULL, buf, sizeof buf), "(null)");
    char small[8];
    assert_string_equal(par_visible("abcdefghijkl", small, sizeof small), "abcd...");
    assert_string_equal(par_visible("\n\n\n\n", small, sizeof small), "\\n\\n...");
    /* rotating buffers: four values in one call stay distinct */
    char line[128];
    snprintf(line, sizeof line, "%s %s %s %s", par_vis("1\n"), par_vis("2\r"), par_vis("3"),
             par_vis("4\t"));
    assert_string_equal(line, "1\\n 2\\r 3 4\\t");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(num_threads_spellings_as_libgomp),
        cmocka_unit_test(schedule_spellings_as_libgomp),
        cmocka_unit_test(visible_quotes_control_characters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
