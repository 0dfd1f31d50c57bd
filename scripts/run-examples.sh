#!/usr/bin/env bash
# The main job, from a fresh machine: build and install the library, build the examples
# against the install, and run them: topic_check, then the MQTT 3.1.1 and the MQTT 5
# publish/subscribe examples and the request-response shadow example against a local mosquitto
# started here (and stopped on exit), the durable queue surviving a kill -9 (durable_queue), and
# the MQTT 5 client over a SigV4-presigned WebSocket
# through the test broker's WebSocket bridge in front of it; then the AWS IoT connection
# builders, one example per connection method (mutual TLS, directly and through an HTTP proxy;
# WebSocket + SigV4; a custom authorizer; PKCS#12; PKCS#11), each against a test broker started
# here with the test material of scripts/iot-test-material.sh. The script's exit code is the
# first failing example's (0 when all succeed).
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

# --- A local broker for the publish/subscribe example -------------------------------------
mosquitto=$(command -v mosquitto || echo /usr/sbin/mosquitto)
tmp=$(mktemp -d)
broker_pid=""

stop_broker() {
    if [ -n "$broker_pid" ]; then
        kill "$broker_pid" 2>/dev/null || true
        wait "$broker_pid" 2>/dev/null || true
        broker_pid=""
    fi
}
# The test brokers and proxies of the AWS IoT examples, stopped on exit.
iot_pids=()
cleanup() {
    local status=$?
    stop_broker
    for pid in "${iot_pids[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$tmp"
    exit "$status"
}
trap cleanup EXIT

