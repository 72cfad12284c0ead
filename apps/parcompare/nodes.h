/* parcompare across nodes: the --nodes dimension.
 *
 *   salloc -N 2 parcompare --nodes 1,2            inside a Slurm allocation: srun
 *   parcompare --nodes 1,2 --hostfile hosts       Open MPI's mpirun over the hosts
 *
 * With --nodes, every MPI point runs once per node count N (N dividing its
 * ranks): `srun -N N -n R --ntasks-per-node R/N` in an allocation, or
 * `mpirun -n R --host h1:R/N,...` over the first N hosts of the hostfile;
 * and the "hybrid" back end joins at the same total workers W as N ranks (one
 * per node) x W/N OpenMP threads, so that each pair compares N nodes x 1
 * rank x W/N threads with N nodes x W/N ranks x 1 thread. These points form
 * their own set (PAR__SET_NODES): one table per workload "across nodes", one
 * plot of speed-up against total workers with a line per back end and node
 * count, a report section that says what crossed the network, and the
 * interconnect (pingpong within one node and between two) in results.json.
 * Without --nodes nothing here runs and parcompare is unchanged.
 *
 * Not thread-safe: parcompare is single-threaded. */
#ifndef PAR_CMP_NODES_H
#define PAR_CMP_NODES_H

#include <stddef.h>
#include <stdio.h>

#include <cJSON.h>

#include "matrix.h"

#define PAR__MAX_NODE_COUNTS 16
#define PAR__MAX_NODES 4096
#define PAR__MAX_HOSTS 256

#define PAR__MAX_NODE_PLOTS 8

enum par__nodes_via { PAR__NODES_NONE, PAR__NODES_SLURM, PAR__NODES_HOSTFILE };

struct par__nodes {
    /* From the command line. */
    int counts[PAR__MAX_NODE_COUNTS];   /* --nodes, ascending, no repeats */
    int ncounts;                        /* 0: --nodes not given */
    const char *hostfile;               /* --hostfile, or NULL */

    /* par__nodes_resolve. */
    enum par__nodes_via via;
    int available;                      /* nodes in the allocation or the hostfile */
    char hosts[PAR__MAX_HOSTS][128];    /* hostfile: distinct hosts, in file order */
    int nhosts;
    char srun[4096];                    /* the Slurm launcher (via SLURM) */
    char where[160];                    /* "Slurm job 12 (2 nodes)" / "hostfile F (2 hosts)" */

    /* par__nodes_interconnect: pingpong records (owned), NULL when not run. */
    cJSON *within, *between;
    char interconnect_why[256];         /* why a measurement is missing */

    /* par__nodes_plots: PNG names written in the output folder. */
    char plots[PAR__MAX_NODE_PLOTS][64];
    int nplots;
};

/* Parses a --nodes list ("1,2"): node counts in 1..PAR__MAX_NODES, at most
 * PAR__MAX_NODE_COUNTS of them, sorted and de-duplicated. Returns 0 or
 * PAR_EINVAL with a one-line message. */
int par__nodes_parse(struct par__nodes *n, const char *arg, char *msg, size_t len);

struct par__tools;

/* Checks what --nodes needs, before any point runs: a Slurm allocation
 * (SLURM_JOB_ID and SLURM_JOB_NUM_NODES, srun in PATH) or a readable
 * --hostfile with at least max(--nodes) distinct hosts (and mpirun); the
 * mpi back end usable. Returns 0 (also when --nodes was not given and no
 * --hostfile either) or PAR_EINVAL with a one-line message (a usage error:
 * exit 2). */
int par__nodes_resolve(struct par__nodes *n, const struct par__tools *t, char *msg, size_t len);

/* The launcher's words for running `ranks` ranks on `nodes` nodes (ranks a
 * multiple of nodes), program and its arguments not included, into v
 * (pointers into n, t or static storage valid until the next call); returns
 * how many (<= max). */
int par__nodes_launcher(const struct par__nodes *n, const struct par__tools *t, int nodes,
                        int ranks, const char **v, int max);

struct par__plan;

/* Adds the --nodes points (sets PAR__SET_NODES) for mpi and hybrid, for
 * every workload, worker count W and node count N with N dividing W.
 * Returns 0 or -1 (out of memory). */
int par__nodes_plan(const struct par__nodes *n, const struct par__plan *pl, int with_hybrid,
                    struct par__matrix *m);

/* Speed-up (serial median / median) and efficiency (speed-up / workers) of
 * the --nodes points, after par__table_derive (which leaves them out: they
 * are not in the matrix's tables). */
void par__nodes_derive(struct par__matrix *m);

/* Runs pingpong (beside parmap) on 2 ranks within one node and, when the
 * largest count is 2 or more, between two nodes; keeps their JSON records.
 * Failures are recorded in interconnect_why, never fatal. */
void par__nodes_interconnect(struct par__nodes *n, const struct par__tools *t, double timeout_s);

/* The "across nodes" tables (text or Markdown), one per workload, with the
 * interconnect figures: nothing when --nodes was not given. */
void par__nodes_print(FILE *f, const struct par__nodes *n, const struct par__matrix *m,
                      const int *workloads, int nworkloads, int markdown);

/* report.md's section "Across nodes": the tables, what crossed the network
 * per workload, the plots. */
void par__nodes_report(FILE *f, const struct par__nodes *n, const struct par__matrix *m,
                       const int *workloads, int nworkloads);

/* Adds "nodes" (counts, how, where) and "interconnect" to results.json's root. */
void par__nodes_json(cJSON *root, const struct par__nodes *n);

/* Draws speedup-nodes-<workload>.png per workload with gnuplot (t->gnuplot)
 * into dir and names them in n->plots; n->nplots stays 0 without gnuplot or
 * when it fails (the report then has the tables only). */
void par__nodes_plots(const char *dir, struct par__nodes *n, const struct par__matrix *m,
                      const struct par__tools *t, const int *workloads, int nworkloads,
                      double timeout_s);

/* 1 when a baseline record may stand for point p as far as placement goes:
 * the same node count and threads per rank when either side ran across
 * nodes or with threads inside ranks (records without placement: 1 node,
 * 1 thread). */
int par__nodes_same_placement(const cJSON *record, const struct par__point *p);

/* Frees the pingpong records. */
void par__nodes_free(struct par__nodes *n);

#endif
