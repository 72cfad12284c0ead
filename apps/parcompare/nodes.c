#include "nodes.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "child.h"
#include "error.h"
#include "gnuplot.h"
#include "options.h"
#include "plan.h"
#include "plot.h"
#include "records.h"
#include "run.h"
#include "table.h"
#include "tools.h"
#include "uncertainty.h"

/* ---- the command line -------------------------------------------------------- */

int par__nodes_parse(struct par__nodes *n, const char *arg, char *msg, size_t len)
{
    n->ncounts = 0;
    if (!*arg)
        return par_usage_fail(msg, len, "--nodes: empty list; give node counts such as 1,2");
    for (const char *p = arg;;) {
        size_t k = strcspn(p, ",");
        char one[32];
        long long v;
        if (k == 0 || k >= sizeof one)
            return par_usage_fail(msg, len, "--nodes: expected node counts in 1..%d separated "
                                  "by commas, got '%s'", PAR__MAX_NODES, arg);
        memcpy(one, p, k);
        one[k] = '\0';
        if (par_parse_whole(one, 1, PAR__MAX_NODES, &v))
            return par_usage_fail(msg, len, "--nodes: expected node counts in 1..%d separated "
                                  "by commas, got '%s'", PAR__MAX_NODES, one);
        int pos = 0;
        while (pos < n->ncounts && n->counts[pos] < v)
            pos++;
        if (pos == n->ncounts || n->counts[pos] != v) {
            if (n->ncounts == PAR__MAX_NODE_COUNTS)
                return par_usage_fail(msg, len, "--nodes: at most %d different counts",
                                      PAR__MAX_NODE_COUNTS);
            memmove(&n->counts[pos + 1], &n->counts[pos],
                    (size_t)(n->ncounts - pos) * sizeof n->counts[0]);
            n->counts[pos] = (int)v;
            n->ncounts++;
        }
        if (!p[k])
            return 0;
        p += k + 1;
    }
}

/* ---- where the nodes come from ------------------------------------------------- */

/* Distinct host names of an Open MPI hostfile: the first word of each line,
 * '#' starting a comment ("node1 slots=2", "node2"). */
static int read_hostfile(struct par__nodes *n, char *msg, size_t len)
{
    FILE *f = fopen(n->hostfile, "r");
    if (!f)
        return par_usage_fail(msg, len, "--hostfile %s: %s", n->hostfile, strerror(errno));
    char line[1024];
    n->nhosts = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "#\n")] = '\0';
        char host[128];
        if (sscanf(line, "%127s", host) != 1)
            continue;
        int seen = 0;
        for (int i = 0; i < n->nhosts && !seen; i++)
            seen = strcmp(n->hosts[i], host) == 0;
        if (!seen && n->nhosts < PAR__MAX_HOSTS)
            snprintf(n->hosts[n->nhosts++], sizeof n->hosts[0], "%s", host);
    }
    fclose(f);
    if (n->nhosts == 0)
        return par_usage_fail(msg, len, "--hostfile %s: no host names in it", n->hostfile);
    return 0;
}

int par__nodes_resolve(struct par__nodes *n, const struct par__tools *t, char *msg, size_t len)
{
    n->via = PAR__NODES_NONE;
    if (!n->ncounts) {
        if (n->hostfile)
            return par_usage_fail(msg, len, "--hostfile is used with --nodes (e.g. --nodes 1,2)");
        return 0;
    }
    int want = n->counts[n->ncounts - 1];
    if (!t->usable[PAR__BE_MPI])
        return par_usage_fail(msg, len, "--nodes needs the mpi back end: %s", t->why[PAR__BE_MPI]);
    if (n->hostfile) {
        int rc = read_hostfile(n, msg, len);
        if (rc)
            return rc;
        if (!t->openmpi)
            return par_usage_fail(msg, len, "--hostfile needs Open MPI's mpirun (%s is another "
                                  "MPI's); inside a Slurm allocation leave --hostfile out",
                                  t->mpirun);
        n->via = PAR__NODES_HOSTFILE;
        n->available = n->nhosts;
        snprintf(n->where, sizeof n->where, "hostfile %.100s (%d host%s)", n->hostfile,
                 n->nhosts, n->nhosts == 1 ? "" : "s");
    } else {
        const char *job = getenv("SLURM_JOB_ID");
        const char *nn = getenv("SLURM_JOB_NUM_NODES");
        if (!nn || !*nn)
            nn = getenv("SLURM_NNODES");
        long long v;
        if (!job || !*job || !nn || par_parse_whole(nn, 1, 1000000, &v))
            return par_usage_fail(msg, len, "--nodes needs a Slurm allocation (run it under "
                                  "salloc or sbatch: SLURM_JOB_ID is not set) or --hostfile FILE");
        if (!par__which("srun", n->srun, sizeof n->srun))
            return par_usage_fail(msg, len, "--nodes: inside Slurm job %s but srun is not in PATH",
                                  job);
        n->via = PAR__NODES_SLURM;
        n->available = (int)v;
        snprintf(n->where, sizeof n->where, "Slurm job %.40s (%d node%s)", job, n->available,
                 n->available == 1 ? "" : "s");
    }
    if (want > n->available)
        return par_usage_fail(msg, len, "--nodes %d: more nodes than the %s offers", want,
                              n->where);
    return 0;
}

