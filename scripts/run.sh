#!/usr/bin/env bash
# The main job: installs what is missing, builds an optimised `osprey`, creates the data directory on first
# use (osprey-data/, or $OSPREY_DATA) and runs both services in the foreground until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
# Let ccache share results between clones in different folders (CI builds in a fresh clone).
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
cmake -G Ninja -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DOSPREY_BUILD_TESTS=OFF -DOSPREY_BUILD_BENCH=OFF >/dev/null
cmake --build build/release --target osprey
data="${OSPREY_DATA:-osprey-data}"
if [ ! -f "$data/osprey.toml" ]; then
  build/release/osprey init --dir "$data"
fi
echo "MFA server:  http://127.0.0.1:5000   (try: curl http://127.0.0.1:5000/healthz)"
echo "SMS gateway: http://127.0.0.1:8080   (try: curl http://127.0.0.1:8080/healthz)"
exec build/release/osprey serve --config "$data/osprey.toml"
