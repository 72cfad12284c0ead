#include "files.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "env.h"
#include "nodes.h"
#include "records.h"
#include "uncertainty.h"
#include "run.h"
#include "story.h"

#ifndef PAR_VERSION
#define PAR_VERSION "0"
#endif

/* mkdir -p */
static int make_dirs(const char *path, char *msg, size_t msglen, const char *opt)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
        snprintf(msg, msglen, "%s: the path is too long", opt);
        return -1;
    }
    for (char *p = buf + 1; ; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;
            *p = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
                snprintf(msg, msglen, "%s: cannot create folder '%s': %s", opt, buf,
                         strerror(errno));
                return -1;
            }
            *p = c;
            if (!c)
                break;
        }
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(msg, msglen, "%s: '%s' is not a folder", opt, path);
        return -1;
    }
    return 0;
}

/* Writes PROBE_BYTES there, not just an empty file: creating an empty file
 * succeeds on a full file system, and the whole run was then lost at the
 * end. (It cannot promise room for everything; every later write is
 * checked too.) */
#define PROBE_BYTES 16384
static int check_writable(const char *dir, const char *opt, char *msg, size_t msglen)
{
    char probe[4200];
    snprintf(probe, sizeof probe, "%s/.parcompare-write-test", dir);
    FILE *f = fopen(probe, "w");
    if (!f) {
        snprintf(msg, msglen, "%s: cannot write in '%s': %s", opt, dir, strerror(errno));
        return -1;
    }
    static const char block[1024];
    int bad = 0;
    for (int i = 0; i < PROBE_BYTES / (int)sizeof block && !bad; i++)
        bad = fwrite(block, 1, sizeof block, f) != sizeof block;
    bad |= fflush(f) != 0;
    int err = errno;
    bad |= fclose(f) != 0;
    if (bad && !err)
        err = errno;
    unlink(probe);
    if (bad) {
        snprintf(msg, msglen, "%s: cannot write in '%s': %s", opt, dir, strerror(err));
        return -1;
    }
    return 0;
}

int par__out_prepare(const char *given, char *dir, size_t len, char *msg, size_t msglen)
{
    if (given) {
        snprintf(dir, len, "%s", given);
        size_t n = strlen(dir);
        while (n > 1 && dir[n - 1] == '/')
            dir[--n] = '\0';
        if (make_dirs(dir, msg, msglen, "--out"))
            return -1;
        return check_writable(dir, "--out", msg, msglen);
    }
    if (make_dirs("results", msg, msglen, "results folder"))
        return -1;
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    for (int i = 1; i < 100; i++) {
        if (i == 1)
            snprintf(dir, len, "results/%s", stamp);
        else
            snprintf(dir, len, "results/%s-%d", stamp, i);
        if (mkdir(dir, 0777) == 0)
            return check_writable(dir, "results folder", msg, msglen);
        if (errno != EEXIST) {
            snprintf(msg, msglen, "cannot create '%s': %s (give --out DIR)", dir,
                     strerror(errno));
            return -1;
        }
    }
    snprintf(msg, msglen, "cannot find a free name under results/ (give --out DIR)");
    return -1;
}

const char *par__sets_text(int sets, char *buf, size_t len)
{
    snprintf(buf, len, "%s%s%s%s%s%s%s",
             sets & PAR__SET_MATRIX ? "matrix" : "",
             (sets & PAR__SET_MATRIX) && (sets & (PAR__SET_STORY | PAR__SET_PYTHON)) ? "+" : "",
             sets & PAR__SET_STORY ? "story" : "",
             (sets & PAR__SET_STORY) && (sets & PAR__SET_PYTHON) ? "+" : "",
             sets & PAR__SET_PYTHON ? "python" : "",
             (sets & PAR__SET_NODES) && (sets & ~PAR__SET_NODES) ? "+" : "",
             sets & PAR__SET_NODES ? "nodes" : "");
    if (sets & PAR__SET_FINE)
        snprintf(buf + strlen(buf), len - strlen(buf), "%sfine", buf[0] ? "+" : "");
    return buf;
}

static void add_num_or_null(cJSON *o, const char *key, double v)
{
    if (isnan(v) || isinf(v))
        cJSON_AddNullToObject(o, key);
    else
        cJSON_AddNumberToObject(o, key, v);
}