/* ---- launching ----------------------------------------------------------------------- */

int par__nodes_launcher(const struct par__nodes *n, const struct par__tools *t, int nodes,
                        int ranks, const char **v, int max)
{
    static char nums[4][48];
    static char hostlist[8192];
    int k = 0, per = ranks / nodes;
#define PUT(s) do { if (k < max) v[k++] = (s); } while (0)
    if (n->via == PAR__NODES_SLURM) {
        /* Ranks start through Slurm's MPI plugin (the site's MpiDefault or
         * SLURM_MPI_TYPE; with Debian's Open MPI that must be pmix). No
         * binding: Slurm would pin each node's ranks from core 0 on, which
         * shared nodes make a pile-up. --overcommit: points may have more
         * ranks than the allocation has CPUs, as with --oversubscribe. */
        snprintf(nums[0], sizeof nums[0], "--nodes=%d", nodes);
        snprintf(nums[1], sizeof nums[1], "--ntasks=%d", ranks);
        snprintf(nums[2], sizeof nums[2], "--ntasks-per-node=%d", per);
        PUT(n->srun);
        PUT(nums[0]);
        PUT(nums[1]);
        PUT(nums[2]);
        PUT("--cpu-bind=none");
        PUT("--overcommit");
        PUT("--kill-on-bad-exit=1");
        return k;
    }
    /* The first `nodes` hosts of the hostfile, `per` slots each: Open MPI
     * fills them in order, so each gets exactly `per` ranks. */
    hostlist[0] = '\0';
    for (int i = 0; i < nodes && i < n->nhosts; i++)
        snprintf(hostlist + strlen(hostlist), sizeof hostlist - strlen(hostlist), "%s%s:%d",
                 i ? "," : "", n->hosts[i], per);
    snprintf(nums[0], sizeof nums[0], "%d", ranks);
    PUT(t->mpirun);
    char flags[160];
    snprintf(flags, sizeof flags, "%s", par__mpirun_flags(t));
    static char words[8][40];
    int nw = 0;
    for (char *save = NULL, *w = strtok_r(flags, " ", &save); w && nw < 8;
         w = strtok_r(NULL, " ", &save))
        snprintf(words[nw++], sizeof words[0], "%s", w);
    for (int i = 0; i < nw; i++)
        PUT(words[i]);
    PUT("-n");
    PUT(nums[0]);
    PUT("--host");
    PUT(hostlist);
    return k;
#undef PUT
}

/* ---- the points ---------------------------------------------------------------------- */

int par__nodes_plan(const struct par__nodes *n, const struct par__plan *pl, int with_hybrid,
                    struct par__matrix *m)
{
    for (int wi = 0; wi < pl->nworkloads; wi++) {
        enum par_workload w = (enum par_workload)pl->workloads[wi];
        for (int be = PAR__BE_MPI; be <= PAR__BE_HYBRID; be++) {
            if (be == PAR__BE_HYBRID && !with_hybrid)
                continue;
            for (int ni = 0; ni < n->ncounts; ni++) {
                int nodes = n->counts[ni];
                for (int ji = 0; ji < pl->nworkers; ji++) {
                    int wk = pl->workers[ji];
                    if (wk % nodes)
                        continue; /* every node gets the same share */
                    struct par__point p = {
                        .sets = PAR__SET_NODES, .workload = w, .backend = be, .workers = wk,
                        .sizes = pl->sizes[w], .reps = pl->reps, .warmup = pl->warmup,
                        .nodes = nodes, .threads = be == PAR__BE_HYBRID ? wk / nodes : 0,
                    };
                    if (par__matrix_add(m, &p) < 0)
                        return -1;
                }
            }
        }
    }
    return 0;
}

