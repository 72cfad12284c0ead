/* Futures: completion, callbacks, waiting (result, wait, as_completed).
 *
 * DESIGN
 * A future is the record of one task: pool.c queues futures, workers run
 * them. Who owns the task is decided by one compare-and-swap on `state`:
 * PENDING -> RUNNING (a worker popped it, or a worker waiting on it claimed
 * it to run inline) or PENDING -> CANCELLED (cancel, shutdown). The winner
 * completes the future — exactly once — through complete():
 *   1. store value and code, then the final state. When nobody listens
 *      (no PAR__LISTENERS bit) that is one compare-and-swap and no lock:
 *      the common case of a task nobody waits on or that is done before its
 *      waiter looks. Otherwise, under f->lock: store the final state, take
 *      the callback and waiter lists, broadcast f->cond if threads sleep on
 *      it;
 *   2. wake the pool's helping workers if any waits on this future;
 *   3. outside every lock: run the callbacks in registration order;
 *   4. (the caller) tell the pool the task is finished, so that
 *      par_pool_join() also waits for the callbacks.
 * Listeners (callbacks, wait()/as_completed() waiters, sleeping threads)
 * register under f->lock: if the state is already final they act at once
 * (a callback runs in the adding thread); otherwise they set the listeners
 * bit with a compare-and-swap — which makes a concurrent lock-free
 * completion fail and take the locked path — and link themselves in.
 * So each callback runs exactly once.

 * Waiting. A thread that is not a worker of the future's pool sleeps on
 * f->cond. A worker of that pool never just sleeps (that could deadlock a
 * pool whose tasks wait on sub-tasks): it claims the task if still PENDING
 * and runs it inline, else runs other tasks of the pool until the future
 * is final — its own deque first, then stolen ones, first from the worker
 * running the awaited task (`thief`: leapfrogging) — sleeping on the pool's
 * helper condition only while no task is ready anywhere
 * (par__pool_help_until). The future's `helpers` count tells complete() to
 * wake those helpers.
 *
 * Memory: free futures are recycled through a per-thread cache (below).
 *
 * wait()/as_completed() use a waiter: one node per awaited future, linked
 * into that future's `waiters` list; complete() appends the index to the
 * waiter's completion order (under the waiter's lock) and signals it.
 *
 * Lock order: f->lock, then waiter->lock, then the pool's lock (a leaf: code
 * holding the pool lock takes no other lock). Callbacks run with no lock
 * held. References: the pool holds one reference while the task is queued
 * or running; each handle holds one; as_completed holds one per entry. */
#include "future_internal.h"

#include <stdlib.h>

#include "error.h"

struct par__callback {
    par_done_fn fn;
    void *ctx;
    struct par__callback *next;
};

struct par__waiter;

struct par__waiter_node {
    struct par__waiter *w;
    size_t index;                   /* position in the waiter's array */
    int linked;                     /* in the future's list (f->lock) */
    struct par__waiter_node *next;  /* next node of the same future (f->lock) */
};

struct par__waiter {
    pthread_mutex_t lock;   /* protects order[] and sleeping */
    pthread_cond_t cond;    /* signalled on each completion when sleeping */
    int sleeping;
    par_pool *help_pool;    /* the caller's pool when it is a worker, else NULL */
    par_future **fs;        /* the n futures (borrowed, or retained by as_completed) */
    size_t n;
    struct par__waiter_node *nodes;  /* n nodes */
    size_t *order;          /* indices in completion order; ndone of them */
    _Atomic size_t ndone;   /* written under lock, read lock-free by predicates */
    _Atomic size_t nfail;   /* completions that are DONE with code != 0 */
    /* wait(): */
    enum par_wait_mode mode;
    /* as_completed(): */
    size_t yielded;         /* owner thread only */
    struct par__deadline deadline;
    double timeout_s;
};

