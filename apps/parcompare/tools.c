#include "tools.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "child.h"

/* Probes are quick; a tool that takes longer than this is broken. */
#define PROBE_TIMEOUT_S 20.0

void par__self_dir(char *buf, size_t len)
{
    ssize_t n = readlink("/proc/self/exe", buf, len - 1);
    if (n <= 0) {
        snprintf(buf, len, ".");
        return;
    }
    buf[n] = '\0';
    char *slash = strrchr(buf, '/');
    if (slash == buf)
        buf[1] = '\0';
    else if (slash)
        *slash = '\0';
    else
        snprintf(buf, len, ".");
}

static int is_executable_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

void par__default_bindir(char *buf, size_t len)
{
    /* poolmap and parmap are built beside parcompare (apps/CMakeLists.txt). */
    char self[PAR__PATH_LEN];
    par__self_dir(self, sizeof self);
    snprintf(buf, len, "%s", self);
}

int par__which(const char *name, char *out, size_t len)
{
    if (strchr(name, '/')) {
        if (!is_executable_file(name))
            return 0;
        snprintf(out, len, "%s", name);
        return 1;
    }
    const char *path = getenv("PATH");
    if (!path || !*path)
        return 0;
    const char *p = path;
    for (;;) {
        size_t n = strcspn(p, ":");
        char cand[PAR__PATH_LEN];
        if (n == 0)
            snprintf(cand, sizeof cand, "./%s", name);
        else
            snprintf(cand, sizeof cand, "%.*s/%s", (int)n, p, name);
        if (is_executable_file(cand)) {
            snprintf(out, len, "%s", cand);
            return 1;
        }
        if (!p[n])
            return 0;
        p += n + 1;
    }
}

/* Runs argv and returns its stdout+stderr (owned by *c) when it exited 0. */
static int probe(char *const argv[], struct par__child *c)
{
    if (par__child_run(argv, NULL, PROBE_TIMEOUT_S, c))
        return -1;
    if (!c->started || c->timed_out || c->exit_code != 0) {
        par__child_free(c);
        return -1;
    }
    return 0;
}

static void first_line(const char *s, char *buf, size_t len)
{
    size_t n = strcspn(s, "\n");
    while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == ' '))
        n--;
    snprintf(buf, len, "%.*s", (int)n, s);
}

/* Reads "<name> built (<kind>)" / "<name> not built: <reason>" lines. */
static void read_backend_list(struct par__tools *t, const char *text)
{
    const char *line = text;
    while (*line) {
        size_t n = strcspn(line, "\n");
        char buf[512];
        snprintf(buf, sizeof buf, "%.*s", (int)n, line);
        char name[32];
        int used = 0;
        if (sscanf(buf, "%31s %n", name, &used) == 1) {
            int be = par__be_parse(name);
            const char *rest = buf + used;
            if (be >= 0 && strncmp(rest, "built", 5) == 0) {
                t->usable[be] = 1;
                const char *open = strchr(rest, '(');
                const char *close = open ? strchr(open, ')') : NULL;
                if (open && close)
                    snprintf(t->kind[be], sizeof t->kind[be], "%.*s", (int)(close - open - 1),
                             open + 1);
                t->why[be][0] = '\0';
            } else if (be >= 0 && strncmp(rest, "not built", 9) == 0) {
                const char *colon = strchr(rest, ':');
                const char *why = colon ? colon + 1 : "";
                while (*why == ' ')
                    why++;
                snprintf(t->why[be], sizeof t->why[be], "not built: %s",
                         *why ? why : "(no reason given)");
            }
        }
        line += n;
        if (*line == '\n')
            line++;
    }
}

static void probe_mpirun(struct par__tools *t, const char *given)
{
    const char *name = given ? given : "mpirun";
    if (!par__which(name, t->mpirun, sizeof t->mpirun)) {
        t->mpirun[0] = '\0';
        if (given)
            snprintf(t->why[PAR__BE_MPI], sizeof t->why[0], "--mpirun %s is not an executable",
                     given);
        else
            snprintf(t->why[PAR__BE_MPI], sizeof t->why[0],
                     "mpirun was not found on PATH (install Open MPI or give --mpirun PATH)");
        return;
    }
    char *argv[] = { t->mpirun, "--version", NULL };
    struct par__child c;
    if (probe(argv, &c)) {
        snprintf(t->why[PAR__BE_MPI], sizeof t->why[0], "%.200s --version failed", t->mpirun);
        t->mpirun[0] = '\0';
        return;
    }
    const char *text = c.out[0] ? c.out : c.err;
    first_line(text, t->mpirun_version, sizeof t->mpirun_version);
    t->openmpi = strstr(text, "Open MPI") != NULL || strstr(text, "OpenRTE") != NULL;
    par__child_free(&c);
}

static void probe_python(struct par__tools *t)
{
    if (!par__which("python3", t->python, sizeof t->python)) {
        t->python[0] = '\0';
        return;
    }
    char *argv[] = { t->python, "--version", NULL };
    struct par__child c;
    if (probe(argv, &c)) {
        t->python[0] = '\0';
        return;
    }
    first_line(c.out[0] ? c.out : c.err, t->python_version, sizeof t->python_version);
    par__child_free(&c);
}

