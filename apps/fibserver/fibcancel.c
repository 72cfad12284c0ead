/* Cancellable naive fib (see fibcancel.h). */
#include "fibcancel.h"

#include <stddef.h>

struct walk {
    const struct fib_cancel *c;
    uint32_t countdown;     /* calls left before the next look at the flags */
    uint32_t slow;          /* looks left before the next slow check */
    int cancelled;
};

static int should_stop(struct walk *w)
{
    const struct fib_cancel *c = w->c;
    w->countdown = FIB_CANCEL_EVERY;
    if ((c->stop && atomic_load_explicit(c->stop, memory_order_relaxed)) ||
        (c->cancel && atomic_load_explicit(c->cancel, memory_order_relaxed)))
        return 1;
    if (c->check && --w->slow == 0) {
        w->slow = 256;
        return c->check(c->ctx) != 0;
    }
    return 0;
}

static int64_t walk_fib(struct walk *w, int64_t n)
{
    if (w->cancelled)
        return 0;
    if (--w->countdown == 0 && should_stop(w)) {
        w->cancelled = 1;
        return 0;
    }
    if (n <= 2)
        return 1;
    return walk_fib(w, n - 1) + walk_fib(w, n - 2);
}

int64_t fib_cancellable(int64_t n, const struct fib_cancel *c)
{
    if (n < 1 || n > 92)
        return -1;
    struct walk w = { .c = c, .countdown = 1, .slow = 1 };  /* look once at the start */
    int64_t v = walk_fib(&w, n);
    return w.cancelled ? -1 : v;
}
