#include "load.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include "clock.h"

/* Busy and steal seconds summed over all cores, from /proc/stat's "cpu"
 * line: user nice system idle iowait irq softirq steal (guest time is
 * already inside user). */
static int read_stat(double *busy, double *steal)
{
    FILE *f = fopen("/proc/stat", "r");
    if (!f)
        return -1;
    unsigned long long v[8] = { 0 };
    int n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
                   &v[3], &v[4], &v[5], &v[6], &v[7]);
    fclose(f);
    long hz = sysconf(_SC_CLK_TCK);
    if (n < 7 || hz <= 0)
        return -1;
    *busy = (double)(v[0] + v[1] + v[2] + v[5] + v[6]) / (double)hz;
    *steal = n >= 8 ? (double)v[7] / (double)hz : 0;
    return 0;
}

static double tv(struct timeval t)
{
    return (double)t.tv_sec + (double)t.tv_usec * 1e-6;
}

static double our_cpu(void)
{
    struct rusage self, kids;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &kids);
    return tv(self.ru_utime) + tv(self.ru_stime) + tv(kids.ru_utime) + tv(kids.ru_stime);
}

void par__load_begin(struct par__load *l)
{
    l->wall0 = par_now_s();
    if (read_stat(&l->busy0, &l->steal0))
        l->busy0 = l->steal0 = NAN;
    l->ours0 = our_cpu();
    double avg[1];
    l->loadavg0 = getloadavg(avg, 1) == 1 ? avg[0] : NAN;
}

void par__load_since(const struct par__load *l, double *others, double *steal)
{
    double busy, st, wall = par_now_s() - l->wall0;
    if (isnan(l->busy0) || read_stat(&busy, &st) || wall <= 0) {
        *others = *steal = NAN;
        return;
    }
    double o = (busy - l->busy0 - (our_cpu() - l->ours0)) / wall;
    *others = o > 0 ? o : 0;
    *steal = (st - l->steal0) / wall;
}
