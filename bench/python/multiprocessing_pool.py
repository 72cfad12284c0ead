"""Port of the cheatsheet's "Solving GIL problem via processes" (Python 3).

nomultiprocess:  list(map(fib, [n] * 5)) in this process.
hasmultiprocess: Pool(5).map(fib, [n] * 5); starting the pool is inside the
clock, as in the cheatsheet (closing it is not).
The cheatsheet's fib here reads `if n >= 2: return 1`, which returns at
once; this port uses the usual fib (n <= 2), which its figures imply.
"""
import sys
from multiprocessing import Pool

import common

CALLS = 5


def main():
    args = common.setup(__doc__, n_default=35)
    work = [args.n] * CALLS
    pools = []

    def with_pool():
        pools.append(Pool(CALLS))
        return pools[0].map(common.fib, work)

    variants = {
        "nomultiprocess": common.seconds(lambda: list(map(common.fib, work))),
        "hasmultiprocess": common.seconds(with_pool),
    }
    for pool in pools:
        pool.close()
        pool.join()
    return common.emit("multiprocessing_pool", {"n": args.n, "calls": CALLS, "processes": CALLS},
                       variants, [common.fib_fast(args.n)] * CALLS)


if __name__ == "__main__":
    sys.exit(main())
