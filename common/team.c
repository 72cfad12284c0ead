#include "team.h"

static atomic_ulong next_epoch = 1;
/* The epoch this thread last counted itself in (0: never). */
static _Thread_local unsigned long counted_in;

void par_team_begin(struct par_team *t)
{
    atomic_store_explicit(&t->ran, 0, memory_order_relaxed);
    atomic_store_explicit(&t->epoch, atomic_fetch_add(&next_epoch, 1), memory_order_release);
}

void par_team_mark(struct par_team *t)
{
    unsigned long e = atomic_load_explicit(&t->epoch, memory_order_acquire);
    if (counted_in != e) {
        counted_in = e;
        atomic_fetch_add_explicit(&t->ran, 1, memory_order_relaxed);
    }
}

int par_team_end(struct par_team *t)
{
    return atomic_load_explicit(&t->ran, memory_order_relaxed);
}
