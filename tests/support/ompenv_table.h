/* How GNU libgomp reads OMP_NUM_THREADS and OMP_SCHEDULE: one row per
 * spelling, observed with libgomp 12.2 (gcc 12, Debian 12) through
 * omp_get_max_threads() and omp_get_schedule() in a program started with
 * the variable set, a refusal being libgomp's "Invalid value" / "Unknown
 * value" line. common/ompenv.c must agree with every row; tests/omp checks
 * the rows against the live runtime too, so a libgomp that reads them
 * differently is noticed. Rows marked `ours_differ` are our deliberate
 * differences (see ompenv.h). */
#ifndef PAR_TEST_OMPENV_TABLE_H
#define PAR_TEST_OMPENV_TABLE_H

struct ompenv_threads_row {
    const char *value;
    int accepted;       /* libgomp takes it without a warning */
    long threads;       /* omp_get_max_threads() when accepted */
};

static const struct ompenv_threads_row ompenv_threads_rows[] = {
    { "4", 1, 4 },          { "4 ", 1, 4 },         { " 4", 1, 4 },
    { "4\r", 1, 4 },        { "\t4", 1, 4 },        { "4\n", 1, 4 },
    { "\v4", 1, 4 },        { "+4", 1, 4 },         { "  +4", 1, 4 },
    { "04", 1, 4 },         { "4,2", 1, 4 },        { " 4 , 2 ", 1, 4 },
    { "4 ,2", 1, 4 },       { "4, 2", 1, 4 },       { "1025", 1, 1025 },
    { "0", 0, 0 },          { "-1", 0, 0 },         { "4x", 0, 0 },
    { "", 0, 0 },           { " ", 0, 0 },          { "4.0", 0, 0 },
    { "4,", 0, 0 },         { ",4", 0, 0 },         { "4,,2", 0, 0 },
    { "99999999999999999999", 0, 0 },               { "abc", 0, 0 },
};

/* kind: 1 static, 2 dynamic, 3 guided, 4 auto (omp_sched_t); chunk as
 * omp_get_schedule reports it (0 for static means "default"). */
struct ompenv_schedule_row {
    const char *value;
    int accepted;
    int kind;
    int chunk;
    int ours_differ;    /* 1: we refuse what libgomp takes (see ompenv.h) */
};

static const struct ompenv_schedule_row ompenv_schedule_rows[] = {
    { "static", 1, 1, 0, 0 },             { "static, 4", 1, 1, 4, 0 },
    { "static ,4", 1, 1, 4, 0 },          { "dynamic,0", 1, 2, 1, 0 },
    { " dynamic", 1, 2, 1, 0 },           { "guided,4 ", 1, 3, 4, 0 },
    { "GUIDED", 1, 3, 1, 0 },             { "Dynamic", 1, 2, 1, 0 },
    { "auto", 1, 4, 1, 0 },               { "auto,4", 1, 4, 4, 0 },
    { "auto,0", 1, 4, 1, 0 },             { "guided,0", 1, 3, 1, 0 },
    { "static,0", 1, 1, 0, 0 },           { "static,04", 1, 1, 4, 0 },
    { "static, +4", 1, 1, 4, 0 },         { "static,+3", 1, 1, 3, 0 },
    { "monotonic:dynamic,2", 1, 2, 2, 0 }, { "nonmonotonic:guided", 1, 3, 1, 0 },
    { " monotonic : static , 3 ", 1, 1, 3, 0 }, { "MONOTONIC:static", 1, 1, 0, 0 },
    { "monotonic :static", 1, 1, 0, 0 },  { "static\r", 1, 1, 0, 0 },
    { "static,4\r", 1, 1, 4, 0 },         { "\tguided", 1, 3, 1, 0 },
    { "dynamic\n", 1, 2, 1, 0 },          { "static,2147483647", 1, 1, 2147483647, 0 },
    { "static,-1", 1, 1, -1, 1 },
    { "static|4", 0, 0, 0, 0 },           { "static,", 0, 0, 0, 0 },
    { "static,x", 0, 0, 0, 0 },           { "runtime", 0, 0, 0, 0 },
    { "dynamic 4", 0, 0, 0, 0 },          { "", 0, 0, 0, 0 },
    { " ", 0, 0, 0, 0 },                  { "static,99999999999", 0, 0, 0, 0 },
    { "static,2147483648", 0, 0, 0, 0 },  { "monotonic:", 0, 0, 0, 0 },
    { "foo:static", 0, 0, 0, 0 },         { "dynamic,,4", 0, 0, 0, 0 },
    { "static,4 x", 0, 0, 0, 0 },         { "static,- 1", 0, 0, 0, 0 },
    { "staticx", 0, 0, 0, 0 },            { "stat", 0, 0, 0, 0 },
    { "static,0x10", 0, 0, 0, 0 },
};

#endif
