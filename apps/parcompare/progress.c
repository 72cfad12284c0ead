#include "progress.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "clock.h"

static void clear_line(struct par__progress *pg)
{
    if (pg->tty && pg->line_open) {
        fputs("\r\033[K", stderr);
        pg->line_open = 0;
    }
}

void par__progress_init(struct par__progress *pg, size_t total)
{
    pg->tty = isatty(STDERR_FILENO);
    pg->total = total;
    pg->done = 0;
    pg->line_open = 0;
    pg->t0 = par_now_s();
}

/* The total counts the grain sweep's points by estimate (a point whose
 * time was off may add a finer one): it grows with the count rather than
 * print [253/240]. Done once, at each start: every done follows one. */
static void keep_total_ahead(struct par__progress *pg, size_t shown)
{
    if (pg->total < shown)
        pg->total = shown;
}

void par__progress_start(struct par__progress *pg, const char *what)
{
    keep_total_ahead(pg, pg->done + 1);
    if (!pg->tty)
        return;
    clear_line(pg);
    fprintf(stderr, "[%3zu/%zu %4.0fs] %s ...", pg->done + 1, pg->total,
            par_now_s() - pg->t0, what);
    fflush(stderr);
    pg->line_open = 1;
}

void par__progress_done(struct par__progress *pg, const char *what, const char *outcome,
                        int failed)
{
    pg->done++;
    if (pg->tty && !failed)
        return; /* the next start (or the end) rewrites the line */
    clear_line(pg);
    fprintf(stderr, "[%3zu/%zu %4.0fs] %-26s %s\n", pg->done, pg->total, par_now_s() - pg->t0,
            what, outcome);
    fflush(stderr);
}

void par__progress_note(struct par__progress *pg, const char *fmt, ...)
{
    clear_line(pg);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
}

void par__progress_end(struct par__progress *pg)
{
    clear_line(pg);
    fflush(stderr);
}