static int is_final(int word)
{
    int s = word & PAR__STATE_MASK;
    return s == PAR_FUTURE_DONE || s == PAR_FUTURE_CANCELLED;
}

/* Caller holds f->lock. Returns 1 when f is already final (register
 * nothing), else makes sure the listeners bit is set and returns 0. */
static int listen_locked(par_future *f)
{
    int old = atomic_load(&f->state);
    for (;;) {
        if (is_final(old))
            return 1;
        if (old & PAR__LISTENERS)
            return 0;
        if (atomic_compare_exchange_weak(&f->state, &old, old | PAR__LISTENERS))
            return 0;
    }
}

/* ---- creation and references ------------------------------------------- */

/* Free futures are kept per thread (at most CACHE_MAX), so that a future
 * per task costs no malloc/free and no mutex initialisation in the steady
 * state. Per thread rather than per pool: a future outlives its pool
 * (par_pool_destroy leaves handles valid), so a pool-owned list would be
 * freed under them; a thread's list needs no atomics either. A cached
 * future keeps its mutex initialised; its condition is destroyed. The
 * list is freed when the thread exits (a pthread key's destructor). */
#define CACHE_MAX 4096   /* ~0.6 MiB per thread at most; a window of 2,048
                            futures in flight must fit (bench/task_overhead.c) */

static _Thread_local par_future *tl_free;
static _Thread_local int tl_nfree;
static _Thread_local int tl_cache_registered;
static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;
static int cache_key_ok;

static void cache_drain(void *unused)
{
    (void)unused;
    while (tl_free) {
        par_future *f = tl_free;
        tl_free = f->next_free;
        par__mutex_destroy(&f->lock);
        free(f);
    }
    tl_nfree = 0;
}

static void cache_key_make(void)
{
    cache_key_ok = pthread_key_create(&cache_key, cache_drain) == 0;
}

/* Keeps f (its last reference is gone) for reuse; 0 when the cache is full
 * or cannot be registered (then the caller frees it). */
static int cache_put(par_future *f)
{
    if (tl_nfree >= CACHE_MAX)
        return 0;
    if (!tl_cache_registered) {
        pthread_once(&cache_once, cache_key_make);
        /* The key's value only has to be non-NULL for the destructor to run. */
        if (!cache_key_ok || pthread_setspecific(cache_key, &tl_free) != 0)
            return 0;
        tl_cache_registered = 1;
    }
    f->next_free = tl_free;
    tl_free = f;
    tl_nfree++;
    return 1;
}

par_future *par__future_new(par_pool *p, par_task_fn fn, void *arg, int state, int refs)
{
    par_future *f = tl_free;
    if (f) {
        tl_free = f->next_free;
        tl_nfree--;
    } else {
        f = aligned_alloc(_Alignof(par_future), sizeof *f);   /* see the struct */
        if (!f)
            return NULL;
        if (par__mutex_init(&f->lock) != 0) {
            free(f);
            return NULL;
        }
    }
    f->cond_ready = 0;   /* the condition is made when a thread first sleeps */
    atomic_init(&f->state, state);
    atomic_init(&f->refs, refs);
    atomic_init(&f->helpers, 0);
    atomic_init(&f->thief, 0);
    f->home = 0;
    f->pool = p;
    f->fn = fn;
    f->arg = arg;
    f->value = NULL;
    f->code = 0;
    f->sleepers = 0;
    f->callbacks = NULL;
    f->cb_tail = &f->callbacks;
    f->waiters = NULL;
    f->next_free = NULL;
    return f;
}

par_future *par_future_retain(par_future *f)
{
    atomic_fetch_add_explicit(&f->refs, 1, memory_order_relaxed);
    return f;
}

void par_future_release(par_future *f)
{
    if (!f)
        return;
    if (atomic_fetch_sub_explicit(&f->refs, 1, memory_order_acq_rel) != 1)
        return;
    /* Last reference: the task has finished (the pool held one until then),
     * so no callback or waiter is left. */
    if (f->cond_ready)
        par__cond_destroy(&f->cond);
    if (cache_put(f))
        return;
    par__mutex_destroy(&f->lock);
    free(f);
}

