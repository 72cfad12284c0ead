#!/bin/sh
# Installs what parcompare needs on Debian 12 (or Ubuntu), only what is
# missing. Runs apt-get as root, or through sudo when not root.
set -eu

PACKAGES="build-essential make cmake pkg-config clang libclang-rt-dev libomp-dev \
libcmocka-dev libcjson-dev libglib2.0-dev \
openmpi-bin libopenmpi-dev \
gnuplot-nox python3 netcat-openbsd"

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
$SUDO apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
