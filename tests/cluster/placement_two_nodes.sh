#!/usr/bin/env bash
# Placement in the record: 2 ranks on 2 nodes say so (2 nodes x 1 rank per
# node, hosts node1 and node2), 2 ranks on 1 node say 1 node x 2 - so a
# point that talked over the network can never pass for a shared-memory one.
. "$PAR_SOURCE_DIR/tests/cluster/lib.sh"
need_cluster
d=$(scratch)

on head srun -N 2 -n 2 --ntasks-per-node=1 "$bin/parmap" --items 20000 --reps 1 --warmup 0 \
    --json > "$d/two.json" || fail "srun -N 2 -n 2 parmap exited $?"
on head srun -N 1 -n 2 "$bin/parmap" --items 20000 --reps 1 --warmup 0 \
    --json > "$d/one.json" || fail "srun -N 1 -n 2 parmap exited $?"
python3 - "$d/two.json" "$d/one.json" <<'PY' || fail "placement"
import json, sys
two, one = (json.load(open(p)) for p in sys.argv[1:])
for r in (two, one):
    assert r["verified"] is True, r.get("error")
p = two["placement"]
assert (p["nodes"], p["ranks"], p["ranks_per_node"]) == (2, 2, 1), p
assert sorted(h["host"] for h in p["hosts"]) == ["node1", "node2"], p
assert all(h["ranks"] == 1 for h in p["hosts"]), p
p = one["placement"]
assert (p["nodes"], p["ranks"], p["ranks_per_node"]) == (1, 2, 2), p
assert len(p["hosts"]) == 1 and p["hosts"][0]["host"] in ("node1", "node2"), p
PY
on head srun -N 2 -n 2 --ntasks-per-node=1 "$bin/parmap" --items 20000 --reps 1 --warmup 0 \
    > "$d/two.txt" || fail "text record exited $?"
grep -q '^  placement 2 nodes x 1 rank per node: node[12] (1), node[12] (1)$' "$d/two.txt" ||
    fail "text summary lacks the placement: $(cat "$d/two.txt")"
note "2 ranks on 2 nodes and 2 ranks on 1 node are told apart in JSON and text"
