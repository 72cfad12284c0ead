/* The grain workload on a par_pool: one task per worker, a spin-then-sleep
 * barrier per step (see grain_threads.h). */
#include "grain_threads.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "error.h"
#include "future.h"
#include "options.h"

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/* A barrier for n threads, reusable, that spins before it sleeps.
 * Invariants: `arrived` counts the threads inside the current phase (reset
 * to 0 by the last one before it opens the phase); `phase` changes exactly
 * once per phase, after the reset, so a thread that sees it change may
 * arrive at the next phase at once. `sleepers` counts threads that may be
 * (about to be) waiting on `cv`; it and `phase` are accessed seq_cst so that
 * the opener either sees a sleeper (and broadcasts under the mutex) or the
 * sleeper sees the new phase before it waits: no lost wake-up. */
struct spin_barrier {
    _Atomic int broken;            /* 1: the call failed; every wait returns 1 */
    _Atomic unsigned arrived;
    _Atomic unsigned phase;
    _Atomic int sleepers;
    unsigned n;
    int64_t spin_ns;
    _Atomic unsigned long slept;   /* waits that ended asleep (statistics) */
    pthread_mutex_t mu;
    pthread_cond_t cv;
};

/* Returns 0 when the phase opened, 1 when the barrier was broken. */
static int barrier_wait(struct spin_barrier *b)
{
    unsigned ph = atomic_load(&b->phase);
    if (atomic_fetch_add(&b->arrived, 1) + 1 == b->n) {
        atomic_store(&b->arrived, 0);
        atomic_fetch_add(&b->phase, 1);
        if (atomic_load(&b->sleepers) > 0) {
            pthread_mutex_lock(&b->mu);
            pthread_cond_broadcast(&b->cv);
            pthread_mutex_unlock(&b->mu);
        }
        return atomic_load(&b->broken);
    }
    if (b->spin_ns > 0) {
        int64_t until = par_now_ns() + b->spin_ns;
        for (unsigned i = 1;; i++) {
            if (atomic_load_explicit(&b->phase, memory_order_acquire) != ph)
                return atomic_load(&b->broken);
            cpu_relax();
            if ((i & 63) == 0 && par_now_ns() >= until)
                break;
        }
    }
    pthread_mutex_lock(&b->mu);
    atomic_fetch_add(&b->sleepers, 1);
    int slept = 0;
    while (atomic_load(&b->phase) == ph && !atomic_load(&b->broken)) {
        pthread_cond_wait(&b->cv, &b->mu);
        slept = 1;
    }
    atomic_fetch_sub(&b->sleepers, 1);
    pthread_mutex_unlock(&b->mu);
    if (slept)
        atomic_fetch_add_explicit(&b->slept, 1, memory_order_relaxed);
    return atomic_load(&b->broken);
}

/* Wakes every waiter for good (a worker will never come). */
static void barrier_break(struct spin_barrier *b)
{
    pthread_mutex_lock(&b->mu);
    atomic_store(&b->broken, 1);
    pthread_cond_broadcast(&b->cv);
    pthread_mutex_unlock(&b->mu);
}

struct grain_shared {
    const struct par_grain *job;
    par_gil *gil;
    int workers;
    int64_t *buf;              /* 2*T: step s reads buf[(s%2)*T], writes the other half */
    struct spin_barrier bar;
};

struct grain_worker {
    struct grain_shared *sh;
    int w;
};

static int grain_task(void *arg, void **result)
{
    (void)result;
    const struct grain_worker *me = arg;
    struct grain_shared *sh = me->sh;
    const struct par_grain *job = sh->job;
    size_t t = job->tasks, begin, end;
    par_grain_block(t, sh->workers, me->w, &begin, &end);
    for (size_t i = begin; i < end; i++)
        sh->buf[i] = par_grain_seed(i);
    if (barrier_wait(&sh->bar))
        return PAR_ESHUTDOWN;
    for (int64_t s = 0; s < job->steps; s++) {
        const int64_t *prev = sh->buf + (size_t)(s % 2) * t;
        int64_t *next = sh->buf + (size_t)((s + 1) % 2) * t;
        if (sh->gil) {
            par_gil_acquire(sh->gil);
            for (size_t i = begin; i < end; i++) {
                par_gil_check(sh->gil);   /* the eval breaker between tasks */
                par_grain_step(prev, next, t, i, i + 1, job->iterations, job->pattern);
            }
            par_gil_release(sh->gil);
        } else {
            par_grain_step(prev, next, t, begin, end, job->iterations, job->pattern);
        }
        /* After this barrier every task of step s is written and nobody reads
         * step s-1 any more, so step s+1 may overwrite it. */
        if (barrier_wait(&sh->bar))
            return PAR_ESHUTDOWN;
    }
    return 0;
}

