/* The emulated GIL (gil.h): CPython 3.2+'s take_gil / drop_gil protocol.
 *
 * DESIGN
 * State, all in the par_gil (no process-wide state):
 *   `locked`, `holder`, `switch_number` under `mutex`;
 *   `drop_request`, an atomic flag read lock-free by the eval breaker;
 *   `cond` where threads wanting the GIL wait, with a timeout of one
 *   interval; `switch_cond` where a holder that was asked to drop waits
 *   until someone else took it (forced switching).
 * Acquire: while locked, wait on `cond` for one interval; if the wait timed
 * out and the same holder still has it (switch_number unchanged), set
 * drop_request. Then take it, bump switch_number, signal `switch_cond`,
 * clear drop_request.
 * Release: clear `locked`, signal one waiter on `cond`; if drop_request was
 * set, wait on `switch_cond` until switch_number changes, so the thread
 * that asked really runs next instead of the releaser re-taking the lock
 * at once (the convoy CPython 3.2 fixed).
 * Eval breaker: one relaxed load of drop_request; when set, release then
 * acquire. Kernel hooks reach it through thread-locals (tl_gil) set by
 * par_gil_attach_thread: each attached thread points at the GIL of its own
 * back end instance.
 * Lock order: only `mutex`. */
#include "gil.h"

#include <stdatomic.h>
#include <stdlib.h>

#include "error.h"
#include "kernels.h"
#include "sync_internal.h"

struct par_gil {
    double interval;             /* read-only */
    pthread_mutex_t mutex;       /* protects locked, holder, switch_number */
    pthread_cond_t cond;         /* threads waiting for the GIL */
    pthread_cond_t switch_cond;  /* a dropper waiting for the hand-over */
    int locked;
    pthread_t holder;            /* valid when locked */
    unsigned long switch_number; /* bumped at every acquisition */
    _Atomic int drop_request;    /* a waiter asks the holder to drop */
    _Atomic uint64_t switches;   /* forced hand-overs honoured */
};

static _Thread_local par_gil *tl_gil;

int par_gil_create(par_gil **out, double switch_interval_s)
{
    if (!out)
        return PAR_EINVAL;
    *out = NULL;
    if (!(switch_interval_s > 0 && switch_interval_s <= 10))
        return PAR_EINVAL;
    par_gil *g = calloc(1, sizeof *g);
    if (!g)
        return PAR_ENOMEM;
    g->interval = switch_interval_s;
    if (par__mutex_init(&g->mutex) != 0)
        goto fail;
    if (par__cond_init(&g->cond) != 0)
        goto fail_mutex;
    if (par__cond_init(&g->switch_cond) != 0)
        goto fail_cond;
    atomic_init(&g->drop_request, 0);
    atomic_init(&g->switches, 0);
    *out = g;
    return 0;
fail_cond:
    par__cond_destroy(&g->cond);
fail_mutex:
    par__mutex_destroy(&g->mutex);
fail:
    free(g);
    return PAR_ENOMEM;
}

void par_gil_destroy(par_gil *g)
{
    if (!g)
        return;
    par__cond_destroy(&g->switch_cond);
    par__cond_destroy(&g->cond);
    par__mutex_destroy(&g->mutex);
    free(g);
}

void par_gil_acquire(par_gil *g)
{
    pthread_t self = pthread_self();
    par__lock(&g->mutex);
    if (g->locked && pthread_equal(g->holder, self))
        abort();   /* not re-entrant: a caller bug */
    while (g->locked) {
        unsigned long saved = g->switch_number;
        struct par__deadline d = par__deadline_make(g->interval);
        int rc = par__wait_until(&g->cond, &g->mutex, &d);
        if (rc == ETIMEDOUT && g->locked && g->switch_number == saved)
            atomic_store_explicit(&g->drop_request, 1, memory_order_relaxed);
    }
    g->locked = 1;
    g->holder = self;
    g->switch_number++;
    par__signal(&g->switch_cond);
    atomic_store_explicit(&g->drop_request, 0, memory_order_relaxed);
    par__unlock(&g->mutex);
}

void par_gil_release(par_gil *g)
{
    par__lock(&g->mutex);
    if (!g->locked || !pthread_equal(g->holder, pthread_self()))
        abort();   /* releasing a GIL we do not hold: a caller bug */
    g->locked = 0;
    par__signal(&g->cond);
    if (atomic_load_explicit(&g->drop_request, memory_order_relaxed)) {
        /* Forced switching: let the thread that asked take it first. */
        atomic_fetch_add_explicit(&g->switches, 1, memory_order_relaxed);
        unsigned long saved = g->switch_number;
        while (g->switch_number == saved)
            par__wait(&g->switch_cond, &g->mutex);
    }
    par__unlock(&g->mutex);
}

void par_gil_check(par_gil *g)
{
    if (atomic_load_explicit(&g->drop_request, memory_order_relaxed)) {
        par_gil_release(g);
        par_gil_acquire(g);
    }
}

/* The kernel hooks of an attached thread.
 *
 * Checking the drop request on every fib call would cost ~40% on a call
 * that takes ~1 ns. CPython's eval breaker is not that fine either: it is
 * checked between bytecodes, each far coarser than one C call. So the hook
 * checks once per subtree and runs subtrees of n <= GIL_LEAF_N (fib(20):
 * ~13,500 calls, ~15 us here) with the plain step: a holder still answers a
 * drop request hundreds of times within one 5 ms switch interval. */
#define GIL_LEAF_N 20

#if defined(__GNUC__)
#define PAR__NOINLINE __attribute__((noinline))
#else
#define PAR__NOINLINE
#endif

static int64_t gil_fib(int64_t n);

static PAR__NOINLINE int64_t gil_fib_leaf(int64_t n)
{
    par_fib_self = par_fib_step;
    int64_t r = par_fib_step(n);
    par_fib_self = gil_fib;
    return r;
}

static int64_t gil_fib(int64_t n)
{
    par_gil *g = tl_gil;
    if (atomic_load_explicit(&g->drop_request, memory_order_relaxed))
        par_gil_check(g);
    if (n <= GIL_LEAF_N)
        return gil_fib_leaf(n);
    return par_fib_step(n);
}

static void gil_tick(void)
{
    par_gil_check(tl_gil);
}

int par_gil_attach_thread(par_gil *g)
{
    if (!g)
        return PAR_EINVAL;
    if (tl_gil)
        return PAR_ESTATE;
    tl_gil = g;
    par_fib_self = gil_fib;
    par_kernel_tick = gil_tick;
    return 0;
}

void par_gil_detach_thread(void)
{
    if (!tl_gil)
        return;
    par_fib_self = par_fib_step;
    par_kernel_tick = NULL;
    tl_gil = NULL;
}

uint64_t par_gil_switches(par_gil *g)
{
    return g ? atomic_load_explicit(&g->switches, memory_order_relaxed) : 0;
}

double par_gil_interval(const par_gil *g)
{
    return g ? g->interval : 0;
}
