#!/usr/bin/env python3
"""fibtask at several cutoffs on serial, pthread and omp: ratios to serial from one run.

Rounds are interleaved (every back end and cutoff once per round, so slow drift of a noisy
machine hits all of them alike); each round is one child with --json and its own repetitions,
verified by the program. Prints, per cutoff, the median over rounds of each back end's
in-program median and its ratio to serial, with the range of the per-round ratios.

  flock /work/bench.lock bench/fibtask_grain.py --program build/release/apps/poolmap
"""
import argparse
import json
import statistics
import subprocess
import sys


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    if p.returncode != 0:
        sys.exit(f"fibtask_grain: {' '.join(cmd)} exited {p.returncode}: {p.stderr.strip()}")
    rec = json.loads(p.stdout)
    if not rec.get("verified"):
        sys.exit(f"fibtask_grain: result not verified: {' '.join(cmd)}")
    return rec["median_s"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--program", required=True)
    ap.add_argument("--n", type=int, default=40)
    ap.add_argument("--cutoffs", default="10,15,20")
    ap.add_argument("--backends", default="serial,pthread,omp")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--reps", type=int, default=3)
    a = ap.parse_args()
    cutoffs = [int(c) for c in a.cutoffs.split(",")]
    backends = a.backends.split(",")
    t = {(c, b): [] for c in cutoffs for b in backends}
    for r in range(a.rounds):
        for c in cutoffs:
            for b in backends:
                cmd = [a.program, "-b", b, "-j", str(1 if b == "serial" else a.workers), "-w",
                       "fibtask", "--n", str(a.n), "--cutoff", str(c), "--reps", str(a.reps),
                       "--json"]
                t[(c, b)].append(run(cmd))
        print(f"round {r + 1}/{a.rounds} done", file=sys.stderr)
    print(f"fibtask fib({a.n}), {a.workers} workers, {a.rounds} interleaved rounds x "
          f"{a.reps} reps; medians over rounds; ratio = serial / back end "
          f"(per-round range)")
    for c in cutoffs:
        ser = t[(c, "serial")]
        line = [f"cutoff {c:2d}: serial {statistics.median(ser):.3f} s"]
        for b in backends:
            if b == "serial":
                continue
            ratios = sorted(s / x for s, x in zip(ser, t[(c, b)]))
            line.append(f"{b} {statistics.median(t[(c, b)]):.3f} s "
                        f"({statistics.median(ratios):.2f}x, {ratios[0]:.2f}-{ratios[-1]:.2f})")
        print("  " + "; ".join(line))


if __name__ == "__main__":
    main()
