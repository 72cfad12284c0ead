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

/* "warm-ups: 3 (steady)", "samples: 12 (CI target reached)" and the
 * median with its CI, or why there is none. A failed run has no median. */
void par_report_sampling_text(FILE *f, const struct par_result *r)
{
    const char *steady = r->warmup_steady > 0 ? "until steady"
                       : r->warmup_steady == 0 ? "still falling at the cap: NOT steady" : "fixed";
    fprintf(f, "  reps      %d timed (%s), %d warm-up (%s)\n", r->ntimes,
            r->stop ? r->stop : "fixed", r->warmups, steady);
    if (!r->verified || r->ntimes == 0)
        return;
    if (r->ci.available)
        fprintf(f, "  time      median %.6f s, 95%% CI [%.6f, %.6f] (+-%.1f%%, target +-%.1f%%%s)\n",
                r->stats.median, r->ci.low, r->ci.high, 100 * par_ci_rel_half_width(&r->ci),
                100 * r->opts->ci_target, r->target_reached ? "" : " NOT reached");
    else
        fprintf(f, "  time      median %.6f s, CI not available (%d sample%s; a 95%% CI needs %d)\n",
                r->stats.median, r->ntimes, r->ntimes == 1 ? "" : "s", PAR_CI_MIN_SAMPLES);
    fprintf(f, "            min %.6f, max %.6f, MAD %.6f\n", r->stats.min, r->stats.max,
            r->stats.mad);
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
    char tw[160];
    if (par_report_team_warning(r, tw, sizeof tw))
        fprintf(f, "  WARNING   %s\n", tw);
    fprintf(f, "  sizes     ");
    params_text(f, o, ", ", " ");
    fprintf(f, "%s\n", o->seed_sizes ? " (cheatsheet sizes)" : "");
    fprintf(f, "  schedule  %s, chunk %s%s%s\n", par_schedule_name(o->schedule),
            chunk_text(o, cb, sizeof cb), r->detail && *r->detail ? "; " : "",
            r->detail ? r->detail : "");
    par_placement_text(f, r->placement);
    par_report_sampling_text(f, r);
    fprintf(f, "  checksum  0x%016" PRIx64 "\n", r->checksum);
    fprintf(f, "  verified  %s%s%s\n", r->verified ? "yes" : "NO", r->error ? ": " : "",
            r->error ? r->error : "");
}

const char *par_report_team_warning(const struct par_result *r, char *buf, size_t len)
{
    if (r->workers_ran <= 0 || r->workers_ran == r->workers)
        return NULL;
    snprintf(buf, len, "asked for %d workers, %d took part (the runtime or the work "
             "gave fewer)", r->workers, r->workers_ran);
    return buf;
}

static void json_num_or_null(FILE *f, const char *key, int have, double v)
{
    if (have)
        fprintf(f, ",\"%s\":%.9f", key, v);
    else
        fprintf(f, ",\"%s\":null", key);
}

void par_report_sampling_json(FILE *f, const struct par_result *r)
{
    int ci = r->ci.available && r->verified;
    fprintf(f, ",\"samples\":%d,\"reps_fixed\":%s,\"stop\":", r->ntimes,
            r->opts->reps_set ? "true" : "false");
    par_json_string(f, r->stop ? r->stop : "fixed");
    fprintf(f, ",\"warmups\":%d,\"warmup_steady\":%s", r->warmups,
            r->warmup_steady > 0 ? "true" : r->warmup_steady == 0 ? "false" : "null");
    fprintf(f, ",\"ci_level\":%.2f,\"ci_available\":%s", PAR_CI_LEVEL, ci ? "true" : "false");
    json_num_or_null(f, "ci_low_s", ci, r->ci.low);
    json_num_or_null(f, "ci_high_s", ci, r->ci.high);
    json_num_or_null(f, "ci_half_width", ci, par_ci_rel_half_width(&r->ci));
    fprintf(f, ",\"ci_target\":%.4f,\"target_reached\":%s", r->opts->ci_target,
            ci && r->target_reached ? "true" : "false");
    if (r->workers_ran > 0)
        fprintf(f, ",\"workers_ran\":%d,\"team_warning\":", r->workers_ran);
    else
        fputs(",\"workers_ran\":null,\"team_warning\":", f);
    char tw[160];
    const char *w = par_report_team_warning(r, tw, sizeof tw);
    if (w)
        par_json_string(f, w);
    else
        fputs("null", f);
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
    fprintf(f, ",\"reps\":%d,\"warmup\":%d,\"times_s\":[", r->ntimes, r->warmups);
    for (int i = 0; i < r->ntimes; i++)
        fprintf(f, "%s%.9f", i ? "," : "", r->times[i]);
    fprintf(f, "],\"median_s\":%.9f,\"min_s\":%.9f,\"max_s\":%.9f,\"mean_s\":%.9f,"
               "\"stddev_s\":%.9f,\"mad_s\":%.9f",
            r->stats.median, r->stats.min, r->stats.max, r->stats.mean, r->stats.stddev,
            r->stats.mad);
    par_report_sampling_json(f, r);
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
              PAR_PLACEMENT_CSV_HEADER ",samples,warmups,warmup_steady,ci_low_s,ci_high_s,"
              "target_reached,stop,workers_ran\n", f);
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
    /* The CSV ends with the sampling columns; an unavailable CI is empty. */
    int ci = r->ci.available && r->verified;
    char lo[32] = "", hi[32] = "";
    if (ci) {
        snprintf(lo, sizeof lo, "%.9f", r->ci.low);
        snprintf(hi, sizeof hi, "%.9f", r->ci.high);
    }
    fprintf(f, ",%d,%d,%s,%s,%s,%s,%s,", r->ntimes, r->warmups,
            r->warmup_steady > 0 ? "true" : r->warmup_steady == 0 ? "false" : "",
            lo, hi, ci && r->target_reached ? "true" : "false", r->stop ? r->stop : "fixed");
    if (r->workers_ran > 0)
        fprintf(f, "%d", r->workers_ran);
    fputc('\n', f);
}
