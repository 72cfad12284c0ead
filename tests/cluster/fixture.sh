#!/usr/bin/env bash
# fixture.sh up|down: ctest's fixture for the "cluster" label. "up" uses a
# cluster that is already up (scripts/cluster-up.sh) or starts a 2-node one
# and leaves a marker; "down" tears down only a cluster the fixture started,
# then checks that nothing is left: no holder processes, no guard route, no
# state directory, no mounts.
. "$PAR_SOURCE_DIR/tests/cluster/lib.sh"
marker=$PWD/cluster-started-by-ctest
dir=${PARCOMPARE_CLUSTER_DIR:-/run/parcompare-cluster}

case ${1:-} in
up)
    skip_unless_possible
    if "$cluster" status > /dev/null 2>&1; then
        note "using the cluster already up in $dir"
        rm -f "$marker"
        exit 0
    fi
    "$cluster" up --nodes 2 || fail "scripts/cluster up failed"
    : > "$marker"
    ;;
down)
    skip_unless_possible
    [ -e "$marker" ] || { note "the cluster was up before the tests: left up"; exit 0; }
    net=$(awk -F= '$1 == "net" { print $2 }' "$dir/state" 2>/dev/null || true)
    "$cluster" down || fail "scripts/cluster down failed"
    rm -f "$marker"
    check_nothing_left "$dir" "$net"
    note "down, nothing left"
    ;;
*) echo "usage: fixture.sh up|down" >&2; exit 2 ;;
esac
