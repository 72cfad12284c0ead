#include "clock.h"

int64_t par_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

double par_now_s(void)
{
    return (double)par_now_ns() * 1e-9;
}

struct timespec par_deadline_after(double timeout_s)
{
    int64_t t = par_now_ns();
    if (timeout_s > 0)
        t += (int64_t)(timeout_s * 1e9);
    struct timespec ts = { .tv_sec = t / 1000000000, .tv_nsec = t % 1000000000 };
    return ts;
}
