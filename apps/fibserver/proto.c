/* The fib server's line framing and parsing (see proto.h). */
#include "proto.h"

#include <stdio.h>
#include <string.h>

#define RANGE_TEXT "send one integer n with 1 <= n <= 92"

const char fib_err_not_number[] = "error: not a number: " RANGE_TEXT "\n";
const char fib_err_empty[] = "error: empty line: " RANGE_TEXT "\n";
const char fib_err_sign[] = "error: no sign allowed: " RANGE_TEXT "\n";
const char fib_err_several[] = "error: several numbers on one line: " RANGE_TEXT "\n";
const char fib_err_binary[] = "error: binary bytes, not text: " RANGE_TEXT "\n";
const char fib_err_range[] = "error: n out of range: " RANGE_TEXT "\n";
const char fib_err_too_long[] = "error: line too long (over 64 bytes), discarded\n";
const char fib_err_idle[] = "error: idle timeout, closing\n";
const char fib_err_shutdown[] = "error: server shutting down\n";

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
            big = v > FIB_N_MAX;  /* stop accumulating: no overflow */
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

size_t fib_format_reply(int64_t value, char *out)
{
    int k = snprintf(out, FIB_REPLY_MAX, "%lld\n", (long long)value);
    return k > 0 ? (size_t)k : 0;
}