void par__nodes_derive(struct par__matrix *m)
{
    for (size_t i = 0; i < m->n; i++) {
        struct par__point *p = &m->pts[i];
        if (!(p->sets & PAR__SET_NODES) || (p->sets & PAR__SET_MATRIX))
            continue;
        const struct par__point *s = par__table_serial(m, p->workload);
        if (p->status != PAR__ST_OK || !(p->median > 0) || !s || s->status != PAR__ST_OK ||
            !(s->median > 0))
            continue;
        p->speedup = s->median / p->median;
        p->efficiency = p->speedup / p->workers;
    }
}

/* ---- the interconnect -------------------------------------------------------------- */

static cJSON *pingpong(const struct par__nodes *n, const struct par__tools *t, int nodes,
                       double timeout_s, char *why, size_t len)
{
    const char *v[40];
    int k = par__nodes_launcher(n, t, nodes, 2, v, 36);
    char prog[4200];
    snprintf(prog, sizeof prog, "%s/pingpong", t->bindir);
    v[k++] = prog;
    v[k++] = "--json";
    /* 200 round trips per sample: a few seconds even at a millisecond per
     * trip (a loaded machine's TCP), still 5 samples for the median. */
    v[k++] = "--iters";
    v[k++] = "200";
    v[k] = NULL;
    struct par__child c;
    if (par__child_run((char *const *)v, NULL, timeout_s, &c)) {
        snprintf(why, len, "out of memory");
        return NULL;
    }
    cJSON *best = NULL;
    if (c.started && !c.timed_out && c.exit_code == 0) {
        /* The last line that parses: a launcher may chatter before it. */
        for (char *line = c.out; line && *line;) {
            char *end = strchr(line, '\n');
            if (end)
                *end = '\0';
            cJSON *j = cJSON_Parse(line);
            if (j && cJSON_IsObject(j) && cJSON_GetObjectItem(j, "latency")) {
                cJSON_Delete(best);
                best = j;
            } else {
                cJSON_Delete(j);
            }
            line = end ? end + 1 : NULL;
        }
    }
    if (!best) {
        char last[200] = "";
        par__last_line(c.err ? c.err : "", last, sizeof last);
        snprintf(why, len, "pingpong on %d node%s: %s%s%s", nodes, nodes == 1 ? "" : "s",
                 !c.started ? "could not start" : c.timed_out ? "timed out" : "failed",
                 last[0] ? ": " : "", last);
    }
    par__child_free(&c);
    return best;
}

void par__nodes_interconnect(struct par__nodes *n, const struct par__tools *t, double timeout_s)
{
    if (!n->ncounts)
        return;
    char prog[4200];
    snprintf(prog, sizeof prog, "%s/pingpong", t->bindir);
    struct stat st;
    if (stat(prog, &st) != 0) {
        snprintf(n->interconnect_why, sizeof n->interconnect_why,
                 "pingpong is not built in %.200s", t->bindir);
        return;
    }
    char why[256] = "";
    n->within = pingpong(n, t, 1, timeout_s, why, sizeof why);
    if (n->counts[n->ncounts - 1] >= 2)
        n->between = pingpong(n, t, 2, timeout_s, why, sizeof why);
    if (why[0])
        snprintf(n->interconnect_why, sizeof n->interconnect_why, "%s", why);
}

int par__nodes_same_placement(const cJSON *record, const struct par__point *p)
{
    const cJSON *a = cJSON_GetObjectItem(record, "placement");
    const cJSON *b = p->result ? cJSON_GetObjectItem(p->result, "placement") : NULL;
    static const char *const keys[] = { "nodes", "threads_per_rank" };
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        double x = cJSON_IsObject(a) ? par__json_num(a, keys[i]) : 1;
        double y = cJSON_IsObject(b) ? par__json_num(b, keys[i]) : 1;
        if (!(x == y) && !(isnan(x) && isnan(y)))
            return 0;
    }
    return 1;
}

