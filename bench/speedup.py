#!/usr/bin/env python3
"""Speed-up of one back end from 1 to N workers, as a ratio measured in one run.

Runs the program alternately with -j 1 and -j N (interleaved rounds cancel slow drift of a
noisy machine), each round a child with --json and its own repetitions, every result verified
by the program itself. Prints the medians of the in-program medians and their ratio.

  bench/speedup.py --program build/release/apps/poolmap --backend omp --workload fib
  bench/speedup.py --program build/release/apps/parmap --backend proc --workload fib
  bench/speedup.py --program build/release/apps/parmap --mpi --workload fib
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys


def run(cmd, env):
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
    if p.returncode != 0:
        sys.exit(f"speedup: {' '.join(cmd)} exited {p.returncode}: {p.stderr.strip()}")
    rec = json.loads(p.stdout)
    if not rec.get("verified"):
        sys.exit(f"speedup: result not verified: {rec.get('error')}")
    return rec


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--program", required=True)
    ap.add_argument("--backend", default=None)
    ap.add_argument("--workload", default="fib")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--mpi", action="store_true", help="launch with mpirun -n 1 / -n N")
    ap.add_argument("extra", nargs="*", help="more options for the program (after --)")
    a = ap.parse_args()

    env = dict(os.environ)
    medians = {1: [], a.workers: []}
    for _ in range(a.rounds):
        for j in (1, a.workers):
            cmd = [a.program, "--json", "-w", a.workload, "--reps", str(a.reps)] + a.extra
            if a.backend:
                cmd += ["-b", a.backend]
            if a.mpi:
                mpirun = shutil.which("mpirun") or sys.exit("speedup: mpirun not found")
                flags = ["--oversubscribe", "--bind-to", "none", "--mca", "pml", "ob1"]
                if os.geteuid() == 0:
                    flags.append("--allow-run-as-root")
                cmd = [mpirun, "-n", str(j)] + flags + cmd
            else:
                cmd += ["-j", str(j)]
            medians[j].append(run(cmd, env)["median_s"])
    m1 = statistics.median(medians[1])
    mn = statistics.median(medians[a.workers])
    label = "mpi" if a.mpi else a.backend or "default"
    print(f"{os.path.basename(a.program)} {label} {a.workload}: "
          f"-j 1 median {m1:.4f} s, -j {a.workers} median {mn:.4f} s, "
          f"speed-up {m1 / mn:.2f}x ({a.rounds} interleaved rounds x {a.reps} reps)")


if __name__ == "__main__":
    main()