/* PAR_GRAIN_SPIN_US, or the default. Returns 0 or PAR_EINVAL. */
static int spin_from_env(int64_t *ns, char *errmsg, size_t errlen)
{
    const char *s = getenv("PAR_GRAIN_SPIN_US");
    long long us = PAR_GRAIN_SPIN_US_DEFAULT;
    if (s && *s && par_parse_whole(s, 0, 100000, &us)) {
        snprintf(errmsg, errlen, "PAR_GRAIN_SPIN_US: expected whole microseconds in 0..100000, "
                 "got '%s'", s);
        return PAR_EINVAL;
    }
    *ns = (int64_t)us * 1000;
    return 0;
}

int par__grain_threads(par_pool *pool, par_gil *gil, int workers, const struct par_grain *job,
                       char *errmsg, size_t errlen, char *detail, size_t detlen, int *team)
{
    int64_t spin_ns;
    int rc = spin_from_env(&spin_ns, errmsg, errlen);
    if (rc)
        return rc;
    size_t t = job->tasks;
    /* More workers than tasks would leave workers with empty blocks that
     * still pay every barrier: use at most one worker per task. */
    int w = (size_t)workers > t ? (int)t : workers;
    struct grain_shared sh = { .job = job, .gil = gil, .workers = w };
    sh.buf = malloc(2 * t * sizeof *sh.buf);
    struct grain_worker *ws = malloc((size_t)w * sizeof *ws);
    par_future **fs = calloc((size_t)w, sizeof *fs);
    if (!sh.buf || !ws || !fs) {
        free(sh.buf);
        free(ws);
        free(fs);
        snprintf(errmsg, errlen, "out of memory");
        return PAR_ENOMEM;
    }
    atomic_init(&sh.bar.broken, 0);
    atomic_init(&sh.bar.arrived, 0);
    atomic_init(&sh.bar.phase, 0);
    atomic_init(&sh.bar.sleepers, 0);
    atomic_init(&sh.bar.slept, 0);
    sh.bar.n = (unsigned)w;
    sh.bar.spin_ns = spin_ns;
    pthread_mutex_init(&sh.bar.mu, NULL);
    pthread_cond_init(&sh.bar.cv, NULL);
    int submitted = 0;
    for (int i = 0; i < w; i++) {
        ws[i] = (struct grain_worker){ &sh, i };
        rc = par_pool_submit(pool, grain_task, &ws[i], &fs[i]);
        if (rc)
            break;
        submitted++;
    }
    if (rc) /* the submitted tasks would wait for ones that never come */
        barrier_break(&sh.bar);
    int err = rc;
    for (int i = 0; i < submitted; i++) {
        int r = par_future_result(fs[i], PAR_FOREVER, NULL);
        if (r && !err)
            err = r;
        par_future_release(fs[i]);
    }
    if (!err) {
        memcpy(job->out, sh.buf + (size_t)(job->steps % 2) * t, t * sizeof *job->out);
        *team = w;   /* the w tasks met at every barrier: w threads at once */
    } else
        snprintf(errmsg, errlen, "grain: %s", par_strerror(err));
    snprintf(detail, detlen, "pool tasks=%d, barrier spin=%lldus, slept waits=%lu%s", w,
             (long long)(spin_ns / 1000), atomic_load(&sh.bar.slept), gil ? ",gil" : "");
    pthread_mutex_destroy(&sh.bar.mu);
    pthread_cond_destroy(&sh.bar.cv);
    free(sh.buf);
    free(ws);
    free(fs);
    return err;
}
