# Sourced by the cluster tests (tests/cluster/*.sh). Each test runs against
# the 2-node cluster that the fixture (fixture.sh up) started or found, in
# PARCOMPARE_CLUSTER_DIR (default /run/parcompare-cluster).
# Exit 77 is ctest's SKIP: only when a cluster cannot run on this machine
# (not root, namespaces forbidden, Slurm not installed), with the reason.
set -euo pipefail

cluster=$PAR_SOURCE_DIR/scripts/cluster
bin=$PAR_BIN_DIR
name=$(basename "$0" .sh)

fail() { echo "$name: FAIL: $*" >&2; exit 1; }
note() { echo "$name: $*"; }

# skip_unless_possible: SKIP (77) with the reason when no cluster can run here.
skip_unless_possible() {
    local why rc=0
    why=$("$cluster" check 2>&1) || rc=$?
    if [ "$rc" -eq 3 ]; then echo "$name: SKIP: $why"; exit 77; fi
    [ "$rc" -eq 0 ] || fail "scripts/cluster check: $why"
}

# need_cluster: the fixture's cluster must be up (else the fixture failed).
need_cluster() {
    skip_unless_possible
    "$cluster" status > /dev/null 2>&1 || fail "the cluster is not up (did cluster_up fail?)"
}

on() { "$cluster" on "$@"; }

# neighbour_net K: the /24 K above the shared cluster's (PARCOMPARE_CLUSTER_NET,
# default 10.211.0), for a test that brings up a cluster of its own.
neighbour_net() {
    local base=${PARCOMPARE_CLUSTER_NET:-10.211.0}
    echo "${base%.*}.$(( ${base##*.} + $1 ))"
}

# A scratch folder of this test in the build tree, emptied first.
scratch() {
    local d=$PWD/$name.d
    rm -rf "$d"; mkdir -p "$d"; echo "$d"
}

# check_records FILE...: each is one parmap JSON record that verified; prints
# "workload workers" per file.
check_records() {
    python3 - "$@" <<'PY'
import json, sys
for path in sys.argv[1:]:
    with open(path) as f:
        text = f.read()
    try:
        r = json.loads(text)
    except ValueError as e:
        sys.exit("%s: not one JSON record (%s): %r" % (path, e, text[:200]))
    if r.get("verified") is not True:
        sys.exit("%s: did not verify: %s" % (path, r.get("error")))
    print(r["workload"], r["workers"])
PY
}

# check_nothing_left DIR NET: after "down", no trace of the cluster in DIR
# (whose range was NET.0/24): no state, no holder, no guard route, no mount.
check_nothing_left() {
    local dir=$1 net=$2
    [ ! -e "$dir" ] || fail "$dir is still there"
    ! pgrep -f "parcompare-cluster-holder .* $dir\$" > /dev/null || fail "holder processes are left"
    [ -z "$net" ] || [ -z "$(ip route show "$net.0/24")" ] || fail "the guard route for $net.0/24 is left"
    ! grep -qF "$dir" /proc/mounts || fail "mounts under $dir are left"
}
