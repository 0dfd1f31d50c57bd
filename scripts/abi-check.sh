#!/usr/bin/env bash
# Compares our headers and library with upstream's ABI (../shared/tools/abi-check):
# - every struct and enum our headers define must match upstream's layout exactly;
# - every type listed in scripts/abi-done.txt must be defined (it landed: it cannot go missing);
# - every function of the tiers listed below must be exported;
# - every function our headers declare that upstream declares too must have upstream's C
#   prototype, every function of those tiers must be declared, and every header, fragments
#   included, must compile on its own (signatures, which parses the headers with clang:
#   scripts/ensure-tools.sh installs it).
# usage: scripts/abi-check.sh LIBRARY.so
set -euo pipefail
cd "$(dirname "$0")/.."
lib=$1
tool=${ABI_CHECK:-$(pwd)/../shared/tools/abi-check}
if [ ! -x "$tool" ]; then
    echo "abi-check not found at $tool (set ABI_CHECK): skipped"
    exit 0
fi
done_tiers=base,io,mqtt311,mqtt5,transport,later,common,io-extra

layout=$("$tool" layout --include include 2>&1 || true)
echo "$layout" | tail -n 1
status=0
if echo "$layout" | grep -v 'does not compile' | grep -v '^layout:' | grep .; then
    echo "layout differs from upstream (above)" >&2
    status=1
fi
while read -r type; do
    case $type in '#'* | '') continue ;; esac
    if echo "$layout" | grep -q -E "^(struct|enum) $type: does not compile"; then
        echo "$type: no longer defined by our headers" >&2
        status=1
    fi
done < scripts/abi-done.txt

"$tool" symbols --lib "$lib" --tier "$done_tiers" || status=1
"$tool" symbols --lib "$lib" | tail -n 1 || true

signatures=$("$tool" signatures --include include --tier "$done_tiers" 2>&1) || status=1
echo "$signatures"
if echo "$signatures" | grep -q 'does not compile on its own'; then
    echo "a header does not compile on its own (above)" >&2
    status=1
fi
exit $status