void par__nodes_free(struct par__nodes *n)
{
    cJSON_Delete(n->within);
    cJSON_Delete(n->between);
    n->within = n->between = NULL;
}

static double sub_num(const cJSON *o, const char *obj, const char *key)
{
    return o ? par__json_num(cJSON_GetObjectItem(o, obj), key) : NAN;
}

/* ---- what crossed the network ------------------------------------------------------ */

/* The ranks a point ran as (hybrid: one per node unless the record says). */
static int point_ranks(const struct par__point *p)
{
    return p->backend == PAR__BE_HYBRID && p->threads > 0 ? p->workers / p->threads : p->workers;
}

/* The nodes the point's own record says its ranks ran on; 0 when unknown. */
static int seen_nodes(const struct par__point *p)
{
    const cJSON *pl = p->result ? cJSON_GetObjectItem(p->result, "placement") : NULL;
    double v = pl ? par__json_num(pl, "nodes") : NAN;
    return isnan(v) ? 0 : (int)v;
}

/* Bytes of data that cross the network per repetition, estimated from the
 * protocol (mpi/mpi_backend.c): rank 0 holds every input and output; the
 * (N-1)/N of them handled by ranks on other nodes travel out and back, 8 B
 * each way per item (static Scatterv/Gatherv; parcompare's points use the
 * static schedule); fibtask's leaves (about 8 per rank) travel as messages
 * of 3 int64 out and 3 back. Control messages (header Bcast, barriers, the
 * time Allreduce) are a handful of small messages: latency, not bytes. */
static double network_bytes(const struct par__point *p)
{
    if (p->nodes < 2)
        return 0;
    const cJSON *params = p->result ? cJSON_GetObjectItem(p->result, "params") : NULL;
    double off = (double)(p->nodes - 1) / p->nodes;
    switch (p->workload) {
    case PAR_W_MAP:
    case PAR_W_PARMAP: return 16.0 * par__json_num(params, "items") * off;
    case PAR_W_FIB: return 16.0 * par__json_num(params, "k") * off;
    default: return 48.0 * 8 * point_ranks(p) * off;
    }
}

static const char *bytes_text(double b, char *buf, size_t len)
{
    if (isnan(b))
        snprintf(buf, len, "?");
    else if (b >= 1e6)
        snprintf(buf, len, "%.1f MB", b / 1e6);
    else if (b >= 1e3)
        snprintf(buf, len, "%.1f kB", b / 1e3);
    else
        snprintf(buf, len, "%.0f B", b);
    return buf;
}

static void interconnect_lines(FILE *f, const struct par__nodes *n, int markdown)
{
    const char *pre = markdown ? "- " : "  ";
    const cJSON *rec[2] = { n->within, n->between };
    const char *name[2] = { "within one node", "between two nodes" };
    for (int i = 0; i < 2; i++) {
        if (!rec[i])
            continue;
        fprintf(f, "%sinterconnect %s: 8 B latency %.2f us, 1 MiB bandwidth %.0f MB/s", pre,
                name[i], sub_num(rec[i], "latency", "median_us"),
                sub_num(rec[i], "bandwidth", "median_MBps"));
        const char *cap = par__json_str(rec[i], "link_rate", "");
        if (*cap)
            fprintf(f, " (link cap %s)", cap);
        fputc('\n', f);
    }
    if (n->interconnect_why[0])
        fprintf(f, "%sinterconnect: %s\n", pre, n->interconnect_why);
}

