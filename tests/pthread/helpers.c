#define _GNU_SOURCE
#include "helpers.h"

#include <sched.h>
#include <stdio.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

void gate_init(struct gate *g, int code, intptr_t value)
{
    assert_int_equal(par_event_create(&g->started), 0);
    assert_int_equal(par_event_create(&g->release), 0);
    g->code = code;
    g->value = value;
}

void gate_fini(struct gate *g)
{
    par_event_destroy(g->started);
    par_event_destroy(g->release);
}

int gate_task(void *arg, void **result)
{
    struct gate *g = arg;
    par_event_set(g->started);
    par_event_wait(g->release, PAR_FOREVER);
    *result = (void *)g->value;
    return g->code;
}

int double_task(void *arg, void **result)
{
    *result = (void *)((intptr_t)arg * 2);
    return 0;
}

int fail_task(void *arg, void **result)
{
    (void)result;
    return (int)(intptr_t)arg;
}

int count_task(void *arg, void **result)
{
    (void)result;
    atomic_fetch_add((_Atomic long *)arg, 1);
    return 0;
}

void count_callback(par_future *f, void *ctx)
{
    (void)f;
    atomic_fetch_add((_Atomic int *)ctx, 1);
}

void busy_pool_start(struct busy_pool *b, size_t capacity, int code, intptr_t value)
{
    gate_init(&b->g, code, value);
    assert_int_equal(par_pool_create(&b->p, 1, capacity), 0);
    assert_int_equal(par_pool_submit(b->p, gate_task, &b->g, &b->busy), 0);
    assert_int_equal(par_event_wait(b->g.started, PAR_FOREVER), 0);
}

void busy_pool_stop(struct busy_pool *b)
{
    par_event_set(b->g.release);
    par_pool_destroy(b->p);
    par_future_release(b->busy);
    gate_fini(&b->g);
}

void wait_until_asleep(pid_t tid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", (int)tid);
    for (int tries = 0; tries < 1000000; tries++) {
        FILE *f = fopen(path, "r");
        if (!f)
            return;
        char buf[512];
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = '\0';
        const char *paren = strrchr(buf, ')');
        if (paren && paren[1] == ' ' && paren[2] == 'S')
            return;
        sched_yield();
    }
}

void start_until_asleep(pthread_t *t, void *(*fn)(void *), void *arg, _Atomic int *tid)
{
    assert_int_equal(pthread_create(t, NULL, fn, arg), 0);
    while (atomic_load(tid) == 0)
        sched_yield();
    wait_until_asleep((pid_t)atomic_load(tid));
}
