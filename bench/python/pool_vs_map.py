"""Port of the cheatsheet's "Compare with map performance" (Python 3).

pool_map:     ThreadPool(10).map(lambda x: x**2, range(items))
ordinary_map: list(map(lambda x: x**2, range(items)))
The pool is created before the clock starts, as in the cheatsheet. In
Python 3 map() is lazy, so the plain variant is wrapped in list() to do the
work the cheatsheet's Python 2 map did.
"""
import sys
from multiprocessing.pool import ThreadPool

import common


def main():
    args = common.setup(__doc__, items_default=999_999)
    items = args.items
    variants = {}
    with ThreadPool(10) as pool:
        variants["pool_map"] = common.seconds(lambda: pool.map(lambda x: x ** 2, range(items)))
    variants["ordinary_map"] = common.seconds(lambda: list(map(lambda x: x ** 2, range(items))))
    return common.emit("pool_vs_map", {"items": items, "threads": 10}, variants,
                       [x * x for x in range(items)])


if __name__ == "__main__":
    sys.exit(main())
