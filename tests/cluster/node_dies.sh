#!/usr/bin/env bash
# A node dies in the middle of an MPI job: on a cluster of its own, a 2-node
# srun job runs; node2 is killed (slurmd, slurmstepd and its ranks die at
# once, its link goes). The job must end non-zero within 30 s with a message
# naming node2 (slurmctld's SlurmdTimeout is 10 s), and "down" must still
# leave nothing behind.
. "$PAR_SOURCE_DIR/tests/cluster/lib.sh"
skip_unless_possible
d=$(scratch)
export PARCOMPARE_CLUSTER_DIR=${PARCOMPARE_CLUSTER_DIR:-/run/parcompare-cluster}-nodedies
net=$(neighbour_net 1)
trap '"$cluster" down > /dev/null 2>&1 || true' EXIT
"$cluster" up --nodes 2 --net "$net" || fail "scripts/cluster up failed"

# A job that would run for many minutes: fib(38) x 1000, 100 times.
on head srun -N 2 -n 4 --ntasks-per-node=2 "$bin/parmap" --workload fib --n 38 --k 1000 \
    --reps 100 --json > "$d/job.out" 2>&1 &
job=$!
# Gate: both ranks of node2 have started (bounded, so a broken start cannot hang).
ranks_on_node2() { local c; c=$(on node2 pgrep -c -f "$bin/parmap" 2> /dev/null) || true; echo "${c:-0}"; }
for _ in $(seq 600); do
    [ "$(ranks_on_node2)" -ge 2 ] && break
    kill -0 "$job" 2> /dev/null || fail "the job ended before node2 was killed: $(cat "$d/job.out")"
    sleep 0.2
done
[ "$(ranks_on_node2)" -ge 2 ] || fail "node2's ranks never started"

"$cluster" kill node2 || fail "scripts/cluster kill node2 failed"
t0=$(date +%s)
ended=""
for _ in $(seq 300); do   # 30 s in steps of 0.1 s: a hang guard, not a timing
    kill -0 "$job" 2> /dev/null || { ended=yes; break; }
    sleep 0.1
done
if [ -z "$ended" ]; then
    kill "$job" 2> /dev/null || true
    fail "the job still runs 30 s after node2 died: $(cat "$d/job.out")"
fi
rc=0; wait "$job" || rc=$?
note "the job ended with status $rc, $(( $(date +%s) - t0 )) s after node2 died:"
sed 's/^/    /' "$d/job.out"
[ "$rc" -ne 0 ] || fail "the job exited 0 although node2 died"
grep -q "node2" "$d/job.out" || fail "no message names node2"

dir=$PARCOMPARE_CLUSTER_DIR
"$cluster" down || fail "scripts/cluster down failed after the node died"
trap - EXIT
check_nothing_left "$dir" "$net"
note "down after the failure: nothing left"
