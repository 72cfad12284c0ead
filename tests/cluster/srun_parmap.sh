#!/usr/bin/env bash
# srun -N 2 -n 4 parmap, every workload: ranks started directly by srun
# (--mpi=pmix, the cluster's MpiDefault), two on each node, each result
# verified against the serial reference.
. "$PAR_SOURCE_DIR/tests/cluster/lib.sh"
need_cluster
d=$(scratch)

hosts=$(on head srun -N 2 -n 4 --ntasks-per-node=2 hostname | sort | uniq -c | awk '{ print $2 "*" $1 }' | tr '\n' ' ')
[ "$hosts" = "node1*2 node2*2 " ] || fail "srun -N 2 -n 4 placed the ranks on: $hosts"

# Small sizes: the point is placement, wiring and verification, not timing.
declare -A size=([map]="--items 100000" [fib]="--n 24 --k 4" [parmap]="--items 8" [fibtask]="--n 24")
for w in map fib parmap fibtask; do
    # shellcheck disable=SC2086
    on head srun -N 2 -n 4 --ntasks-per-node=2 "$bin/parmap" --workload "$w" \
        --reps 1 --warmup 0 ${size[$w]} --json > "$d/$w.json" ||
        fail "srun parmap --workload $w exited $?"
    got=$(check_records "$d/$w.json") || fail "$w: $got"
    [ "$got" = "$w 4" ] || fail "$w: expected 4 workers, got: $got"
    note "$w: 4 ranks on 2 nodes, verified"
done
