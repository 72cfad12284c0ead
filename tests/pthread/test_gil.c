/* par_gil: exclusion, forced hand-over on request, kernel hooks. */
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "error.h"
#include "gil.h"
#include "kernels.h"
#include "sync.h"

static void gil_create_rejects_bad_intervals(void **state)
{
    (void)state;
    par_gil *g = (par_gil *)&g;
    assert_int_equal(par_gil_create(&g, 0), PAR_EINVAL);
    assert_null(g);
    assert_int_equal(par_gil_create(&g, -1), PAR_EINVAL);
    assert_int_equal(par_gil_create(&g, 11), PAR_EINVAL);
    assert_int_equal(par_gil_create(&g, NAN), PAR_EINVAL);
    assert_int_equal(par_gil_create(NULL, 0.005), PAR_EINVAL);
    assert_int_equal(par_gil_create(&g, PAR_GIL_DEFAULT_INTERVAL), 0);
    assert_true(par_gil_interval(g) == 0.005);
    par_gil_destroy(g);
}

static void gil_check_without_a_request_keeps_the_gil(void **state)
{
    (void)state;
    par_gil *g;
    assert_int_equal(par_gil_create(&g, 0.001), 0);
    par_gil_acquire(g);
    for (int i = 0; i < 1000; i++)
        par_gil_check(g);
    par_gil_release(g);
    assert_int_equal(par_gil_switches(g), 0);
    par_gil_destroy(g);
}

struct contender {
    par_gil *g;
    par_event *got;
};

static void *contender(void *arg)
{
    struct contender *c = arg;
    par_gil_acquire(c->g);   /* waits one interval, then asks for a drop */
    par_event_set(c->got);
    par_gil_release(c->g);
    return NULL;
}

static void gil_holder_hands_over_at_the_eval_breaker_when_asked(void **state)
{
    (void)state;
    struct contender c;
    assert_int_equal(par_gil_create(&c.g, 0.001), 0);
    assert_int_equal(par_event_create(&c.got), 0);
    par_gil_acquire(c.g);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, contender, &c), 0);
    /* Like a bytecode loop: run until the other thread has had the GIL.
     * It can only get it through a hand-over at one of these checks. */
    unsigned long checks = 0;
    while (!par_event_is_set(c.got)) {
        par_gil_check(c.g);
        checks++;
    }
    assert_true(checks > 0);
    /* at least this hand-over; the contender may have been asked too */
    assert_true(par_gil_switches(c.g) >= 1);
    par_gil_release(c.g);
    assert_int_equal(pthread_join(t, NULL), 0);
    par_event_destroy(c.got);
    par_gil_destroy(c.g);
}

/* Two threads that both compute fib under one GIL, handing it over inside
 * the kernel (through the hooks) and between calls. Between kernel calls
 * each bumps a plain, non-atomic counter: if both ever ran at once, the
 * count could come out short and ThreadSanitizer would report the race. */
#define CALLS 20
#define BUMPS 20000

struct fib_thread {
    par_gil *g;
    long *plain;          /* guarded by the GIL only */
    int64_t result;
};

static void *fib_thread(void *arg)
{
    struct fib_thread *f = arg;
    if (par_gil_attach_thread(f->g) != 0)
        return (void *)1;
    if (par_gil_attach_thread(f->g) != PAR_ESTATE)
        return (void *)2;
    par_gil_acquire(f->g);
    int64_t r = 0;
    for (int i = 0; i < CALLS; i++) {
        r = par_fib(20);
        for (int k = 0; k < BUMPS / CALLS; k++) {
            ++*f->plain;
            par_gil_check(f->g);
        }
    }
    par_gil_release(f->g);
    par_gil_detach_thread();
    if (par_fib_self != par_fib_step || par_kernel_tick != NULL)
        return (void *)3;
    f->result = r;
    return NULL;
}

static void gil_threads_computing_fib_never_run_at_once_and_get_it_right(void **state)
{
    (void)state;
    par_gil *g;
    assert_int_equal(par_gil_create(&g, 0.0005), 0);
    long plain = 0;
    struct fib_thread f[2] = { { g, &plain, 0 }, { g, &plain, 0 } };
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&t[i], NULL, fib_thread, &f[i]), 0);
    for (int i = 0; i < 2; i++) {
        void *rc;
        assert_int_equal(pthread_join(t[i], &rc), 0);
        assert_null(rc);
        assert_int_equal(f[i].result, 6765);
    }
    assert_int_equal(plain, 2 * BUMPS);
    par_gil_destroy(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gil_create_rejects_bad_intervals),
        cmocka_unit_test(gil_check_without_a_request_keeps_the_gil),
        cmocka_unit_test(gil_holder_hands_over_at_the_eval_breaker_when_asked),
        cmocka_unit_test(gil_threads_computing_fib_never_run_at_once_and_get_it_right),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
