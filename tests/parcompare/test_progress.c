/* parcompare's progress lines (progress.c): the count never passes the
 * total. The grain sweep's share of the total is an estimate, so a run may
 * start more points than it announced; the line must then say [n/n], not
 * [253/240]. stderr is captured in a temporary file (not a terminal, so
 * every finished point prints a line). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../apps/parcompare/progress.h"

/* Runs `points` points against an announced total, returns what stderr got
 * (caller frees). */
static char *run_points(size_t total, size_t points)
{
    fflush(stderr);
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    int saved = dup(STDERR_FILENO);
    assert_true(saved >= 0);
    assert_true(dup2(fileno(tmp), STDERR_FILENO) >= 0);

    struct par__progress pg;
    par__progress_init(&pg, total);
    for (size_t i = 0; i < points; i++) {
        par__progress_start(&pg, "point");
        par__progress_done(&pg, "point", "ok", 0);
    }
    par__progress_end(&pg);

    fflush(stderr);
    assert_true(dup2(saved, STDERR_FILENO) >= 0);
    close(saved);
    long n = ftell(tmp);
    assert_true(n > 0);
    char *text = calloc((size_t)n + 1, 1);
    assert_non_null(text);
    rewind(tmp);
    assert_int_equal(fread(text, 1, (size_t)n, tmp), (size_t)n);
    fclose(tmp);
    return text;
}

static void test_count_within_total(void **state)
{
    (void)state;
    char *text = run_points(3, 3);
    assert_non_null(strstr(text, "[  3/3 "));
    free(text);
}

static void test_total_grows_with_more_points(void **state)
{
    (void)state;
    char *text = run_points(2, 4);
    assert_non_null(strstr(text, "[  1/2 "));
    assert_non_null(strstr(text, "[  4/4 "));
    assert_null(strstr(text, "[  3/2 "));
    assert_null(strstr(text, "[  4/2 "));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_count_within_total),
        cmocka_unit_test(test_total_grows_with_more_points),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
