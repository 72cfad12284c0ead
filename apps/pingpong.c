/* pingpong — the interconnect between two MPI ranks, measured the way the
 * OSU micro-benchmarks do (osu_latency, osu_bw; Ohio State University,
 * mvapich.cse.ohio-state.edu/benchmarks): our own small program.
 *
 *   mpirun -n 2 ./pingpong                       two ranks on one node
 *   mpirun -n 2 --map-by node ./pingpong         one rank on each of 2 nodes
 *   srun -N 2 -n 2 ./pingpong --json             the same under Slurm
 *
 * latency    8-byte messages bounced between rank 0 and rank 1: one-way
 *            latency = round-trip time / 2, per sample of --iters round
 *            trips after 100 warm-up trips (osu_latency's definition).
 * bandwidth  1 MiB messages streamed from rank 0 to rank 1 in windows of
 *            16 non-blocking sends, each window acknowledged by a 4-byte
 *            message (osu_bw's shape): bytes sent / time. The windows per
 *            sample are chosen once, after a warm-up window, from one timed
 *            window so that a
 *            sample lasts about 0.1 s, 1..20 windows: a 10 Mbit link then
 *            still finishes in seconds, a shared-memory one still fills a
 *            sample. Rank 0 decides and tells rank 1.
 * Each figure is the median of --samples samples, with the best sample
 * beside it; every message is checked (a pattern per message and position)
 * outside the timed loops: a wrong byte ends the run with exit status 1.
 * The record names both ranks' hosts (same host: shared memory; different
 * hosts: the network) and the link cap, if any (common/linkrate.h).
 *
 * Exit status: 0 measured and verified; 1 a message arrived wrong or MPI
 * failed; 2 usage error (one line on stderr, from rank 0 only). */
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "env.h"
#include "linkrate.h"
#include "options.h"
#include "stats.h"

enum { LAT_BYTES = 8, BW_BYTES = 1 << 20, WINDOW = 16, LAT_WARMUP = 100, TAG = 7 };
#define MAX_SAMPLES 100

struct cfg {
    int json, iters, samples;
};

static int parse(int argc, char **argv, struct cfg *c, char *msg, size_t len)
{
    *c = (struct cfg){ .iters = 1000, .samples = 5 };
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        long long v;
        if (!strcmp(a, "--json")) {
            c->json = 1;
        } else if (!strcmp(a, "--quick")) {
            c->iters = 100;
            c->samples = 3;
        } else if (!strcmp(a, "--iters") || !strcmp(a, "--samples")) {
            int iters = !strcmp(a, "--iters");
            if (i + 1 >= argc)
                return par_usage_fail(msg, len, "%s needs a value (see --help)", a);
            if (par_parse_whole_opt(a, argv[++i], 1, iters ? 1000000 : MAX_SAMPLES, NULL, &v,
                                    msg, len))
                return -1;
            *(iters ? &c->iters : &c->samples) = (int)v;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            return 1;
        } else {
            return par_usage_fail(msg, len, "unknown argument '%s' (see --help)", a);
        }
    }
    return 0;
}

static void usage(FILE *f)
{
    fputs("usage: mpirun -n 2 pingpong [--json] [--iters N] [--samples S] [--quick]\n"
          "\n"
          "One-way latency of 8-byte messages (half a round trip) and bandwidth of\n"
          "1 MiB messages (windows of 16 non-blocking sends) between MPI ranks 0 and 1,\n"
          "OSU-style; median of S samples (default 5) of N round trips (default 1000).\n"
          "--quick: N=100, S=3. Runs on exactly 2 ranks; place them on one node or two\n"
          "with the launcher (mpirun --map-by node, srun -N 2).\n"
          "Exit status: 0 verified, 1 a message arrived wrong, 2 usage error.\n",
          f);
}

/* The byte at position i of message number m: both ranks can compute it. */
static unsigned char pattern(long m, size_t i)
{
    return (unsigned char)((uint64_t)m * 131u + i * 7u + (i >> 8));
}

static void fill(unsigned char *b, size_t n, long m)
{
    for (size_t i = 0; i < n; i++)
        b[i] = pattern(m, i);
}

static int check(const unsigned char *b, size_t n, long m)
{
    for (size_t i = 0; i < n; i++)
        if (b[i] != pattern(m, i))
            return -1;
    return 0;
}

/* `trips` round trips of LAT_BYTES starting at message number m0; returns
 * seconds on rank 0. Rank 1 echoes what it got; both sides check the last. */
