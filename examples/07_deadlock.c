/* 07 — Deadlock.
 *
 * Python: task1 holds lock1 and wants lock2, task2 holds lock2 and wants
 * lock1; both threads stay alive forever (isAlive() is True).
 *
 * Here the same two tasks run on locks that keep a wait-for graph: who owns
 * each lock and which lock each task is waiting for. A task about to block
 * follows the graph (I wait for a lock whose owner waits for a lock whose
 * owner ... is me?); when it finds a cycle, nobody can ever proceed, so it
 * reports the cycle and both tasks give up (PAR_EDEADLK) instead of hanging.
 * Then the fix: one global lock order (lock1 before lock2), under the same
 * detector, which now has nothing to find.
 *
 * What C teaches that the Python hides: a pthread mutex cannot tell you any
 * of this. PTHREAD_MUTEX_ERRORCHECK only catches a thread relocking its own
 * mutex; two threads in a cycle just sleep forever, exactly as in Python.
 * Detection is bookkeeping you add (as here, or a lock-order checker such as
 * TSan's deadlock detector). The cheatsheet's time.sleep(3), which lets task2
 * take lock2 before task1 asks for it, is an event and a barrier here: the
 * deadlock happens every run, not by luck of timing.
 *
 * DESIGN: graph_lock protects every tracked lock's owner and every task's
 * waits_for, and the deadlock flag and report; `changed` is broadcast when a
 * lock is released or a deadlock is found. Tasks block only in
 * pthread_cond_wait on `changed`, never inside a tracked lock. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "example.h"
#include "sync.h"

struct task;

struct tracked_lock {
    const char *name;
    struct task *owner;             /* graph_lock; NULL when free */
};

struct task {
    const char *name;
    struct tracked_lock *waits_for; /* graph_lock; NULL when not waiting */
    struct tracked_lock *first, *second;
};

static pthread_mutex_t graph_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int deadlocked;              /* graph_lock */
static char report[512];            /* graph_lock: the cycle, one line per task */

static struct task tasks[2];

/* Caller holds graph_lock. 1 when following waits_for -> owner from t comes
 * back to t. */
static int cycle_from_locked(struct task *t)
{
    struct task *o = t->waits_for ? t->waits_for->owner : NULL;
    for (int steps = 0; o && steps < 16; steps++) {
        if (o == t)
            return 1;
        o = o->waits_for ? o->waits_for->owner : NULL;
    }
    return 0;
}

/* Caller holds graph_lock: writes who holds what and waits for what, in task
 * order (so the report reads the same whichever task found the cycle). */
static void write_report_locked(void)
{
    size_t len = 0;
    for (int i = 0; i < 2; i++) {
        struct task *t = &tasks[i];
        if (!t->waits_for)
            continue;
        const char *held = "nothing";
        for (int k = 0; k < 2; k++)
            if (tasks[k].waits_for && tasks[k].waits_for->owner == t)
                held = tasks[k].waits_for->name;
        len += (size_t)snprintf(report + len, sizeof report - len,
                                "  %s holds %s and waits for %s (held by %s)\n", t->name, held,
                                t->waits_for->name, t->waits_for->owner->name);
    }
}

static int tracked_acquire(struct task *t, struct tracked_lock *l)
{
    ex_check(pthread_mutex_lock(&graph_lock), "lock");
    while (l->owner && !deadlocked) {
        t->waits_for = l;
        if (cycle_from_locked(t)) {
            deadlocked = 1;
            write_report_locked();
            ex_check(pthread_cond_broadcast(&changed), "broadcast");
        } else {
            ex_check(pthread_cond_wait(&changed, &graph_lock), "wait");
        }
    }
    int rc = PAR_EDEADLK;
    if (!deadlocked) {
        l->owner = t;
        rc = 0;
    }
    t->waits_for = NULL;
    ex_check(pthread_mutex_unlock(&graph_lock), "unlock");
    return rc;
}

static void tracked_release(struct tracked_lock *l)
{
    ex_check(pthread_mutex_lock(&graph_lock), "lock");
    l->owner = NULL;
    ex_check(pthread_cond_broadcast(&changed), "broadcast");
    ex_check(pthread_mutex_unlock(&graph_lock), "unlock");
}

/* ---- the cheatsheet's two tasks ------------------------------------------------ */

static struct tracked_lock lock1 = { "lock1", NULL }, lock2 = { "lock2", NULL };
static par_event *task1_has_lock1;  /* stands in for time.sleep(3) ... */
static pthread_barrier_t both_hold_one;  /* ... together with this */

static void *run_task(void *arg)
{
    struct task *t = arg;
    if (t == &tasks[1])
        ex_check(par_event_wait(task1_has_lock1, PAR_FOREVER), "event");
    ex_check(tracked_acquire(t, t->first), "acquire");  /* with lock1: */
    printf("get %s\n", t->first->name);
    fflush(stdout);
    if (t == &tasks[0])
        par_event_set(task1_has_lock1);
    int b = pthread_barrier_wait(&both_hold_one);
    if (b != 0 && b != PTHREAD_BARRIER_SERIAL_THREAD)
        ex_check(b, "barrier");
    if (tracked_acquire(t, t->second) == 0) {  /* with lock2: */
        printf("%s: No deadlock\n", t->name);
        tracked_release(t->second);
    }
    tracked_release(t->first);
    return NULL;
}

/* The fix: every task takes the locks in one global order. */
static void *run_task_ordered(void *arg)
{
    struct task *t = arg;
    ex_check(tracked_acquire(t, &lock1), "acquire");
    ex_check(tracked_acquire(t, &lock2), "acquire");
    printf("%s: got lock1 then lock2: No deadlock\n", t->name);
    tracked_release(&lock2);
    tracked_release(&lock1);
    return NULL;
}

static void run_both(void *(*fn)(void *))
{
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        ex_check(pthread_create(&th[i], NULL, fn, &tasks[i]), "pthread_create");
    for (int i = 0; i < 2; i++)
        ex_check(pthread_join(th[i], NULL), "pthread_join");
}

int main(void)
{
    tasks[0] = (struct task){ .name = "task1", .first = &lock1, .second = &lock2 };
    tasks[1] = (struct task){ .name = "task2", .first = &lock2, .second = &lock1 };
    ex_check(par_event_create(&task1_has_lock1), "par_event_create");
    ex_check(pthread_barrier_init(&both_hold_one, NULL, 2), "pthread_barrier_init");

    run_both(run_task);
    if (deadlocked) {
        printf("deadlock detected, instead of hanging forever:\n%s", report);
        printf("both tasks gave up their locks and ended; joined cleanly\n");
    }

    printf("fix: take the locks in one global order, lock1 before lock2\n");
    fflush(stdout);
    deadlocked = 0;  /* no thread runs now */
    run_both(run_task_ordered);

    pthread_barrier_destroy(&both_hold_one);
    par_event_destroy(task1_has_lock1);
    return 0;
}
