/* 09 — Control primitive resources (using Semaphore).
 *
 * Python: Semaphore(3); five threads each hold it for a random time; at most
 * three are ever inside. Usage: 09_semaphore [max_work_ms]   (default 5)
 *
 * What C teaches that the Python hides:
 * - The promise is "at most 3 at once", and here it is counted: every thread
 *   bumps an atomic counter when it enters and the program prints the highest
 *   value seen. Which three go first, and in which order the others follow,
 *   is up to the scheduler (par_sem wakes waiters in no promised order).
 * - Each thread prints "release" while it still holds the semaphore. The
 *   Python prints it after leaving the `with`, so a newcomer's "acquire" can
 *   be printed before it and the output seems to show four inside. Printing
 *   inside makes the output itself obey the limit: at every line, acquires
 *   minus releases is at most 3 (the test checks that). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#include "example.h"
#include "sync.h"

#define LIMIT 3
#define THREADS 5

static par_sem *sema;
static atomic_int inside, most_inside;
static int max_work_ms;

static void *foo(void *arg)
{
    int tid = *(const int *)arg;
    unsigned seed = (unsigned)tid + 1;
    ex_check(par_sem_acquire(sema, PAR_FOREVER), "acquire");  /* with sema: */
    int now = atomic_fetch_add(&inside, 1) + 1;
    int seen = atomic_load(&most_inside);
    while (now > seen && !atomic_compare_exchange_weak(&most_inside, &seen, now))
        ;
    printf("%d acquire sema\n", tid);
    ex_pause_ms(max_work_ms ? (int)(rand_r(&seed) % (unsigned)max_work_ms) : 0);  /* random()*5 */
    printf("%d release sema\n", tid);
    atomic_fetch_sub(&inside, 1);
    ex_check(par_sem_release(sema, 1), "release");
    return NULL;
}

int main(int argc, char **argv)
{
    max_work_ms = ex_int_arg(argc, argv, 1, 5, 0, 5000);
    ex_check(par_sem_create(&sema, LIMIT), "par_sem_create");  /* Semaphore(3) */
    static int ids[THREADS];
    pthread_t threads[THREADS];
    for (int t = 0; t < THREADS; t++) {
        ids[t] = t;
        ex_check(pthread_create(&threads[t], NULL, foo, &ids[t]), "pthread_create");
    }
    for (int t = 0; t < THREADS; t++)
        ex_check(pthread_join(threads[t], NULL), "pthread_join");
    printf("at most %d inside at once (limit %d)\n", atomic_load(&most_inside), LIMIT);
    par_sem_destroy(sema);
    return 0;
}
