/* Tests of coro/: stackless generators, the round-robin scheduler and the
 * poll()-driven I/O-wait scheduler. No sleeps: every wait is on a socketpair
 * that the test itself makes ready, or on a deadline that has already passed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "coro.h"
#include "error.h"
#include "iosched.h"
#include "kernels.h"

/* ---- a generator: the cheatsheet's gen_fib(n) ------------------------------ */

struct gen_fib {
    struct par_coro co;   /* first: the body casts back */
    int64_t i, n;
    int *destroyed;       /* counts destroy-hook calls (may be NULL) */
};

static int gen_fib_body(struct par_coro *co)
{
    struct gen_fib *g = (struct gen_fib *)co;
    PAR_CORO_BEGIN(co);
    for (g->i = 1; g->i <= g->n; g->i++)
        PAR_YIELD_VALUE(co, par_fib(g->i));
    PAR_CORO_END(co);
}

static void gen_fib_destroy(struct par_coro *co)
{
    struct gen_fib *g = (struct gen_fib *)co;
    if (g->destroyed)
        (*g->destroyed)++;
}

static void generator_yields_fib_values_then_stops(void **state)
{
    (void)state;
    struct gen_fib g = { .co = PAR_CORO_INIT(gen_fib_body, NULL), .n = 6 };
    int64_t want[] = { 1, 1, 2, 3, 5, 8 }, v = -1;
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(par_coro_next(&g.co, &v), 1);
        assert_int_equal(v, want[i]);
        assert_false(par_coro_finished(&g.co));
    }
    assert_int_equal(par_coro_next(&g.co, &v), 0);
    assert_true(par_coro_finished(&g.co));
}

static void next_after_exhaustion_keeps_returning_done(void **state)
{
    (void)state;
    struct gen_fib g = { .co = PAR_CORO_INIT(gen_fib_body, NULL), .n = 0 };
    int64_t v = 42;
    for (int i = 0; i < 3; i++)
        assert_int_equal(par_coro_next(&g.co, &v), 0);
    assert_int_equal(v, 42);  /* untouched */
    assert_int_equal(par_coro_resume(&g.co), PAR_CORO_DONE);
}

static void two_generators_keep_separate_state(void **state)
{
    (void)state;
    struct gen_fib a, b;
    par_coro_init(&a.co, gen_fib_body, NULL);
    par_coro_init(&b.co, gen_fib_body, NULL);
    a.n = 3;
    b.n = 3;
    int64_t v;
    assert_int_equal(par_coro_next(&a.co, &v), 1);
    assert_int_equal(par_coro_next(&a.co, &v), 1);
    assert_int_equal(par_coro_next(&a.co, &v), 1);
    assert_int_equal(v, 2);
    assert_int_equal(par_coro_next(&b.co, &v), 1);
    assert_int_equal(v, 1);  /* b starts from its own beginning */
    assert_int_equal(par_coro_next(&a.co, &v), 0);
    assert_int_equal(par_coro_next(&b.co, &v), 1);
}

static void queue_is_fifo_and_counts(void **state)
{
    (void)state;
    struct par_coro c[3];
    struct par_coro_queue q = PAR_CORO_QUEUE_INIT;
    for (int i = 0; i < 3; i++) {
        par_coro_init(&c[i], gen_fib_body, NULL);
        par_coro_queue_push(&q, &c[i]);
    }
    assert_int_equal(q.len, 3);
    for (int i = 0; i < 3; i++)
        assert_ptr_equal(par_coro_queue_pop(&q), &c[i]);
    assert_null(par_coro_queue_pop(&q));
    assert_int_equal(q.len, 0);
}

/* ---- round robin: exactly the cheatsheet's output -------------------------- */

struct trace { char buf[256]; size_t len; };

static void record(struct par_coro *co, int finished, void *arg)
{
    struct trace *t = arg;
    int n = finished ? snprintf(t->buf + t->len, sizeof t->buf - t->len, "done ")
                     : snprintf(t->buf + t->len, sizeof t->buf - t->len, "%lld ",
                                (long long)co->value);
    t->len += (size_t)n;
}

static void round_robin_interleaves_like_the_cheatsheet(void **state)
{
    (void)state;
    int destroyed = 0;
    struct gen_fib g5 = { .co = PAR_CORO_INIT(gen_fib_body, gen_fib_destroy), .n = 5,
                          .destroyed = &destroyed };
    struct gen_fib g3 = { .co = PAR_CORO_INIT(gen_fib_body, gen_fib_destroy), .n = 3,
                          .destroyed = &destroyed };
    struct par_coro_queue tasks = PAR_CORO_QUEUE_INIT;
    par_coro_queue_push(&tasks, &g5.co);
    par_coro_queue_push(&tasks, &g3.co);
    struct trace t = { .len = 0 };
    par_rr_run(&tasks, record, &t);
    assert_string_equal(t.buf, "1 1 1 1 2 2 3 done 5 done ");
    assert_int_equal(destroyed, 2);
    assert_int_equal(tasks.len, 0);
}

