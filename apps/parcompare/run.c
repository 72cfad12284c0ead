#include "run.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "child.h"
#include "nodes.h"
#include "records.h"
#include "uncertainty.h"

#define MAX_ARGS 40

struct args {
    char *v[MAX_ARGS + 1];
    char nums[16][32];
    int n, nnums;
};

static void push(struct args *a, const char *s)
{
    if (a->n < MAX_ARGS) {
        a->v[a->n++] = (char *)s; /* execvp does not write to its arguments */
        a->v[a->n] = NULL;
    }
}

static void push_num(struct args *a, const char *flag, long long v)
{
    if (a->nnums == 16)
        return;
    char *buf = a->nums[a->nnums++];
    snprintf(buf, sizeof a->nums[0], "%lld", v);
    push(a, flag);
    push(a, buf);
}

/* Open MPI's flags for one node: more ranks than cores, no binding (it would
 * pin oversubscribed ranks onto the same core), the ob1 messaging layer
 * (starts ~0.2 s faster than probing for network transports). */
static const char *const ompi_flags[] = {
    "--oversubscribe", "--bind-to", "none", "--mca", "pml", "ob1"
};
#define NOMPI_FLAGS (sizeof ompi_flags / sizeof *ompi_flags)

const char *par__mpirun_flags(const struct par__tools *t)
{
    static char buf[160];
    buf[0] = '\0';
    if (!t->openmpi)
        return buf;
    if (geteuid() == 0)
        snprintf(buf, sizeof buf, "--allow-run-as-root");
    for (size_t i = 0; i < NOMPI_FLAGS; i++)
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", buf[0] ? " " : "",
                 ompi_flags[i]);
    return buf;
}

int par__mpirun_argv(const struct par__tools *t, const char **v, int cap)
{
    int n = 0;
    if (n < cap)
        v[n++] = t->mpirun;
    if (t->openmpi) {
        if (geteuid() == 0 && n < cap)
            v[n++] = "--allow-run-as-root";
        for (size_t i = 0; i < NOMPI_FLAGS && n < cap; i++)
            v[n++] = ompi_flags[i];
    }
    return n;
}

static const char *sampling_flags[4][2] = {
    { "--ci-target", NULL }, { "--max-reps", NULL }, { "--time-budget", NULL },
    { "--max-warmup", NULL },
};

void par__run_sampling(const char *ci_target, const char *max_reps, const char *time_budget,
                       const char *max_warmup)
{
    sampling_flags[0][1] = ci_target;
    sampling_flags[1][1] = max_reps;
    sampling_flags[2][1] = time_budget;
    sampling_flags[3][1] = max_warmup;
}

static void build_args(const struct par__point *p, const struct par__tools *t, struct args *a)
{
    a->n = a->nnums = 0;
    a->v[0] = NULL;
    switch (p->backend) {
    case PAR__BE_PROC:
        push(a, t->parmap);
        break;
    case PAR__BE_MPI:
    case PAR__BE_HYBRID: {
        /* hybrid: workers = ranks x threads (threads > 0 on its points). */
        int ranks = p->backend == PAR__BE_HYBRID && p->threads > 0 ? p->workers / p->threads
                                                                   : p->workers;
        if (p->nodes > 0 && t->nodes) {
            const char *v[MAX_ARGS];
            int k = par__nodes_launcher(t->nodes, t, p->nodes, ranks, v, MAX_ARGS - 24);
            for (int i = 0; i < k; i++)
                push(a, v[i]);
            push(a, t->parmap);
            break;
        }
        const char *v[MAX_ARGS];
        int k = par__mpirun_argv(t, v, MAX_ARGS - 24);
        for (int i = 0; i < k; i++)
            push(a, v[i]);
        push_num(a, "-n", ranks);
        push(a, t->parmap);
        break;
    }
    default:
        push(a, t->poolmap);
        break;
    }
    push(a, "--json");
    push(a, "-w");
    push(a, par_workload_name(p->workload));
    push(a, "-b");
    push(a, par__be_name(p->backend));
    if (p->backend == PAR__BE_HYBRID) /* the ranks come from the launcher */
        push_num(a, "--threads", p->threads > 0 ? p->threads : 1);
    else if (p->backend != PAR__BE_MPI) /* under mpirun the ranks are the workers */
        push_num(a, "-j", p->workers);
    const struct par__sizes *s = &p->sizes;
    switch (p->workload) {
    case PAR_W_MAP:
    case PAR_W_PARMAP:
        if (s->items)
            push_num(a, "--items", (long long)s->items);
        break;
    case PAR_W_FIB:
        if (s->n)
            push_num(a, "--n", s->n);
        if (s->k)
            push_num(a, "--k", s->k);
        break;
    case PAR_W_GRAIN:
        push_num(a, "--iterations", s->iterations);
        push_num(a, "--steps", s->steps);
        push_num(a, "--tasks", s->tasks);
        push(a, "--pattern");
        push(a, par_pattern_name((enum par_pattern)s->pattern));
        break;
    default:
        if (s->n)
            push_num(a, "--n", s->n);
        if (s->cutoff)
            push_num(a, "--cutoff", s->cutoff);
        break;
    }
    /* The cheatsheet's own sizes: say so in the child's record too (the
     * explicit sizes above are the same, and they win). */
    int seed = p->workload == PAR_W_MAP ? s->items == 999999 : s->n == 35 && s->k <= 5;
    if ((p->sets & PAR__SET_STORY) && seed && p->workload != PAR_W_PARMAP)
        push(a, "--seed-sizes");
    if (p->reps > 0)
        push_num(a, "--reps", p->reps);
    else
        for (int i = 0; i < 4; i++)
            if (sampling_flags[i][1]) {
                push(a, sampling_flags[i][0]);
                push(a, sampling_flags[i][1]);
            }
    push_num(a, "--warmup", p->warmup);
}

