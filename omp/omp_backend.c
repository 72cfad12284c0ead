#include "par_omp.h"

#include <errno.h>
#include <omp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "error.h"
#include "omp_internal.h"

#define PAR_STR_(x) #x
#define PAR_STRINGIFY(x) PAR_STR_(x)

const char *par_omp_version(void)
{
    switch (_OPENMP) {
    case 200505: return "2.5 (200505)";
    case 200805: return "3.0 (200805)";
    case 201107: return "3.1 (201107)";
    case 201307: return "4.0 (201307)";
    case 201511: return "4.5 (201511)";
    case 201811: return "5.0 (201811)";
    case 202011: return "5.1 (202011)";
    case 202111: return "5.2 (202111)";
    default: return "unknown (" PAR_STRINGIFY(_OPENMP) ")";
    }
}

/* ---- can the threads be started? ----------------------------------------------
 * libgomp cannot report a failed thread start: it prints "libgomp: Thread
 * creation failed" and aborts the process, so the program never says what
 * happened in its own line (nor writes its --json record). So before the
 * first parallel region we start the same number of threads ourselves,
 * all alive at once (as the team will be), and release them: if that fails,
 * open fails with a message naming the limit. It cannot promise that libgomp
 * will succeed a moment later (another process may take the last slot), but
 * it turns the usual cause (ulimit -u, a cgroup's pids.max) into one line. */
struct probe {
    pthread_mutex_t lock;
    pthread_cond_t go;
    int released;               /* under lock */
};

static void *probe_thread(void *arg)
{
    struct probe *p = arg;
    pthread_mutex_lock(&p->lock);
    while (!p->released)
        pthread_cond_wait(&p->go, &p->lock);
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

/* Starts n threads; returns 0, or the pthread_create error and *started. */
static int probe_threads(int n, int *started)
{
    struct probe p = { .released = 0 };
    pthread_t *t = calloc((size_t)(n > 0 ? n : 1), sizeof *t);
    if (!t || pthread_mutex_init(&p.lock, NULL) || pthread_cond_init(&p.go, NULL)) {
        free(t);
        return ENOMEM;
    }
    int rc = 0, k;
    for (k = 0; k < n; k++)
        if ((rc = pthread_create(&t[k], NULL, probe_thread, &p)) != 0)
            break;
    pthread_mutex_lock(&p.lock);
    p.released = 1;
    pthread_cond_broadcast(&p.go);
    pthread_mutex_unlock(&p.lock);
    for (int i = 0; i < k; i++)
        pthread_join(t[i], NULL);
    pthread_cond_destroy(&p.go);
    pthread_mutex_destroy(&p.lock);
    free(t);
    *started = k;
    return rc;
}

static int omp_open(struct par_run *run)
{
    if (run->workers < 1) {
        snprintf(run->errmsg, sizeof run->errmsg, "need at least one thread");
        return PAR_EINVAL;
    }
    int started = 0, rc = probe_threads(run->workers - 1, &started);  /* + this thread */
    if (rc != 0) {
        struct rlimit rl;
        char lim[64] = "unknown";
        if (getrlimit(RLIMIT_NPROC, &rl) == 0)
            snprintf(lim, sizeof lim, rl.rlim_cur == RLIM_INFINITY ? "unlimited" : "%llu",
                     (unsigned long long)rl.rlim_cur);
        snprintf(run->errmsg, sizeof run->errmsg,
                 "cannot start %d threads: the %dth failed: %s (processes and threads per "
                 "user, ulimit -u: %s); try a smaller -j", run->workers, started + 2,
                 strerror(rc), lim);
        return PAR_ESYS;
    }
    return 0;
}

static omp_sched_t sched_kind(enum par_schedule s)
{
    return s == PAR_SCHED_DYNAMIC ? omp_sched_dynamic
         : s == PAR_SCHED_GUIDED ? omp_sched_guided : omp_sched_static;
}

static int omp_map(struct par_run *run, const struct par_map *job)
{
    /* chunk 0 gives the runtime's default: one block per thread for static,
     * 1 for dynamic and guided (OpenMP 5.2, 2.9.2). */
    omp_set_schedule(sched_kind(job->schedule), (int)job->chunk);
    par_kernel_fn fn = job->kernel->fn;
    const int64_t *in = job->in;
    int64_t *out = job->out;
    long n = (long)job->n;
    int team = 0;
#pragma omp parallel num_threads(run->workers) shared(team)
    {
        /* The team the runtime really gave (OMP_DYNAMIC, OMP_THREAD_LIMIT
         * may shrink it); read after the region's closing barrier. */
#pragma omp single nowait
        team = omp_get_num_threads();
#pragma omp for schedule(runtime)
        for (long i = 0; i < n; i++)
            out[i] = fn(in[i]);
    }
    run->workers_ran = team;
    snprintf(run->detail, sizeof run->detail, "omp parallel for, schedule(%s,%zu)",
             par_schedule_name(job->schedule), job->chunk);
    return 0;
}

static int64_t fib_tasks(int n, int cutoff)
{
    /* n <= 2 is a leaf whatever the cutoff: splitting fib(2) would ask for fib(0). */
    if (n <= cutoff || n <= 2)
        return par_fib(n);
    int64_t a, b;
#pragma omp task shared(a) firstprivate(n, cutoff)
    a = fib_tasks(n - 1, cutoff);
    b = fib_tasks(n - 2, cutoff);
#pragma omp taskwait
    return a + b;
}

static int omp_tree(struct par_run *run, int n, int cutoff, int64_t *result)
{
    int64_t r = 0;
    int team = 0;
#pragma omp parallel num_threads(run->workers) shared(r, team)
#pragma omp single
    {
        team = omp_get_num_threads();
        r = fib_tasks(n, cutoff);
    }
    *result = r;
    run->workers_ran = team;
    snprintf(run->detail, sizeof run->detail, "omp tasks, cutoff %d", cutoff);
    return 0;
}

static void omp_close(struct par_run *run)
{
    (void)run;
}

const struct par_backend par_backend_omp = {
    .name = "omp", .kind = "threads",
    .open = omp_open, .map = omp_map, .tree = omp_tree, .close = omp_close,
    .grain = par__omp_grain,
};