static void round_robin_of_empty_queue_returns(void **state)
{
    (void)state;
    struct par_coro_queue tasks = PAR_CORO_QUEUE_INIT;
    struct trace t = { .len = 0 };
    par_rr_run(&tasks, record, &t);
    assert_int_equal(t.len, 0);
}

/* ---- the I/O scheduler ------------------------------------------------------ */

/* Sends `count` one-byte messages on fd, waiting for writability each time. */
struct sender {
    struct par_coro co;
    int fd, count, sent;
    int *destroyed;
};

static int sender_body(struct par_coro *co)
{
    struct sender *s = (struct sender *)co;
    PAR_CORO_BEGIN(co);
    for (s->sent = 0; s->sent < s->count; s->sent++) {
        PAR_YIELD_WRITE(co, s->fd, 0);
        char c = (char)('a' + s->sent % 26);
        if (write(s->fd, &c, 1) != 1)
            PAR_CORO_EXIT(co);
    }
    close(s->fd);
    s->fd = -1;
    PAR_CORO_END(co);
}

/* Reads until EOF, counting bytes; or gives up at its deadline. */
struct receiver {
    struct par_coro co;
    int fd, got, timed_out, eof;
    int64_t deadline;
    int *destroyed;
};

static int receiver_body(struct par_coro *co)
{
    struct receiver *r = (struct receiver *)co;
    PAR_CORO_BEGIN(co);
    for (;;) {
        PAR_YIELD_READ(co, r->fd, r->deadline);
        if (co->timed_out) {
            r->timed_out = 1;
            break;
        }
        char buf[64];
        ssize_t n = read(r->fd, buf, sizeof buf);
        if (n <= 0) {
            r->eof = 1;
            break;
        }
        r->got += (int)n;
    }
    PAR_CORO_END(co);
}

static void count_destroy(struct par_coro *co)
{
    /* sender and receiver both keep `destroyed` as their last field, but the
     * layouts differ: look at the body to know the type. */
    if (co->body == sender_body) {
        struct sender *s = (struct sender *)co;
        if (s->fd >= 0)
            close(s->fd);
        (*s->destroyed)++;
    } else {
        struct receiver *r = (struct receiver *)co;
        (*r->destroyed)++;
    }
}

static void iosched_moves_every_byte_and_destroys_finished_tasks(void **state)
{
    (void)state;
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    int destroyed = 0;
    struct sender s = { .co = PAR_CORO_INIT(sender_body, count_destroy), .fd = sv[0],
                        .count = 1000, .destroyed = &destroyed };
    struct receiver r = { .co = PAR_CORO_INIT(receiver_body, count_destroy), .fd = sv[1],
                          .destroyed = &destroyed };
    par_iosched *sch;
    assert_int_equal(par_iosched_create(&sch), 0);
    assert_int_equal(par_iosched_spawn(sch, &r.co), 0);
    assert_int_equal(par_iosched_spawn(sch, &s.co), 0);
    assert_int_equal(par_iosched_count(sch), 2);
    assert_int_equal(par_iosched_run(sch), 0);
    assert_int_equal(r.got, 1000);
    assert_true(r.eof);
    assert_false(r.timed_out);
    assert_int_equal(destroyed, 2);
    assert_int_equal(par_iosched_count(sch), 0);
    par_iosched_destroy(sch);
    close(sv[1]);
}

static void iosched_resumes_a_waiter_whose_deadline_passed(void **state)
{
    (void)state;
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    int destroyed = 0;
    /* A deadline already in the past: no real waiting, yet the fd never
     * becomes readable, so only the deadline can wake it. */
    struct receiver r = { .co = PAR_CORO_INIT(receiver_body, count_destroy), .fd = sv[1],
                          .deadline = par_now_ns() - 1, .destroyed = &destroyed };
    par_iosched *sch;
    assert_int_equal(par_iosched_create(&sch), 0);
    assert_int_equal(par_iosched_spawn(sch, &r.co), 0);
    assert_int_equal(par_iosched_run(sch), 0);
    assert_true(r.timed_out);
    assert_int_equal(r.got, 0);
    assert_int_equal(destroyed, 1);
    par_iosched_destroy(sch);
    close(sv[0]);
    close(sv[1]);
}

static void iosched_wakes_a_reader_when_the_peer_hangs_up(void **state)
{
    (void)state;
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    close(sv[0]);
    int destroyed = 0;
    struct receiver r = { .co = PAR_CORO_INIT(receiver_body, count_destroy), .fd = sv[1],
                          .destroyed = &destroyed };
    par_iosched *sch;
    assert_int_equal(par_iosched_create(&sch), 0);
    assert_int_equal(par_iosched_spawn(sch, &r.co), 0);
    assert_int_equal(par_iosched_run(sch), 0);
    assert_true(r.eof);
    par_iosched_destroy(sch);
    close(sv[1]);
}

