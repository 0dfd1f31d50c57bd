#!/usr/bin/env bash
# The thread stress test (c_tests/test_thread_stress.c) for longer than the suite runs it:
# both clients, four threads each, against a local mosquitto, under AddressSanitizer and UBSan.
# usage: scripts/stress.sh [MINUTES]   (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
minutes=${1:-10}
scripts/ensure-tools.sh
scripts/build-install.sh Release
cargo build --locked --bin mqtt-test-broker
cmake -S c_tests -B build/c_tests_asan -DCMAKE_PREFIX_PATH="$root/build/prefix" -DSANITIZE=ON \
    -DMQTT_TEST_BROKER="$root/target/debug/mqtt-test-broker" >/dev/null
cmake --build build/c_tests_asan --target test_thread_stress
MOSQUITTO=$(command -v mosquitto || echo /usr/sbin/mosquitto) STRESS_SECONDS=$((minutes * 60)) \
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    build/c_tests_asan/test_thread_stress
