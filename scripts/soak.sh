#!/usr/bin/env bash
# The soak (c_tests/soak.c): both clients with traffic through mqtt-test-broker's fault proxy
# (a cut every 200 KB-2 MB) to a local mosquitto for MINUTES; passes when resident memory and
# open descriptors stay flat after the warm-up and messages keep flowing.
# usage: scripts/soak.sh [MINUTES]   (default 2, as CI runs it)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
minutes=${1:-2}
scripts/ensure-tools.sh
if [ ! -f build/prefix/lib/libaws-c-mqtt.so ]; then
    scripts/build-install.sh Release
fi
cargo build --locked --bin mqtt-test-broker
cmake -S c_tests -B build/c_tests -DCMAKE_PREFIX_PATH="$root/build/prefix" \
    -DMQTT_TEST_BROKER="$root/target/debug/mqtt-test-broker" >/dev/null
cmake --build build/c_tests --target soak
MOSQUITTO=$(command -v mosquitto || echo /usr/sbin/mosquitto) \
    MQTT_TEST_BROKER="$root/target/debug/mqtt-test-broker" SOAK_SECONDS=$((minutes * 60)) \
    build/c_tests/soak
