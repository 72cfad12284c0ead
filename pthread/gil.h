/* An emulated Global Interpreter Lock: why the cheatsheet's
 * "Performance Problem - GIL" happens, reproduced in C.
 *
 * CPython runs bytecode only in the thread that holds one process-wide lock,
 * the GIL. Since 3.2 (Antoine Pitrou's "new GIL") a thread that wants the
 * GIL waits on a condition variable for at most the switch interval
 * (sys.setswitchinterval, default 5 ms); if the GIL is still held by the same
 * owner after that wait, it sets a "drop request". The holder polls that
 * request at its "eval breaker" (between bytecodes) and, when it is set,
 * releases the GIL and — forced switching — waits until another thread has
 * actually taken it before it tries to take it back.
 *
 * So two threads running fib(35) in CPython do not run at the same time:
 * they take turns of ~5 ms, and the total is the serial time plus the
 * hand-overs (each a pair of condition-variable wake-ups, and lost cache
 * warmth). In the cheatsheet: 9.5 s without threads, 11.3 s with two.
 * The "gil" back end (backend_gil.c) runs exactly that protocol around real
 * C kernels, so `poolmap --backend gil --workload fib -j 2` is no faster
 * than serial, while `--backend pthread` is ~2x faster: the cost is the lock,
 * not threads.
 *
 * Eval-breaker points in C: the kernels call through thread-local hooks
 * (common/kernels.h); par_gil_attach_thread() points them at a check of this
 * GIL's drop request (one relaxed atomic load per call, the same price
 * CPython pays), and map loops call par_gil_check() between items.
 *
 * Each par_gil is independent (no process-wide state): two GILs in one
 * process are two interpreters. All functions are thread-safe unless
 * stated. */
#ifndef PAR_GIL_H
#define PAR_GIL_H
#include "export.h"
PAR_BEGIN_DECLS

#include <stdint.h>

typedef struct par_gil par_gil;

/* Default switch interval, as CPython's sys.getswitchinterval(). */
#define PAR_GIL_DEFAULT_INTERVAL 0.005

/* Creates an unheld GIL with the given switch interval in seconds (> 0 and
 * <= 10; PAR_GIL_DEFAULT_INTERVAL is CPython's). *out is owned by the caller
 * (par_gil_destroy). Returns 0, PAR_EINVAL (out NULL, interval out of range
 * or NaN), PAR_ENOMEM. */
int par_gil_create(par_gil **out, double switch_interval_s);

/* Frees it. Nobody may hold or wait for it. NULL is ignored. */
void par_gil_destroy(par_gil *g);

/* Takes the GIL, waiting as CPython's take_gil does (timed waits of the
 * interval, then a drop request to the holder). The caller must not hold it
 * already (that is a caller bug: it aborts). */
void par_gil_acquire(par_gil *g);

/* Gives the GIL up and wakes one waiter. If a drop request was pending, waits
 * until another thread has taken the GIL (forced switching). The caller must
 * hold it (else: abort). */
void par_gil_release(par_gil *g);

/* The eval breaker: when another thread has asked for the GIL, hands it over
 * (release, then acquire again); otherwise returns at once after one atomic
 * load. The caller must hold the GIL. */
void par_gil_check(par_gil *g);

/* Installs, in the calling thread, the kernel hooks of common/kernels.h
 * (par_fib_self, par_kernel_tick) so that fib and powself reach
 * par_gil_check(g) at every call / every PAR_TICK_EVERY iterations.
 * Returns 0, or PAR_ESTATE when the thread is already attached (to any GIL).
 * Call par_gil_detach_thread() in the same thread before it ends. */
int par_gil_attach_thread(par_gil *g);

/* Restores the calling thread's kernel hooks to their defaults. No-op when
 * not attached. */
void par_gil_detach_thread(void);

/* Number of forced hand-overs (drop requests honoured) so far. */
uint64_t par_gil_switches(par_gil *g);

/* The switch interval in seconds. */
double par_gil_interval(const par_gil *g);

PAR_END_DECLS
#endif
