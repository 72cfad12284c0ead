/* The Chase–Lev deque alone (pthread/deque.h):
 *   - sequential semantics: LIFO pop, FIFO steal, growth keeps every item;
 *   - concurrency: one owner pushing and popping against three thieves,
 *     every item taken exactly once (run under TSan too, where the memory
 *     orders are checked for data races);
 *   - a model check: every interleaving of small scenarios (owner push/pop
 *     against one or two thieves, with and without growth) at the
 *     granularity of the deque's PAR__DEQUE_STEP hooks, run one step at a
 *     time under a scheduler; each must take every item exactly once.
 *     This checks the algorithm's logic under sequential consistency; the
 *     weak-memory side is the fences' job (argued in deque.h) and TSan's. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

static void mc_step(void);
#define PAR__DEQUE_STEP() mc_step()
#include "deque.h"

#define ITEM(i) ((void *)(intptr_t)(i))   /* items 1..n: never NULL */

/* ---- sequential ------------------------------------------------------------ */

/* The owner's count: exact with no thief; after steals, its copy of `top`
 * over-counts until the count reaches the asked bound, then it reads `top`
 * again and answers from the real size. */
static void deque_owner_count_rereads_top_only_near_the_bound(void **state)
{
    (void)state;
    struct par__deque q;
    assert_int_equal(par__deque_init(&q, 8), 0);
    for (int i = 1; i <= 4; i++)
        assert_int_equal(par__deque_push(&q, ITEM(i)), 0);
    assert_true(par__deque_owner_has_fewer(&q, 5));
    assert_false(par__deque_owner_has_fewer(&q, 4));
    void *x;
    for (int i = 0; i < 3; i++)
        assert_int_equal(par__deque_steal(&q, &x), 1);   /* 1 item left */
    assert_int_equal(q.top_seen, 0);                       /* not read yet */
    assert_true(par__deque_owner_has_fewer(&q, 5));        /* by the copy: 4 < 5 */
    assert_int_equal(q.top_seen, 0);
    assert_true(par__deque_owner_has_fewer(&q, 2));        /* copy says 4: reads top */
    assert_int_equal(q.top_seen, 3);
    assert_false(par__deque_owner_has_fewer(&q, 1));
    par__deque_destroy(&q);
}

static void deque_pops_newest_and_steals_oldest(void **state)
{
    (void)state;
    struct par__deque q;
    assert_int_equal(par__deque_init(&q, 8), 0);
    void *x;
    assert_null(par__deque_pop(&q));
    assert_int_equal(par__deque_steal(&q, &x), 0);
    for (int i = 1; i <= 4; i++)
        assert_int_equal(par__deque_push(&q, ITEM(i)), 0);
    assert_int_equal(par__deque_size(&q), 4);
    assert_ptr_equal(par__deque_pop(&q), ITEM(4));
    assert_int_equal(par__deque_steal(&q, &x), 1);
    assert_ptr_equal(x, ITEM(1));
    assert_ptr_equal(par__deque_pop(&q), ITEM(3));
    assert_ptr_equal(par__deque_pop(&q), ITEM(2));
    assert_null(par__deque_pop(&q));
    assert_int_equal(par__deque_steal(&q, &x), 0);
    assert_int_equal(par__deque_size(&q), 0);
    par__deque_destroy(&q);
}

static void deque_grows_and_keeps_every_item_in_order(void **state)
{
    (void)state;
    struct par__deque q;
    assert_int_equal(par__deque_init(&q, 2), 0);
    enum { N = 10000 };
    void *x;
    /* Interleave steals so that the live window wraps around the array. */
    int next_steal = 1;
    for (int i = 1; i <= N; i++) {
        assert_int_equal(par__deque_push(&q, ITEM(i)), 0);
        if (i % 3 == 0) {
            assert_int_equal(par__deque_steal(&q, &x), 1);
            assert_ptr_equal(x, ITEM(next_steal));
            next_steal++;
        }
    }
    for (int i = N; i >= next_steal; i--)
        assert_ptr_equal(par__deque_pop(&q), ITEM(i));
    assert_null(par__deque_pop(&q));
    par__deque_destroy(&q);
}

