/* Task groups: structured spawn / sync for trees of fine-grained tasks on a
 * par_pool (pool.h), after Cilk's spawn/sync and oneTBB's task_group.
 *
 * A task running on a worker of pool P makes a group in its own frame,
 * spawns children into it, may do other work itself (typically: run the
 * last child directly), and syncs: par_task_group_sync returns once every
 * child has finished. Children go to the worker's own work-stealing deque
 * (deque.h): an idle worker steals the oldest, the spawning worker runs the
 * rest itself, newest first, when it syncs. While it syncs on a child that
 * a thief took, the worker runs other work — first from that thief's deque
 * (leapfrogging), then any — so nested syncs never deadlock and never leave
 * a core idle while work exists; it sleeps only when there is none.
 *
 *   struct fib_arg { ... };
 *   int fib_task(void *arg, void **result) {
 *       ...
 *       par_task_group g;
 *       struct par_spawn a;                     // the child's record: our frame
 *       par_task_group_init(&g, par_pool_current());
 *       par_task_group_spawn(&g, &a, fib_task, &arg_n1);
 *       void *vb; int rb = fib_task(&arg_n2, &vb);   // the other child: here
 *       int ra = par_task_group_sync(&g);
 *       ... a.result, a.code ...
 *   }
 *
 * What it costs (why it exists beside futures). A spawn writes the child
 * record (caller's memory), pushes one pointer on the worker's deque and
 * issues one fence to see whether a worker sleeps; a child that nobody
 * stole is popped back by its spawner at sync (one more fence) and run like
 * a call. No allocation, no lock, no reference count and no pool-wide
 * counter is touched on that path; a stolen child costs one compare-and-swap
 * for the thief and one atomic add when it finishes. While the worker's
 * deque already holds about 64 x (workers in the pool) items, a spawn runs
 * the child at once, here, like a call (a rule like libgomp's, which runs a
 * task at once while more than 64 x team size wait in the whole team; ours
 * counts each worker's own deque): that many waiting items keep every
 * thief busy, and a flat loop of spawns then costs a call per child instead
 * of a steal per child
 * (bench/task_overhead.c: 240 -> 45 ns per empty child on 2 workers). A future
 * (par_pool_submit from a worker) goes to the same deque but carries a
 * future object (from a per-thread cache), its reference counts and the
 * pool's task counters (par_pool_join must see it): several atomic
 * read-modify-writes on shared lines. bench/task_overhead.c measures both.
 *
 * Rules: records and the group live in the caller's memory and must stay
 * valid until par_task_group_sync returns; every group that spawned must be
 * synced before its frame ends (also on error paths). A group is used by one
 * thread (the one that made it). A child's `fn` runs exactly once. Children
 * are not cancelled by par_pool_shutdown (they belong to a task that is
 * already running, which waits for them). A child may run inside its
 * spawn (past the limit above, or out of memory), so it must not wait for
 * anything its spawner does after the spawn: the fork-join rule of Cilk,
 * whose programs mean the same when every spawn is a call ("serial
 * elision"). Outside a worker of the pool there is no deque to push on and
 * nobody to steal from: spawn then runs every child at once in the calling
 * thread; submit the root of the tree as a task instead. */
#ifndef PAR_TASKGROUP_H
#define PAR_TASKGROUP_H
#include "export.h"
PAR_BEGIN_DECLS

#include <stdatomic.h>

#include "future.h"
#include "pool.h"

struct par_pool_worker;

/* A group of children. Opaque fields: initialise with par_task_group_init. */
typedef struct par_task_group {
    par_pool *pool;
    struct par_pool_worker *owner;   /* the spawning worker, NULL outside the pool */
    long spawned;                /* children pushed (owner only) */
    long done_here;              /* of those, finished by the owner (owner only) */
    _Atomic long done_stolen;    /* of those, finished by thieves */
    _Atomic int thief;           /* 1 + index of the last worker that stole one */
    _Atomic int code;            /* the first non-zero child code, else 0 */
} par_task_group;

/* One child: its function, argument and, after sync, its outcome. */
struct par_spawn {
    par_task_fn fn;
    void *arg;
    void *result;      /* what fn stored (NULL if nothing); valid after sync */
    int code;          /* what fn returned; valid after sync */
    par_task_group *group;
};

/* Makes *g an empty group on pool p (borrowed). Never fails. */
void par_task_group_init(par_task_group *g, par_pool *p);

/* Spawns fn(arg) as a child of g; `child` (caller-owned, uninitialised is
 * fine) holds it and receives its result and code. The child runs later
 * (on this worker at sync, or on a thief), or at once, in this call, when
 * the worker already has about 64 x (workers) items waiting (above). Returns 0; PAR_EINVAL
 * for a NULL argument; PAR_ENOMEM when the deque had to grow and could not
 * (the child was then run at once, here: its outcome is still in `child`,
 * so the return value may be ignored). Never waits for room or for other
 * tasks (though a child it runs at once may take any time) and never
 * refuses for a shut-down pool: children belong to a running task. */
int par_task_group_spawn(par_task_group *g, struct par_spawn *child, par_task_fn fn, void *arg);

/* Waits until every child spawned into g has finished, helping meanwhile
 * (above). Returns 0 when every child returned 0, else the code of the
 * child that failed first (each child's own code is in its record). The
 * group may be reused afterwards (its code is then reset). */
int par_task_group_sync(par_task_group *g);

PAR_END_DECLS
#endif
