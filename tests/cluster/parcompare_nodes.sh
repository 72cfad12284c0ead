#!/usr/bin/env bash
# parcompare --nodes 1,2 on a tiny matrix inside a 2-node allocation: every
# point verified; each mpi and hybrid point ran on the nodes it asked for
# (its record's placement); the interconnect within a node and between two
# is in results.json; the report has the across-nodes tables.
. "$PAR_SOURCE_DIR/tests/cluster/lib.sh"
need_cluster
d=$(scratch)

on head salloc -N 2 "$bin/parcompare" --nodes 1,2 --workloads map,fib,parmap,fibtask \
    --backends serial,mpi,hybrid --workers 2,4 --items 20000 --n 22 --k 4 --cutoff 12 \
    --parmap-items 8 --reps 1 --warmup 0 --no-story --timeout 120 --out "$d/out" \
    > "$d/stdout" 2> "$d/stderr" || fail "parcompare exited $?: $(tail -n 5 "$d/stderr")"
grep -q '^map across nodes$' "$d/stdout" || fail "no across-nodes table on stdout"
grep -q 'interconnect between two nodes: 8 B latency' "$d/stdout" || fail "no interconnect line"
grep -q '^## Across nodes$' "$d/out/report.md" || fail "report.md has no Across nodes section"
python3 - "$d/out/results.json" <<'PY' || fail "results.json"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["nodes"]["via"] == "slurm" and j["nodes"]["counts"] == [1, 2], j["nodes"]
ic = j["interconnect"]
assert ic["between_nodes"]["same_node"] is False, ic
assert ic["within_node"]["same_node"] is True, ic
seen = set()
for r in j["records"]:
    if r["set"] != "nodes":
        continue
    assert r["status"] == "ok", (r["command"], r.get("why"))
    p = r["placement"]
    cmd = r["command"]
    nodes = int(cmd.split("--nodes=")[1].split()[0])
    assert p["nodes"] == nodes, (cmd, p)
    seen.add((r["workload"], r["backend"], nodes, r["workers"]))
for w in ("map", "fib", "parmap", "fibtask"):
    for be in ("mpi", "hybrid"):
        for nodes, workers in ((1, 2), (1, 4), (2, 2), (2, 4)):
            assert (w, be, nodes, workers) in seen, (w, be, nodes, workers)
PY
note "parcompare --nodes 1,2: every point verified on the nodes it asked for"
