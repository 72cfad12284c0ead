/* The fib server's wire protocol, shared by both modes.
 *
 * One request per line: a decimal integer n with 1 <= n <= max_n (92 at most:
 * fib(92) is the largest that fits int64_t; the server's --max-n, default
 * FIB_DEFAULT_MAX_N), optionally surrounded by spaces or tabs,
 * the line ended by "\n" (a "\r" before it is ignored, for telnet-style
 * clients). The answer is fib(n) and "\n". Anything else is answered by one
 * line starting with "error:" and the connection stays usable:
 *   empty line, letters, a sign, several numbers, binary bytes -> not a number
 *   digits only but 0 or > max_n                               -> out of range
 *   more than FIB_LINE_MAX bytes before the "\n"               -> too long; the
 *        error is sent as soon as the limit is crossed and the rest of the
 *        line, up to its "\n", is discarded.
 * A last line that the client ends with EOF instead of "\n" is a line too
 * (fib_framer_finish): every line gets exactly one reply.
 * Pure functions and a per-connection framer: no I/O, no shared state. */
#ifndef FIBSERVER_PROTO_H
#define FIBSERVER_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define FIB_LINE_MAX 64     /* bytes of a request line, not counting "\n" */
#define FIB_N_MIN 1
#define FIB_N_MAX 92        /* PAR_FIB_MAX_N: the largest --max-n */
/* The default --max-n: fib(45) by the naive recursion is ~2.3e9 calls,
 * seconds of one core; fib(60) would be hours. */
#define FIB_DEFAULT_MAX_N 45
#define FIB_REPLY_MAX 96    /* longest reply line, "\n" included */

/* One parsed request line. */
struct fib_req {
    int64_t n;              /* when err == NULL: the argument, in range */
    const char *err;        /* else: the complete error line (static, ends "\n") */
};

/* Splits a byte stream into request lines. Zero-initialise one per connection. */
struct fib_framer {
    char line[FIB_LINE_MAX];
    size_t len;             /* bytes of the current line kept so far */
    int discarding;         /* 1: the current line was too long; skip to "\n" */
};

/* Consumes bytes from buf[0..n) up to and including the end of the first
 * complete request (a "\n", or the byte that made the line too long) and
 * returns how many it consumed; *got is 1 when *req holds a request, 0 when
 * all n bytes were consumed without completing one. Call it again on the
 * remaining bytes while any remain. The line limit counts every byte before
 * the "\n", a trailing "\r" included. */
size_t fib_framer_feed(struct fib_framer *f, const char *buf, size_t n,
                       struct fib_req *req, int *got);

/* At EOF: when a line was started but not ended by "\n", parses it as a
 * line and sets *got to 1 (a line already answered "too long" gets nothing
 * more: it had its one reply); else *got is 0. Resets the framer. */
void fib_framer_finish(struct fib_framer *f, struct fib_req *req, int *got);

/* 1 while a line has begun but not yet ended (bytes kept or discarded). */
int fib_framer_in_line(const struct fib_framer *f);

/* Sets the largest n accepted (1..FIB_N_MAX) and rewrites the error lines
 * that state the range. Call once, before any thread parses; the default is
 * FIB_N_MAX. */
void fib_proto_set_max_n(int max_n);

/* Parses one line (without its "\n"); fills req. */
void fib_parse_line(const char *line, size_t len, struct fib_req *req);

/* Writes fib's answer line "<value>\n" into out (FIB_REPLY_MAX bytes);
 * returns its length. */
size_t fib_format_reply(int64_t value, char *out);

/* The error lines (each ends "\n"); those that state the range are
 * rewritten by fib_proto_set_max_n, the others are constant. */
#define FIB_ERR_MAX 128
extern char fib_err_not_number[FIB_ERR_MAX];  /* letters, punctuation */
extern char fib_err_empty[FIB_ERR_MAX];
extern char fib_err_sign[FIB_ERR_MAX];
extern char fib_err_several[FIB_ERR_MAX];
extern char fib_err_binary[FIB_ERR_MAX];
extern char fib_err_range[FIB_ERR_MAX];
extern const char fib_err_too_long[];
extern const char fib_err_idle[];
extern const char fib_err_line_slow[];
extern const char fib_err_shutdown[];

#endif
