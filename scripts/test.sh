#!/usr/bin/env bash
# The whole test suite, from a fresh machine: Rust unit tests, the generated-header check, the
# build and install through CMake, the C suite under ctest (tests, per-header compile checks,
# outside consumer builds), the same C tests under AddressSanitizer/UBSan, a 2-minute soak, and
# abi-check.
set -euo pipefail
cd "$(dirname "$0")/.."
# Nothing here reads standard input; detach it so no tool (rustc probes read "-") sees stray input.
exec </dev/null
root=$(pwd)
scripts/ensure-tools.sh

step() { printf '\n=== %s\n' "$*"; }

step "cargo test"
cargo test --locked --workspace

step "generated headers are up to date"
cargo run --locked -q -p headergen -- --check

step "build and install (Release)"
scripts/build-install.sh Release

step "test broker for the MQTT client tests"
cargo build --locked --bin mqtt-test-broker
broker="$root/target/debug/mqtt-test-broker"

step "C suite (ctest)"
cmake -S c_tests -B build/c_tests -DCMAKE_PREFIX_PATH="$root/build/prefix" -DMQTT_TEST_BROKER="$broker" >/dev/null
cmake --build build/c_tests
ctest --test-dir build/c_tests --output-on-failure -j2

step "C tests under AddressSanitizer and UBSan"
cmake -S c_tests -B build/c_tests_asan -DCMAKE_PREFIX_PATH="$root/build/prefix" -DSANITIZE=ON \
    -DMQTT_TEST_BROKER="$broker" >/dev/null
cmake --build build/c_tests_asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build/c_tests_asan --output-on-failure -j2 -R '^test_'

step "soak: both clients through the fault proxy for 2 minutes, memory and descriptors flat"
scripts/soak.sh 2

step "ABI against upstream"
scripts/abi-check.sh build/prefix/lib/libaws-c-mqtt.so

step "all tests passed"
