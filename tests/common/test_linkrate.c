/* The link cap: tc's output parsed (injected text), PARCOMPARE_LINK_RATE
 * taking precedence over whatever tc says. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "linkrate.h"

static void a_tbf_rate_is_found_with_its_device(void **state)
{
    (void)state;
    char buf[128];
    const char *tc = "qdisc noqueue 0: dev lo root refcnt 2 \n"
                     "qdisc tbf 8001: dev eth0 root refcnt 2 rate 100Mbit burst 128Kb lat 100ms \n";
    assert_int_equal(par_linkrate_from_tc(tc, buf, sizeof buf), 1);
    assert_string_equal(buf, "100Mbit (tbf on eth0)");
    assert_int_equal(par_linkrate_from_tc("qdisc tbf 1: root rate 1Gbit burst 1Mb", buf,
                                          sizeof buf), 1);
    assert_string_equal(buf, "1Gbit (tbf)");
}

static void no_tbf_means_no_cap(void **state)
{
    (void)state;
    char buf[128] = "untouched";
    assert_int_equal(par_linkrate_from_tc("qdisc pfifo_fast 0: dev eth0 root refcnt 2 bands 3\n"
                                          "qdisc noqueue 0: dev lo root\n", buf, sizeof buf), 0);
    assert_int_equal(par_linkrate_from_tc("", buf, sizeof buf), 0);
    assert_int_equal(par_linkrate_from_tc("qdisc tbf 8001: dev eth0 root", buf, sizeof buf), 0);
    assert_string_equal(buf, "untouched");
}

static void the_variable_wins(void **state)
{
    (void)state;
    char buf[128];
    const char *src = NULL;
    setenv("PARCOMPARE_LINK_RATE", "10mbit", 1);
    par_linkrate(buf, sizeof buf, &src);
    assert_string_equal(buf, "10mbit");
    assert_string_equal(src, "PARCOMPARE_LINK_RATE");
    unsetenv("PARCOMPARE_LINK_RATE");
    par_linkrate(buf, sizeof buf, &src);
    /* Whatever this machine's tc says, the source matches the answer. */
    assert_string_equal(src, buf[0] ? "tc" : "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_tbf_rate_is_found_with_its_device),
        cmocka_unit_test(no_tbf_means_no_cap),
        cmocka_unit_test(the_variable_wins),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
