/* Placement: where the ranks of an MPI job ran, so that a record of 2 ranks
 * on 2 nodes (talking over the network) can never pass for 2 ranks on one
 * node (talking through shared memory).
 *
 * A node is a distinct host name as the ranks see it (MPI_Get_processor_name,
 * which Open MPI and MPICH take from gethostname): that is also how MPI
 * libraries decide which ranks may share memory. Kept apart from report.c
 * (which calls the writers below) so that the record's other fields can
 * change without touching this one. */
#ifndef PAR_PLACEMENT_H
#define PAR_PLACEMENT_H
#include "export.h"
PAR_BEGIN_DECLS

#include <stddef.h>
#include <stdio.h>

#define PAR_PLACEMENT_MAX_HOSTS 64   /* distinct hosts named in a record */
#define PAR_PLACEMENT_HOST_LEN  64   /* bytes per kept name, NUL included */

struct par_placement {
    int ranks;              /* MPI ranks in the job (>= 1) */
    int nodes;              /* distinct host names among them (>= 1) */
    int ranks_per_node_min; /* fewest ranks on one node */
    int ranks_per_node_max; /* most ranks on one node (== min when even) */
    int threads_per_rank;   /* threads each rank computes with (1: plain MPI) */
    int nhosts;             /* entries kept below: min(nodes, PAR_PLACEMENT_MAX_HOSTS) */
    char hosts[PAR_PLACEMENT_MAX_HOSTS][PAR_PLACEMENT_HOST_LEN]; /* in order of first rank */
    int host_ranks[PAR_PLACEMENT_MAX_HOSTS];                     /* ranks on each */
};

/* Fills *p from the host name of every rank: `names` holds `ranks` strings
 * of `stride` bytes each, rank 0 first (each NUL-terminated within its
 * stride; a longer one is cut there). Names longer than the kept length are
 * shortened in hosts[] but told apart by their full text. Returns 0, or -1
 * when ranks < 1, stride == 0, names is NULL or threads_per_rank < 1
 * (then *p is zeroed). O(ranks × nodes). */
int par_placement_from_names(struct par_placement *p, const char *names, size_t stride,
                             int ranks, int threads_per_rank);

/* Ranks whose name equals the name of rank `rank` (its node's rank count),
 * for the same `names` array; 0 when rank is out of range. */
int par_placement_ranks_on_node(const char *names, size_t stride, int ranks, int rank);

/* "2 nodes x 1 rank per node x 2 threads" (ranks per node "1-2" when
 * uneven; the thread part only when threads_per_rank > 1) into buf;
 * returns buf. */
const char *par_placement_summary(const struct par_placement *p, char *buf, size_t len);

/* The record's writers. p NULL means "not an MPI run":
 *   JSON  ,"placement":null  or  ,"placement":{"nodes":2,"ranks":2,
 *         "ranks_per_node":1,"ranks_per_node_min":1,"ranks_per_node_max":1,
 *         "threads_per_rank":1,"hosts":[{"host":"node1","ranks":1},...]}
 *         (the leading comma included: it follows another member);
 *   CSV   the columns named by PAR_PLACEMENT_CSV_HEADER (leading comma
 *         included), empty when p is NULL; hosts as "node1:1;node2:1";
 *   text  "  placement 2 nodes x 1 rank per node: node1 (1), node2 (1)\n",
 *         nothing when p is NULL. */
#define PAR_PLACEMENT_CSV_HEADER ",nodes,ranks_per_node,threads_per_rank,hosts"
void par_placement_json(FILE *f, const struct par_placement *p);
void par_placement_csv(FILE *f, const struct par_placement *p);
void par_placement_text(FILE *f, const struct par_placement *p);

PAR_END_DECLS
#endif
