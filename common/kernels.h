/* The kernels every back end runs. They live in one translation unit
 * (kernels.c) and are written so that the optimiser cannot fold them: fib
 * recurses through a thread-local function pointer the compiler must reload
 * on every call, so fib(n) really makes 2*fib(n)-1 calls at any -O level
 * (tests/common/test_kernels.c counts them), and powself is a chain of
 * dependent multiplications with no closed form.
 *
 * Kernels are identified by a small id as well as by a pointer, because a
 * function pointer is not valid in another MPI rank (ASLR) while an id is. */
#ifndef PAR_KERNELS_H
#define PAR_KERNELS_H
#include "export.h"
PAR_BEGIN_DECLS

#include <stdint.h>

enum par_kernel_id {
    PAR_K_SQUARE = 0,   /* x*x (the cheatsheet's lambda x: x**2) */
    PAR_K_FIB = 1,      /* naive recursive fib, fib(1)=fib(2)=1 */
    PAR_K_POWSELF = 2,  /* x**x mod 2^61-1 by x multiplications (lambda x: x**x) */
    PAR_K_COUNT_
};

typedef int64_t (*par_kernel_fn)(int64_t x);

struct par_kernel {
    enum par_kernel_id id;
    const char *name;
    par_kernel_fn fn;
};

/* Largest n whose fib(n) fits int64_t: fib(92) = 7540113804746346429. */
#define PAR_FIB_MAX_N 92

/* Kernel descriptor by id; NULL for an unknown id. Thread-safe (constant). */
const struct par_kernel *par_kernel_get(enum par_kernel_id id);

/* The kernels themselves; thread-safe, no shared state.
 * par_fib: n in [1, PAR_FIB_MAX_N]; n <= 2 gives 1. */
int64_t par_square(int64_t x);
int64_t par_fib(int64_t n);
int64_t par_powself(int64_t x);

/* fib by iteration, O(n): the reference answer for fib-based workloads. */
int64_t par_fib_fast(int n);

/* The grain workload's compute-bound kernel: `iterations` steps of the
 * 64-bit linear congruential map x <- a*x + c (mod 2^64), each step needing
 * the previous one (a dependent chain of one multiply and one add, so it
 * cannot be vectorised). a and c are read from variables with external
 * linkage (par__grain_a, par__grain_c in kernels.c) that the compiler cannot see the
 * values of, so it cannot fold the loop into a closed form either: the work
 * is exactly `iterations` multiply-adds, as fib(n)'s is 2*fib(n)-1 calls
 * (tests/common/test_kernels.c checks the result against an O(log n)
 * jump-ahead and the tick count). iterations >= 0; thread-safe.
 * par_kernel_tick (below) is called every PAR_TICK_EVERY iterations. */
int64_t par_grain_kernel(int64_t x, int64_t iterations);

/* The same map by jump-ahead in O(log iterations) (F. Brown, "Random number
 * generation with arbitrary strides", Trans. Am. Nucl. Soc. 71, 1994): the
 * independent reference for par_grain_kernel. */
int64_t par_grain_kernel_fast(int64_t x, int64_t iterations);

/* ---- hooks (for the "gil" back end and for tests) --------------------------
 * Public, not par__-internal, because the gil back end lives in another
 * library (libparcompare-pthread) than the kernels (libparcompare-common).
 * par_fib_self is the function every fib call recurses through; per thread,
 * initially the plain recursion step. A thread may point it at a wrapper that
 * counts calls (tests) or checks an emulated interpreter lock (gil back end);
 * the wrapper must call par_fib_step(n) to do the real work.
 * par_kernel_tick, when non-NULL, is called every PAR_TICK_EVERY inner
 * iterations of powself and once per fib call through the wrapper's choice. */
extern _Thread_local par_kernel_fn par_fib_self;
extern _Thread_local void (*par_kernel_tick)(void);
int64_t par_fib_step(int64_t n);
#define PAR_TICK_EVERY 4096

PAR_END_DECLS
#endif
