#!/bin/sh
# The first command of the README: installs what is missing, builds the
# release preset and runs the main job, parcompare on its default (quick)
# matrix. Extra arguments go to parcompare.
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)"
if [ -x build/release/apps/parcompare ]; then
    exec build/release/apps/parcompare "$@"
fi
echo "quickstart: parcompare is not built; running poolmap on its defaults"
exec build/release/apps/poolmap "$@"
