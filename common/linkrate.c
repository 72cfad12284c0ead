#include "linkrate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "error.h"
#include "options.h"
#include "visible.h"

int par_linkrate_parse(const char *s, double *bits_per_s, char *msg, size_t len)
{
    static const struct { const char *unit; double bits; } units[] = {
        { "bit", 1 },   { "kbit", 1e3 }, { "mbit", 1e6 }, { "gbit", 1e9 }, { "tbit", 1e12 },
        { "bps", 8 },   { "kbps", 8e3 }, { "mbps", 8e6 }, { "gbps", 8e9 }, { "tbps", 8e12 },
    };
    if (s && strcasecmp(s, "none") == 0) {
        *bits_per_s = 0;
        return 0;
    }
    char *end = NULL;
    double v = s && (*s >= '0' && *s <= '9') ? strtod(s, &end) : NAN;
    double mult = 0;
    for (size_t i = 0; end && i < sizeof units / sizeof *units; i++)
        if (strcasecmp(end, units[i].unit) == 0)
            mult = units[i].bits;
    if (!isfinite(v) || mult == 0)
        return par_usage_fail(msg, len, "expected a rate such as 1gbit, 100mbit, 10kbit (or "
                              "none), got '%s'", s ? par_vis(s) : "");
    if (v * mult < 1)
        return par_usage_fail(msg, len, "'%s' is below 1 bit/s (tc would cap the link at 0); "
                              "give e.g. 1gbit, 100mbit, 10kbit", par_vis(s));
    *bits_per_s = v * mult;
    return 0;
}

int par_linkrate_check_env(char *msg, size_t len)
{
    const char *v = getenv("PARCOMPARE_LINK_RATE");
    char one[256];
    double bps;
    if (!v || !*v || par_linkrate_parse(v, &bps, one, sizeof one) == 0)
        return 0;
    return par_usage_fail(msg, len, "PARCOMPARE_LINK_RATE (from the environment): %s", one);
}

int par_linkrate_from_tc(const char *text, char *buf, size_t len)
{
    /* One qdisc per line: "qdisc tbf 8001: dev eth0 root refcnt 2 rate 100Mbit ...".
     * (tc prints "dev X" when no device was given on its command line.) */
    for (const char *line = text; line && *line;) {
        const char *end = strchr(line, '\n');
        size_t n = end ? (size_t)(end - line) : strlen(line);
        char l[512];
        snprintf(l, sizeof l, "%.*s", (int)(n < sizeof l ? n : sizeof l - 1), line);
        if (strncmp(l, "qdisc tbf ", 10) == 0) {
            const char *r = strstr(l, " rate ");
            if (r) {
                char rate[64] = "", dev[64] = "";
                sscanf(r + 6, "%63s", rate);
                const char *d = strstr(l, " dev ");
                if (d)
                    sscanf(d + 5, "%63s", dev);
                if (rate[0]) {
                    if (dev[0])
                        snprintf(buf, len, "%s (tbf on %s)", rate, dev);
                    else
                        snprintf(buf, len, "%s (tbf)", rate);
                    return 1;
                }
            }
        }
        line = end ? end + 1 : NULL;
    }
    return 0;
}

void par_linkrate(char *buf, size_t len, const char **source)
{
    buf[0] = '\0';
    *source = "";
    const char *v = getenv("PARCOMPARE_LINK_RATE");
    if (v && *v) {
        snprintf(buf, len, "%s", v);
        *source = "PARCOMPARE_LINK_RATE";
        return;
    }
    /* stderr to /dev/null: a machine without tc (or without permission) has
     * no cap we can know, and that is not an error. */
    FILE *p = popen("tc qdisc show 2>/dev/null", "r");
    if (!p)
        return;
    char text[8192];
    size_t n = fread(text, 1, sizeof text - 1, p);
    text[n] = '\0';
    pclose(p);
    if (par_linkrate_from_tc(text, buf, len))
        *source = "tc";
}
