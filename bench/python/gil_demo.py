"""Port of the cheatsheet's "Performance Problem - GIL" demo (Python 3).

nothread:  fib(n) twice, one after the other, in this thread.
hasthread: the same two calls on two threads started together.
Under CPython's global interpreter lock only one thread runs bytecode at a
time, so the threaded version is no faster (usually a little slower).
"""
import sys
import threading

import common


def nothread(n):
    return [common.fib(n), common.fib(n)]


def hasthread(n):
    results = [None, None]

    def work(slot):
        results[slot] = common.fib(n)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def main():
    args = common.setup(__doc__, n_default=35)
    variants = {
        "nothread": common.seconds(lambda: nothread(args.n)),
        "hasthread": common.seconds(lambda: hasthread(args.n)),
    }
    return common.emit("gil_demo", {"n": args.n, "calls": 2}, variants,
                       [common.fib_fast(args.n)] * 2)


if __name__ == "__main__":
    sys.exit(main())