static void add_str_or_null(cJSON *o, const char *key, const char *v)
{
    if (v)
        cJSON_AddStringToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

/* The environment as parcompare itself sees it (common/env.c), for when no
 * child reported one (every point failed: that is when it is needed most).
 * Same build, so the same compiler and flags as the children. */
static cJSON *own_env_json(void)
{
    struct par_env e;
    par_env_collect(&e);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return NULL;
    par_env_json(f, &e);
    if (fclose(f) != 0) {
        free(text);
        return NULL;
    }
    cJSON *env = cJSON_Parse(text);
    free(text);
    return env;
}

cJSON *par__env_json(const struct par__matrix *m, const struct par__tools *t)
{
    cJSON *env = NULL;
    for (size_t i = 0; i < m->n && !env; i++)
        if (m->pts[i].env)
            env = cJSON_Duplicate(m->pts[i].env, 1);
    if (!env)
        env = own_env_json();
    if (!env)
        env = cJSON_CreateObject();
    if (!env)
        return NULL;
    /* poolmap knows OpenMP, parmap knows MPI: take what is missing from any
     * child that reported it. */
    static const char *const fill[] = { "openmp", "mpi" };
    for (size_t k = 0; k < 2; k++) {
        if (*par__json_str(env, fill[k], ""))
            continue;
        for (size_t i = 0; i < m->n; i++) {
            const char *v = m->pts[i].env ? par__json_str(m->pts[i].env, fill[k], "") : "";
            if (*v) {
                cJSON_DeleteItemFromObjectCaseSensitive(env, fill[k]);
                cJSON_AddStringToObject(env, fill[k], v);
                break;
            }
        }
    }
    cJSON *bind = cJSON_AddObjectToObject(env, "binding");
    static const char *const vars[] = { "OMP_PROC_BIND", "OMP_PLACES", "GOMP_CPU_AFFINITY",
                                        "KMP_AFFINITY", "OMP_WAIT_POLICY", "OMP_DYNAMIC" };
    for (size_t i = 0; i < sizeof vars / sizeof *vars; i++)
        add_str_or_null(bind, vars[i], getenv(vars[i]));
    cJSON_AddStringToObject(bind, "mpirun_flags", t->mpirun[0] ? par__mpirun_flags(t) : "");
    cJSON *tools = cJSON_AddObjectToObject(env, "tools");
    cJSON_AddStringToObject(tools, "bin_dir", t->bindir);
    cJSON_AddStringToObject(tools, "mpirun", t->mpirun_version);
    cJSON_AddStringToObject(tools, "python", t->python_version);
    cJSON_AddStringToObject(tools, "gnuplot", t->gnuplot_version);
    return env;
}

static cJSON *record_json(const struct par__point *p)
{
    cJSON *r = p->result ? cJSON_Duplicate(p->result, 1) : cJSON_CreateObject();
    if (!r)
        return NULL;
    char sets[40];
    if (!p->result) {
        /* What was asked for, so that the record still says what it was. */
        cJSON_AddStringToObject(r, "workload", par_workload_name(p->workload));
        cJSON_AddStringToObject(r, "backend", par__be_name(p->backend));
        cJSON_AddStringToObject(r, "kind", par__be_kind(p->backend));
        cJSON_AddNumberToObject(r, "workers", p->workers);
        cJSON *params = cJSON_AddObjectToObject(r, "params");
        if (p->sizes.items)
            cJSON_AddNumberToObject(params, "items", (double)p->sizes.items);
        if (p->sizes.n)
            cJSON_AddNumberToObject(params, "n", p->sizes.n);
        if (p->sizes.k)
            cJSON_AddNumberToObject(params, "k", p->sizes.k);
        if (p->sizes.cutoff)
            cJSON_AddNumberToObject(params, "cutoff", p->sizes.cutoff);
        cJSON_AddNumberToObject(r, "reps", p->reps);
        cJSON_AddNumberToObject(r, "warmup", p->warmup);
        cJSON_AddNullToObject(r, "median_s");
        cJSON_AddNullToObject(r, "mad_s");
        cJSON_AddBoolToObject(r, "verified", 0);
    }
    cJSON_AddStringToObject(r, "set", par__sets_text(p->sets, sets, sizeof sets));
    if (p->bw_bound_s > 0) /* map, once derived: rule 11's bound (bandwidth.h) */
        cJSON_AddNumberToObject(r, "bandwidth_bound_s", p->bw_bound_s);
    cJSON_AddStringToObject(r, "status", par__status_name(p->status));
    add_str_or_null(r, "why", p->status == PAR__ST_OK ? NULL : p->why);
    cJSON_AddStringToObject(r, "command", p->command);
    cJSON_AddNumberToObject(r, "wall_s", p->wall_s);
    cJSON_AddNumberToObject(r, "exit_code", p->exit_code);
    add_num_or_null(r, "speedup", p->speedup);
    add_num_or_null(r, "efficiency", p->efficiency);
    add_num_or_null(r, "karp_flatt", p->karp_flatt);
    cJSON_AddBoolToObject(r, "fastest", p->fastest);
    par__record_uncertainty(r, p);
    if (p->has_base) {
        cJSON *b = cJSON_AddObjectToObject(r, "baseline");
        cJSON_AddNumberToObject(b, "median_s", p->base_median);
        cJSON_AddNumberToObject(b, "mad_s", p->base_mad);
        add_num_or_null(b, "ci_low_s", p->base_ci_low);
        add_num_or_null(b, "ci_high_s", p->base_ci_high);
        cJSON_AddNumberToObject(b, "change", p->change);
        cJSON_AddBoolToObject(b, "regression", p->regression);
        cJSON_AddBoolToObject(b, "cannot_judge", p->cannot_judge != 0);
        add_str_or_null(b, "why_no_verdict", p->cannot_judge == PAR__NO_CI ? "no CI"
                                             : p->cannot_judge == PAR__NO_FLOOR
                                                 ? "run-to-run noise unknown"
                                                 : NULL);
    }
    return r;
}

FILE *par__open_out(const char *dir, const char *name, char *msg, size_t msglen)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        snprintf(msg, msglen, "cannot write %.3000s: %s", path, strerror(errno));
    return f;
}