# A port to try: a random one below Linux's ephemeral range (32768 and up, where outgoing
# connections get theirs) that nothing accepts connections on right now. (Plain bash: the
# fresh machine may have no python.) start_broker retries if the bind fails nonetheless.
pick_port() {
    local candidate
    while :; do
        candidate=$((20000 + RANDOM % 12000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
            echo "$candidate"
            return
        fi
    done
}

# Succeeds when an MQTT broker accepts a connection on the port: mosquitto_pub connects
# (CONNECT/CONNACK), publishes an empty message and disconnects. (A bare TCP connect could
# reach another program that took the port while our mosquitto is failing to bind it.)
broker_answers() {
    timeout 2 mosquitto_pub -h 127.0.0.1 -p "$1" -i run-examples-probe -t probe -n \
        >/dev/null 2>&1
}

# Starts mosquitto on a free port, sets broker_pid and port, and returns once the broker
# accepts connections. If the bind fails (another process took the port since pick_port
# looked), mosquitto exits and we try again with another port.
start_broker() {
    local attempt deadline
    for attempt in 1 2 3 4 5 6 7 8 9 10; do
        port=$(pick_port)
        printf 'listener %s 127.0.0.1\nallow_anonymous true\n' "$port" >"$tmp/mosquitto.conf"
        "$mosquitto" -c "$tmp/mosquitto.conf" >"$tmp/mosquitto.log" 2>&1 &
        broker_pid=$!
        deadline=$((SECONDS + 10))
        while [ "$SECONDS" -lt "$deadline" ] && kill -0 "$broker_pid" 2>/dev/null; do
            if broker_answers "$port"; then
                return 0
            fi
            sleep 0.05 # the polling interval; the deadline above bounds the wait
        done
        echo "mosquitto did not come up on port $port (attempt $attempt):" >&2
        cat "$tmp/mosquitto.log" >&2
        stop_broker
    done
    return 1
}

echo
start_broker
echo "mosquitto $($mosquitto -h 2>/dev/null | sed -n 's/^mosquitto version //p') listening on 127.0.0.1:$port"
# Runs one example against the broker; its exit code (124 when it hung). The examples have
# their own timeouts; this one only guards against a hang in the library.
run_example() {
    local name=$1 status=0
    shift
    echo
    timeout 120 "build/examples/$name" 127.0.0.1 "$port" "$@" || status=$?
    if [ "$status" -eq 124 ]; then
        echo "$name did not finish within 120 s" >&2
    fi
    if [ "$status" -ne 0 ]; then
        echo "$name failed (exit code $status); the broker's log:" >&2
        cat "$tmp/mosquitto.log" >&2
    fi
    return "$status"
}

# The examples against the same broker (mosquitto speaks 3.1.1 and 5 on one listener), the
# last one a publisher killed with SIGKILL whose durable store loses nothing; the exit code is
# the first failing one's.
status=0
for example in mqtt311_pubsub mqtt5_pubsub shadow_get durable_queue; do
    code=0
    run_example "$example" || code=$?
    if [ "$status" -eq 0 ]; then
        status=$code
    fi
done

# WebSocket + SigV4, as the AWS IoT SDKs connect: the test broker's WebSocket bridge in front
# of mosquitto checks each upgrade's presigned query against these example credentials.
cargo build --locked --quiet --bin mqtt-test-broker
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=example/secret+key AWS_SESSION_TOKEN=example-token
target/debug/mqtt-test-broker --ws-forward "$port" \
    --ws-sigv4 "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY:us-east-1:$AWS_SESSION_TOKEN" \
    --log "$tmp/bridge.jsonl" >"$tmp/bridge.out" 2>&1 &
bridge_pid=$!
bridge_port=""
for _ in $(seq 1 100); do
    # The file may not exist yet (the broker's shell has not opened it): not a failure.
    bridge_port=$(sed -n 's/^listening 127.0.0.1://p' "$tmp/bridge.out" 2>/dev/null || true)
    [ -n "$bridge_port" ] && break
    sleep 0.05 # until the bridge prints its port; bounded by the loop
done
echo
code=0
timeout 120 build/examples/mqtt5_websocket_sigv4 127.0.0.1 "$bridge_port" us-east-1 || code=$?
if [ "$code" -ne 0 ]; then
    echo "mqtt5_websocket_sigv4 failed (exit code $code); the bridge's log:" >&2
    cat "$tmp/bridge.jsonl" >&2 || true
fi
kill "$bridge_pid" 2>/dev/null || true
wait "$bridge_pid" 2>/dev/null || true
if [ "$status" -eq 0 ]; then
    status=$code
fi

# --- The AWS IoT connection builders: one example per method of the SDKs' guides ----------
iot=$tmp/iot
scripts/iot-test-material.sh "$iot"
export SOFTHSM2_CONF=$iot/softhsm2.conf
softhsm_lib=${SOFTHSM2_LIB:-/usr/lib/softhsm/libsofthsm2.so}
tinyproxy=$(command -v tinyproxy || echo /usr/sbin/tinyproxy)
tls=(--tls-cert "$iot/server.pem" --tls-key "$iot/server.key")

# Sets iot_port to the port a server started in the background printed to OUT
# (`listening 127.0.0.1:PORT`); fails, showing OUT, if none comes.
wait_for_port() {
    local out=$1
    iot_port=""
    for _ in $(seq 1 100); do
        iot_port=$(sed -n 's/^listening 127.0.0.1://p' "$out" 2>/dev/null || true)
        [ -n "$iot_port" ] && return 0
        sleep 0.05 # until the server prints its port; bounded by the loop
    done
    echo "$out: the server did not start:" >&2
    cat "$out" >&2
    return 1
}

# Starts mqtt-test-broker with the arguments (its log in $iot/NAME.jsonl) and sets iot_port to
# the port it printed.
start_test_broker() {
    local name=$1
    shift
    target/debug/mqtt-test-broker --log "$iot/$name.jsonl" "$@" >"$iot/$name.out" 2>&1 &
    iot_pids+=($!)
    wait_for_port "$iot/$name.out"
}

# Runs one IoT example; its log on failure. Records the first failure in status.
run_iot_example() {
    local log=$1 code=0
    shift
    echo
    timeout 120 "build/examples/$1" "${@:2}" || code=$?
    if [ "$code" -ne 0 ]; then
        echo "$1 failed (exit code $code); the broker's log:" >&2
        cat "$iot/$log.jsonl" >&2 || true
    fi
    if [ "$status" -eq 0 ]; then
        status=$code
    fi
}

start_test_broker mtls "${tls[@]}" --tls-client-ca "$iot/ca.pem"
mtls_port=$iot_port
run_iot_example mtls iot_mtls localhost "$mtls_port" "$iot/client.pem" "$iot/client.key" "$iot/ca.pem"
run_iot_example mtls iot_mqtt311_mtls localhost "$mtls_port" "$iot/client.pem" "$iot/client.key" "$iot/ca.pem"
run_iot_example mtls iot_pkcs12 localhost "$mtls_port" "$iot/client.p12" p12-password "$iot/ca.pem"
run_iot_example mtls iot_pkcs11 localhost "$mtls_port" "$softhsm_lib" 1234 iot-example client-key \
    "$iot/client.pem" "$iot/ca.pem"

# Through an HTTP proxy (tinyproxy, allowing CONNECT to the broker's port only).
proxy_port=$(pick_port)
printf 'Port %s\nListen 127.0.0.1\nAllow 127.0.0.1\nConnectPort %s\nMaxClients 10\n' \
    "$proxy_port" "$mtls_port" >"$iot/tinyproxy.conf"
"$tinyproxy" -d -c "$iot/tinyproxy.conf" >"$iot/tinyproxy.log" 2>&1 &
iot_pids+=($!)
for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$proxy_port") 2>/dev/null && break
    sleep 0.05 # until tinyproxy listens; bounded by the loop
done
run_iot_example mtls iot_mtls localhost "$mtls_port" "$iot/client.pem" "$iot/client.key" "$iot/ca.pem" \
    127.0.0.1 "$proxy_port"

start_test_broker authorizer "${tls[@]}" --alpn mqtt \
    --custom-authorizer "ExampleAuthorizer:example-token-key:$iot/auth.pub"
run_iot_example authorizer iot_custom_authorizer localhost "$iot_port" "$iot/ca.pem" ExampleAuthorizer \
    example-token-key example-token "$(cat "$iot/auth.sig")"

# WebSocket + SigV4 over TLS: the bridge checks the presigned upgrade, in front of mosquitto.
start_test_broker sigv4-bridge "${tls[@]}" --ws-forward "$port" \
    --ws-sigv4 "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY:us-east-1:$AWS_SESSION_TOKEN"
run_iot_example sigv4-bridge iot_websocket_sigv4 localhost "$iot_port" us-east-1 "$iot/ca.pem"

# The same with Cognito's keys: scripts/fake-cognito.py answers GetCredentialsForIdentity for one
# identity over TLS, and the bridge checks the upgrade against the keys it hands out.
python3 scripts/fake-cognito.py "$iot/server.pem" "$iot/server.key" us-east-1:example-identity \
    COGNITOEXAMPLEKEY cognito-example-secret cognito-example-token >"$iot/cognito.out" 2>&1 &
iot_pids+=($!)
wait_for_port "$iot/cognito.out"
cognito_port=$iot_port
start_test_broker cognito-bridge "${tls[@]}" --ws-forward "$port" \
    --ws-sigv4 "COGNITOEXAMPLEKEY:cognito-example-secret:us-east-1:cognito-example-token"
run_iot_example cognito-bridge iot_websocket_cognito localhost "$iot_port" us-east-1 "$iot/ca.pem" \
    "localhost:$cognito_port" us-east-1:example-identity
exit "$status"
