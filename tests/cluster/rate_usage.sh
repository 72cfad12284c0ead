#!/bin/bash
# scripts/cluster's --rate check, which needs neither root nor a cluster (it
# runs before anything is started): a rate below 1 bit/s, which tc would
# round to a cap of 0, is one usage line and exit 2; 1 bit/s and up pass the
# rate check (the made-up subcommand then stops the script with its own
# usage line, so nothing is brought up).
set -u
script=${PAR_SOURCE_DIR:?}/scripts/cluster
fail() { echo "FAIL: $*" >&2; exit 1; }
for r in 0bit 0.5bit 0.0005kbit 0.9bit; do
    err=$(bash "$script" no-such-subcommand --rate "$r" 2>&1 >/dev/null); st=$?
    [ "$st" -eq 2 ] || fail "--rate $r: exit $st, want 2 ($err)"
    [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || fail "--rate $r: not one line: $err"
    case $err in *"--rate $r: below 1 bit/s"*) ;; *) fail "--rate $r: said '$err'";; esac
done
for r in 1bit 0.001kbit 10mbit 1gbit; do
    err=$(bash "$script" no-such-subcommand --rate "$r" 2>&1 >/dev/null)
    case $err in *"--rate"*) fail "--rate $r was refused: $err";; esac
    case $err in *"unknown subcommand"*) ;; *) fail "--rate $r: said '$err'";; esac
done
err=$(bash "$script" no-such-subcommand --rate 10mbits 2>&1 >/dev/null); st=$?
[ "$st" -eq 2 ] && case $err in *"--rate 10mbits: give e.g."*) true;; *) false;; esac ||
    fail "--rate 10mbits: exit $st, said '$err'"
echo "ok: --rate below 1 bit/s refused, 1 bit/s and up accepted"
