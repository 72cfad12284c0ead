/* The classic trap: fork() while a thread pool is running. The thread pool
 * (pthread/pool.h) is busy with tasks that keep malloc, stdio and its own
 * queue lock moving; then a process pool is created (and one of its workers
 * is killed and re-forked) in the owner thread. The forked workers must run
 * only what procpool.h allows and still serve correct maps; the thread pool
 * must be unharmed. Orderings: the tasks report that they run through a
 * pipe; no sleeps. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "error.h"
#include "pool.h"
#include "procpool.h"

struct churn {
    atomic_int stop;
    int started_wr;
};

/* A thread-pool task: says it runs, then churns malloc and stdio until told
 * to stop. Returns how many rounds it made (its result). */
static int churn_task(void *arg, void **result)
{
    struct churn *c = arg;
    char one = 1;
    if (write(c->started_wr, &one, 1) != 1)
        return PAR_EIO;
    uintptr_t rounds = 0;
    while (!atomic_load(&c->stop)) {
        char *s = malloc(64 + rounds % 512);
        if (!s)
            return PAR_ENOMEM;
        snprintf(s, 64, "round %lu", (unsigned long)rounds);
        free(s);
        rounds++;
    }
    *result = (void *)rounds;
    return 0;
}

static int cube(const void *ctx, const void *in, void *out)
{
    (void)ctx;
    int64_t x;
    memcpy(&x, in, sizeof x);
    x = x * x * x;
    memcpy(out, &x, sizeof x);
    return 0;
}

static void map_cubes(par_proc_pool *p)
{
    enum { N = 5000 };
    static int64_t in[N], out[N];
    for (int i = 0; i < N; i++) {
        in[i] = i;
        out[i] = -1;
    }
    char err[200];
    int rc = par_proc_map(p, cube, NULL, 0, in, 8, out, 8, N, 37, err, sizeof err);
    if (rc)
        fail_msg("%s: %s", par_strerror(rc), err);
    for (int i = 0; i < N; i++)
        assert_int_equal(out[i], (int64_t)i * i * i);
}

static void process_pool_forked_while_a_thread_pool_runs_serves_correctly(void **state)
{
    (void)state;
    int pipefd[2];
    assert_int_equal(pipe(pipefd), 0);
    struct churn c = { .started_wr = pipefd[1] };
    atomic_init(&c.stop, 0);
    par_pool *tp;
    assert_int_equal(par_pool_create(&tp, 2, 16), 0);
    par_future *f[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(par_pool_submit(tp, churn_task, &c, &f[i]), 0);
    for (int seen = 0; seen < 2;) { /* both tasks are running */
        char got[2];
        ssize_t r = read(pipefd[0], got, (size_t)(2 - seen));
        assert_true(r > 0);
        seen += (int)r;
    }

    par_proc_pool *pp;
    assert_int_equal(par_proc_pool_create(&pp, 2), 0); /* fork with both tasks running */
    map_cubes(pp);
    pid_t victim = par_proc_pool_worker_pid(pp, 0);
    assert_int_equal(kill(victim, SIGKILL), 0);
    siginfo_t si;
    while (waitid(P_PID, (id_t)victim, &si, WEXITED | WNOWAIT) < 0)
        assert_int_equal(errno, EINTR);
    map_cubes(pp); /* the replacement is forked while the tasks still run */
    assert_int_equal(par_proc_pool_replacements(pp), 1);
    par_proc_pool_destroy(pp);

    atomic_store(&c.stop, 1);
    for (int i = 0; i < 2; i++) {
        void *rounds = NULL;
        assert_int_equal(par_future_result(f[i], -1, &rounds), 0);
        assert_true((uintptr_t)rounds > 0);
        par_future_release(f[i]);
    }
    par_pool_destroy(tp);
    close(pipefd[0]);
    close(pipefd[1]);
    errno = 0;
    assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
    assert_int_equal(errno, ECHILD);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(process_pool_forked_while_a_thread_pool_runs_serves_correctly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
