#include "gnuplot.h"

#include <stdio.h>

#include "child.h"

int par__gnuplot_run(const struct par__tools *t, const char *script, double timeout_s,
                     char *why, size_t whylen)
{
    char *argv[] = { (char *)t->gnuplot, (char *)script, NULL };
    struct par__child c;
    int rc = 0;
    if (par__child_run(argv, NULL, timeout_s, &c) || !c.started || c.timed_out
        || c.exit_code != 0) {
        char line[200] = "";
        if (c.err)
            par__last_line(c.err, line, sizeof line);
        snprintf(why, whylen, "gnuplot failed on %.100s%s%.120s", script, line[0] ? ": " : "",
                 line);
        rc = -1;
    }
    par__child_free(&c);
    return rc;
}