void par__nodes_print(FILE *f, const struct par__nodes *n, const struct par__matrix *m,
                      const int *workloads, int nworkloads, int markdown)
{
    if (!n->ncounts)
        return;
    if (!markdown) { /* report.md's section says this in its own words */
        fprintf(f, "Across nodes (%s): nodes x ranks per node x threads per rank\n", n->where);
        interconnect_lines(f, n, 0);
        fputc('\n', f);
    }
    for (int wi = 0; wi < nworkloads; wi++) {
        enum par_workload w = (enum par_workload)workloads[wi];
        const struct par__point *ref = par__table_serial(m, w);
        double ref_s = ref && ref->status == PAR__ST_OK ? ref->median : NAN;
        const char *unit = par__time_unit(isnan(ref_s) ? 0 : ref_s);
        double scale = par__time_scale(unit);
        if (markdown)
            fprintf(f, "**%s** across nodes (serial %.4g %s)\n\n| back end | nodes × ranks/node × "
                    "threads | workers | median [95%% CI] (%s) | speed-up | data over the network "
                    "per run | note |\n|---|---|--:|--:|--:|--:|---|\n",
                    par_workload_name(w), ref_s * scale, unit, unit);
        else
            fprintf(f, "%s across nodes\n  %-8s %-22s %7s  %-28s %8s %14s\n", par_workload_name(w),
                    "back end", "nodes x ranks x thr", "workers", "median [95% CI]", "speed-up",
                    "over network");
        for (size_t i = 0; i < m->n; i++) {
            const struct par__point *p = &m->pts[i];
            if (!(p->sets & PAR__SET_NODES) || p->workload != w)
                continue;
            int ranks = point_ranks(p);
            char shape[48], med[64], sp[32], by[32], note[160] = "";
            snprintf(shape, sizeof shape, "%d x %d x %d", p->nodes, ranks / p->nodes,
                     p->threads > 0 ? p->threads : 1);
            par__time_text(p, scale, med, sizeof med);   /* the CI, as every table */
            if (isnan(p->speedup))
                snprintf(sp, sizeof sp, "-");
            else
                snprintf(sp, sizeof sp, "%.2f", p->speedup);
            bytes_text(network_bytes(p), by, sizeof by);
            int seen = seen_nodes(p);
            if (p->status != PAR__ST_OK)
                snprintf(note, sizeof note, "%s: %.120s", par__status_name(p->status), p->why);
            else if (seen && seen != p->nodes)
                snprintf(note, sizeof note, "asked for %d nodes, the ranks saw %d", p->nodes, seen);
            if (markdown)
                fprintf(f, "| %s | %s | %d | %s | %s | %s | %s |\n", par__be_name(p->backend),
                        shape, p->workers, med, sp, by, note);
            else
                fprintf(f, "  %-8s %-22s %7d  %-28s %8s %14s  %s\n", par__be_name(p->backend),
                        shape, p->workers, med, sp, by, note);
        }
        fputc('\n', f);
    }
}

void par__nodes_report(FILE *f, const struct par__nodes *n, const struct par__matrix *m,
                       const int *workloads, int nworkloads)
{
    if (!n->ncounts)
        return;
    fprintf(f, "## Across nodes\n\n"
            "Ran on %s. Every MPI point below ran once per node count: `nodes × ranks per node "
            "× threads per rank` is what was asked for, and each record's `placement` (host "
            "names as the ranks saw them) is checked against it (a mismatch is noted). "
            "`hybrid` runs one rank per node with OpenMP threads inside it, `mpi` one rank per "
            "worker: at equal workers and nodes the pair compares threads with ranks inside a "
            "node.\n\n"
            "What crossed the network: rank 0 holds every input and output. With the static "
            "schedule, the share of items handled on other nodes, (N-1)/N, travels out "
            "(Scatterv) and back (Gatherv), 8 B each way per item: map and parmap move "
            "16 B × items × (N-1)/N per run, fib 16 B × k × (N-1)/N; fibtask hands out about 8 "
            "leaves per rank of 48 B round trip each. Each call also costs a few small "
            "messages (header broadcast, two barriers, the time reduction): a few network "
            "latencies. On one node all of it is shared memory.\n\n",
            n->where);
    interconnect_lines(f, n, 1);
    fputc('\n', f);
    par__nodes_print(f, n, m, workloads, nworkloads, 1);
    for (int i = 0; i < n->nplots; i++)
        fprintf(f, "![%s](%s)\n", n->plots[i], n->plots[i]);
    fprintf(f, "\nNodes made of network namespaces on one machine share its cores: compute "
            "does not scale across them, communication costs are real.\n\n");
}

void par__nodes_json(cJSON *root, const struct par__nodes *n)
{
    if (!n->ncounts)
        return;
    cJSON *o = cJSON_AddObjectToObject(root, "nodes");
    cJSON_AddItemToObject(o, "counts", cJSON_CreateIntArray(n->counts, n->ncounts));
    cJSON_AddStringToObject(o, "via", n->via == PAR__NODES_SLURM ? "slurm" : "hostfile");
    cJSON_AddStringToObject(o, "where", n->where);
    cJSON *ic = cJSON_AddObjectToObject(root, "interconnect");
    cJSON_AddItemToObject(ic, "within_node",
                          n->within ? cJSON_Duplicate(n->within, 1) : cJSON_CreateNull());
    cJSON_AddItemToObject(ic, "between_nodes",
                          n->between ? cJSON_Duplicate(n->between, 1) : cJSON_CreateNull());
    if (n->interconnect_why[0])
        cJSON_AddStringToObject(ic, "why", n->interconnect_why);
    else
        cJSON_AddNullToObject(ic, "why");
}