int par__close_out(FILE *f, const char *dir, const char *name, char *msg, size_t msglen)
{
    int bad = ferror(f);
    bad |= fclose(f) != 0;
    if (bad)
        snprintf(msg, msglen, "cannot write %.3000s/%s: %s", dir, name, strerror(errno));
    return bad ? -1 : 0;
}

/* Data files are written to NAME.part and renamed over NAME only once
 * complete, so that NAME is always a whole file: the previous version (the
 * points measured so far) survives a full disk or an interrupt. */
static FILE *open_part(const char *dir, const char *name, char *msg, size_t msglen)
{
    char part[256];
    snprintf(part, sizeof part, "%s.part", name);
    return par__open_out(dir, part, msg, msglen);
}

static int commit_part(FILE *f, const char *dir, const char *name, char *msg, size_t msglen)
{
    char part[256], from[4400], to[4400];
    snprintf(part, sizeof part, "%s.part", name);
    snprintf(from, sizeof from, "%s/%s", dir, part);
    if (par__close_out(f, dir, name, msg, msglen) != 0) {
        unlink(from);
        return -1;
    }
    snprintf(to, sizeof to, "%s/%s", dir, name);
    if (rename(from, to) != 0) {
        snprintf(msg, msglen, "cannot write %.3000s: %s", to, strerror(errno));
        unlink(from);
        return -1;
    }
    return 0;
}

static int write_text(const char *dir, const char *name, const char *text, char *msg,
                      size_t msglen)
{
    FILE *f = open_part(dir, name, msg, msglen);
    if (!f)
        return -1;
    fputs(text, f);
    return commit_part(f, dir, name, msg, msglen);
}

