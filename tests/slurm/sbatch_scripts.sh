#!/usr/bin/env bash
# The batch scripts' own logic, without Slurm (part of the default suite; the
# cluster tests run them as real jobs): parcompare.sbatch adds --full only
# when PARCOMPARE_ARGS chooses no size, and parmap.sbatch fills nodes first,
# spreads only as an extra named point, and passes srun an explicit placement
# for every step. Stand-ins record their arguments: parcompare, srun, parmap.
set -euo pipefail
src=$PAR_SOURCE_DIR/bench/slurm
d=$PWD/sbatch_scripts.d
rm -rf "$d"; mkdir -p "$d/bin"
fail() { echo "sbatch_scripts: FAIL: $*" >&2; exit 1; }

# ---- parcompare.sbatch ----
cat > "$d/bin/parcompare" <<'STUB'
#!/bin/sh
echo "$*" > "$STUB_LOG"
STUB
chmod +x "$d/bin/parcompare"
run_pc() {   # run_pc ARGS: the argument line parcompare.sbatch gave parcompare
    STUB_LOG=$d/pc.log PARCOMPARE=$d/bin/parcompare OUT=$d/out PARCOMPARE_ARGS="$1" \
        SLURM_SUBMIT_DIR=$d bash "$src/parcompare.sbatch" || fail "parcompare.sbatch exited $?"
    cat "$d/pc.log"
}
[ "$(run_pc "")" = "--full --out $d/out" ] || fail "no PARCOMPARE_ARGS: $(cat "$d/pc.log")"
[ "$(run_pc "--quick --workers 1,2,4,8")" = "--out $d/out --quick --workers 1,2,4,8" ] ||
    fail "--quick: $(cat "$d/pc.log")"
[ "$(run_pc "--full --workers 1")" = "--out $d/out --full --workers 1" ] || fail "--full: $(cat "$d/pc.log")"
[ "$(run_pc "--workers *")" = "--full --out $d/out --workers *" ] || fail "a glob character: $(cat "$d/pc.log")"
rc=0; PARCOMPARE=$d/none SLURM_SUBMIT_DIR=$d bash "$src/parcompare.sbatch" 2> "$d/err" || rc=$?
[ "$rc" -eq 2 ] && grep -q "no parcompare at $d/none" "$d/err" || fail "missing parcompare: $rc $(cat "$d/err")"

# ---- parmap.sbatch ----
cat > "$d/bin/srun" <<'STUB'
#!/bin/bash
# Records the placement options of each step; "hostname" prints one line per
# task, node1 filled first, as Slurm's block distribution would.
nodes="" ntasks="" per=""
for a in "$@"; do
    case $a in
        --nodes=*) nodes=${a#*=} ;; --ntasks=*) ntasks=${a#*=} ;;
        --ntasks-per-node=*) per=${a#*=} ;;
    esac
done
cmd=${*: -1}
case " $* " in
    *" hostname "*) left=$ntasks
        for i in $(seq "$nodes"); do
            k=$(( left < per ? left : per )); left=$((left - k))
            for _ in $(seq "$k"); do echo "node$i"; done
        done ;;
    *) echo "$nodes $ntasks $per $*" >> "$STUB_LOG"; echo '{}' ;;
esac
STUB
cat > "$d/bin/parmap" <<'STUB'
#!/bin/sh
exit 0
STUB
chmod +x "$d/bin/srun" "$d/bin/parmap"
: > "$d/pm.log"
PATH=$d/bin:$PATH STUB_LOG=$d/pm.log PARMAP=$d/bin/parmap OUT=$d/pm PARMAP_WORKLOADS=map \
    SLURM_SUBMIT_DIR=$d SLURM_NTASKS=8 SLURM_JOB_NUM_NODES=2 SLURM_NTASKS_PER_NODE='4(x2)' \
    SLURM_CPUS_ON_NODE=4 bash "$src/parmap.sbatch" > "$d/pm.out" || fail "parmap.sbatch exited $?"
got=$(awk '{ print $1, $2, $3 }' "$d/pm.log" | tr '\n' ';')
[ "$got" = "1 1 1;1 2 2;2 2 1;1 4 4;2 4 2;2 8 4;1 1 1;" ] || fail "steps (nodes ntasks per-node): $got"
grep -q -- "--mpi=pmix .*--cpu-bind=cores" "$d/pm.log" || fail "MPI steps: $(cat "$d/pm.log")"
expect="map-mpi-1-on-1-nodes.json: node1*1
map-mpi-2-on-1-nodes.json: node1*2
map-mpi-2-on-2-nodes.json: node1*1 node2*1
map-mpi-4-on-1-nodes.json: node1*4
map-mpi-4-on-2-nodes.json: node1*2 node2*2
map-mpi-8-on-2-nodes.json: node1*4 node2*4"
[ "$(cat "$d/pm/placement.txt")" = "$expect" ] || fail "placement.txt: $(cat "$d/pm/placement.txt")"
ls "$d/pm" | grep -q '^map-proc-4.json$' || fail "no proc point: $(ls "$d/pm")"
echo "sbatch_scripts: parcompare.sbatch's size choice and parmap.sbatch's placement as expected"