/* Stops the scheduler on its first step. */
static int stopper_body(struct par_coro *co);
struct stopper { struct par_coro co; par_iosched *sch; int *destroyed; };

static int stopper_body(struct par_coro *co)
{
    struct stopper *st = (struct stopper *)co;
    PAR_CORO_BEGIN(co);
    par_iosched_stop(st->sch);
    PAR_YIELD(co);
    PAR_CORO_END(co);
}

static void stopper_destroy(struct par_coro *co)
{
    (*((struct stopper *)co)->destroyed)++;
}

static void iosched_stop_returns_and_destroy_frees_suspended_tasks(void **state)
{
    (void)state;
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    int destroyed = 0;
    par_iosched *sch;
    assert_int_equal(par_iosched_create(&sch), 0);
    /* A reader that would wait forever: nobody writes to sv[0]. */
    struct receiver *r = calloc(1, sizeof *r);
    par_coro_init(&r->co, receiver_body, count_destroy);
    r->fd = sv[1];
    r->destroyed = &destroyed;
    struct stopper st = { .co = PAR_CORO_INIT(stopper_body, stopper_destroy), .sch = sch,
                          .destroyed = &destroyed };
    assert_int_equal(par_iosched_spawn(sch, &r->co), 0);
    assert_int_equal(par_iosched_spawn(sch, &st.co), 0);
    assert_int_equal(par_iosched_run(sch), 0);       /* returns: stopped */
    assert_int_equal(par_iosched_count(sch), 2);     /* both still owned */
    assert_int_equal(destroyed, 0);
    par_iosched_destroy(sch);
    assert_int_equal(destroyed, 2);
    free(r);
    close(sv[0]);
    close(sv[1]);
}

/* PAR_YIELD puts a task behind the others: two tasks appending their id. */
struct turn { struct par_coro co; int id, i; char *log; size_t *len; };

static int turn_body(struct par_coro *co)
{
    struct turn *t = (struct turn *)co;
    PAR_CORO_BEGIN(co);
    for (t->i = 0; t->i < 3; t->i++) {
        t->log[(*t->len)++] = t->id == 1 ? 'a' : 'b';
        PAR_YIELD(co);
    }
    PAR_CORO_END(co);
}

static void iosched_plain_yield_takes_turns(void **state)
{
    (void)state;
    char log[16] = "";
    size_t len = 0;
    struct turn a = { .co = PAR_CORO_INIT(turn_body, NULL), .id = 1, .log = log, .len = &len };
    struct turn b = { .co = PAR_CORO_INIT(turn_body, NULL), .id = 2, .log = log, .len = &len };
    par_iosched *sch;
    assert_int_equal(par_iosched_create(&sch), 0);
    assert_int_equal(par_iosched_spawn(sch, &a.co), 0);
    assert_int_equal(par_iosched_spawn(sch, &b.co), 0);
    assert_int_equal(par_iosched_run(sch), 0);
    assert_string_equal(log, "ababab");
    par_iosched_destroy(sch);
}

static void iosched_spawn_rejects_null_and_finished(void **state)
{
    (void)state;
    par_iosched *sch;
    assert_int_equal(par_iosched_create(&sch), 0);
    assert_int_equal(par_iosched_spawn(sch, NULL), PAR_EINVAL);
    struct gen_fib g = { .co = PAR_CORO_INIT(gen_fib_body, NULL), .n = 0 };
    assert_int_equal(par_coro_resume(&g.co), PAR_CORO_DONE);
    assert_int_equal(par_iosched_spawn(sch, &g.co), PAR_EINVAL);
    assert_int_equal(par_iosched_count(sch), 0);
    par_iosched_destroy(sch);
    par_iosched_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(generator_yields_fib_values_then_stops),
        cmocka_unit_test(next_after_exhaustion_keeps_returning_done),
        cmocka_unit_test(two_generators_keep_separate_state),
        cmocka_unit_test(queue_is_fifo_and_counts),
        cmocka_unit_test(round_robin_interleaves_like_the_cheatsheet),
        cmocka_unit_test(round_robin_of_empty_queue_returns),
        cmocka_unit_test(iosched_moves_every_byte_and_destroys_finished_tasks),
        cmocka_unit_test(iosched_resumes_a_waiter_whose_deadline_passed),
        cmocka_unit_test(iosched_wakes_a_reader_when_the_peer_hangs_up),
        cmocka_unit_test(iosched_stop_returns_and_destroy_frees_suspended_tasks),
        cmocka_unit_test(iosched_plain_yield_takes_turns),
        cmocka_unit_test(iosched_spawn_rejects_null_and_finished),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