static double bounce(int rank, unsigned char *buf, long m0, int trips, int *bad)
{
    unsigned char expect[LAT_BYTES];
    long last = m0 + trips - 1;
    fill(expect, LAT_BYTES, last);
    MPI_Barrier(MPI_COMM_WORLD);
    double t0 = MPI_Wtime();
    for (long m = m0; m <= last; m++) {
        if (rank == 0) {
            if (m == last)
                memcpy(buf, expect, LAT_BYTES);
            MPI_Send(buf, LAT_BYTES, MPI_BYTE, 1, TAG, MPI_COMM_WORLD);
            MPI_Recv(buf, LAT_BYTES, MPI_BYTE, 1, TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        } else {
            MPI_Recv(buf, LAT_BYTES, MPI_BYTE, 0, TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            MPI_Send(buf, LAT_BYTES, MPI_BYTE, 0, TAG, MPI_COMM_WORLD);
        }
    }
    double s = MPI_Wtime() - t0;
    if (trips > 0 && memcmp(buf, expect, LAT_BYTES) != 0)
        *bad = 1;
    return s;
}

/* `windows` windows of WINDOW messages of BW_BYTES from rank 0 to rank 1,
 * each acknowledged; returns seconds on rank 0. Rank 1 checks every message
 * of the last window. bufs: WINDOW buffers of BW_BYTES (rank 0: filled). */
static double stream(int rank, unsigned char **bufs, int windows, int *bad)
{
    MPI_Request req[WINDOW];
    int ack = 0;
    MPI_Barrier(MPI_COMM_WORLD);
    double t0 = MPI_Wtime();
    for (int w = 0; w < windows; w++) {
        for (int i = 0; i < WINDOW; i++) {
            if (rank == 0)
                MPI_Isend(bufs[i], BW_BYTES, MPI_BYTE, 1, TAG, MPI_COMM_WORLD, &req[i]);
            else
                MPI_Irecv(bufs[i], BW_BYTES, MPI_BYTE, 0, TAG, MPI_COMM_WORLD, &req[i]);
        }
        MPI_Waitall(WINDOW, req, MPI_STATUSES_IGNORE);
        if (rank == 0)
            MPI_Recv(&ack, 1, MPI_INT, 1, TAG + 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        else
            MPI_Send(&ack, 1, MPI_INT, 0, TAG + 1, MPI_COMM_WORLD);
    }
    double s = MPI_Wtime() - t0;
    if (rank == 1)
        for (int i = 0; i < WINDOW; i++)
            if (check(bufs[i], BW_BYTES, i))
                *bad = 1;
    return s;
}

struct result {
    char host[2][MPI_MAX_PROCESSOR_NAME];
    double lat_us[MAX_SAMPLES], bw_mbs[MAX_SAMPLES];
    struct par_stats lat, bw;
    int windows;
    char link[128];
    const char *link_source;
    char mpi[MPI_MAX_LIBRARY_VERSION_STRING];
};

static void print_text(const struct result *r, const struct cfg *c)
{
    int same = strcmp(r->host[0], r->host[1]) == 0;
    printf("pingpong: rank 0 on %s, rank 1 on %s (%s)\n", r->host[0], r->host[1],
           same ? "one node: shared memory" : "two nodes: the network");
    printf("  latency   %d B one way: median %.2f us (best %.2f), %d samples x %d round trips\n",
           LAT_BYTES, r->lat.median, r->lat.min, c->samples, c->iters);
    printf("  bandwidth 1 MiB: median %.1f MB/s (best %.1f), %d samples x %d windows of %d\n",
           r->bw.median, r->bw.max, c->samples, r->windows, WINDOW);
    printf("  link cap  %s%s%s%s\n", r->link[0] ? r->link : "none known",
           r->link[0] ? " (from " : "", r->link[0] ? r->link_source : "", r->link[0] ? ")" : "");
    printf("  verified  yes\n");
}

static void print_samples(const double *x, int n)
{
    for (int i = 0; i < n; i++)
        printf("%s%.6g", i ? "," : "", x[i]);
}

static void print_json(const struct result *r, const struct cfg *c)
{
    printf("{\"tool\":\"pingpong\",\"ranks\":2,\"same_node\":%s,\"hosts\":[",
           strcmp(r->host[0], r->host[1]) == 0 ? "true" : "false");
    par_json_string(stdout, r->host[0]);
    putchar(',');
    par_json_string(stdout, r->host[1]);
    printf("],\"latency\":{\"bytes\":%d,\"round_trips\":%d,\"median_us\":%.6g,\"min_us\":%.6g,"
           "\"samples_us\":[",
           LAT_BYTES, c->iters, r->lat.median, r->lat.min);
    print_samples(r->lat_us, c->samples);
    printf("]},\"bandwidth\":{\"bytes\":%d,\"window\":%d,\"windows\":%d,\"median_MBps\":%.6g,"
           "\"max_MBps\":%.6g,\"samples_MBps\":[",
           BW_BYTES, WINDOW, r->windows, r->bw.median, r->bw.max);
    print_samples(r->bw_mbs, c->samples);
    fputs("]},\"link_rate\":", stdout);
    par_json_string(stdout, r->link);
    fputs(",\"link_rate_source\":", stdout);
    par_json_string(stdout, r->link_source);
    fputs(",\"mpi\":", stdout);
    par_json_string(stdout, r->mpi);
    printf(",\"verified\":true}\n");
}

/* MPI_Init has run. Returns the exit status for this rank. */
static int measure(int rank, const struct cfg *c)
{
    struct result *r = calloc(1, sizeof *r);
    unsigned char *bufs[WINDOW] = { 0 };
    int ok = r != NULL;
    for (int i = 0; i < WINDOW && ok; i++)
        ok = (bufs[i] = malloc(BW_BYTES)) != NULL;
    int all = ok;
    MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    int status = 1, bad = 0;
    if (!all) {
        if (rank == 0)
            fprintf(stderr, "pingpong: out of memory\n");
        goto out;
    }
    char me[MPI_MAX_PROCESSOR_NAME] = "";
    int len = 0;
    MPI_Get_processor_name(me, &len);
    MPI_Gather(me, MPI_MAX_PROCESSOR_NAME, MPI_CHAR, r->host, MPI_MAX_PROCESSOR_NAME, MPI_CHAR,
               0, MPI_COMM_WORLD);

    unsigned char small[LAT_BYTES] = { 0 };
    long m = 0;
    bounce(rank, small, m, LAT_WARMUP, &bad);
    m += LAT_WARMUP;
    for (int s = 0; s < c->samples; s++, m += c->iters)
        r->lat_us[s] = bounce(rank, small, m, c->iters, &bad) / (2.0 * c->iters) * 1e6;

    if (rank == 0)
        for (int i = 0; i < WINDOW; i++)
            fill(bufs[i], BW_BYTES, i);
    /* A warm-up window (connections, registration), then one timed window
     * to size the samples; neither is part of the record. */
    stream(rank, bufs, 1, &bad);
    double one = stream(rank, bufs, 1, &bad);
    int windows = one > 0 ? (int)(0.1 / one) : 20;
    r->windows = windows < 1 ? 1 : windows > 20 ? 20 : windows;
    MPI_Bcast(&r->windows, 1, MPI_INT, 0, MPI_COMM_WORLD);
    for (int s = 0; s < c->samples; s++) {
        double t = stream(rank, bufs, r->windows, &bad);
        r->bw_mbs[s] = (double)BW_BYTES * WINDOW * r->windows / t / 1e6;
    }
    int anybad = bad;
    MPI_Allreduce(&bad, &anybad, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (rank == 0) {
        if (anybad) {
            fprintf(stderr, "pingpong: a message arrived with wrong bytes\n");
            goto out;
        }
        par_stats_compute(r->lat_us, (size_t)c->samples, &r->lat);
        par_stats_compute(r->bw_mbs, (size_t)c->samples, &r->bw);
        par_linkrate(r->link, sizeof r->link, &r->link_source);
        int vlen = 0;
        MPI_Get_library_version(r->mpi, &vlen);
        r->mpi[strcspn(r->mpi, "\r\n")] = '\0';
        if (c->json)
            print_json(r, c);
        else
            print_text(r, c);
    }
    status = anybad ? 1 : 0;
out:
    for (int i = 0; i < WINDOW; i++)
        free(bufs[i]);
    free(r);
    return status;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank = 0, size = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    struct cfg c;
    char msg[256];
    int p = parse(argc, argv, &c, msg, sizeof msg);
    /* The link cap it records must be a rate (every rank reads the same
     * environment, so all decide alike). */
    if (p == 0 && par_linkrate_check_env(msg, sizeof msg))
        p = -1;
    int status;
    if (p == 1) {
        if (rank == 0)
            usage(stdout);
        status = 0;
    } else if (p) {
        if (rank == 0)
            fprintf(stderr, "pingpong: %s\n", msg);
        status = 2;
    } else if (size != 2) {
        if (rank == 0)
            fprintf(stderr, "pingpong: needs exactly 2 MPI ranks (mpirun -n 2), got %d\n", size);
        status = 2;
    } else {
        status = measure(rank, &c);
    }
    MPI_Finalize();
    /* Only rank 0's status carries the verdict: a launcher ends the job as
     * soon as any rank exits non-zero (see common/driver.c). */
    return rank == 0 ? status : 0;
}
