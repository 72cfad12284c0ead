#!/usr/bin/env bash
# Why the cluster's MpiDefault is pmix: Debian's Open MPI is built with PMIx
# only (ompi_info lists no s1/s2 PMI components), so ranks started with
# srun --mpi=pmi2 cannot wire up and say so. If this test ever fails, the
# MPI build changed and docs/cluster.md's advice must be checked again.
. "$PAR_SOURCE_DIR/tests/cluster/lib.sh"
need_cluster

if ompi_info --parsable 2>/dev/null | grep -qE '^mca:pmix:s[12]:'; then
    fail "this Open MPI has PMI-1/PMI-2 support (pmix:s1/s2): revisit docs/cluster.md"
fi
rc=0
out=$(on head srun --mpi=pmi2 -N 1 -n 2 "$bin/parmap" --workload map --reps 1 --warmup 0 \
      --items 1000 --json 2>&1) || rc=$?
[ "$rc" -ne 0 ] || fail "srun --mpi=pmi2 parmap succeeded: $out"
echo "$out" | grep -q "not built with SLURM's PMI support" ||
    fail "srun --mpi=pmi2 failed for another reason: $out"
note "srun --mpi=pmi2 refused as expected (Open MPI has PMIx only)"
