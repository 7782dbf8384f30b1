#!/usr/bin/env bash
# The test command: installs what is missing, builds everything with AddressSanitizer + UBSan, starts a
# throwaway PostgreSQL on loopback for the tests that need one, runs every test with CTest and stops the
# database again. Exits non-zero if anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
# Let ccache share results between clones in different folders (CI builds in a fresh clone).
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
build=build/asan
cmake -G Ninja -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOSPREY_SANITIZE=ON -DOSPREY_BUILD_BENCH=ON >/dev/null
cmake --build "$build"

pgdir=$(mktemp -d /tmp/osprey-pg.XXXXXX)
cleanup() { ./scripts/pg-test-server.sh stop "$pgdir" >/dev/null 2>&1 || true; rm -rf "$pgdir"; }
trap cleanup EXIT
OSPREY_TEST_POSTGRES_URL=$(./scripts/pg-test-server.sh start "$pgdir" | tail -n 1)
export OSPREY_TEST_POSTGRES_URL
echo "test PostgreSQL: $OSPREY_TEST_POSTGRES_URL"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
ctest --test-dir "$build" --output-on-failure -j2 --timeout 300
