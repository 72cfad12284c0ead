#!/usr/bin/env bash
# bench/slurm/parcompare.sbatch, unchanged, as a batch job with its own
# documented PARCOMPARE_ARGS="--quick ...": it must not add --full (the bug
# was "--quick and --full: choose one"). A tiny matrix with MPI points
# started by mpirun inside the allocation.
. "$PAR_SOURCE_DIR/tests/cluster/lib.sh"
need_cluster
d=$(scratch)
cd "$d"

PARCOMPARE=$bin/parcompare OUT=$d/out \
    PARCOMPARE_ARGS="--quick --workloads map --backends serial,mpi --workers 1,2 --no-story" \
    on head sbatch --wait "$PAR_SOURCE_DIR/bench/slurm/parcompare.sbatch" > sbatch.txt || {
    cat sbatch.txt parcompare-*.out >&2 2>/dev/null; fail "the batch job failed"; }
job=$(awk '/^Submitted batch job/ { print $4 }' sbatch.txt)
[ -s "parcompare-$job.out" ] || fail "no job output parcompare-$job.out"
! grep -q "choose one" "parcompare-$job.out" || fail "--quick was refused: $(cat "parcompare-$job.out")"
for f in results.json results.csv report.md; do
    [ -s "out/$f" ] || fail "no out/$f; job output: $(cat "parcompare-$job.out")"
done
python3 - out/results.json <<'PY' || fail "results.json"
import json, sys
doc = json.load(open(sys.argv[1]))
recs = doc["records"] if isinstance(doc, dict) and "records" in doc else doc
mpi = [r for r in recs if r.get("backend") == "mpi"]
if sorted(r.get("workers") for r in mpi) != [1, 2]:
    sys.exit("mpi points: %r" % [(r.get("workers"), r.get("verified")) for r in mpi])
bad = [r for r in recs if r.get("verified") is not True]
if bad:
    sys.exit("not verified: %r" % bad[:2])
PY
note "job $job completed: --quick honoured, MPI points 1 and 2 verified"
