/* What this machine offers parcompare: the sibling programs (poolmap,
 * parmap), which back ends they were built with, and the outside tools
 * (mpirun, python3, gnuplot) with their versions. Probing runs each tool
 * once as a child process. Not thread-safe. */
#ifndef PAR_CMP_TOOLS_H
#define PAR_CMP_TOOLS_H

#include <stddef.h>

#include "matrix.h"

struct par__nodes;

#define PAR__PATH_LEN 4096

struct par__tools {
    char bindir[PAR__PATH_LEN];
    char poolmap[PAR__PATH_LEN];
    char parmap[PAR__PATH_LEN];
    int have_parmap;

    /* Per back end: usable here (built, and its launcher is there), its kind
     * ("threads", "processes", "serial") and, when not usable, why. */
    int usable[PAR__BE_COUNT];
    char kind[PAR__BE_COUNT][24];
    char why[PAR__BE_COUNT][256];

    /* bench_overhead (the overhead suite, bench/overhead.c): beside poolmap
     * or, in a build tree, in ../bench; "" with why_no_overhead when not. */
    char overhead[PAR__PATH_LEN];
    char why_no_overhead[256];

    char mpirun[PAR__PATH_LEN];   /* "" when not found */
    int openmpi;                  /* 1: Open MPI's mpirun (takes its flags) */
    char mpirun_version[128];

    char python[PAR__PATH_LEN];   /* "" when not found */
    char python_version[64];

    char gnuplot[PAR__PATH_LEN];  /* "" when not found or it has no PNG terminal */
    char gnuplot_version[64];
    char png_terminal[16];        /* "pngcairo" or "png" */
    char why_no_plots[256];       /* when gnuplot is "" */

    /* --nodes: the allocation or hostfile the MPI points spread over
     * (nodes.h); NULL when --nodes was not given. Set by main. */
    const struct par__nodes *nodes;
};

/* The folder of the running executable (/proc/self/exe), or "." when it
 * cannot be read. */
void par__self_dir(char *buf, size_t len);

/* Where poolmap and parmap are by default: parcompare's own folder (they
 * are built side by side in <build>/apps). */
void par__default_bindir(char *buf, size_t len);

/* Fills t. `bindir` holds poolmap (and parmap when built). `mpirun`: a path
 * given with --mpirun, or NULL to look in PATH. Returns 0, or -1 with a
 * one-line message in msg when poolmap is missing or does not answer
 * --list-backends (nothing can be measured then). */
int par__tools_probe(struct par__tools *t, const char *bindir, const char *mpirun,
                     int want_python, char *msg, size_t msglen);

/* Searches PATH for an executable `name` (or checks it when it has a '/').
 * Returns 1 and fills out when found. */
int par__which(const char *name, char *out, size_t len);

#endif