/* ---- the plot ------------------------------------------------------------------------ */

static int draw(const char *dir, struct par__nodes *n, const struct par__matrix *m,
                const struct par__tools *t, const int *workloads, int nworkloads,
                double timeout_s, char plots[][64], int max)
{
    if (!n->ncounts || !t->gnuplot[0])
        return 0;
    char pdir[4200], script[4300];
    snprintf(pdir, sizeof pdir, "%s/plots", dir);
    if (mkdir(pdir, 0777) != 0 && errno != EEXIST)
        return 0;
    snprintf(script, sizeof script, "%s/nodes.gp", pdir);
    FILE *g = fopen(script, "w");
    if (!g)
        return 0;
    fprintf(g, "# Drawn by parcompare; run `gnuplot %s` to redraw.\n", script);
    fprintf(g, "set terminal %s size 1000,600\nset key left top\nset grid\n", t->png_terminal);
    fprintf(g, "set xlabel 'total workers (ranks x threads)'\nset ylabel 'speed-up over serial'\n");
    int count = 0;
    for (int wi = 0; wi < nworkloads && count < max; wi++) {
        enum par_workload w = (enum par_workload)workloads[wi];
        char series[2 * PAR__MAX_NODE_COUNTS][64];
        char data[2 * PAR__MAX_NODE_COUNTS][4300];
        int ns = 0, maxw = 1;
        for (int be = PAR__BE_MPI; be <= PAR__BE_HYBRID; be++)
            for (int ni = 0; ni < n->ncounts; ni++) {
                int nodes = n->counts[ni], rows = 0;
                snprintf(data[ns], sizeof data[0], "%s/nodes-%s-%s-%d.dat", pdir,
                         par_workload_name(w), par__be_name(be), nodes);
                FILE *d = fopen(data[ns], "w");
                if (!d)
                    continue;
                for (size_t i = 0; i < m->n; i++) {
                    const struct par__point *p = &m->pts[i];
                    if ((p->sets & PAR__SET_NODES) && p->workload == w && (int)p->backend == be &&
                        p->nodes == nodes && p->status == PAR__ST_OK && !isnan(p->speedup)) {
                        fprintf(d, "%d %.6f\n", p->workers, p->speedup);
                        rows++;
                        if (p->workers > maxw)
                            maxw = p->workers;
                    }
                }
                fclose(d);
                if (rows)
                    snprintf(series[ns++], sizeof series[0], "%s, %d node%s", par__be_name(be),
                             nodes, nodes == 1 ? "" : "s");
            }
        if (!ns)
            continue;
        snprintf(plots[count], 64, "speedup-nodes-%s.png", par_workload_name(w));
        char out[4200];
        snprintf(out, sizeof out, "%s/%s", dir, plots[count]);
        fputs("set output ", g);
        par__gp_string(g, out);
        fprintf(g, "\nset title 'speed-up vs total workers across nodes: %s'\n",
                par_workload_name(w));
        fprintf(g, "set xrange [0.5:%d.5]\nplot x title 'ideal' dashtype 2 lc rgb '#888888'",
                maxw);
        for (int s = 0; s < ns; s++) {
            fputs(", ", g);
            par__gp_string(g, data[s]);
            fprintf(g, " using 1:2 with linespoints title '%s'", series[s]);
        }
        fputc('\n', g);
        count++;
    }
    fclose(g);
    if (!count)
        return 0;
    char why[400];
    return par__gnuplot_run(t, script, timeout_s, why, sizeof why) == 0 ? count : 0;
}

void par__nodes_plots(const char *dir, struct par__nodes *n, const struct par__matrix *m,
                      const struct par__tools *t, const int *workloads, int nworkloads,
                      double timeout_s)
{
    n->nplots = draw(dir, n, m, t, workloads, nworkloads, timeout_s, n->plots,
                     PAR__MAX_NODE_PLOTS);
}