/* ---- completion -------------------------------------------------------- */

static void waiter_record_locked(struct par__waiter *w, size_t index, const par_future *f)
{
    /* caller holds w->lock */
    size_t k = atomic_load_explicit(&w->ndone, memory_order_relaxed);
    w->order[k] = index;
    int st = atomic_load_explicit(&f->state, memory_order_relaxed) & PAR__STATE_MASK;
    if (st == PAR_FUTURE_DONE && f->code != 0)
        atomic_fetch_add(&w->nfail, 1);
    atomic_store(&w->ndone, k + 1);
}

static void waiter_notify(struct par__waiter *w, size_t index, const par_future *f)
{
    /* caller holds f->lock (order: f, then w, then pool) */
    par__lock(&w->lock);
    waiter_record_locked(w, index, f);
    if (w->sleeping)
        par__signal(&w->cond);
    par__unlock(&w->lock);
    if (w->help_pool)
        par__pool_wake_helpers(w->help_pool);
}

static void complete(par_future *f, int final_state, void *value, int code)
{
    if (final_state == PAR_FUTURE_DONE) {
        /* A cancelled future is final since its claim: nobody reads these. */
        f->value = value;
        f->code = code;
    }
    struct par__callback *cb = NULL;
    int old = atomic_load(&f->state);
    while (!(old & PAR__LISTENERS))
        if (atomic_compare_exchange_weak(&f->state, &old, final_state))
            goto notified;   /* nobody listens: done without a lock */

    par__lock(&f->lock);
    atomic_store(&f->state, final_state | PAR__LISTENERS);
    cb = f->callbacks;
    f->callbacks = NULL;
    f->cb_tail = &f->callbacks;
    for (struct par__waiter_node *n = f->waiters; n; n = n->next) {
        n->linked = 0;
        waiter_notify(n->w, n->index, f);
    }
    f->waiters = NULL;
    if (f->sleepers > 0)
        par__broadcast(&f->cond);
    par__unlock(&f->lock);

notified:
    /* The final store above is seq_cst, as is a helper's increment before it
     * checks the state: either it sees the final state or we see it here. */
    if (atomic_load(&f->helpers) > 0)
        par__pool_wake_helpers(f->pool);

    while (cb) {
        struct par__callback *next = cb->next;
        cb->fn(f, cb->ctx);
        free(cb);
        cb = next;
    }
}

void par__future_run(par_future *f)
{
    void *value = NULL;
    int code = f->fn(f->arg, &value);
    complete(f, PAR_FUTURE_DONE, value, code);
}

void par__future_run_inline(par_future *f)
{
    par_pool *p = f->pool;
    par__future_run(f);
    par__pool_task_finished(p);
}

void par__future_finish_cancelled(par_future *f)
{
    par_pool *p = f->pool;
    struct par__cancel_frame fr;
    par__pool_cancel_begin(p, &fr);
    complete(f, PAR_FUTURE_CANCELLED, NULL, PAR_ECANCELLED);
    par__pool_cancel_end(p, &fr);
}

/* ---- queries ----------------------------------------------------------- */

enum par_future_state par_future_state(const par_future *f)
{
    return (enum par_future_state)(atomic_load((_Atomic int *)&f->state) & PAR__STATE_MASK);
}

int par_future_done(const par_future *f)
{
    return is_final(par_future_state(f));
}

int par_future_running(const par_future *f)
{
    return par_future_state(f) == PAR_FUTURE_RUNNING;
}

int par_future_cancelled(const par_future *f)
{
    return par_future_state(f) == PAR_FUTURE_CANCELLED;
}

/* ---- waiting on one future --------------------------------------------- */

