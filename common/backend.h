/* The back-end contract. Every parallel workload here is a map of a kernel
 * over items or a tree of tasks, so a back end implements two operations
 * (map, tree) plus open/close; the common driver does everything else.
 * A third, grain, runs Task Bench's graph of steps (grain.h): its per-step
 * synchronisation is the thing measured, so each back end does it its own
 * way instead of the driver building it from maps.
 *
 * Call order, from one thread: open, then any number of map/tree calls, then
 * close (also after a failed open). Under MPI every rank makes the same calls
 * in the same order (they are collective). */
#ifndef PAR_BACKEND_H
#define PAR_BACKEND_H
#include "export.h"
PAR_BEGIN_DECLS

#include <stddef.h>
#include <stdint.h>

#include "grain.h"
#include "kernels.h"
#include "options.h"
#include "placement.h"

/* One map job: out[i] = kernel(in[i]) for i in [0, n). */
struct par_map {
    const struct par_kernel *kernel;
    const int64_t *in;         /* n inputs; on MPI ranks other than 0 may be NULL */
    int64_t *out;              /* n outputs; on MPI ranks other than 0 may be NULL */
    size_t n;
    enum par_schedule schedule;
    size_t chunk;              /* items per chunk; 0 = the back end chooses */
};

/* State of one run, shared by the driver and the back end. */
struct par_run {
    const struct par_opts *opts;  /* parsed options; read-only */
    int workers;        /* in: requested; a back end may set the real count (MPI: ranks) */
    int rank;           /* this process's rank (0 unless MPI) */
    int is_root;        /* 1 where results are verified and printed (default 1) */
    const char *workers_from; /* back end: where its own worker count came from
                                 ("launcher" for MPI, "fixed" for serial); NULL
                                 keeps the options' source */
    int workers_ran;    /* back end, after each map/tree: the workers that really
                           took part (threads in the OpenMP team, pool threads
                           that ran a task); 0 = not reported */
    void *state;        /* back end private, owned by the back end (freed in close) */
    char detail[128];   /* back end: one line on how it ran ("schedule=dynamic,chunk=64") */
    char errmsg[256];   /* back end: one line saying why a call failed */
    /* back end (MPI ones): where its ranks ran, owned by the back end and
     * valid until close; NULL for back ends inside one process. */
    const struct par_placement *placement;
};

struct par_backend {
    const char *name;   /* "serial", "pthread", "gil", "omp", "mpi", "proc" */
    const char *kind;   /* "serial", "threads", "processes" or "processes+threads" */
    int  (*open)(struct par_run *run);
    int  (*map)(struct par_run *run, const struct par_map *job);
    int  (*tree)(struct par_run *run, int n, int cutoff, int64_t *result);
    void (*close)(struct par_run *run);
    /* Optional (NULL: identity). Turns this process's elapsed seconds into the
     * run's time; MPI returns the maximum over ranks. Collective under MPI. */
    double (*reduce_time)(struct par_run *run, double seconds);
    /* The grain workload (grain.h): job->steps steps of job->tasks tasks with
     * the step-to-step dependences of job->pattern; job->out gets the last
     * step's values (MPI: on rank 0). NULL, or PAR_ENOTSUP with a reason in
     * run->errmsg, where a back end cannot run it. Collective under MPI. */
    int  (*grain)(struct par_run *run, const struct par_grain *job);
    /* Optional (NULL: identity). Returns the root's `decision` on every rank,
     * so that all ranks stop repeating at the same run (MPI: a broadcast
     * from rank 0). Collective under MPI; called once per run by every rank,
     * the root included even when its result did not verify. */
    int (*agree)(struct par_run *run, int decision);
};

/* A registry entry: every back end is listed, built or not. */
struct par_backend_entry {
    const char *name;
    const struct par_backend *impl;  /* NULL when not built */
    const char *why_missing;         /* one line, when impl is NULL */
};

/* The serial reference back end (always built). */
extern const struct par_backend par_backend_serial;

/* Look a back end up by name in a table of `count` entries. Returns the entry
 * or NULL when the name is unknown. */
const struct par_backend_entry *par_backend_find(const struct par_backend_entry *table,
                                                 size_t count, const char *name);

PAR_END_DECLS
#endif
