#!/bin/sh
# Installs what parcompare needs on Debian 12 (or Ubuntu), only what is
# missing. Runs apt-get as root, or through sudo when not root.
set -eu

PACKAGES="build-essential make cmake pkg-config clang libclang-rt-dev libomp-dev \
libcmocka-dev libcjson-dev libglib2.0-dev \
openmpi-bin libopenmpi-dev \
gnuplot-nox python3 netcat-openbsd help2man \
iproute2 util-linux slurmctld slurmd slurm-client munge"
# iproute2 .. munge: the test cluster (scripts/cluster, ctest -L cluster).

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done

if [ -z "$missing" ]; then
    echo "install-deps: everything is installed"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "install-deps: need root or sudo to install:$missing" >&2
    exit 1
fi

echo "install-deps: installing$missing"
# munge and slurm's packages start their daemons on install. Where no init
# system runs them (a container or a VM without systemd, like CI's) that start
# fails or leaves stray daemons with Debian's default configuration; the test
# cluster runs its own. So unless the machine already has a policy, forbid
# service starts (policy-rc.d exit 101) for the length of this install only.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ] && [ "$(cat /proc/1/comm 2>/dev/null)" != systemd ]; then
    $SUDO sh -c "printf '#!/bin/sh\\nexit 101\\n' > $policy && chmod 755 $policy"
    trap '$SUDO rm -f "$policy"' EXIT
fi
$SUDO apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