static int future_final_pred(void *ctx)
{
    return is_final(atomic_load(&((par_future *)ctx)->state));
}

/* Waits until f is final. Returns 0 or PAR_EAGAIN / PAR_ETIMEDOUT. */
static int wait_final(par_future *f, double timeout_s)
{
    if (is_final(atomic_load(&f->state)))
        return 0;
    if (timeout_s == 0)
        return PAR_EAGAIN;
    struct par__deadline d = par__deadline_make(timeout_s);
    par_pool *self = par_pool_current();
    if (self && self == f->pool) {
        /* On our own deque, f lies under the tasks we pushed after it: run
         * those and then f itself, newest first, as the owner pops — no
         * tombstone left behind. An empty deque with f unfinished means a
         * thief has it (or had younger ones): help below. */
        struct par_pool_worker *w = par__worker_of(self);
        if (f->home == par__worker_id(w)) {
            while (!is_final(atomic_load(&f->state)) && par__worker_run_own(w))
                ;
            if (is_final(atomic_load(&f->state)))
                return 0;
        }
        if (par__future_claim(f, PAR_FUTURE_RUNNING)) {
            par__future_run_inline(f);   /* its queue slot is now a tombstone */
            return 0;
        }
        atomic_fetch_add(&f->helpers, 1);
        int rc = par__pool_help_until(self, future_final_pred, f, &d, &f->thief);
        atomic_fetch_sub(&f->helpers, 1);
        return rc == 0 ? 0 : PAR_ETIMEDOUT;
    }
    int rc = 0;
    par__lock(&f->lock);
    if (listen_locked(f)) {
        par__unlock(&f->lock);
        return 0;
    }
    if (!f->cond_ready) {
        PAR__CHECK(par__cond_init(&f->cond));   /* glibc: cannot fail */
        f->cond_ready = 1;
    }
    f->sleepers++;
    while (!is_final(atomic_load(&f->state))) {
        if (par__wait_until(&f->cond, &f->lock, &d) == ETIMEDOUT) {
            if (!is_final(atomic_load(&f->state)))
                rc = PAR_ETIMEDOUT;
            break;
        }
    }
    f->sleepers--;
    par__unlock(&f->lock);
    return rc;
}

/* Waits until f is final: 0 when its task ran (successfully or not),
 * PAR_ECANCELLED, PAR_EAGAIN or PAR_ETIMEDOUT. */
static int wait_outcome(par_future *f, double timeout_s)
{
    int rc = wait_final(f, timeout_s);
    if (rc == 0 && par_future_cancelled(f))
        rc = PAR_ECANCELLED;
    return rc;
}

int par_future_result(par_future *f, double timeout_s, void **value)
{
    if (!f)
        return PAR_EINVAL;
    int rc = wait_outcome(f, timeout_s);
    if (rc != 0)
        return rc;
    if (value)
        *value = f->value;
    return f->code;
}

int par_future_exception(par_future *f, double timeout_s, int *code)
{
    if (!f || !code)
        return PAR_EINVAL;
    int rc = wait_outcome(f, timeout_s);
    if (rc == 0)
        *code = f->code;
    return rc;
}

int par_future_cancel(par_future *f)
{
    if (!f)
        return PAR_EINVAL;
    if (par__future_claim(f, PAR_FUTURE_CANCELLED)) {
        par__future_finish_cancelled(f);
        return 0;
    }
    return par_future_cancelled(f) ? 0 : PAR_ESTATE;
}

int par_future_add_done_callback(par_future *f, par_done_fn fn, void *ctx)
{
    if (!f || !fn)
        return PAR_EINVAL;
    struct par__callback *cb = NULL;
    if (!is_final(atomic_load(&f->state))) {
        cb = malloc(sizeof *cb);   /* before the lock; freed if not needed */
        if (!cb)
            return PAR_ENOMEM;
        cb->fn = fn;
        cb->ctx = ctx;
        cb->next = NULL;
    }
    par__lock(&f->lock);
    if (listen_locked(f)) {
        par__unlock(&f->lock);
        free(cb);
        fn(f, ctx);   /* already done: run now, in this thread */
        return 0;
    }
    *f->cb_tail = cb;   /* not final, so cb was allocated above */
    f->cb_tail = &cb->next;
    par__unlock(&f->lock);
    return 0;
}

