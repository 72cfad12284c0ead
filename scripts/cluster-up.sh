#!/bin/sh
# scripts/cluster-up.sh [options]: the same as scripts/cluster up (see there).
exec "$(dirname "$0")/cluster" up "$@"
