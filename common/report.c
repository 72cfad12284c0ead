#include "report.h"

#include <inttypes.h>
#include <string.h>

/* The sizes that matter for this workload, as "name=value" pairs. */
static void params_text(FILE *f, const struct par_opts *o, const char *sep, const char *eq)
{
    switch (o->workload) {
    case PAR_W_MAP: fprintf(f, "items%s%zu", eq, o->items); break;
    case PAR_W_FIB: fprintf(f, "n%s%d%sk%s%d", eq, o->n, sep, eq, o->k); break;
    case PAR_W_PARMAP: fprintf(f, "items%s%zu", eq, o->items); break;
    case PAR_W_GRAIN:
        fprintf(f, "iterations%s%" PRId64 "%stasks%s%zu%ssteps%s%" PRId64 "%spattern%s%s", eq,
                o->iterations, sep, eq, o->tasks, sep, eq, o->steps, sep, eq,
                par_pattern_name(o->pattern));
        break;
    default: fprintf(f, "n%s%d%scutoff%s%d", eq, o->n, sep, eq, o->cutoff); break;
    }
}

static const char *chunk_text(const struct par_opts *o, char *buf, size_t len)
{
    if (o->chunk == 0)
        return "auto";
    snprintf(buf, len, "%zu", o->chunk);
    return buf;
}

void par_report_text(FILE *f, const struct par_result *r)
{
    const struct par_opts *o = r->opts;
    char cb[32];
    /* Say where the worker count came from, unless the back end overrode it
     * (serial always runs one). */
    fprintf(f, "%s: %s on %s (%s), %d worker%s", r->tool, par_workload_name(o->workload),
            r->backend, r->kind, r->workers, r->workers == 1 ? "" : "s");
    if (r->workers == o->workers && o->workers_from)
        fprintf(f, " (from %s)", o->workers_from);
    fputc('\n', f);
    fprintf(f, "  sizes     ");
    params_text(f, o, ", ", " ");
    fprintf(f, "%s\n", o->seed_sizes ? " (cheatsheet sizes)" : "");
    fprintf(f, "  schedule  %s, chunk %s%s%s\n", par_schedule_name(o->schedule),
            chunk_text(o, cb, sizeof cb), r->detail && *r->detail ? "; " : "",
            r->detail ? r->detail : "");
    par_placement_text(f, r->placement);
    fprintf(f, "  reps      %d timed, %d warm-up\n", o->reps, o->warmup);
    if (r->ntimes > 0)
        fprintf(f, "  time      median %.6f s  (min %.6f, max %.6f, MAD %.6f)\n", r->stats.median,
                r->stats.min, r->stats.max, r->stats.mad);
    fprintf(f, "  checksum  0x%016" PRIx64 "\n", r->checksum);
    fprintf(f, "  verified  %s%s%s\n", r->verified ? "yes" : "NO", r->error ? ": " : "",
            r->error ? r->error : "");
}

void par_report_json(FILE *f, const struct par_result *r)
{
    const struct par_opts *o = r->opts;
    fputs("{\"tool\":", f);
    par_json_string(f, r->tool);
    fputs(",\"workload\":", f);
    par_json_string(f, par_workload_name(o->workload));
    fputs(",\"backend\":", f);
    par_json_string(f, r->backend);
    fputs(",\"kind\":", f);
    par_json_string(f, r->kind);
    fprintf(f, ",\"workers\":%d,\"workers_from\":", r->workers);
    par_json_string(f, o->workers_from ? o->workers_from : "-j");
    fputs(",\"params\":{", f);
    switch (o->workload) {
    case PAR_W_MAP:
    case PAR_W_PARMAP: fprintf(f, "\"items\":%zu", o->items); break;
    case PAR_W_FIB: fprintf(f, "\"n\":%d,\"k\":%d", o->n, o->k); break;
    case PAR_W_GRAIN:
        fprintf(f, "\"iterations\":%" PRId64 ",\"tasks\":%zu,\"steps\":%" PRId64
                   ",\"pattern\":\"%s\",\"work_iterations\":%.17g",
                o->iterations, o->tasks, o->steps, par_pattern_name(o->pattern),
                (double)o->iterations * (double)o->tasks * (double)o->steps);
        break;
    default: fprintf(f, "\"n\":%d,\"cutoff\":%d", o->n, o->cutoff); break;
    }
    fprintf(f, ",\"schedule\":\"%s\",\"chunk\":%zu,\"seed_sizes\":%s}",
            par_schedule_name(o->schedule), o->chunk, o->seed_sizes ? "true" : "false");
    fprintf(f, ",\"reps\":%d,\"warmup\":%d,\"times_s\":[", o->reps, o->warmup);
    for (int i = 0; i < r->ntimes; i++)
        fprintf(f, "%s%.9f", i ? "," : "", r->times[i]);
    fprintf(f, "],\"median_s\":%.9f,\"min_s\":%.9f,\"max_s\":%.9f,\"mean_s\":%.9f,"
               "\"stddev_s\":%.9f,\"mad_s\":%.9f",
            r->stats.median, r->stats.min, r->stats.max, r->stats.mean, r->stats.stddev,
            r->stats.mad);
    fprintf(f, ",\"checksum\":\"0x%016" PRIx64 "\",\"verified\":%s", r->checksum,
            r->verified ? "true" : "false");
    fputs(",\"error\":", f);
    if (r->error)
        par_json_string(f, r->error);
    else
        fputs("null", f);
    fputs(",\"detail\":", f);
    par_json_string(f, r->detail ? r->detail : "");
    par_placement_json(f, r->placement);
    fputs(",\"env\":", f);
    par_env_json(f, r->env);
    fputs("}\n", f);
}

void par_report_csv(FILE *f, const struct par_result *r, int header)
{
    const struct par_opts *o = r->opts;
    if (header)
        fputs("tool,workload,backend,kind,workers,items,n,k,cutoff,schedule,chunk,reps,"
              "median_s,min_s,max_s,mean_s,stddev_s,mad_s,checksum,verified,host,cores"
              PAR_PLACEMENT_CSV_HEADER "\n", f);
    size_t items = o->workload == PAR_W_MAP || o->workload == PAR_W_PARMAP ? o->items : 0;
    int n = o->workload == PAR_W_FIB || o->workload == PAR_W_FIBTASK ? o->n : 0;
    int k = o->workload == PAR_W_FIB ? o->k : 0;
    int cutoff = o->workload == PAR_W_FIBTASK ? o->cutoff : 0;
    fprintf(f, "%s,%s,%s,%s,%d,%zu,%d,%d,%d,%s,%zu,%d,%.9f,%.9f,%.9f,%.9f,%.9f,%.9f,"
               "0x%016" PRIx64 ",%s,%s,%d",
            r->tool, par_workload_name(o->workload), r->backend, r->kind, r->workers, items, n,
            k, cutoff, par_schedule_name(o->schedule), o->chunk, o->reps, r->stats.median,
            r->stats.min, r->stats.max, r->stats.mean, r->stats.stddev, r->stats.mad,
            r->checksum, r->verified ? "true" : "false", r->env->host, r->env->cores);
    par_placement_csv(f, r->placement);
    fputc('\n', f);
}
