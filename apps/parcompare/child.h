/* Runs one program as a child process in its own process group, captures
 * its stdout and stderr, and stops the whole group when it runs past its
 * deadline: SIGTERM first (mpirun passes it on to its ranks, which live in
 * groups of their own), SIGKILL if that is not enough.
 *
 * Not thread-safe (changes no process-wide state, but reaps with waitpid on
 * a pid it owns; call it from one thread). */
#ifndef PAR_CMP_CHILD_H
#define PAR_CMP_CHILD_H

#include <stddef.h>

/* Output beyond this many bytes per stream is dropped (and counted). */
#define PAR__CHILD_MAX_OUT (4u << 20)

struct par__child {
    int started;       /* 1 when exec succeeded */
    int exec_errno;    /* errno of a failed fork/exec, else 0 */
    int exit_code;     /* exit status, or -1 when killed by a signal */
    int signal;        /* the signal that ended it, or 0 */
    int timed_out;     /* 1 when we killed it at the deadline */
    double wall_s;     /* from fork to reaping */
    char *out;         /* stdout, NUL-terminated; owned (par__child_free) */
    char *err;         /* stderr, NUL-terminated; owned (par__child_free) */
    size_t dropped;    /* bytes beyond PAR__CHILD_MAX_OUT that were not kept */
};

/* Runs argv (argv[0] is looked up in PATH when it has no '/') with `env_add`
 * ("K=V" strings, NULL-terminated, may be NULL) added to this process's
 * environment and stdin from /dev/null. After timeout_s seconds the group
 * gets SIGTERM, then SIGKILL two seconds later if it is still there. When
 * the child exits, stragglers left in its group are killed too.
 * Returns 0 when the outcome is in *res (whatever it was; check started),
 * or -1 when a pipe could not be made or memory ran out. */
int par__child_run(char *const argv[], char *const env_add[], double timeout_s,
                   struct par__child *res);

/* Sets the line (ending "\n") the interrupt handler prints before parcompare
 * ends: what was kept. Call from the main thread only; it may be called
 * again at any time (the handler sees the old or the new line, whole). */
void par__child_interrupt_note(const char *line);

/* Installs SIGINT/SIGTERM/SIGHUP handlers that send SIGTERM to the running
 * child's process group and then let the signal end parcompare as usual. */
void par__child_interrupts(void);

/* Frees the captured output; *res may then be reused. */
void par__child_free(struct par__child *res);

/* "SIGABRT" etc. for a signal number (a static string, or "signal N" in a
 * buffer of the caller's). */
const char *par__signal_name(int sig, char *buf, size_t len);

/* The last non-empty line of s, copied into buf (at most len-1 bytes). */
const char *par__last_line(const char *s, char *buf, size_t len);

#endif