static void probe_gnuplot(struct par__tools *t)
{
    if (!par__which("gnuplot", t->gnuplot, sizeof t->gnuplot)) {
        t->gnuplot[0] = '\0';
        snprintf(t->why_no_plots, sizeof t->why_no_plots,
                 "gnuplot was not found on PATH (install gnuplot-nox for the plots)");
        return;
    }
    char *vargv[] = { t->gnuplot, "--version", NULL };
    struct par__child c;
    if (probe(vargv, &c)) {
        snprintf(t->why_no_plots, sizeof t->why_no_plots, "%.200s --version failed", t->gnuplot);
        t->gnuplot[0] = '\0';
        return;
    }
    first_line(c.out, t->gnuplot_version, sizeof t->gnuplot_version);
    par__child_free(&c);
    /* gnuplot lists its terminals on stderr. */
    char *targv[] = { t->gnuplot, "-e", "set terminal", NULL };
    if (probe(targv, &c)) {
        snprintf(t->why_no_plots, sizeof t->why_no_plots, "gnuplot could not list its terminals");
        t->gnuplot[0] = '\0';
        return;
    }
    if (strstr(c.out, "pngcairo") || strstr(c.err, "pngcairo"))
        snprintf(t->png_terminal, sizeof t->png_terminal, "pngcairo");
    else if (strstr(c.out, " png ") || strstr(c.err, " png "))
        snprintf(t->png_terminal, sizeof t->png_terminal, "png");
    par__child_free(&c);
    if (!t->png_terminal[0]) {
        snprintf(t->why_no_plots, sizeof t->why_no_plots,
                 "this gnuplot has no PNG terminal (pngcairo or png)");
        t->gnuplot[0] = '\0';
    }
}

#ifndef PAR_LIBEXEC_FROM_BIN
#define PAR_LIBEXEC_FROM_BIN "../libexec/parcompare"
#endif

/* The overhead suite is built in <build>/bench, beside <build>/apps; an
 * installed parcompare has it in <prefix>/libexec/parcompare (GNU's place for
 * programs that programs run), found relative to bin so that a moved prefix
 * works; a hand-made layout may keep it beside poolmap. */
static void find_overhead(struct par__tools *t, const char *bindir)
{
    static const char *const where[] = { "", "/../bench", ("/" PAR_LIBEXEC_FROM_BIN) };
    for (size_t i = 0; i < sizeof where / sizeof *where; i++) {
        char cand[PAR__PATH_LEN + 64];
        snprintf(cand, sizeof cand, "%s%s/bench_overhead", bindir, where[i]);
        if (is_executable_file(cand) && strlen(cand) < sizeof t->overhead) {
            snprintf(t->overhead, sizeof t->overhead, "%s", cand);
            return;
        }
    }
    snprintf(t->why_no_overhead, sizeof t->why_no_overhead,
             "bench_overhead was not found beside poolmap, in ../bench or in "
             PAR_LIBEXEC_FROM_BIN " (build target bench_overhead)");
}

int par__tools_probe(struct par__tools *t, const char *bindir, const char *mpirun,
                     int want_python, char *msg, size_t msglen)
{
    memset(t, 0, sizeof *t);
    snprintf(t->bindir, sizeof t->bindir, "%s", bindir);
    snprintf(t->poolmap, sizeof t->poolmap, "%s/poolmap", bindir);
    snprintf(t->parmap, sizeof t->parmap, "%s/parmap", bindir);
    if (!is_executable_file(t->poolmap)) {
        snprintf(msg, msglen, "cannot find poolmap in %s (build target poolmap, or give "
                 "--bin-dir DIR)", bindir);
        return -1;
    }
    t->have_parmap = is_executable_file(t->parmap);
    for (int be = 0; be < PAR__BE_COUNT; be++)
        snprintf(t->why[be], sizeof t->why[be], "not listed by poolmap --list-backends");

    char *argv[] = { t->poolmap, "--list-backends", NULL };
    struct par__child c;
    if (probe(argv, &c)) {
        snprintf(msg, msglen, "%s --list-backends did not answer; is it a poolmap of this "
                 "project?", t->poolmap);
        return -1;
    }
    read_backend_list(t, c.out);
    par__child_free(&c);

    /* proc and mpi run in parmap; mpi also needs a launcher. */
    if (t->usable[PAR__BE_PROC] && !t->have_parmap) {
        t->usable[PAR__BE_PROC] = 0;
        snprintf(t->why[PAR__BE_PROC], sizeof t->why[0], "parmap is not built in %s", bindir);
    }
    if (t->usable[PAR__BE_MPI]) {
        if (!t->have_parmap) {
            t->usable[PAR__BE_MPI] = 0;
            snprintf(t->why[PAR__BE_MPI], sizeof t->why[0], "parmap is not built in %s", bindir);
        } else {
            probe_mpirun(t, mpirun);
            if (!t->mpirun[0])
                t->usable[PAR__BE_MPI] = 0;
        }
    }
    /* hybrid runs in parmap under the same launcher as mpi. */
    if (t->usable[PAR__BE_HYBRID] && !t->usable[PAR__BE_MPI]) {
        t->usable[PAR__BE_HYBRID] = 0;
        snprintf(t->why[PAR__BE_HYBRID], sizeof t->why[0], "%s", t->why[PAR__BE_MPI]);
    }
    find_overhead(t, bindir);
    if (want_python)
        probe_python(t);
    probe_gnuplot(t);
    return 0;
}
