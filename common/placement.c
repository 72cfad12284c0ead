#include "placement.h"

#include <string.h>

#include "env.h"

/* Rank r's name, bounded by the stride (a name filling its stride has no NUL). */
static size_t name_len(const char *names, size_t stride, int r)
{
    const char *s = names + (size_t)r * stride;
    const char *nul = memchr(s, '\0', stride);
    return nul ? (size_t)(nul - s) : stride;
}

static int same_name(const char *names, size_t stride, int a, int b)
{
    size_t la = name_len(names, stride, a), lb = name_len(names, stride, b);
    return la == lb && memcmp(names + (size_t)a * stride, names + (size_t)b * stride, la) == 0;
}

int par_placement_ranks_on_node(const char *names, size_t stride, int ranks, int rank)
{
    if (!names || stride == 0 || rank < 0 || rank >= ranks)
        return 0;
    int count = 0;
    for (int r = 0; r < ranks; r++)
        count += same_name(names, stride, r, rank);
    return count;
}

int par_placement_from_names(struct par_placement *p, const char *names, size_t stride,
                             int ranks, int threads_per_rank)
{
    memset(p, 0, sizeof *p);
    if (!names || stride == 0 || ranks < 1 || threads_per_rank < 1)
        return -1;
    p->ranks = ranks;
    p->threads_per_rank = threads_per_rank;
    p->ranks_per_node_min = ranks;
    for (int r = 0; r < ranks; r++) {
        int first = 1; /* is r the first rank with its name? */
        for (int q = 0; q < r && first; q++)
            first = !same_name(names, stride, q, r);
        if (!first)
            continue;
        int on = par_placement_ranks_on_node(names, stride, ranks, r);
        if (on < p->ranks_per_node_min)
            p->ranks_per_node_min = on;
        if (on > p->ranks_per_node_max)
            p->ranks_per_node_max = on;
        if (p->nhosts < PAR_PLACEMENT_MAX_HOSTS) {
            size_t len = name_len(names, stride, r);
            if (len >= PAR_PLACEMENT_HOST_LEN)
                len = PAR_PLACEMENT_HOST_LEN - 1;
            memcpy(p->hosts[p->nhosts], names + (size_t)r * stride, len);
            p->hosts[p->nhosts][len] = '\0';
            p->host_ranks[p->nhosts++] = on;
        }
        p->nodes++;
    }
    return 0;
}

static const char *per_node_text(const struct par_placement *p, char *buf, size_t len)
{
    if (p->ranks_per_node_min == p->ranks_per_node_max)
        snprintf(buf, len, "%d", p->ranks_per_node_max);
    else
        snprintf(buf, len, "%d-%d", p->ranks_per_node_min, p->ranks_per_node_max);
    return buf;
}

const char *par_placement_summary(const struct par_placement *p, char *buf, size_t len)
{
    char per[32];
    int n = snprintf(buf, len, "%d node%s x %s rank%s per node", p->nodes, p->nodes == 1 ? "" : "s",
                     per_node_text(p, per, sizeof per), p->ranks_per_node_max == 1 ? "" : "s");
    if (p->threads_per_rank > 1 && n >= 0 && (size_t)n < len)
        snprintf(buf + n, len - (size_t)n, " x %d threads", p->threads_per_rank);
    return buf;
}

void par_placement_json(FILE *f, const struct par_placement *p)
{
    if (!p) {
        fputs(",\"placement\":null", f);
        return;
    }
    fprintf(f,
            ",\"placement\":{\"nodes\":%d,\"ranks\":%d,\"ranks_per_node\":%d,"
            "\"ranks_per_node_min\":%d,\"ranks_per_node_max\":%d,\"threads_per_rank\":%d,"
            "\"hosts\":[",
            p->nodes, p->ranks, p->ranks_per_node_max, p->ranks_per_node_min,
            p->ranks_per_node_max, p->threads_per_rank);
    for (int i = 0; i < p->nhosts; i++) {
        fputs(i ? ",{\"host\":" : "{\"host\":", f);
        par_json_string(f, p->hosts[i]);
        fprintf(f, ",\"ranks\":%d}", p->host_ranks[i]);
    }
    fputs("]}", f);
}

/* A host name as one CSV field: quoted when it holds a separator or quote. */
static void csv_hosts(FILE *f, const struct par_placement *p)
{
    int quote = 0;
    for (int i = 0; i < p->nhosts; i++)
        quote |= strpbrk(p->hosts[i], ",\"\n\r") != NULL;
    if (quote)
        fputc('"', f);
    for (int i = 0; i < p->nhosts; i++) {
        if (i)
            fputc(';', f);
        for (const char *s = p->hosts[i]; *s; s++) {
            if (*s == '"')
                fputc('"', f);
            fputc(*s, f);
        }
        fprintf(f, ":%d", p->host_ranks[i]);
    }
    if (quote)
        fputc('"', f);
}

void par_placement_csv(FILE *f, const struct par_placement *p)
{
    if (!p) {
        fputs(",,,,", f);
        return;
    }
    char per[32];
    fprintf(f, ",%d,%s,%d,", p->nodes, per_node_text(p, per, sizeof per), p->threads_per_rank);
    csv_hosts(f, p);
}

void par_placement_text(FILE *f, const struct par_placement *p)
{
    if (!p)
        return;
    char sum[128];
    fprintf(f, "  placement %s:", par_placement_summary(p, sum, sizeof sum));
    for (int i = 0; i < p->nhosts; i++)
        fprintf(f, "%s %s (%d)", i ? "," : "", p->hosts[i], p->host_ranks[i]);
    if (p->nhosts < p->nodes)
        fprintf(f, ", ... %d more", p->nodes - p->nhosts);
    fputc('\n', f);
}
