#!/usr/bin/env bash
# mpirun inside a Slurm allocation (salloc): Open MPI takes the nodes and
# slots from the allocation and starts its daemons with srun; no ssh.
. "$PAR_SOURCE_DIR/tests/cluster/lib.sh"
need_cluster
d=$(scratch)

on head salloc -N 2 --ntasks-per-node=2 mpirun "$bin/parmap" --workload map \
    --reps 1 --warmup 0 --items 100000 --json > "$d/map.json" 2> "$d/map.err" ||
    fail "salloc mpirun exited $?: $(cat "$d/map.err")"
got=$(check_records "$d/map.json") || fail "$got"
[ "$got" = "map 4" ] || fail "expected 4 workers, got: $got"

on head salloc -N 2 --ntasks-per-node=2 mpirun hostname > "$d/hosts" 2> "$d/hosts.err" ||
    fail "salloc mpirun hostname exited $?: $(cat "$d/hosts.err")"
hosts=$(sort "$d/hosts" | uniq -c | awk '{ print $2 "*" $1 }' | tr '\n' ' ')
[ "$hosts" = "node1*2 node2*2 " ] || fail "mpirun placed the ranks on: $hosts ($(cat "$d/hosts.err"))"
note "mpirun in a 2-node allocation: 4 ranks, 2 per node, verified"
