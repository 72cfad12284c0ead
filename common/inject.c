#include "inject.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "options.h"

/* Parses "a,b,c" (up to `end`) into v; returns the count, or 0 if malformed. */
static size_t parse_list(const char *s, const char *end, double *v)
{
    size_t n = 0;
    while (s < end) {
        const char *comma = memchr(s, ',', (size_t)(end - s));
        const char *stop = comma ? comma : end;
        char buf[64];
        size_t len = (size_t)(stop - s);
        if (len == 0 || len >= sizeof buf || n == PAR_INJECT_MAX)
            return 0;
        memcpy(buf, s, len);
        buf[len] = '\0';
        if (par_parse_real(buf, NULL, 0.0, 1e6, &v[n]))
            return 0;
        n++;
        s = comma ? comma + 1 : end;
        if (comma && s == end)
            return 0;
    }
    return n;
}

/* Does "<name>[/<workers>]" (the bytes [s, end)) select this run? */
static int selects(const char *s, const char *end, const char *backend, int workers)
{
    const char *slash = memchr(s, '/', (size_t)(end - s));
    if (slash) {
        char num[16];
        size_t nl = (size_t)(end - slash - 1);
        long long w;
        if (nl == 0 || nl >= sizeof num)
            return 0;
        memcpy(num, slash + 1, nl);
        num[nl] = '\0';
        if (par_parse_whole(num, 1, PAR_MAX_WORKERS, &w) || w != workers)
            return 0;
        end = slash;
    }
    size_t nlen = (size_t)(end - s);
    return (nlen == 1 && s[0] == '*') || (strlen(backend) == nlen && !strncmp(s, backend, nlen));
}

int par_inject_parse(const char *spec, const char *backend, int workers,
                     struct par_inject *inj, char *msg, size_t len)
{
    memset(inj, 0, sizeof *inj);
    for (const char *s = spec; s && *s;) {
        const char *semi = strchr(s, ';');
        const char *end = semi ? semi : s + strlen(s);
        const char *colon = memchr(s, ':', (size_t)(end - s));
        if (!colon)
            return par_usage_fail(msg, len, "PAR_TEST_TIMES: expected backend:times, got '%s'",
                                  spec);
        if (selects(s, colon, backend, workers) && !inj->active) {
            const char *bar = memchr(colon + 1, '|', (size_t)(end - colon - 1));
            const char *cyc = bar ? bar + 1 : colon + 1;
            if (bar) {
                inj->nonce = parse_list(colon + 1, bar, inj->once);
                if (inj->nonce == 0)
                    return par_usage_fail(msg, len, "PAR_TEST_TIMES: bad series in '%s'", spec);
            }
            inj->ncycle = parse_list(cyc, end, inj->cycle);
            if (inj->ncycle == 0)
                return par_usage_fail(msg, len, "PAR_TEST_TIMES: bad series in '%s'", spec);
            inj->active = 1;
        }
        s = semi ? semi + 1 : end;
    }
    return 0;
}

double par_inject_time(const struct par_inject *inj, size_t i, double measured)
{
    if (!inj->active)
        return measured;
    if (i < inj->nonce)
        return inj->once[i];
    return inj->cycle[(i - inj->nonce) % inj->ncycle];
}