static int write_json(const char *dir, const struct par__matrix *m,
                      const struct par__summary *s, size_t done, char *msg, size_t msglen)
{
    const struct par__plan *pl = s->plan;
    cJSON *root = cJSON_CreateObject();
    if (!root)
        goto oom;
    cJSON_AddStringToObject(root, "tool", "parcompare");
    cJSON_AddStringToObject(root, "version", PAR_VERSION);
    cJSON_AddNumberToObject(root, "schema", 1);
    cJSON_AddStringToObject(root, "command", s->command);
    cJSON_AddStringToObject(root, "started", s->started);
    cJSON_AddNumberToObject(root, "wall_s", s->wall_s);
    cJSON_AddNumberToObject(root, "exit_status", s->exit_status);
    /* complete: false while points are still running, and in what an
     * interrupt or a failed final write leaves behind. */
    cJSON_AddBoolToObject(root, "complete", done == m->n && s->wall_s > 0);
    cJSON_AddNumberToObject(root, "points_done", (double)done);
    cJSON_AddNumberToObject(root, "points_planned", (double)m->n);
    cJSON_AddStringToObject(root, "mode", pl->full ? "full" : "quick");
    cJSON_AddNumberToObject(root, "cores", pl->cores);
    cJSON_AddNumberToObject(root, "reps", pl->reps);
    cJSON_AddNumberToObject(root, "warmup", pl->warmup);
    cJSON *workers = cJSON_CreateIntArray(pl->workers, pl->nworkers);
    cJSON_AddItemToObject(root, "workers", workers);
    cJSON *env = par__env_json(m, s->tools);
    if (env) {
        cJSON *busy = cJSON_AddObjectToObject(env, "interference");
        add_num_or_null(busy, "other_processes_cores", s->others_cores);
        add_num_or_null(busy, "steal_cores", s->steal_cores);
        add_num_or_null(busy, "loadavg_at_start", s->loadavg_start);
        cJSON_AddItemToObject(root, "env", env);
    }
    cJSON *skipped = cJSON_AddArrayToObject(root, "skipped");
    for (int i = 0; i < pl->nskipped; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "backend", par__be_name(pl->skipped[i]));
        cJSON_AddStringToObject(o, "why", s->tools->why[pl->skipped[i]]);
        cJSON_AddItemToArray(skipped, o);
    }
    cJSON *records = cJSON_AddArrayToObject(root, "records");
    for (size_t i = 0; i < m->n; i++) {
        cJSON *r = record_json(&m->pts[i]);
        if (!r)
            goto oom;
        cJSON_AddItemToArray(records, r);
    }
    if (s->story_ran) {
        cJSON *story = par__story_json(m, s->story_n, s->story_items, pl->cores);
        if (story)
            cJSON_AddItemToObject(root, "story", story);
    }
    cJSON *py = par__python_json(s->python, m);
    if (py)
        cJSON_AddItemToObject(root, "python", py);
    if (s->grain)
        cJSON_AddItemToObject(root, "grain", cJSON_Duplicate(s->grain, 1));
    if (s->bandwidth) {
        cJSON *bw = par__bandwidth_json(s->bandwidth);
        if (bw)
            cJSON_AddItemToObject(root, "bandwidth", bw);
    }
    if (s->overhead)
        cJSON_AddItemToObject(root, "overhead", cJSON_Duplicate(s->overhead, 1));
    if (s->baseline) {
        cJSON *b = cJSON_AddObjectToObject(root, "baseline");
        cJSON_AddStringToObject(b, "file", s->baseline);
        cJSON_AddNumberToObject(b, "threshold", s->threshold);
        cJSON_AddStringToObject(b, "test", "change above the threshold, disjoint 95% CIs of "
                                "the median, and ln(CI low now / CI high in the baseline) "
                                "above the run-to-run noise floor (noise_floor_all)");
        cJSON_AddNumberToObject(b, "cannot_judge", s->unjudged);
        cJSON_AddNumberToObject(b, "cannot_judge_no_ci", s->verdicts.no_ci);
        cJSON_AddNumberToObject(b, "cannot_judge_no_floor", s->verdicts.no_floor);
        add_num_or_null(b, "noise_floor_all", s->verdicts.floor_all >= 0
                                                  ? expm1(s->verdicts.floor_all) : NAN);
        cJSON *fl = cJSON_AddObjectToObject(b, "noise_floor");
        for (int w = 0; w < PAR_W_COUNT_; w++)
            if (!isnan(s->verdicts.floor[w]))
                add_num_or_null(fl, par_workload_name((enum par_workload)w),
                                s->verdicts.floor[w] >= 0 ? expm1(s->verdicts.floor[w]) : NAN);
        cJSON_AddNumberToObject(b, "matched", s->matched);
        cJSON_AddNumberToObject(b, "regressions", s->regressions);
    }
    if (pl->nodes)
        par__nodes_json(root, pl->nodes);
    cJSON *plots = cJSON_AddArrayToObject(root, "plots");
    for (int i = 0; i < s->nplots; i++)
        cJSON_AddItemToArray(plots, cJSON_CreateString(s->plots[i]));
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    if (!text)
        goto oom_nofree;
    size_t n = strlen(text);
    char *withnl = realloc(text, n + 2);
    if (!withnl) {
        free(text);
        goto oom_nofree;
    }
    withnl[n] = '\n';
    withnl[n + 1] = '\0';
    int rc = write_text(dir, "results.json", withnl, msg, msglen);
    free(withnl);
    return rc;
oom:
    cJSON_Delete(root);
oom_nofree:
    snprintf(msg, msglen, "out of memory writing results.json");
    return -1;
}

/* A CSV field: quoted when it holds a comma, quote or newline. */
static void csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
    }
    fputc('"', f);
}

static void csv_num(FILE *f, double v, const char *fmt)
{
    fputc(',', f);
    if (!isnan(v) && !isinf(v))
        fprintf(f, fmt, v);
}

