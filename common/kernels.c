/* The kernels, in one translation unit shared by every back end.
 *
 * Why they cannot be folded:
 * - fib recurses through par_fib_self, a thread-local function pointer with
 *   external linkage. The compiler must reload it on every call and cannot
 *   see its target, so it can neither turn the double recursion into a loop
 *   nor memoise it: fib(n) makes exactly 2*fib(n)-1 calls at any -O level.
 * - powself is a chain of dependent modular multiplications; each step needs
 *   the previous one and there is no closed form the optimiser knows.
 * - square is trivial by design (the fine-grained map); back ends call every
 *   kernel through a function pointer, so it is not vectorised away either. */
#include "kernels.h"

#include <stddef.h>

_Thread_local par_kernel_fn par_fib_self = par_fib_step;
_Thread_local void (*par_kernel_tick)(void) = NULL;

int64_t par_fib_step(int64_t n)
{
    if (n <= 2)
        return 1;
    return par_fib_self(n - 1) + par_fib_self(n - 2);
}

int64_t par_fib(int64_t n)
{
    if (n > PAR_FIB_MAX_N)
        return -1; /* would overflow int64_t; callers validate n first */
    return par_fib_self(n);
}

int64_t par_fib_fast(int n)
{
    int64_t a = 1, b = 1; /* fib(1), fib(2) */
    if (n > PAR_FIB_MAX_N)
        return -1;
    for (int i = 3; i <= n; i++) {
        int64_t c = a + b;
        a = b;
        b = c;
    }
    return b;
}

int64_t par_square(int64_t x)
{
    /* Unsigned multiply: wraps instead of overflowing for |x| > 3e9. */
    return (int64_t)((uint64_t)x * (uint64_t)x);
}

#define M61 ((UINT64_C(1) << 61) - 1)

static inline uint64_t mulmod61(uint64_t a, uint64_t b)
{
    unsigned __int128 p = (unsigned __int128)a * b;
    uint64_t r = ((uint64_t)p & M61) + (uint64_t)(p >> 61);
    return r >= M61 ? r - M61 : r;
}

int64_t par_powself(int64_t x)
{
    if (x <= 0)
        return 1; /* 0**0 == 1, as in Python; negative inputs are not used */
    uint64_t base = (uint64_t)x % M61, acc = 1;
    int64_t left = x;
    while (left > 0) {
        int64_t step = left < PAR_TICK_EVERY ? left : PAR_TICK_EVERY;
        for (int64_t i = 0; i < step; i++)
            acc = mulmod61(acc, base);
        left -= step;
        if (par_kernel_tick)
            par_kernel_tick();
    }
    return (int64_t)acc;
}

/* Knuth's MMIX multiplier and increment (TAOCP vol. 2, 3.3.4). Not const:
 * the optimiser must not know them (see kernels.h). */
uint64_t par__grain_a = UINT64_C(6364136223846793005);
uint64_t par__grain_c = UINT64_C(1442695040888963407);

int64_t par_grain_kernel(int64_t x, int64_t iterations)
{
    uint64_t v = (uint64_t)x, a = par__grain_a, c = par__grain_c;
    int64_t left = iterations;
    while (left > 0) {
        int64_t step = left < PAR_TICK_EVERY ? left : PAR_TICK_EVERY;
        for (int64_t i = 0; i < step; i++)
            v = a * v + c;
        left -= step;
        if (par_kernel_tick)
            par_kernel_tick();
    }
    return (int64_t)v;
}

int64_t par_grain_kernel_fast(int64_t x, int64_t iterations)
{
    /* (A, C) is the map applied 2^k times; fold in the bits of n. */
    uint64_t A = par__grain_a, C = par__grain_c, acc_a = 1, acc_c = 0;
    for (uint64_t n = iterations > 0 ? (uint64_t)iterations : 0; n; n >>= 1) {
        if (n & 1) {
            acc_a = A * acc_a;
            acc_c = A * acc_c + C;
        }
        C = (A + 1) * C;
        A = A * A;
    }
    return (int64_t)(acc_a * (uint64_t)x + acc_c);
}

static const struct par_kernel kernels[PAR_K_COUNT_] = {
    [PAR_K_SQUARE] = { PAR_K_SQUARE, "square", par_square },
    [PAR_K_FIB] = { PAR_K_FIB, "fib", par_fib },
    [PAR_K_POWSELF] = { PAR_K_POWSELF, "powself", par_powself },
};

const struct par_kernel *par_kernel_get(enum par_kernel_id id)
{
    if ((int)id < 0 || id >= PAR_K_COUNT_)
        return NULL;
    return &kernels[id];
}
