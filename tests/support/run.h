/* Black-box test support: run a program, capture its exit status and output.
 * Used by every program test so that they all spawn and wait the same way. */
#ifndef PAR_TEST_RUN_H
#define PAR_TEST_RUN_H

#include <stddef.h>

struct par_test_out {
    int status;     /* exit code, or 128+signal when killed by a signal, -1 on spawn failure */
    int timed_out;  /* 1 if the child was killed because it exceeded the timeout */
    char *out;      /* captured stdout, NUL-terminated (owned: par_test_out_free) */
    char *err;      /* captured stderr, NUL-terminated (owned: par_test_out_free) */
};

/* Runs argv[0] (a path) with argv, adding `env` (NULL-terminated "K=V" list,
 * may be NULL) to this process's environment, feeding `stdin_text` (may be
 * NULL: /dev/null) and killing it after timeout_s seconds. Returns 0 when the
 * child was started and reaped (whatever its status), -1 otherwise. */
int par_test_run(char *const argv[], char *const env[], const char *stdin_text,
                 double timeout_s, struct par_test_out *out);

void par_test_out_free(struct par_test_out *out);

/* Path of a built program: $PAR_BIN_DIR/<name> (set by ctest), in a static
 * buffer per call site's lifetime; aborts the test if PAR_BIN_DIR is unset. */
const char *par_test_bin(const char *name);

/* Count of non-overlapping occurrences of needle in hay. */
int par_test_count(const char *hay, const char *needle);

/* The whole text of the file at path, NUL-terminated (the caller frees it);
 * NULL when it cannot be opened or read. */
char *par_test_slurp(const char *path);

/* Number of lines in s (a final line without '\n' counts). */
int par_test_lines(const char *s);

#endif
