#!/usr/bin/env bash
# A node that never comes up: node2 is started without its slurmd. "up" must
# fail within 60 s, say which node and why, and tear down all it started.
. "$PAR_SOURCE_DIR/tests/cluster/lib.sh"
skip_unless_possible
dir=${PARCOMPARE_CLUSTER_DIR:-/run/parcompare-cluster}-neverup
net=$(neighbour_net 2)
rc=0
out=$(PARCOMPARE_CLUSTER_TIMEOUT=20 timeout 60 "$cluster" up --dir "$dir" --net "$net" \
      --nodes 2 --fail-node node2 2>&1) || rc=$?
echo "$out" | sed 's/^/    /'
[ "$rc" -ne 124 ] || { "$cluster" down --dir "$dir" > /dev/null 2>&1; fail "up still ran after 60 s"; }
[ "$rc" -eq 1 ] || fail "up exited $rc, expected 1"
echo "$out" | grep -q "node2 did not come up within 20 s: its slurmd is not running" ||
    fail "no line names node2 and why"
! echo "$out" | grep -q "node1 did not come up" || fail "node1 was blamed too"
check_nothing_left "$dir" "$net"
note "up failed naming node2, and left nothing"
