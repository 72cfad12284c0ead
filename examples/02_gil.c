/* 02 — Performance Problem - GIL.
 *
 * Python: fib(35) twice in one thread (9.5 s) vs in two threads (11.3 s):
 * threads made it slower. Usage: 02_gil [n]   (default 35)
 *
 * What C teaches that the Python could not: the slowdown is the lock, not
 * threads. Two real threads run fib in parallel (about half the time on two
 * cores). Put an emulated GIL around the same C code (pthread/gil.h runs
 * CPython's take/drop protocol with its 5 ms switch interval) and the two
 * threads take turns again: no faster than one thread, plus the hand-overs. */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>

#include "clock.h"
#include "example.h"
#include "gil.h"
#include "kernels.h"

struct job {
    int n;
    int64_t result;
    par_gil *gil;   /* NULL: no GIL */
};

static void *fib_thread(void *arg)
{
    struct job *j = arg;
    if (j->gil) {  /* run as a Python thread would: holding the GIL */
        ex_check(par_gil_attach_thread(j->gil), "par_gil_attach_thread");
        par_gil_acquire(j->gil);
    }
    j->result = par_fib(j->n);
    if (j->gil) {
        par_gil_release(j->gil);
        par_gil_detach_thread();
    }
    return NULL;
}

static void report(const char *name, const struct job *j, double seconds)
{
    printf("%-18s %" PRId64 " %" PRId64 "  %.3f s\n", name, j[0].result, j[1].result, seconds);
}

static void two_threads(struct job *j)
{
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        ex_check(pthread_create(&t[i], NULL, fib_thread, &j[i]), "pthread_create");
    for (int i = 0; i < 2; i++)
        ex_check(pthread_join(t[i], NULL), "pthread_join");
}

int main(int argc, char **argv)
{
    int n = ex_int_arg(argc, argv, 1, 35, 1, 45);
    printf("fib(%d) twice:\n", n);

    struct job j[2] = { { .n = n }, { .n = n } };
    double s = par_now_s();
    j[0].result = par_fib(n);  /* nothread() */
    j[1].result = par_fib(n);
    report("nothread:", j, par_now_s() - s);

    j[0].result = j[1].result = 0;
    s = par_now_s();
    two_threads(j);  /* hasthread() */
    report("hasthread:", j, par_now_s() - s);

    par_gil *gil;
    ex_check(par_gil_create(&gil, PAR_GIL_DEFAULT_INTERVAL), "par_gil_create");
    j[0].result = j[1].result = 0;
    j[0].gil = j[1].gil = gil;
    s = par_now_s();
    two_threads(j);  /* hasthread(), as CPython runs it */
    report("hasthread + GIL:", j, par_now_s() - s);
    printf("GIL hand-overs: %" PRIu64 "\n", par_gil_switches(gil));
    par_gil_destroy(gil);
    return 0;
}
