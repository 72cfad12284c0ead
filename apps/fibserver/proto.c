/* The fib server's line framing and parsing (see proto.h). */
#include "proto.h"

#include <stdio.h>
#include <string.h>

#define RANGE_TEXT "send one integer n with 1 <= n <= 92"

/* Written only by fib_proto_set_max_n, before any thread reads them. */
static int max_n = FIB_N_MAX;
char fib_err_not_number[FIB_ERR_MAX] = "error: not a number: " RANGE_TEXT "\n";
char fib_err_empty[FIB_ERR_MAX] = "error: empty line: " RANGE_TEXT "\n";
char fib_err_sign[FIB_ERR_MAX] = "error: no sign allowed: " RANGE_TEXT "\n";
char fib_err_several[FIB_ERR_MAX] = "error: several numbers on one line: " RANGE_TEXT "\n";
char fib_err_binary[FIB_ERR_MAX] = "error: binary bytes, not text: " RANGE_TEXT "\n";
char fib_err_range[FIB_ERR_MAX] = "error: n out of range: " RANGE_TEXT "\n";
const char fib_err_too_long[] = "error: line too long (over 64 bytes), discarded\n";
const char fib_err_idle[] = "error: idle timeout, closing\n";
const char fib_err_line_slow[] = "error: line not completed in time, closing\n";
const char fib_err_shutdown[] = "error: server shutting down\n";

void fib_proto_set_max_n(int n)
{
    max_n = n < FIB_N_MIN ? FIB_N_MIN : n > FIB_N_MAX ? FIB_N_MAX : n;
    static const struct { char *line; const char *what; } lines[] = {
        { fib_err_not_number, "not a number" }, { fib_err_empty, "empty line" },
        { fib_err_sign, "no sign allowed" }, { fib_err_several, "several numbers on one line" },
        { fib_err_binary, "binary bytes, not text" }, { fib_err_range, "n out of range" },
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        snprintf(lines[i].line, FIB_ERR_MAX, "error: %s: send one integer n with 1 <= n <= %d\n",
                 lines[i].what, max_n);
}

/* Why a line that is not one bare integer was refused, so that the error
 * line can say which: binary bytes, a sign, several numbers, or anything
 * else (letters, punctuation). line[i, end) is trimmed and not empty. */
static const char *classify_bad(const char *line, size_t i, size_t end)
{
    int digits = 0, blanks_between = 0, other = 0;
    for (size_t k = i; k < end; k++) {
        unsigned char c = (unsigned char)line[k];
        if (c < 0x20 ? c != '\t' : c >= 0x7f)
            return fib_err_binary;
        if (c >= '0' && c <= '9')
            digits++;
        else if (c == ' ' || c == '\t')
            blanks_between++;
        else if (!(k == i && (c == '+' || c == '-')))
            other++;
    }
    if (other || !digits)
        return fib_err_not_number;
    if (line[i] == '+' || line[i] == '-')
        return blanks_between ? fib_err_several : fib_err_sign;
    return fib_err_several;
}

void fib_parse_line(const char *line, size_t len, struct fib_req *req)
{
    size_t i = 0, end = len;
    if (end > 0 && line[end - 1] == '\r')
        end--;
    while (i < end && (line[i] == ' ' || line[i] == '\t'))
        i++;
    while (end > i && (line[end - 1] == ' ' || line[end - 1] == '\t'))
        end--;
    req->n = 0;
    req->err = fib_err_not_number;
    if (i == end) {
        req->err = fib_err_empty;
        return;
    }
    int64_t v = 0;
    int big = 0;
    for (size_t k = i; k < end; k++) {
        unsigned char c = (unsigned char)line[k];
        if (c < '0' || c > '9') {
            req->err = classify_bad(line, i, end);
            return;
        }
        if (!big) {
            v = v * 10 + (c - '0');
            big = v > max_n;  /* stop accumulating: no overflow */
        }
    }
    if (big || v < FIB_N_MIN) {
        req->err = fib_err_range;
        return;
    }
    req->n = v;
    req->err = NULL;
}

size_t fib_framer_feed(struct fib_framer *f, const char *buf, size_t n,
                       struct fib_req *req, int *got)
{
    *got = 0;
    const char *nl = memchr(buf, '\n', n);
    size_t upto = nl ? (size_t)(nl - buf) : n;  /* bytes before the "\n" */
    if (f->discarding) {
        if (!nl)
            return n;
        f->discarding = 0;
        return upto + 1;
    }
    if (f->len + upto > FIB_LINE_MAX) {
        /* Too long: answer now, drop what we kept, skip to the "\n". */
        size_t take = FIB_LINE_MAX + 1 - f->len;  /* the byte that crossed the limit */
        f->len = 0;
        f->discarding = 1;
        req->n = 0;
        req->err = fib_err_too_long;
        *got = 1;
        return take;
    }
    memcpy(f->line + f->len, buf, upto);
    f->len += upto;
    if (!nl)
        return n;
    fib_parse_line(f->line, f->len, req);
    f->len = 0;
    *got = 1;
    return upto + 1;
}

void fib_framer_finish(struct fib_framer *f, struct fib_req *req, int *got)
{
    *got = 0;
    if (f->len > 0 && !f->discarding) {
        fib_parse_line(f->line, f->len, req);
        *got = 1;
    }
    f->len = 0;
    f->discarding = 0;
}

int fib_framer_in_line(const struct fib_framer *f)
{
    return f->len > 0 || f->discarding;
}

size_t fib_format_reply(int64_t value, char *out)
{
    int k = snprintf(out, FIB_REPLY_MAX, "%lld\n", (long long)value);
    return k > 0 ? (size_t)k : 0;
}
