/* 14 — Simple round-robin scheduler.
 *
 * Python: gen_fib(n) yields fib(1)..fib(n); run() pops a generator, prints
 * its next value and puts it back, printing "done" when one is exhausted.
 * With gen_fib(5) and gen_fib(3): 1 1 1 1 2 2 3 done 5 done.
 *
 * What C teaches that the Python hides: what a generator is. C has no
 * `yield`, so coro/coro.h builds one: a function that returns at each yield
 * and, when called again, jumps back to where it left off (a switch on the
 * saved line). Its local variables do not survive the return, so everything
 * it needs across a yield (the loop counter i, the bound n) lives in a struct:
 * Python's generator frame, which CPython also keeps on the heap, made
 * visible. No threads, no stacks: the "tasks" are just objects the loop calls. */
#include <inttypes.h>
#include <stdio.h>

#include "coro.h"
#include "kernels.h"

struct gen_fib {
    struct par_coro co;  /* first: the body casts back */
    int64_t i, n;        /* the generator's "frame" */
};

static int gen_fib_body(struct par_coro *co)  /* def gen_fib(n): */
{
    struct gen_fib *g = (struct gen_fib *)co;
    PAR_CORO_BEGIN(co);
    for (g->i = 1; g->i <= g->n; g->i++)  /* for _ in range(1, n+1): */
        PAR_YIELD_VALUE(co, par_fib(g->i));  /* yield fib(_) */
    PAR_CORO_END(co);
}

static void print_step(struct par_coro *co, int finished, void *arg)
{
    (void)arg;
    if (finished)
        printf("done\n");  /* except StopIteration: print "done" */
    else
        printf("%" PRId64 "\n", co->value);  /* print task.next() */
}

int main(void)
{
    struct gen_fib t[2] = {  /* t = [gen_fib(5), gen_fib(3)] */
        { .co = PAR_CORO_INIT(gen_fib_body, NULL), .n = 5 },
        { .co = PAR_CORO_INIT(gen_fib_body, NULL), .n = 3 },
    };
    struct par_coro_queue tasks = PAR_CORO_QUEUE_INIT;  /* tasks = deque() */
    par_coro_queue_push(&tasks, &t[0].co);              /* tasks.extend(t) */
    par_coro_queue_push(&tasks, &t[1].co);
    par_rr_run(&tasks, print_step, NULL);               /* run(tasks) */
    return 0;
}