/* ---- concurrent ------------------------------------------------------------ */

#ifdef PAR_SANITIZE_thread
#define CONC_ITEMS 100000   /* TSan: ~50x slower per atomic; still ~10^5 races */
#elif defined(PAR_SANITIZE_address)
#define CONC_ITEMS 500000   /* ASan+UBSan: 2 M took ~46 s of a 60 s limit on 2 cores */
#else
#define CONC_ITEMS 2000000
#endif
#define THIEVES 3

struct conc {
    struct par__deque q;
    _Atomic unsigned char *taken;   /* per item: times taken */
    _Atomic long ntaken;
    _Atomic int owner_done;
};

static void take_item(struct conc *c, void *x)
{
    intptr_t i = (intptr_t)x;
    atomic_fetch_add_explicit(&c->taken[i], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&c->ntaken, 1, memory_order_relaxed);
}

static void *thief_main(void *arg)
{
    struct conc *c = arg;
    for (;;) {
        void *x;
        int r = par__deque_steal(&c->q, &x);
        if (r == 1)
            take_item(c, x);
        else if (r == 0 && atomic_load(&c->owner_done))
            return NULL;   /* empty after the owner stopped: for good */
    }
}

static void deque_owner_and_three_thieves_take_every_item_once(void **state)
{
    (void)state;
    struct conc c;
    assert_int_equal(par__deque_init(&c.q, 2), 0);   /* small: it must grow under theft */
    c.taken = calloc(CONC_ITEMS + 1, sizeof *c.taken);
    assert_non_null(c.taken);
    atomic_init(&c.ntaken, 0);
    atomic_init(&c.owner_done, 0);
    pthread_t t[THIEVES];
    for (int i = 0; i < THIEVES; i++)
        assert_int_equal(pthread_create(&t[i], NULL, thief_main, &c), 0);
    /* The owner pushes in bursts of 1..64 and pops about half of each
     * burst, so it often races the thieves for the last item. */
    uint32_t rng = 12345;
    intptr_t next = 1;
    while (next <= CONC_ITEMS) {
        rng = rng * 1664525u + 1013904223u;
        int burst = 1 + (int)((rng >> 16) % 64);
        for (int k = 0; k < burst && next <= CONC_ITEMS; k++)
            assert_int_equal(par__deque_push(&c.q, ITEM(next++)), 0);
        for (int k = 0; k < burst / 2 + 1; k++) {
            void *x = par__deque_pop(&c.q);
            if (x)
                take_item(&c, x);
        }
    }
    void *x;
    while ((x = par__deque_pop(&c.q)) != NULL)
        take_item(&c, x);
    atomic_store(&c.owner_done, 1);
    for (int i = 0; i < THIEVES; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
    assert_int_equal(atomic_load(&c.ntaken), CONC_ITEMS);
    for (long i = 1; i <= CONC_ITEMS; i++)
        if (atomic_load(&c.taken[i]) != 1)
            fail_msg("item %ld taken %d times", i, (int)atomic_load(&c.taken[i]));
    free((void *)c.taken);
    par__deque_destroy(&c.q);
}

/* ---- model check ------------------------------------------------------------ */

/* A scheduler that lets exactly one scenario thread run between two steps.
 * Scenario threads call mc_step() at each PAR__DEQUE_STEP (the first at
 * the entry of every operation, before any shared access); the scheduler then picks which waiting thread goes next,
 * following a schedule that a depth-first search over the choices varies
 * from run to run until every interleaving has been run. */
#define MC_THREADS 3
#define MC_DEPTH 256

static pthread_mutex_t mc_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t mc_cond = PTHREAD_COND_INITIALIZER;
static _Thread_local int mc_id = -1;   /* scenario thread index, -1 elsewhere */
static int mc_turn = -1;               /* who may run; -1: the scheduler */
static int mc_waiting[MC_THREADS];
static int mc_done[MC_THREADS];

static void mc_step(void)
{
    if (mc_id < 0)
        return;
    pthread_mutex_lock(&mc_lock);
    mc_waiting[mc_id] = 1;
    mc_turn = -1;
    pthread_cond_broadcast(&mc_cond);
    while (mc_turn != mc_id)
        pthread_cond_wait(&mc_cond, &mc_lock);
    mc_waiting[mc_id] = 0;
    pthread_mutex_unlock(&mc_lock);
}

struct mc_run {
    struct par__deque q;
    int nitems;         /* items 1..nitems: prefilled, then pushed */
    int taken[8];
};

struct mc_thread {
    struct mc_run *run;
    int id;
    const char *ops;   /* 'p' push next item, 'o' pop, 's' steal */
};

static int mc_next_item;   /* the owner's; serialised by the scheduler */

static void *mc_thread_main(void *arg)
{
    struct mc_thread *t = arg;
    mc_id = t->id;
    for (const char *op = t->ops; *op; op++) {
        void *x = NULL;
        if (*op == 'p') {
            int item = ++mc_next_item;
            if (par__deque_push(&t->run->q, ITEM(item)) != 0)
                abort();
        } else if (*op == 'o') {
            x = par__deque_pop(&t->run->q);
        } else if (par__deque_steal(&t->run->q, &x) != 1) {
            x = NULL;
        }
        if (x)
            t->run->taken[(intptr_t)x]++;
    }
    pthread_mutex_lock(&mc_lock);
    mc_done[mc_id] = 1;
    mc_turn = -1;
    pthread_cond_broadcast(&mc_cond);
    pthread_mutex_unlock(&mc_lock);
    return NULL;
}

/* A scenario: thread 0 is the owner (ops 'p' push, 'o' pop), the others
 * thieves ('s'); the deque starts with `prefill` items in an array of
 * `initial_size` slots. */
struct mc_scenario {
    const char *ops[MC_THREADS];
    int nthreads;
    int prefill;
    int64_t initial_size;
};

/* Runs one interleaving: choices[0..prefix) are forced, later decisions
 * take choice 0; every decision's choice and number of alternatives is
 * recorded. Returns the number of decisions. */
static int mc_run_once(const struct mc_scenario *sc, int choice[], int nalt[], int prefix)
{
    const char *const *ops = sc->ops;
    int nthreads = sc->nthreads;
    struct mc_run run = { .nitems = sc->prefill };
    assert_int_equal(par__deque_init(&run.q, sc->initial_size), 0);
    for (int i = 1; i <= sc->prefill; i++)   /* not a scenario thread: no steps */
        assert_int_equal(par__deque_push(&run.q, ITEM(i)), 0);
    for (const char *op = ops[0]; *op; op++)
        run.nitems += *op == 'p';
    mc_next_item = sc->prefill;
    struct mc_thread th[MC_THREADS];
    pthread_t pt[MC_THREADS];
    for (int i = 0; i < nthreads; i++) {
        mc_waiting[i] = 0;
        mc_done[i] = 0;
    }
    mc_turn = -1;
    for (int i = 0; i < nthreads; i++) {
        th[i] = (struct mc_thread){ &run, i, ops[i] };
        assert_int_equal(pthread_create(&pt[i], NULL, mc_thread_main, &th[i]), 0);
    }
    int depth = 0;
    pthread_mutex_lock(&mc_lock);
    for (;;) {
        int settled;
        do {
            settled = mc_turn == -1;
            for (int i = 0; settled && i < nthreads; i++)
                settled = mc_waiting[i] || mc_done[i];
            if (!settled)
                pthread_cond_wait(&mc_cond, &mc_lock);
        } while (!settled);
        int runnable[MC_THREADS], n = 0;
        for (int i = 0; i < nthreads; i++)
            if (mc_waiting[i])
                runnable[n++] = i;
        if (n == 0)
            break;
        int pick = 0;
        if (n > 1) {
            assert_true(depth < MC_DEPTH);
            if (depth >= prefix)
                choice[depth] = 0;
            nalt[depth] = n;
            pick = choice[depth];
            depth++;
        }
        mc_turn = runnable[pick];
        pthread_cond_broadcast(&mc_cond);
    }
    pthread_mutex_unlock(&mc_lock);
    for (int i = 0; i < nthreads; i++)
        assert_int_equal(pthread_join(pt[i], NULL), 0);
    /* What nobody took must still be there: drain it (this thread is not
     * a scenario thread, so no steps). */
    void *x;
    while ((x = par__deque_pop(&run.q)) != NULL)
        run.taken[(intptr_t)x]++;
    for (int i = 1; i <= run.nitems; i++)
        if (run.taken[i] != 1)
            fail_msg("item %d taken %d times (schedule depth %d)", i, run.taken[i], depth);
    par__deque_destroy(&run.q);
    return depth;
}

/* Runs every interleaving of the scenario; returns how many there were. */
static long mc_explore(const struct mc_scenario *sc)
{
    int choice[MC_DEPTH], nalt[MC_DEPTH];
    int prefix = 0;
    long runs = 0;
    for (;;) {
        int depth = mc_run_once(sc, choice, nalt, prefix);
        runs++;
        int k = depth - 1;
        while (k >= 0 && choice[k] + 1 >= nalt[k])
            k--;
        if (k < 0)
            return runs;
        choice[k]++;
        prefix = k + 1;
    }
}

/* Small on purpose: each interleaving is a run with its own threads, and
 * the count grows as a multinomial of the steps (a pop and a steal are 4
 * steps each; owner "ppoo" against thief "ss" is already ~40,000 runs). */
static void deque_model_check_owner_and_thief_race_for_the_last_item(void **state)
{
    (void)state;
    struct mc_scenario sc = { { "o", "s" }, 2, 1, 8 };
    long runs = mc_explore(&sc);
    print_message("[1] owner o / thief s: %ld interleavings\n", runs);
    assert_true(runs >= 20);
}

static void deque_model_check_owner_and_two_thieves_race_for_the_last_item(void **state)
{
    (void)state;
    struct mc_scenario sc = { { "o", "s", "s" }, 3, 1, 8 };
    long runs = mc_explore(&sc);
    print_message("[1] owner o / thieves s, s: %ld interleavings\n", runs);
    assert_true(runs >= 20);
}

static void deque_model_check_two_thieves_race(void **state)
{
    (void)state;
    struct mc_scenario sc = { { "", "s", "s" }, 3, 2, 8 };
    long runs = mc_explore(&sc);
    print_message("[1,2] thieves s, s: %ld interleavings\n", runs);
    assert_true(runs >= 20);
}

static void deque_model_check_push_pop_against_a_thief(void **state)
{
    (void)state;
    struct mc_scenario sc = { { "po", "s" }, 2, 0, 8 };
    long runs = mc_explore(&sc);
    print_message("[] owner po / thief s: %ld interleavings\n", runs);
    assert_true(runs >= 20);
}

static void deque_model_check_growth_under_theft(void **state)
{
    (void)state;
    struct mc_scenario sc = { { "po", "s" }, 2, 2, 2 };   /* full: the push grows it */
    long runs = mc_explore(&sc);
    print_message("[1,2] of 2 slots, owner po / thief s: %ld interleavings\n", runs);
    assert_true(runs >= 20);
}

/* Full by the owner's copy of `top` (push's top_seen, still 0), but a
 * thief may steal first: then the first push reads `top` again and reuses
 * the freed slot instead of growing; the second finds it full and grows. */
static void deque_model_check_pushes_past_a_stale_top(void **state)
{
    (void)state;
    struct mc_scenario sc = { { "pp", "s" }, 2, 2, 2 };
    long runs = mc_explore(&sc);
    print_message("[1,2] of 2 slots, owner pp / thief s: %ld interleavings\n", runs);
    assert_true(runs >= 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(deque_owner_count_rereads_top_only_near_the_bound),
        cmocka_unit_test(deque_pops_newest_and_steals_oldest),
        cmocka_unit_test(deque_grows_and_keeps_every_item_in_order),
        cmocka_unit_test(deque_owner_and_three_thieves_take_every_item_once),
        cmocka_unit_test(deque_model_check_owner_and_thief_race_for_the_last_item),
        cmocka_unit_test(deque_model_check_owner_and_two_thieves_race_for_the_last_item),
        cmocka_unit_test(deque_model_check_two_thieves_race),
        cmocka_unit_test(deque_model_check_push_pop_against_a_thief),
        cmocka_unit_test(deque_model_check_growth_under_theft),
        cmocka_unit_test(deque_model_check_pushes_past_a_stale_top),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
