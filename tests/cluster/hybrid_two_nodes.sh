#!/usr/bin/env bash
# The hybrid back end on 2 nodes: one rank per node x 2 OpenMP threads, every
# workload verified, the record saying 2 nodes x 1 rank x 2 threads (4
# workers); threads also from OMP_NUM_THREADS and from srun -c
# (SLURM_CPUS_PER_TASK), as sites set them.
. "$PAR_SOURCE_DIR/tests/cluster/lib.sh"
need_cluster
d=$(scratch)

for w in map fib parmap fibtask; do
    items=50000
    [ "$w" = parmap ] && items=8 # parmap's items are heavy kernels
    on head srun -N 2 -n 2 --ntasks-per-node=1 "$bin/parmap" -b hybrid --threads 2 \
        --workload "$w" --reps 1 --warmup 0 --n 24 --k 6 --items "$items" --json > "$d/$w.json" ||
        fail "srun parmap -b hybrid --workload $w exited $?"
done
on head env OMP_NUM_THREADS=2 srun -N 2 -n 2 --ntasks-per-node=1 "$bin/parmap" -b hybrid \
    --items 50000 --reps 1 --warmup 0 --json > "$d/omp_env.json" || fail "OMP_NUM_THREADS run exited $?"
on head srun -N 2 -n 2 --ntasks-per-node=1 -c 2 "$bin/parmap" -b hybrid \
    --items 50000 --reps 1 --warmup 0 --json > "$d/slurm_c.json" || fail "srun -c 2 run exited $?"
python3 - "$d"/*.json <<'PY' || fail "hybrid records"
import json, sys
for path in sys.argv[1:]:
    r = json.load(open(path))
    assert r["verified"] is True, (path, r.get("error"))
    assert r["backend"] == "hybrid" and r["workers"] == 4, (path, r["workers"])
    p = r["placement"]
    assert (p["nodes"], p["ranks_per_node"], p["threads_per_rank"]) == (2, 1, 2), (path, p)
    assert "ranks=2 threads=2" in r["detail"], (path, r["detail"])
src = {p.rsplit("/", 1)[1]: json.load(open(p))["workers_from"] for p in sys.argv[1:]}
assert src["omp_env.json"] == "launcher x OMP_NUM_THREADS", src
assert src["slurm_c.json"] == "launcher x SLURM_CPUS_PER_TASK", src
PY
note "hybrid: every workload verified on 2 nodes x 1 rank x 2 threads"
