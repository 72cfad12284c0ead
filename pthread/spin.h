/* Private to pthread/: a short, bounded poll before a thread goes to sleep.
 *
 * Why: on this project's 2-core VMs a futex sleep and the wake-up that ends
 * it cost microseconds of system time each, while on a busy pool the next
 * task or the awaited result usually arrives within a microsecond or two.
 * Measured with perf (syscalls:sys_enter_futex) on bench_task_overhead,
 * 3 x 1 M empty tasks: the task group run made ~20 k futex calls without
 * the poll and ~0.9 k with it, nested futures ~70 k and ~5 k. So a thread
 * about to sleep first polls what it waits for, PAR__SPIN_PAUSES times
 * with a CPU pause in between (~21 ns each here: some 20-50 µs in all),
 * then sleeps as before, through its usual no-lost-wake-up protocol. The
 * poll only reads, so it changes no protocol and no guarantee, and an idle
 * pool still goes to sleep after those microseconds (it burns ~0 CPU).
 * No sched_yield() in the poll: tried, it multiplied the futex calls of the
 * outside-submitter benchmarks by 3 to 8 on the loaded machine.
 *
 * The same idea as glibc's adaptive mutexes and the spin-then-block idle
 * loops of oneTBB and libgomp (GOMP_SPINCOUNT), with a much shorter bound. */
#ifndef PAR_SPIN_H
#define PAR_SPIN_H

#define PAR__SPIN_PAUSES 1000

/* A hint to the CPU that we are polling (lets a sibling hyperthread run). */
static inline void par__cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/* Polls ready(ctx) as described above: 1 as soon as it is true, 0 when the
 * caller should go to sleep. ready must only read (atomics). */
static inline int par__spin_until(int (*ready)(void *ctx), void *ctx)
{
    for (int i = 0; i < PAR__SPIN_PAUSES; i++) {
        if (ready(ctx))
            return 1;
        par__cpu_relax();
    }
    return ready(ctx);
}

#endif
