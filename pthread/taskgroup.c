/* Task groups: spawn / sync on the workers' deques (taskgroup.h).
 *
 * DESIGN
 * A child is a record in the spawner's frame, pushed on the spawning
 * worker's deque as a tagged pointer (pool.c). The spawner's sync runs the
 * children of the group it syncs that it pops back itself inline, like
 * calls; every other pop or steal runs a child through par__spawn_run.
 * Either way: the function, its outcome into the record, then one count of
 * "done". The spawner counts its own completions
 * in a plain field (`done_here`: only its thread runs children it popped
 * from its own deque, so no atomic is needed); a thief counts in
 * `done_stolen` with one seq_cst add — the last touch of the record and the
 * group, which may be gone the moment after — and then wakes helping
 * waiters through the pool (always valid: a worker's pool outlives it). The
 * group is synced when done_here + done_stolen == spawned; the seq_cst add
 * and the waiter's seq_cst announcement in par__pool_help_until make sure
 * a sleeping spawner is woken. A thief notes itself in `thief` before it
 * runs the child, so the syncing spawner steals back from it first
 * (leapfrogging): that thief's deque holds the pieces of our own child.
 *
 * The spawn limit. A spawn whose worker's deque already holds
 * spawn_limit items (PAR__SPAWN_LIMIT_PER_WORKER per worker) runs the child
 * at once instead, uncounted (spawned is not raised, so sync's arithmetic
 * holds). The owner counts its items with par__deque_owner_has_fewer: by
 * its copy of `top` first (deque.h), reading `top` itself only near the
 * limit, so spawns below it do not fetch the line thieves write. A stale
 * reading only over-counts, so a child may run at once that could have
 * waited; never the other way. What waits is enough: a thief takes one
 * item at a time, and each one it takes lets a later spawn push again.
 *
 * No lock; the pool's lock only when somebody sleeps. */
#include "taskgroup.h"

#include "error.h"
#include "pool_internal.h"

void par_task_group_init(par_task_group *g, par_pool *p)
{
    g->pool = p;
    g->owner = p ? par__worker_of(p) : NULL;
    g->spawned = 0;
    g->done_here = 0;
    atomic_init(&g->done_stolen, 0);
    atomic_init(&g->thief, 0);
    atomic_init(&g->code, 0);
}

static void note_code(par_task_group *g, int code)
{
    int none = 0;
    if (code != 0)
        atomic_compare_exchange_strong(&g->code, &none, code);
}

/* Runs c here and now: its outcome goes into its record, and the group's
 * code (an atomic shared with thieves) is only touched when it failed. */
static inline void run_here(struct par_spawn *c)
{
    void *r = NULL;
    int code = c->fn(c->arg, &r);
    c->code = code;
    c->result = r;
    if (code != 0)
        note_code(c->group, code);
}

void par__spawn_run(struct par_spawn *c, struct par_pool_worker *self)
{
    par_task_group *g = c->group;
    if (g->owner == self) {
        run_here(c);
        g->done_here++;
        return;
    }
    par_pool *p = g->pool;
    atomic_store_explicit(&g->thief, par__worker_id(self), memory_order_relaxed);
    run_here(c);
    atomic_fetch_add(&g->done_stolen, 1);   /* g and c may be gone after this */
    par__pool_wake_helpers(p);
}

int par_task_group_spawn(par_task_group *g, struct par_spawn *child, par_task_fn fn, void *arg)
{
    if (!g || !child || !fn)
        return PAR_EINVAL;
    child->fn = fn;
    child->arg = arg;
    child->result = NULL;
    child->code = 0;
    child->group = g;
    int rc = 0;
    if (g->owner && par__deque_owner_has_fewer(&g->owner->dq, g->owner->spawn_limit)) {
        g->spawned++;
        if (par__worker_push_child(g->owner, child) == 0)
            return 0;
        g->spawned--;
        rc = PAR_ENOMEM;
    }
    run_here(child);
    return rc;
}

static int synced(void *ctx)
{
    par_task_group *g = ctx;
    return g->done_here + atomic_load(&g->done_stolen) == g->spawned;
}

/* Runs an item w popped from its own deque. The common case of a tree —
 * a child of g, the group being synced, that nobody stole — is run right
 * here like a call; anything else goes through the pool. */
static inline void run_popped(par_task_group *g, struct par_pool_worker *w, void *x)
{
    uintptr_t u = (uintptr_t)x;
    struct par_spawn *c = (struct par_spawn *)(u & ~PAR__CHILD_TAG);
    if ((u & PAR__CHILD_TAG) && c->group == g) {
        run_here(c);
        g->done_here++;
    } else {
        par__worker_run_item(w, x);
    }
}

int par_task_group_sync(par_task_group *g)
{
    if (!g)
        return PAR_EINVAL;
    /* Children nobody stole are at the bottom of our deque, newest first:
     * run them like calls before anything else. */
    while (g->spawned > 0 && !synced(g)) {
        void *x = par__worker_pop(g->owner);
        if (!x)
            break;
        run_popped(g, g->owner, x);
    }
    if (g->spawned > 0 && !synced(g)) {
        struct par__deadline forever = par__deadline_make(PAR_FOREVER);
        par__pool_help_until(g->pool, synced, g, &forever, &g->thief);
    }
    int code = atomic_load(&g->code);
    g->spawned = 0;
    g->done_here = 0;
    atomic_store_explicit(&g->done_stolen, 0, memory_order_relaxed);
    atomic_store_explicit(&g->code, 0, memory_order_relaxed);
    return code;
}