/* ---- waiting on several futures ---------------------------------------- */

static void waiter_free(struct par__waiter *w)
{
    if (!w)
        return;
    par__pair_destroy(&w->lock, &w->cond);
    free(w->nodes);
    free(w->order);
    free(w);
}

static int waiter_new(struct par__waiter **out, par_future *const *fs, size_t n)
{
    *out = NULL;
    struct par__waiter *w = calloc(1, sizeof *w);
    if (!w)
        return PAR_ENOMEM;
    if (par__pair_init(&w->lock, &w->cond) != 0) {
        free(w);
        return PAR_ENOMEM;
    }
    w->n = n;
    w->nodes = calloc(n ? n : 1, sizeof *w->nodes);
    w->order = calloc(n ? n : 1, sizeof *w->order);
    if (!w->nodes || !w->order) {
        waiter_free(w);
        return PAR_ENOMEM;
    }
    w->fs = (par_future **)fs;
    atomic_init(&w->ndone, 0);
    atomic_init(&w->nfail, 0);
    par_pool *self = par_pool_current();
    for (size_t i = 0; self && i < n; i++)
        if (fs[i]->pool == self)
            w->help_pool = self;
    *out = w;
    return 0;
}

/* Links one node per future, or records the future at once when it has
 * already finished (those come first, in array order). */
static void waiter_register(struct par__waiter *w)
{
    for (size_t i = 0; i < w->n; i++) {
        par_future *f = w->fs[i];
        struct par__waiter_node *node = &w->nodes[i];
        node->w = w;
        node->index = i;
        par__lock(&f->lock);
        if (listen_locked(f)) {
            par__lock(&w->lock);
            waiter_record_locked(w, i, f);
            par__unlock(&w->lock);
        } else {
            node->linked = 1;
            node->next = f->waiters;
            f->waiters = node;
        }
        par__unlock(&f->lock);
    }
}

/* Unlinks every node still linked; afterwards no thread refers to w. */
static void waiter_unregister(struct par__waiter *w)
{
    for (size_t i = 0; i < w->n; i++) {
        par_future *f = w->fs[i];
        struct par__waiter_node *node = &w->nodes[i];
        par__lock(&f->lock);
        if (node->linked) {
            struct par__waiter_node **pp = &f->waiters;
            while (*pp != node)
                pp = &(*pp)->next;
            *pp = node->next;
            node->linked = 0;
        }
        par__unlock(&f->lock);
    }
}

/* Waits until pred(w). A worker of w->help_pool first runs pending futures
 * of the set itself, then helps with the queue. Returns 0 or ETIMEDOUT. */
static int waiter_wait(struct par__waiter *w, int (*pred)(void *),
                       const struct par__deadline *d)
{
    if (pred(w))
        return 0;
    if (w->help_pool) {
        for (size_t i = 0; i < w->n && !pred(w); i++) {
            par_future *f = w->fs[i];
            if (f->pool == w->help_pool && par__future_claim(f, PAR_FUTURE_RUNNING))
                par__future_run_inline(f);
        }
        return par__pool_help_until(w->help_pool, pred, w, d, NULL);
    }
    int rc = 0;
    par__lock(&w->lock);
    w->sleeping = 1;
    while (!pred(w)) {
        if (par__wait_until(&w->cond, &w->lock, d) == ETIMEDOUT) {
            rc = pred(w) ? 0 : ETIMEDOUT;
            break;
        }
    }
    w->sleeping = 0;
    par__unlock(&w->lock);
    return rc;
}

