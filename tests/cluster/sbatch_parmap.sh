#!/usr/bin/env bash
# bench/slurm/parmap.sbatch, unchanged, as a 2-node batch job to completion:
# ranks fill a node first and spread over both only as a separate, named
# point; placement.txt lists the hosts each point's ranks saw; every record
# verified. Workload map only and 2 tasks per node (both from the command
# line, the script's own defaults are for a real site) to keep it short.
. "$PAR_SOURCE_DIR/tests/cluster/lib.sh"
need_cluster
d=$(scratch)
cd "$d"

PARMAP=$bin/parmap OUT=$d/out PARMAP_WORKLOADS=map PARMAP_ARGS="--reps 1 --warmup 0 --items 100000" \
    SRUN_CPU_BIND="" on head sbatch --wait -N 2 --ntasks-per-node=2 \
    "$PAR_SOURCE_DIR/bench/slurm/parmap.sbatch" > sbatch.txt || {
    cat sbatch.txt parmap-*.out >&2 2>/dev/null; fail "the batch job failed"; }
job=$(awk '/^Submitted batch job/ { print $4 }' sbatch.txt)
[ -n "$job" ] || fail "no job id: $(cat sbatch.txt)"
[ -s "parmap-$job.out" ] || fail "no job output parmap-$job.out"
grep -q "^parmap.sbatch: records in $d/out" "parmap-$job.out" || fail "job output: $(cat "parmap-$job.out")"

expect="map-mpi-1-on-1-nodes.json: node1*1
map-mpi-2-on-1-nodes.json: node1*2
map-mpi-2-on-2-nodes.json: node1*1 node2*1
map-mpi-4-on-2-nodes.json: node1*2 node2*2"
[ "$(cat out/placement.txt)" = "$expect" ] || fail "placement.txt: $(cat out/placement.txt)"

for f in map-mpi-1-on-1-nodes map-mpi-2-on-1-nodes map-mpi-2-on-2-nodes map-mpi-4-on-2-nodes map-proc-2; do
    [ -s "out/$f.json" ] || fail "no record out/$f.json"
done
got=$(check_records out/*.json | tr '\n' ' ') || fail "$got"
[ "$got" = "map 1 map 2 map 2 map 4 map 2 " ] || fail "records (workload workers): $got"
# Each MPI record's own placement agrees with its file name and placement.txt.
python3 - out <<'PY' || fail "placement in the records"
import json, os, re, sys
for line in open(os.path.join(sys.argv[1], "placement.txt")):
    name, hosts = line.rstrip("\n").split(": ")
    n, k = map(int, re.match(r"map-mpi-(\d+)-on-(\d+)-nodes\.json$", name).groups())
    p = json.load(open(os.path.join(sys.argv[1], name)))["placement"]
    seen = " ".join("%s*%d" % (h["host"], h["ranks"]) for h in sorted(p["hosts"], key=lambda h: h["host"]))
    if (p["nodes"], p["ranks"], seen) != (k, n, hosts):
        sys.exit("%s: record says %r, placement.txt %r" % (name, p, hosts))
PY
note "job $job completed: 5 records verified, placement as expected (files, placement.txt, records)"
