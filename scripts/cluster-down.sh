#!/bin/sh
# scripts/cluster-down.sh [options]: the same as scripts/cluster down (see there).
exec "$(dirname "$0")/cluster" down "$@"
