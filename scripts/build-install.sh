#!/usr/bin/env bash
# Builds the library with CMake (which drives cargo) and installs it into build/prefix.
# usage: scripts/build-install.sh [Release|Debug]
set -euo pipefail
cd "$(dirname "$0")/.."
type=${1:-Release}
cmake -S . -B build/lib -DCMAKE_BUILD_TYPE="$type" >/dev/null
cmake --build build/lib
cmake --install build/lib --prefix build/prefix >/dev/null
echo "installed into $(pwd)/build/prefix"
