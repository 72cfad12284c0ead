/* Start-up guard for the programs that link the OpenMP runtime (poolmap,
 * parmap): an OMP_NUM_THREADS or OMP_SCHEDULE value that libgomp would
 * refuse is taken out of the environment BEFORE libgomp reads it.
 *
 * Why: libgomp parses OMP_* in a constructor that runs when the library is
 * loaded, before main, and prints "libgomp: Invalid value for environment
 * variable ..." on its own. Our programs then either printed their own line
 * after libgomp's (poolmap), or - parmap, which does not use
 * OMP_NUM_THREADS at all - printed libgomp's warning and exited 0. The
 * executable's .preinit_array runs before the constructors of any shared
 * library (System V gABI; glibc's _dl_init), so this function sees the
 * environment first. Alternatives weighed: a re-exec with a cleaned
 * environment costs a second exec of every run and still lets libgomp print
 * in the first one unless the program is split in two; not linking libgomp
 * into parmap (dlopen of the OpenMP back end) would move the back end into
 * a plugin. This is 40 lines and costs nothing measurable.
 *
 * The guard only hides: the value stays available through par_omp_getenv,
 * and the driver then refuses it with its own one line (poolmap, exit 2),
 * or ignores it where the run does not use it (parmap's worker count, a
 * serial run's schedule). Values libgomp accepts are left alone.
 *
 * It edits the environment array it is given in place (glibc's `environ`
 * is that same array; getenv/unsetenv are not ready this early). */
#include <string.h>

#include "ompenv.h"

static int refused(const char *name, const char *value)
{
    long threads;
    enum par_schedule k;
    int is_auto;
    size_t chunk;
    if (strcmp(name, "OMP_NUM_THREADS") == 0)
        return par_omp_parse_num_threads(value, &threads) != 0;
    return par_omp_parse_schedule(value, &k, &is_auto, &chunk) != 0;
}

static void guard(int argc, char **argv, char **envp)
{
    (void)argc;
    (void)argv;
    static const char *const names[] = { "OMP_NUM_THREADS", "OMP_SCHEDULE" };
    char **keep = envp;
    for (char **e = envp; e && *e; e++) {
        int hide = 0;
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
            size_t n = strlen(names[i]);
            if (strncmp(*e, names[i], n) == 0 && (*e)[n] == '=' && refused(names[i], *e + n + 1)) {
                par_omp_env_hide(names[i], *e + n + 1);
                hide = 1;
            }
        }
        if (!hide)
            *keep++ = *e;
    }
    if (keep)
        *keep = NULL;
}

__attribute__((section(".preinit_array"), used))
static void (*const par_ompenv_guard)(int, char **, char **) = guard;
