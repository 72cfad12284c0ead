"""Shared pieces of the Python 3 ports of the cheatsheet's timed programs.

Each port runs the cheatsheet's two variants (serial, then concurrent), times
them with a monotonic clock, and prints ONE JSON line on stdout:

    {"program": "...", "python": "3.11.7", "sizes": {...},
     "timings": {"<variant>": seconds, ...}, "results_ok": true}

parcompare --python reads that line; a person can read it too. Bad arguments
end with argparse's one-line message and exit status 2.
"""
import argparse
import json
import platform
import sys
import time


def fib(n):
    """Naive recursive Fibonacci with fib(1) = fib(2) = 1, as the C kernel."""
    if n <= 2:
        return 1
    return fib(n - 1) + fib(n - 2)


def fib_fast(n):
    """fib(n) by iteration: the answer every variant must reproduce."""
    a, b = 1, 1
    for _ in range(n - 2):
        a, b = b, a + b
    return b if n > 2 else 1


def warm_up():
    """Calls fib once, untimed, before the first timed variant.

    CPython 3.11+ specialises bytecode after a few calls; without this the
    first variant timed would pay for it and the second would not.
    """
    fib(20)


def seconds(action):
    """Runs action() and returns (elapsed seconds, its result)."""
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def setup(doc, n_default=None, items_default=None):
    """Parses and checks the command line of a port whose docstring is doc,
    warms fib up when the port uses it, and returns the arguments."""
    ap = parser(doc.splitlines()[0], n_default, items_default)
    args = ap.parse_args()
    check_args(ap, args)
    if n_default is not None:
        warm_up()
    return args


def parser(description, n_default=None, items_default=None):
    """An argument parser with --n (fib argument) or --items (map length)."""
    ap = argparse.ArgumentParser(description=description)
    if n_default is not None:
        ap.add_argument("--n", type=int, default=n_default,
                        help="fib argument, 1..40 (default %(default)s, as the cheatsheet)")
    if items_default is not None:
        ap.add_argument("--items", type=int, default=items_default,
                        help="number of items, 1..100000000 (default %(default)s)")
    return ap


def check_args(ap, args):
    """Rejects sizes outside what a port can run in reasonable time."""
    n = getattr(args, "n", None)
    if n is not None and not 1 <= n <= 40:
        ap.error("--n: expected a whole number in 1..40, got %d" % n)
    items = getattr(args, "items", None)
    if items is not None and not 1 <= items <= 100_000_000:
        ap.error("--items: expected a whole number in 1..100000000, got %d" % items)


def emit(program, sizes, variants, want):
    """Prints the one JSON line and returns the exit status (0 ok, 1 wrong).

    variants maps each variant's name to (seconds, result); every result
    must equal want.
    """
    timings = {name: t for name, (t, _) in variants.items()}
    wrong = [name for name, (_, result) in variants.items() if result != want]
    line = {
        "program": program,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "sizes": sizes,
        "timings": timings,
        "results_ok": not wrong,
    }
    print(json.dumps(line), flush=True)
    if wrong:
        print("%s: wrong result from %s" % (program, ", ".join(wrong)), file=sys.stderr)
        return 1
    return 0
