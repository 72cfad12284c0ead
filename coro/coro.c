/* Stackless coroutines, their FIFO and the round-robin scheduler.
 * Single-threaded by design (see coro.h): nothing here is shared. */
#include "coro.h"

void par_coro_init(struct par_coro *co, par_coro_body body, par_coro_destroy_fn destroy)
{
    *co = (struct par_coro)PAR_CORO_INIT(body, destroy);
}

int par_coro_resume(struct par_coro *co)
{
    if (co->resume_at < 0)
        return PAR_CORO_DONE;
    co->wait = PAR_CORO_NONE;
    return co->body(co);
}

int par_coro_next(struct par_coro *co, int64_t *value)
{
    if (par_coro_resume(co) != PAR_CORO_YIELDED)
        return 0;
    if (value)
        *value = co->value;
    return 1;
}

int par_coro_finished(const struct par_coro *co)
{
    return co->resume_at < 0;
}

void par_coro_queue_push(struct par_coro_queue *q, struct par_coro *co)
{
    co->next = NULL;
    if (q->tail)
        q->tail->next = co;
    else
        q->head = co;
    q->tail = co;
    q->len++;
}

struct par_coro *par_coro_queue_pop(struct par_coro_queue *q)
{
    struct par_coro *co = q->head;
    if (!co)
        return NULL;
    q->head = co->next;
    if (!q->head)
        q->tail = NULL;
    co->next = NULL;
    q->len--;
    return co;
}

void par_rr_run(struct par_coro_queue *tasks, par_rr_visit visit, void *arg)
{
    struct par_coro *task;
    while ((task = par_coro_queue_pop(tasks)) != NULL) {
        if (par_coro_resume(task) == PAR_CORO_YIELDED) {
            if (visit)
                visit(task, 0, arg);
            par_coro_queue_push(tasks, task);
        } else {
            if (visit)
                visit(task, 1, arg);
            if (task->destroy)
                task->destroy(task);
        }
    }
}
