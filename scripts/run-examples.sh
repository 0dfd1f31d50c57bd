#!/usr/bin/env bash
# The main job, from a fresh machine: build and install the library, build the examples
# against the install, and run them. (The MQTT clients' publish/subscribe example, with a
# local broker started here, joins this when the clients land.)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
scripts/ensure-tools.sh
scripts/build-install.sh Release
cmake -S examples -B build/examples -DCMAKE_PREFIX_PATH="$root/build/prefix" >/dev/null
cmake --build build/examples
echo
build/examples/topic_check 'sensors/kitchen/temperature' 'sensors/+/temperature' 'sensors/#' \
    'a/#/b' "$(printf 'bad\x01control')"
