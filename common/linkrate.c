#include "linkrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
