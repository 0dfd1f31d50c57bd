#!/usr/bin/env bash
# The stripped size of the release shared library (the issue's size target: at most 2.5 MB with
# everything it exports), its sections, and with --components where the bytes go (the TLS
# stack, std's backtrace printer, our clients...; benches/size_components.py).
#
# Usage: benches/size.sh [--components]
# --components builds a second copy with v0 symbol mangling (names keep their generic
# arguments) in target/size-v0: a few minutes more; its size differs from the real one by
# about a kilobyte.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo build --release --lib --locked -q
cp target/release/libaws_c_mqtt.so "$work/lib.so"
strip "$work/lib.so"
bytes=$(stat -c %s "$work/lib.so")
echo "stripped libaws_c_mqtt.so: $bytes bytes ($(awk -v b="$bytes" 'BEGIN { printf "%.2f", b / 1e6 }') MB)"
size -A "$work/lib.so" | awk 'NR > 2 && $2 >= 4096 { printf "  %-20s %9d\n", $1, $2 }'

if [ "${1:-}" = --components ]; then
    RUSTFLAGS="${RUSTFLAGS:-} -C symbol-mangling-version=v0" CARGO_TARGET_DIR=target/size-v0 \
        cargo build --release --lib --locked -q
    cp target/size-v0/release/libaws_c_mqtt.so "$work/v0.so"
    cp "$work/v0.so" "$work/v0-stripped.so"
    strip "$work/v0-stripped.so"
    python3 benches/size_components.py "$work/v0.so" "$(stat -c %s "$work/v0-stripped.so")"
fi