static int wait_pred(void *ctx)
{
    struct par__waiter *w = ctx;
    size_t done = atomic_load(&w->ndone);
    switch (w->mode) {
    case PAR_WAIT_FIRST_COMPLETED:
        return done >= 1 || w->n == 0;
    case PAR_WAIT_FIRST_EXCEPTION:
        return atomic_load(&w->nfail) >= 1 || done == w->n;
    case PAR_WAIT_ALL_COMPLETED:
    default:
        return done == w->n;
    }
}

static size_t count_done(par_future *const *fs, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += (size_t)par_future_done(fs[i]);
    return k;
}

int par_futures_wait(par_future *const *fs, size_t n, double timeout_s,
                     enum par_wait_mode mode, size_t *ndone)
{
    if (ndone)
        *ndone = 0;
    if ((n > 0 && !fs) || (mode != PAR_WAIT_ALL_COMPLETED && mode != PAR_WAIT_FIRST_COMPLETED &&
                           mode != PAR_WAIT_FIRST_EXCEPTION))
        return PAR_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (!fs[i])
            return PAR_EINVAL;
    if (n == 0)
        return 0;
    struct par__waiter *w;
    int rc = waiter_new(&w, fs, n);
    if (rc != 0)
        return rc;
    w->mode = mode;
    struct par__deadline d = par__deadline_make(timeout_s);
    waiter_register(w);
    if (timeout_s == 0)
        rc = wait_pred(w) ? 0 : PAR_EAGAIN;
    else
        rc = waiter_wait(w, wait_pred, &d) == 0 ? 0 : PAR_ETIMEDOUT;
    waiter_unregister(w);
    waiter_free(w);
    if (ndone)
        *ndone = count_done(fs, n);
    return rc;
}

/* ---- as_completed ------------------------------------------------------ */

struct par_as_completed {
    struct par__waiter *w;
};

static int next_pred(void *ctx)
{
    struct par__waiter *w = ctx;
    return atomic_load(&w->ndone) > w->yielded;
}

int par_as_completed_begin(par_as_completed **out, par_future *const *fs, size_t n,
                           double timeout_s)
{
    if (!out)
        return PAR_EINVAL;
    *out = NULL;
    if (n > 0 && !fs)
        return PAR_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (!fs[i])
            return PAR_EINVAL;
    par_as_completed *it = malloc(sizeof *it);
    par_future **own = malloc((n ? n : 1) * sizeof *own);
    struct par__waiter *w = NULL;
    int rc = (it && own) ? waiter_new(&w, fs, n) : PAR_ENOMEM;
    if (rc != 0) {
        free(it);
        free(own);
        return rc;
    }
    for (size_t i = 0; i < n; i++)
        own[i] = par_future_retain(fs[i]);
    w->fs = own;
    w->timeout_s = timeout_s;
    w->deadline = par__deadline_make(timeout_s);
    waiter_register(w);
    it->w = w;
    *out = it;
    return 0;
}

int par_as_completed_next(par_as_completed *it, par_future **f)
{
    if (!it || !f)
        return PAR_EINVAL;
    *f = NULL;
    struct par__waiter *w = it->w;
    if (w->yielded == w->n)
        return 0;
    if (!next_pred(w)) {
        if (w->timeout_s == 0)
            return PAR_EAGAIN;
        if (waiter_wait(w, next_pred, &w->deadline) != 0)
            return PAR_ETIMEDOUT;
    }
    par__lock(&w->lock);
    *f = w->fs[w->order[w->yielded]];
    par__unlock(&w->lock);
    w->yielded++;
    return 0;
}

void par_as_completed_end(par_as_completed *it)
{
    if (!it)
        return;
    struct par__waiter *w = it->w;
    waiter_unregister(w);
    for (size_t i = 0; i < w->n; i++)
        par_future_release(w->fs[i]);
    free(w->fs);
    waiter_free(w);
    free(it);
}
