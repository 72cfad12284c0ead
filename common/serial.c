/* The serial back end: the reference every other back end is compared with,
 * and the baseline of every speed-up. One worker, whatever -j says. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "error.h"

static int serial_open(struct par_run *run)
{
    run->workers = 1;
    run->workers_from = "fixed";
    return 0;
}

static int serial_map(struct par_run *run, const struct par_map *job)
{
    (void)run;
    par_kernel_fn fn = job->kernel->fn;
    for (size_t i = 0; i < job->n; i++)
        job->out[i] = fn(job->in[i]);
    return 0;
}

static int serial_tree(struct par_run *run, int n, int cutoff, int64_t *result)
{
    (void)run;
    (void)cutoff;
    *result = par_fib(n);
    return 0;
}

static int serial_grain(struct par_run *run, const struct par_grain *job)
{
    int64_t *scratch = malloc(2 * job->tasks * sizeof *scratch);
    if (!scratch) {
        snprintf(run->errmsg, sizeof run->errmsg, "out of memory");
        return PAR_ENOMEM;
    }
    par_grain_run_serial(job, scratch);
    free(scratch);
    return 0;
}

static void serial_close(struct par_run *run)
{
    (void)run;
}

const struct par_backend par_backend_serial = {
    .name = "serial", .kind = "serial",
    .open = serial_open, .map = serial_map, .tree = serial_tree, .close = serial_close,
    .grain = serial_grain,
};

const struct par_backend_entry *par_backend_find(const struct par_backend_entry *table,
                                                 size_t count, const char *name)
{
    for (size_t i = 0; name && i < count; i++)
        if (strcmp(table[i].name, name) == 0)
            return &table[i];
    return NULL;
}
