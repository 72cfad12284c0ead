#include "env.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "options.h"

extern char **environ;

#ifndef PAR_REPORTED_FLAGS
#define PAR_REPORTED_FLAGS ""
#endif

static void cpu_model(char *buf, size_t len)
{
    snprintf(buf, len, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "model name", 10) == 0) {
            const char *v = strchr(line, ':');
            if (v) {
                v++;
                while (*v == ' ' || *v == '\t')
                    v++;
                snprintf(buf, len, "%s", v);
                buf[strcspn(buf, "\n")] = '\0';
            }
            break;
        }
    }
    fclose(f);
}

static int is_reported_var(const char *kv)
{
    static const char *const prefixes[] = { "OMP_", "GOMP_", "KMP_", "OMPI_MCA_", "PAR_TEST_" };
    for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++)
        if (strncmp(kv, prefixes[i], strlen(prefixes[i])) == 0)
            return 1;
    return 0;
}

void par_env_collect(struct par_env *env)
{
    memset(env, 0, sizeof *env);
    if (gethostname(env->host, sizeof env->host - 1))
        snprintf(env->host, sizeof env->host, "unknown");
    env->cores = par_cores();
    cpu_model(env->cpu, sizeof env->cpu);
#if defined(__clang__)
    snprintf(env->compiler, sizeof env->compiler, "clang %d.%d.%d", __clang_major__,
             __clang_minor__, __clang_patchlevel__);
#elif defined(__GNUC__)
    snprintf(env->compiler, sizeof env->compiler, "gcc %d.%d.%d", __GNUC__, __GNUC_MINOR__,
             __GNUC_PATCHLEVEL__);
#else
    snprintf(env->compiler, sizeof env->compiler, "unknown");
#endif
    snprintf(env->flags, sizeof env->flags, "%s", PAR_REPORTED_FLAGS);
    for (char **e = environ; e && *e && env->nvars < PAR_ENV_MAX_VARS; e++)
        if (is_reported_var(*e))
            snprintf(env->vars[env->nvars++], sizeof env->vars[0], "%s", *e);
}

void par_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\t': fputs("\\t", f); break;
        case '\r': fputs("\\r", f); break;
        default:
            if (*p < 0x20)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
        }
    }
    fputc('"', f);
}

void par_env_json(FILE *f, const struct par_env *env)
{
    fputs("{\"host\":", f);
    par_json_string(f, env->host);
    fprintf(f, ",\"cores\":%d,\"cpu\":", env->cores);
    par_json_string(f, env->cpu);
    fputs(",\"compiler\":", f);
    par_json_string(f, env->compiler);
    fputs(",\"flags\":", f);
    par_json_string(f, env->flags);
    fputs(",\"openmp\":", f);
    par_json_string(f, env->openmp);
    fputs(",\"mpi\":", f);
    par_json_string(f, env->mpi);
    fputs(",\"vars\":{", f);
    for (int i = 0; i < env->nvars; i++) {
        const char *kv = env->vars[i], *eq = strchr(kv, '=');
        char key[160];
        size_t klen = eq ? (size_t)(eq - kv) : strlen(kv);
        snprintf(key, sizeof key, "%.*s", (int)klen, kv);
        if (i)
            fputc(',', f);
        par_json_string(f, key);
        fputc(':', f);
        par_json_string(f, eq ? eq + 1 : "");
    }
    fputs("}}", f);
}
