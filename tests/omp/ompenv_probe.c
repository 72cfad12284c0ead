/* Prints what the OpenMP runtime made of OMP_NUM_THREADS and OMP_SCHEDULE:
 * "threads=N kind=K chunk=C" (K as omp_sched_t without the monotonic bit).
 * The runtime's own complaints, if any, go to stderr before main. */
#include <omp.h>
#include <stdio.h>

int main(void)
{
    omp_sched_t k;
    int chunk;
    omp_get_schedule(&k, &chunk);
    printf("threads=%d kind=%d chunk=%d\n", omp_get_max_threads(),
           (int)(k & ~omp_sched_monotonic), chunk);
    return 0;
}
