/* Unit tests of the fib server's line framing and parsing (apps/fibserver/proto.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "proto.h"

static void parse(const char *line, struct fib_req *r)
{
    fib_parse_line(line, strlen(line), r);
}

static void digits_in_range_parse(void **state)
{
    (void)state;
    struct fib_req r;
    parse("1", &r);
    assert_null(r.err);
    assert_int_equal(r.n, 1);
    parse("92", &r);
    assert_null(r.err);
    assert_int_equal(r.n, 92);
    parse("0007", &r);
    assert_null(r.err);
    assert_int_equal(r.n, 7);
    parse(" \t20 \r", &r);
    assert_null(r.err);
    assert_int_equal(r.n, 20);
}

static void out_of_range_digits_say_the_range(void **state)
{
    (void)state;
    struct fib_req r;
    const char *bad[] = { "0", "93", "100", "18446744073709551617", "000" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        parse(bad[i], &r);
        assert_ptr_equal(r.err, fib_err_range);
    }
    assert_non_null(strstr(fib_err_range, "1 <= n <= 92"));
}

static void anything_else_is_refused_saying_why(void **state)
{
    (void)state;
    struct fib_req r;
    static const struct { const char *line; const char *err; } bad[] = {
        { "", fib_err_empty }, { " ", fib_err_empty }, { "\r", fib_err_empty },
        { "abc", fib_err_not_number }, { "1.5", fib_err_not_number },
        { "5x", fib_err_not_number }, { "0x10", fib_err_not_number }, { "+", fib_err_not_number },
        { "+5", fib_err_sign }, { "-5", fib_err_sign },
        { "1 2", fib_err_several }, { "-1 2", fib_err_several }, { "3\t4", fib_err_several },
        { "\r\r", fib_err_binary }, { "4\x01", fib_err_binary }, { "\xff\x80", fib_err_binary },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        parse(bad[i].line, &r);
        if (r.err != bad[i].err)
            fail_msg("'%s': got %s", bad[i].line, r.err ? r.err : "(accepted)");
    }
    fib_parse_line("4\0" "2", 3, &r);  /* an embedded NUL */
    assert_ptr_equal(r.err, fib_err_binary);
}

/* Feeds a whole buffer, collecting requests. */
static size_t feed_all(struct fib_framer *f, const char *buf, size_t n, struct fib_req *out,
                       size_t cap)
{
    size_t off = 0, k = 0;
    while (off < n) {
        int got;
        struct fib_req r;
        off += fib_framer_feed(f, buf + off, n - off, &r, &got);
        if (got && k < cap)
            out[k++] = r;
    }
    return k;
}

static void framer_splits_lines_across_pieces(void **state)
{
    (void)state;
    struct fib_framer f = { .len = 0 };
    struct fib_req r[8];
    assert_int_equal(feed_all(&f, "2", 1, r, 8), 0);
    assert_int_equal(feed_all(&f, "0\n1", 3, r, 8), 1);
    assert_int_equal(r[0].n, 20);
    assert_int_equal(feed_all(&f, "0\nabc\n3\n", 8, r, 8), 3);
    assert_int_equal(r[0].n, 10);
    assert_ptr_equal(r[1].err, fib_err_not_number);  /* "abc" */
    assert_int_equal(r[2].n, 3);
}

static void framer_allows_64_bytes_and_rejects_65_once(void **state)
{
    (void)state;
    struct fib_framer f = { .len = 0 };
    struct fib_req r[8];
    char buf[300];
    memset(buf, '0', 62);
    memcpy(buf + 62, "20\n", 3);
    assert_int_equal(feed_all(&f, buf, 65, r, 8), 1);
    assert_null(r[0].err);
    assert_int_equal(r[0].n, 20);

    memset(buf, '1', 200);
    memcpy(buf + 200, "\n5\n", 3);
    assert_int_equal(feed_all(&f, buf, 203, r, 8), 2);
    assert_ptr_equal(r[0].err, fib_err_too_long);
    assert_int_equal(r[1].n, 5);

    /* Too long in several pieces: still one error. */
    assert_int_equal(feed_all(&f, buf, 40, r, 8), 0);
    assert_int_equal(feed_all(&f, buf, 40, r, 8), 1);
    assert_ptr_equal(r[0].err, fib_err_too_long);
    assert_int_equal(feed_all(&f, buf, 100, r, 8), 0);
    assert_int_equal(feed_all(&f, "\n8\n", 3, r, 8), 1);
    assert_int_equal(r[0].n, 8);
}

/* At EOF the unterminated last line is a line; a "too long" one already
 * had its reply; nothing pending gives nothing. */
static void framer_finish_frames_the_last_line_once(void **state)
{
    (void)state;
    struct fib_framer f = { .len = 0 };
    struct fib_req r[8];
    int got;
    assert_int_equal(feed_all(&f, "30\n25", 5, r, 8), 1);
    assert_int_equal(fib_framer_in_line(&f), 1);
    fib_framer_finish(&f, &r[0], &got);
    assert_int_equal(got, 1);
    assert_null(r[0].err);
    assert_int_equal(r[0].n, 25);
    assert_int_equal(fib_framer_in_line(&f), 0);
    fib_framer_finish(&f, &r[0], &got);
    assert_int_equal(got, 0);  /* nothing after the last "\n" */
    assert_int_equal(feed_all(&f, "x", 1, r, 8), 0);
    fib_framer_finish(&f, &r[0], &got);
    assert_int_equal(got, 1);
    assert_ptr_equal(r[0].err, fib_err_not_number);
    char buf[100];
    memset(buf, '1', sizeof buf);
    assert_int_equal(feed_all(&f, buf, sizeof buf, r, 8), 1);
    assert_ptr_equal(r[0].err, fib_err_too_long);
    assert_int_equal(fib_framer_in_line(&f), 1);  /* still discarding */
    fib_framer_finish(&f, &r[0], &got);
    assert_int_equal(got, 0);
}

/* --max-n narrows the accepted range and every range-stating error says it. */
static void max_n_narrows_the_range_and_the_messages(void **state)
{
    (void)state;
    struct fib_req r;
    fib_proto_set_max_n(45);
    parse("45", &r);
    assert_null(r.err);
    parse("46", &r);
    assert_ptr_equal(r.err, fib_err_range);
    assert_non_null(strstr(r.err, "1 <= n <= 45\n"));
    parse("abc", &r);
    assert_non_null(strstr(r.err, "not a number: send one integer n with 1 <= n <= 45\n"));
    fib_proto_set_max_n(92);
    parse("92", &r);
    assert_null(r.err);
}

static void replies_are_decimal_lines(void **state)
{
    (void)state;
    char out[FIB_REPLY_MAX];
    assert_int_equal(fib_format_reply(6765, out), 5);
    assert_memory_equal(out, "6765\n", 5);
    assert_int_equal(fib_format_reply(INT64_C(7540113804746346429), out), 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(digits_in_range_parse),
        cmocka_unit_test(out_of_range_digits_say_the_range),
        cmocka_unit_test(anything_else_is_refused_saying_why),
        cmocka_unit_test(framer_splits_lines_across_pieces),
        cmocka_unit_test(framer_allows_64_bytes_and_rejects_65_once),
        cmocka_unit_test(framer_finish_frames_the_last_line_once),
        cmocka_unit_test(max_n_narrows_the_range_and_the_messages),
        cmocka_unit_test(replies_are_decimal_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
