"""Port of the cheatsheet's PoolExecutor "demo GIL" (Python 3).

thread:  ThreadPoolExecutor(2).map(fib, [n] * 2)
process: ProcessPoolExecutor(2).map(fib, [n] * 2)
Each is timed from creating the executor to leaving its with-block (which
waits for the workers), as in the cheatsheet.
"""
import sys
from concurrent import futures

import common

WORKERS = 2


def run(executor_class, n):
    with executor_class(WORKERS) as ex:
        return list(ex.map(common.fib, [n] * WORKERS))


def main():
    args = common.setup(__doc__, n_default=35)
    variants = {
        "thread": common.seconds(lambda: run(futures.ThreadPoolExecutor, args.n)),
        "process": common.seconds(lambda: run(futures.ProcessPoolExecutor, args.n)),
    }
    return common.emit("executors", {"n": args.n, "calls": WORKERS, "workers": WORKERS},
                       variants, [common.fib_fast(args.n)] * WORKERS)


if __name__ == "__main__":
    sys.exit(main())
