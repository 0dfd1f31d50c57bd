#!/usr/bin/env bash
# The MQTT 3.1.1 client benchmark: see benches/client-bench.sh for what it runs and its settings.
exec "$(dirname "${BASH_SOURCE[0]}")/../client-bench.sh" mqtt311 "$@"
