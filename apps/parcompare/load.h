/* How busy the machine was with work that is not ours. Timings taken while
 * other processes compete for the cores are slower and noisier; parcompare
 * measures that and says so instead of letting it pass for a result.
 *
 * others = (CPU time all cores spent busy, from /proc/stat)
 *        - (CPU time of parcompare and every child it reaped, getrusage)
 * divided by the wall time: the average number of cores other processes
 * kept busy. Linux-only (/proc/stat); elsewhere the numbers are NaN. */
#ifndef PAR_CMP_LOAD_H
#define PAR_CMP_LOAD_H

struct par__load {
    double wall0;          /* monotonic seconds at begin */
    double busy0, steal0;  /* /proc/stat busy and steal seconds at begin (NaN if unread) */
    double ours0;          /* our CPU seconds (self + reaped children) at begin */
    double loadavg0;       /* 1-minute load average at begin (NaN if unread) */
};

#define PAR__BUSY_WARN_CORES 0.25  /* other work above this many cores: warn */

void par__load_begin(struct par__load *l);

/* Since begin: *others gets the average cores others kept busy, *steal the
 * cores the hypervisor took. NaN when /proc/stat cannot be read. */
void par__load_since(const struct par__load *l, double *others, double *steal);

#endif
