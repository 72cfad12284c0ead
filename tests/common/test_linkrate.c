/* The link cap: tc's output parsed (injected text), PARCOMPARE_LINK_RATE
 * taking precedence over whatever tc says. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "error.h"
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

/* tc's units, any case, bytes as tc reads "bps"; nothing below 1 bit/s. */
static void rates_parse_as_tc_reads_them_and_not_below_one_bit(void **state)
{
    (void)state;
    char msg[256];
    double b = -1;
    assert_int_equal(par_linkrate_parse("100Mbit", &b, msg, sizeof msg), 0);
    assert_true(b == 1e8);
    assert_int_equal(par_linkrate_parse("1gbit", &b, msg, sizeof msg), 0);
    assert_true(b == 1e9);
    assert_int_equal(par_linkrate_parse("2kbps", &b, msg, sizeof msg), 0);
    assert_true(b == 16e3);
    assert_int_equal(par_linkrate_parse("1bit", &b, msg, sizeof msg), 0);
    assert_true(b == 1);
    assert_int_equal(par_linkrate_parse("none", &b, msg, sizeof msg), 0);
    assert_true(b == 0);
    const char *below[] = { "0bit", "0.5bit", "0.0005kbit", "0.1bps" };
    for (size_t i = 0; i < 4; i++) {
        b = -1;
        assert_int_equal(par_linkrate_parse(below[i], &b, msg, sizeof msg), PAR_EINVAL);
        assert_non_null(strstr(msg, "below 1 bit/s"));
        assert_null(strchr(msg, '\n'));
        assert_true(b == -1);
    }
    const char *bad[] = { "", "fast", "10", "10 mbit", "-1mbit", "10mbits", "mbit", "nan bit" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(par_linkrate_parse(bad[i], &b, msg, sizeof msg), PAR_EINVAL);
        assert_non_null(strstr(msg, "expected a rate"));
    }
    setenv("PARCOMPARE_LINK_RATE", "0.5bit", 1);
    assert_int_equal(par_linkrate_check_env(msg, sizeof msg), PAR_EINVAL);
    assert_non_null(strstr(msg, "PARCOMPARE_LINK_RATE (from the environment): '0.5bit' is below"));
    setenv("PARCOMPARE_LINK_RATE", "10mbit", 1);
    assert_int_equal(par_linkrate_check_env(msg, sizeof msg), 0);
    setenv("PARCOMPARE_LINK_RATE", "", 1);
    assert_int_equal(par_linkrate_check_env(msg, sizeof msg), 0);
    unsetenv("PARCOMPARE_LINK_RATE");
    assert_int_equal(par_linkrate_check_env(msg, sizeof msg), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_tbf_rate_is_found_with_its_device),
        cmocka_unit_test(no_tbf_means_no_cap),
        cmocka_unit_test(the_variable_wins),
        cmocka_unit_test(rates_parse_as_tc_reads_them_and_not_below_one_bit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
