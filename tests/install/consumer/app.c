/* Uses parcompare's installed library as any outside program would: a thread
 * pool with futures (<parcompare/pool.h>) and a process pool's map
 * (<parcompare/procpool.h>). Checks every result; prints one line and exits
 * 0 when all are right, 1 with the first wrong one otherwise.
 *
 * Build: cmake with find_package(parcompare) (CMakeLists.txt beside this), or
 *   cc -std=c11 app.c $(pkg-config --cflags --libs parcompare-pthread parcompare-proc)
 * (add --static to pkg-config when the libraries were installed static). */
#include <parcompare/error.h>
#include <parcompare/future.h>
#include <parcompare/pool.h>
#include <parcompare/procpool.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define TASKS 100
#define ITEMS 1000

static int fails;

static void check(int ok, const char *what, long long got, long long want)
{
    if (!ok && fails++ == 0)
        fprintf(stderr, "consumer: %s: got %lld, want %lld\n", what, got, want);
}

/* A pool task: the square of its argument, handed back through *result. */
static int square_task(void *arg, void **result)
{
    intptr_t x = (intptr_t)arg;
    *result = (void *)(x * x);
    return 0;
}

/* A task that fails: its code reaches whoever waits on its future. */
static int failing_task(void *arg, void **result)
{
    (void)arg;
    (void)result;
    return PAR_ETASK;
}

/* A process-pool map item, run in a worker process: in^3 + *ctx. */
static int cube_plus(const void *ctx, const void *in, void *out)
{
    int64_t x, add;
    memcpy(&x, in, sizeof x);
    memcpy(&add, ctx, sizeof add);
    int64_t y = x * x * x + add;
    memcpy(out, &y, sizeof y);
    return 0;
}

static void thread_pool(void)
{
    par_pool *pool;
    int rc = par_pool_create(&pool, 4, 16);
    check(rc == 0, "par_pool_create", rc, 0);
    if (rc)
        return;
    par_future *fut[TASKS];
    for (intptr_t i = 0; i < TASKS; i++) {
        rc = par_pool_submit(pool, square_task, (void *)i, &fut[i]);
        check(rc == 0, "par_pool_submit", rc, 0);
        if (rc)
            fut[i] = NULL;
    }
    for (intptr_t i = 0; i < TASKS; i++) {
        if (!fut[i])
            continue;
        void *value = NULL;
        rc = par_future_result(fut[i], -1, &value);
        check(rc == 0, "par_future_result", rc, 0);
        check((intptr_t)value == i * i, "square", (long long)(intptr_t)value, (long long)(i * i));
        par_future_release(fut[i]);
    }
    par_future *bad;
    rc = par_pool_submit(pool, failing_task, NULL, &bad);
    check(rc == 0, "par_pool_submit (failing task)", rc, 0);
    if (rc == 0) {
        rc = par_future_result(bad, -1, NULL);
        check(rc == PAR_ETASK, "the failing task's code", rc, PAR_ETASK);
        par_future_release(bad);
    }
    par_pool_destroy(pool);
}

static void process_pool(void)
{
    static int64_t in[ITEMS], out[ITEMS];
    for (int i = 0; i < ITEMS; i++)
        in[i] = i;
    int64_t add = 7;
    par_proc_pool *pool;
    int rc = par_proc_pool_create(&pool, 2);
    check(rc == 0, "par_proc_pool_create", rc, 0);
    if (rc)
        return;
    char why[256] = "";
    rc = par_proc_map(pool, cube_plus, &add, sizeof add, in, sizeof in[0], out, sizeof out[0],
                      ITEMS, 0, why, sizeof why);
    check(rc == 0, "par_proc_map", rc, 0);
    for (int i = 0; rc == 0 && i < ITEMS; i++)
        check(out[i] == (int64_t)i * i * i + add, "cube_plus", (long long)out[i],
              (long long)i * i * i + add);
    par_proc_pool_destroy(pool);
}

int main(void)
{
    thread_pool();
    process_pool();
    if (fails) {
        fprintf(stderr, "consumer: %d check(s) failed (%s)\n", fails, par_strerror(PAR_ETASK));
        return 1;
    }
    printf("consumer: ok: %d pool tasks, a failing task's code, a %d-item process map\n", TASKS,
           ITEMS);
    return 0;
}