#define CSV_HEADER "set,workload,backend,kind,workers,items,n,k,cutoff,reps,warmup," \
    "median_s,mad_s,min_s,max_s,mean_s,stddev_s,speedup,efficiency,karp_flatt,fastest," \
    "checksum,verified,status,error,wall_s,baseline_median_s,change,regression"

static int write_csv(const char *dir, const struct par__matrix *m, size_t done, char *msg,
                     size_t msglen)
{
    FILE *f = open_part(dir, "results.csv", msg, msglen);
    if (!f)
        return -1;
    fputs(CSV_HEADER, f);
    fprintf(f, "%s\n", par__uncertainty_csv_header);
    for (size_t i = 0; i < done; i++) {
        const struct par__point *p = &m->pts[i];
        const cJSON *r = p->result;
        const cJSON *params = r ? cJSON_GetObjectItemCaseSensitive(r, "params") : NULL;
        char sets[40];
        fprintf(f, "%s,%s,%s,%s,%d", par__sets_text(p->sets, sets, sizeof sets),
                par_workload_name(p->workload), par__be_name(p->backend),
                par__be_kind(p->backend), p->workers);
        static const char *const keys[] = { "items", "n", "k", "cutoff" };
        const double asked[] = { (double)p->sizes.items, p->sizes.n, p->sizes.k,
                                 p->sizes.cutoff };
        for (int k = 0; k < 4; k++) {
            double v = params ? par__json_num(params, keys[k]) : (asked[k] ? asked[k] : NAN);
            csv_num(f, v, "%.0f");
        }
        fprintf(f, ",%d,%d", p->reps, p->warmup);
        static const char *const stats[] = { "median_s", "mad_s", "min_s", "max_s", "mean_s",
                                             "stddev_s" };
        for (int k = 0; k < 6; k++)
            csv_num(f, r && p->status == PAR__ST_OK ? par__json_num(r, stats[k]) : NAN, "%.9f");
        csv_num(f, p->speedup, "%.4f");
        csv_num(f, p->efficiency, "%.4f");
        csv_num(f, p->karp_flatt, "%.4f");
        fprintf(f, ",%s,%s,%s,%s,", p->fastest ? "true" : "false",
                r ? par__json_str(r, "checksum", "") : "",
                r && par__json_bool(r, "verified") == 1 ? "true" : "false",
                par__status_name(p->status));
        csv_field(f, p->status == PAR__ST_OK ? "" : p->why);
        csv_num(f, p->wall_s, "%.3f");
        csv_num(f, p->has_base ? p->base_median : NAN, "%.9f");
        csv_num(f, p->has_base ? p->change : NAN, "%.4f");
        fprintf(f, ",%s", p->has_base ? (p->regression ? "true" : "false") : "");
        par__uncertainty_csv(f, p);
        fputc('\n', f);
    }
    return commit_part(f, dir, "results.csv", msg, msglen);
}

int par__write_results(const char *dir, const struct par__matrix *m,
                       const struct par__summary *s, char *msg, size_t msglen)
{
    if (write_json(dir, m, s, m->n, msg, msglen))
        return -1;
    return write_csv(dir, m, m->n, msg, msglen);
}

int par__write_json_file(const char *dir, const struct par__matrix *m,
                         const struct par__summary *s, char *msg, size_t msglen)
{
    return write_json(dir, m, s, m->n, msg, msglen);
}

int par__write_csv_file(const char *dir, const struct par__matrix *m, char *msg, size_t msglen)
{
    return write_csv(dir, m, m->n, msg, msglen);
}

int par__save_progress(const char *dir, const struct par__matrix *m,
                       const struct par__summary *s, size_t done, char *msg, size_t msglen)
{
    if (write_json(dir, m, s, done, msg, msglen))
        return -1;
    return write_csv(dir, m, done, msg, msglen);
}

int par__png_complete(const char *dir, const char *name)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    /* A PNG starts with its signature and ends with the 12-byte IEND chunk
     * (length 0, "IEND", CRC AE 42 60 82); a truncated one does not. */
    static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
    static const unsigned char iend[12] = { 0, 0, 0, 0, 'I', 'E', 'N', 'D',
                                            0xae, 0x42, 0x60, 0x82 };
    unsigned char head[8], tail[12];
    int ok = fread(head, 1, 8, f) == 8 && memcmp(head, sig, 8) == 0 &&
             fseek(f, -12, SEEK_END) == 0 && fread(tail, 1, 12, f) == 12 &&
             memcmp(tail, iend, 12) == 0;
    fclose(f);
    return ok;
}
