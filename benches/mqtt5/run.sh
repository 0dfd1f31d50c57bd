#!/usr/bin/env bash
# The MQTT 5 client benchmark: see benches/client-bench.sh for what it runs and its settings.
exec "$(dirname "${BASH_SOURCE[0]}")/../client-bench.sh" mqtt5 "$@"
