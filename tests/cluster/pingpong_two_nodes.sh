#!/usr/bin/env bash
# pingpong between two nodes (the network) and within one (shared memory):
# verified records that name the hosts; the figures are reported, not judged.
. "$PAR_SOURCE_DIR/tests/cluster/lib.sh"
need_cluster
d=$(scratch)

on head srun -N 2 -n 2 --ntasks-per-node=1 "$bin/pingpong" --quick --json > "$d/two.json" ||
    fail "pingpong on 2 nodes exited $?"
on head srun -N 1 -n 2 "$bin/pingpong" --quick --json > "$d/one.json" ||
    fail "pingpong on 1 node exited $?"
python3 - "$d/two.json" "$d/one.json" <<'PY' || fail "pingpong records"
import json, sys
two, one = (json.load(open(p)) for p in sys.argv[1:])
assert two["verified"] is True and one["verified"] is True
assert two["same_node"] is False and sorted(two["hosts"]) == ["node1", "node2"], two["hosts"]
assert one["same_node"] is True and one["hosts"][0] == one["hosts"][1], one["hosts"]
for r in (two, one):
    assert r["latency"]["median_us"] > 0 and r["bandwidth"]["median_MBps"] > 0
print("between nodes: %.1f us, %.0f MB/s; within a node: %.2f us, %.0f MB/s" % (
    two["latency"]["median_us"], two["bandwidth"]["median_MBps"],
    one["latency"]["median_us"], one["bandwidth"]["median_MBps"]))
PY
