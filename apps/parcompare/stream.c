#include "stream.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "error.h"

/* b = 2, c = 0.5, s = 3: a = 3.5 exactly in binary floating point. */
#define TRIAD_B 2.0
#define TRIAD_C 0.5
#define TRIAD_S 3.0
#define TRIAD_A 3.5

/* One measurement. The barrier orders everything: thread 0 alone reads the
 * clock and writes best_s, between two barrier waits that every thread
 * makes, so no other thread touches them. `go` (under lock, signalled on
 * cv) starts the team once every thread exists: 1 run, -1 leave at once
 * (a thread could not be created, so the barrier would never fill). */
struct team {
    double *a, *b, *c;
    size_t n;
    int threads, reps;
    pthread_barrier_t bar;
    double best_s;
    pthread_mutex_t lock;
    pthread_cond_t cv;
    int go;
};

struct member {
    struct team *t;
    int id;
};

static void slice(const struct team *t, int id, size_t *lo, size_t *hi)
{
    size_t base = t->n / (size_t)t->threads, extra = t->n % (size_t)t->threads;
    size_t i = (size_t)id;
    *lo = i * base + (i < extra ? i : extra);
    *hi = *lo + base + (i < extra);
}

static void triad(double *restrict a, const double *restrict b, const double *restrict c,
                  size_t lo, size_t hi)
{
    for (size_t i = lo; i < hi; i++)
        a[i] = b[i] + TRIAD_S * c[i];
}

/* `reps` + 1 repetitions of the triad over the whole arrays on this thread, the first
 * untimed; returns the shortest timed one in seconds. */
static double alone(struct team *t)
{
    double best = 1e300;
    for (int r = 0; r <= t->reps; r++) {
        int64_t t0 = par_now_ns();
        triad(t->a, t->b, t->c, 0, t->n);
        double s = (double)(par_now_ns() - t0) * 1e-9;
        if (r > 0 && s < best)
            best = s;
    }
    return best;
}

static void *member_main(void *arg)
{
    const struct member *me = arg;
    struct team *t = me->t;
    pthread_mutex_lock(&t->lock);
    while (t->go == 0)
        pthread_cond_wait(&t->cv, &t->lock);
    int go = t->go;
    pthread_mutex_unlock(&t->lock);
    if (go < 0)
        return NULL;
    size_t lo, hi;
    slice(t, me->id, &lo, &hi);
    /* First touch: each thread's pages are placed near it (NUMA). */
    for (size_t i = lo; i < hi; i++) {
        t->a[i] = 0.0;
        t->b[i] = TRIAD_B;
        t->c[i] = TRIAD_C;
    }
    for (int r = 0; r <= t->reps; r++) {
        int64_t t0 = 0;
        pthread_barrier_wait(&t->bar);
        if (me->id == 0)
            t0 = par_now_ns();
        triad(t->a, t->b, t->c, lo, hi);
        pthread_barrier_wait(&t->bar);
        if (me->id == 0 && r > 0) { /* repetition 0 is left out, as STREAM does */
            double s = (double)(par_now_ns() - t0) * 1e-9;
            if (s < t->best_s)
                t->best_s = s;
        }
    }
    return NULL;
}

static void fill(struct par__triad *r, size_t n, int threads, int reps, double best_s)
{
    r->n = n;
    r->threads = threads;
    r->reps = reps;
    r->best_s = best_s;
    r->gbs = (double)PAR__TRIAD_BYTES_PER_ELEMENT * (double)n / best_s / 1e9;
}

int par__triad_measure(size_t n, int threads, int reps, struct par__triad *one,
                       struct par__triad *all)
{
    if (!one || !all || threads < 1 || reps < 1 || n < (size_t)threads ||
        n > SIZE_MAX / sizeof(double))
        return PAR_EINVAL;
    memset(one, 0, sizeof *one);
    memset(all, 0, sizeof *all);
    struct team t = { .n = n, .threads = threads, .reps = reps, .best_s = 1e300,
                      .lock = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };
    size_t bytes = n * sizeof(double);
    t.a = malloc(bytes);
    t.b = malloc(bytes);
    t.c = malloc(bytes);
    struct member *ms = calloc((size_t)threads, sizeof *ms);
    pthread_t *tids = calloc((size_t)threads, sizeof *tids);
    int rc = 0;
    if (!t.a || !t.b || !t.c || !ms || !tids) {
        rc = PAR_ENOMEM;
        goto out;
    }
    if (pthread_barrier_init(&t.bar, NULL, (unsigned)threads) != 0) {
        rc = PAR_ESYS;
        goto out;
    }
    int started = 0;
    for (int i = 1; i < threads; i++) {
        ms[i] = (struct member){ &t, i };
        if (pthread_create(&tids[i], NULL, member_main, &ms[i]) != 0)
            break;
        started++;
    }
    pthread_mutex_lock(&t.lock);
    t.go = started == threads - 1 ? 1 : -1;
    pthread_cond_broadcast(&t.cv);
    pthread_mutex_unlock(&t.lock);
    if (t.go > 0) {
        ms[0] = (struct member){ &t, 0 };
        member_main(&ms[0]); /* first touch, then the team's repetitions */
    }
    for (int i = 1; i <= started; i++)
        pthread_join(tids[i], NULL);
    pthread_barrier_destroy(&t.bar);
    if (t.go < 0) {
        rc = PAR_ESYS;
        goto out;
    }
    /* The same arrays on this thread alone: their pages are in place, so
     * the first touch (slow in virtual machines) is paid once. */
    double one_s = threads == 1 ? t.best_s : alone(&t);
    for (size_t i = 0; i < n; i++)
        if (t.a[i] != TRIAD_A) {
            rc = PAR_EVERIFY;
            goto out;
        }
    fill(all, n, threads, reps, t.best_s);
    fill(one, n, 1, reps, one_s);
out:
    free(t.a);
    free(t.b);
    free(t.c);
    free(ms);
    free(tids);
    return rc;
}