static void join(const struct args *a, char *buf, size_t len)
{
    size_t off = 0;
    buf[0] = '\0';
    for (int i = 0; i < a->n && off < len; i++) {
        int quote = strchr(a->v[i], ' ') != NULL;
        int w = snprintf(buf + off, len - off, "%s%s%s%s", i ? " " : "", quote ? "'" : "",
                         a->v[i], quote ? "'" : "");
        if (w < 0)
            break;
        off += (size_t)w;
    }
}

const char *par__point_label(const struct par__point *p, char *buf, size_t len)
{
    int n = snprintf(buf, len, "%s %s -j %d", par_workload_name(p->workload),
                     par__be_name(p->backend), p->workers);
    if (n > 0 && (size_t)n < len && (p->nodes > 0 || p->threads > 0)) {
        int ranks = p->threads > 0 ? p->workers / p->threads : p->workers;
        int nodes = p->nodes > 0 ? p->nodes : 1;
        snprintf(buf + n, len - (size_t)n, " (%d node%s x %d x %d thread%s)", nodes,
                 nodes == 1 ? "" : "s", ranks / nodes, p->threads > 0 ? p->threads : 1,
                 p->threads > 1 ? "s" : "");
    }
    return buf;
}

/* The reason a child gave, from its JSON error or its last stderr line. */
static void reason(const struct par__point *p, const struct par__child *c, char *buf, size_t len)
{
    const char *err = p->result ? par__json_str(p->result, "error", NULL) : NULL;
    if (err && *err) {
        snprintf(buf, len, "%s", err);
        return;
    }
    char line[256];
    par__last_line(c->err, line, sizeof line);
    snprintf(buf, len, "%s", line[0] ? line : "(no message)");
}

int par__run_point(struct par__point *p, const struct par__tools *t, double timeout_s)
{
    struct args a;
    build_args(p, t, &a);
    join(&a, p->command, sizeof p->command);
    struct par__child c;
    if (par__child_run(a.v, NULL, timeout_s, &c))
        return -1;
    p->wall_s = c.wall_s;
    p->exit_code = c.exit_code;
    char why[256];
    if (!c.started) {
        p->status = PAR__ST_NOSTART;
        snprintf(p->why, sizeof p->why, "could not start %s: %s", a.v[0],
                 strerror(c.exec_errno));
        par__child_free(&c);
        return 0;
    }
    p->result = par__record_parse(c.out, why, sizeof why);
    if (p->result) {
        p->env = cJSON_DetachItemFromObjectCaseSensitive(p->result, "env");
        p->median = par__json_num(p->result, "median_s");
        p->mad = par__json_num(p->result, "mad_s");
    }
    char sig[32], msg[256];
    if (c.timed_out) {
        p->status = PAR__ST_TIMEOUT;
        snprintf(p->why, sizeof p->why, "timed out after %g s; killed with its process group",
                 timeout_s);
    } else if (c.signal) {
        p->status = PAR__ST_CRASHED;
        reason(p, &c, msg, sizeof msg);
        snprintf(p->why, sizeof p->why, "crashed (%s)%s%s",
                 par__signal_name(c.signal, sig, sizeof sig),
                 strcmp(msg, "(no message)") ? ": " : "", strcmp(msg, "(no message)") ? msg : "");
    } else if (c.exit_code == 0 && p->result && par__json_bool(p->result, "verified") == 1) {
        p->status = PAR__ST_OK;
    } else if (p->result && par__json_bool(p->result, "verified") == 0) {
        p->status = PAR__ST_UNVERIFIED;
        reason(p, &c, msg, sizeof msg);
        snprintf(p->why, sizeof p->why, "not verified: %s", msg);
    } else if (c.exit_code == 0) {
        p->status = PAR__ST_BADOUTPUT;
        snprintf(p->why, sizeof p->why, "exited 0 but %s", why);
    } else {
        p->status = PAR__ST_FAILED;
        reason(p, &c, msg, sizeof msg);
        snprintf(p->why, sizeof p->why, "exit %d%s: %s", c.exit_code,
                 c.exit_code == 2 ? " (usage error)" : "", msg);
    }
    par__child_free(&c);
    if (p->status != PAR__ST_OK) {
        /* A failed point has no time to show. */
        p->median = p->mad = NAN;
    } else {
        par__point_read_sampling(p);
    }
    return 0;
}
