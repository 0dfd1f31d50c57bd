#!/usr/bin/env bash
# The client benchmarks: this project's MQTT 3.1.1 client (aws/mqtt/client.h, benches/mqtt311) or
# MQTT 5 client (aws/mqtt/v5/mqtt5_client.h, benches/mqtt5) against libmosquitto and Eclipse Paho C
# (MQTTAsync) in the same protocol, in one run, against the same two local peers:
#   ack       benches/mqtt311/ack_peer.c, a minimal acknowledging peer (the client's cost alone;
#             it answers each connection in the protocol its CONNECT asks for)
#   mosquitto a mosquitto broker (end to end)
# Each protocol's programs (bench_aws*.c, bench_mosquitto*.c, bench_paho*.c) share the runs of
# benches/mqtt311/bench_common.h and each library's code in bench_{mosquitto,paho,aws_io}.h there.
# Prints every RESULT line, then one markdown table of the figures and the ratios
# ours / the better of the other two.
#
# usage: benches/client-bench.sh mqtt311|mqtt5   (or benches/mqtt311/run.sh, benches/mqtt5/run.sh;
#        from anywhere; the prefix is build/prefix of this repo)
# environment:
#   COUNT=1000000    messages per throughput run      PAYLOAD=64   bytes per message
#   LAT_COUNT=10000  messages kept per latency run    LAT_SECS=20  latency run cap, seconds
#   REPEAT=1         throughput runs of each case; the best figure of each library is kept
#   LAT_REPEAT=5     latency runs of each case, the libraries taking turns; the median of each
#                    library's figures is kept (a p99 on this kind of machine swings by a third
#                    from run to run, and the best of a few rewards whichever library was lucky)
#   PEERS="ack mosquitto"   LIBS="aws mosquitto paho"   MODES="throughput latency"
#   PREFIX=<repo>/build/prefix   where scripts/build-install.sh installed the library
#   BUILD=1          run scripts/build-install.sh Release first
#   KEEP=DIR         keep the binaries and the raw results in DIR
set -euo pipefail

BENCHES=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCHES/.." && pwd)
PROTOCOL=${1:?usage: client-bench.sh mqtt311|mqtt5}
case $PROTOCOL in
mqtt311) SUFFIX= HEADER=aws/mqtt/client.h TITLE="MQTT 3.1.1" ;;
mqtt5) SUFFIX=5 HEADER=aws/mqtt/v5/mqtt5_client.h TITLE="MQTT 5" ;;
*) echo "unknown protocol $PROTOCOL (mqtt311 or mqtt5)" >&2; exit 2 ;;
esac
HERE=$BENCHES/$PROTOCOL
PREFIX=${PREFIX:-$ROOT/build/prefix}
COUNT=${COUNT:-1000000}
PAYLOAD=${PAYLOAD:-64}
LAT_COUNT=${LAT_COUNT:-10000}
LAT_SECS=${LAT_SECS:-20}
REPEAT=${REPEAT:-1}
LAT_REPEAT=${LAT_REPEAT:-5}
PEERS=${PEERS:-ack mosquitto}
MODES=${MODES:-throughput latency}
LIBS=${LIBS:-aws mosquitto paho}

log() { printf '%s\n' "$*" >&2; }

# ---- packages ------------------------------------------------------------------------------
need=()
[ -f /usr/include/mosquitto.h ] || need+=(libmosquitto-dev)
[ -f /usr/include/MQTTAsync.h ] || need+=(libpaho-mqtt-dev)
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || need+=(mosquitto)
if [ ${#need[@]} -gt 0 ]; then
    SUDO=
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    log "installing ${need[*]}"
    $SUDO apt-get install -y "${need[@]}" </dev/null >&2 ||
        { $SUDO apt-get update </dev/null >&2 && $SUDO apt-get install -y "${need[@]}" </dev/null >&2; }
fi
MOSQUITTO_BIN=$(command -v mosquitto 2>/dev/null || echo /usr/sbin/mosquitto)

# ---- scratch directory, and stopping what we start -------------------------------------------
WORK=$(mktemp -d "/tmp/$PROTOCOL-bench.XXXXXX")
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do
        kill "$p" 2>/dev/null || true
    done
    for p in "${PIDS[@]}"; do
        wait "$p" 2>/dev/null || true
    done
    if [ -n "${KEEP:-}" ]; then
        mkdir -p "$KEEP" && cp -r "$WORK"/. "$KEEP"/ && log "kept $WORK in $KEEP"
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- build ---------------------------------------------------------------------------------
if [ "${BUILD:-0}" = 1 ]; then
    (cd "$ROOT" && scripts/build-install.sh Release </dev/null) >&2
fi
CFLAGS="-O2 -g -Wall -Wextra -pthread"
gcc $CFLAGS -o "$WORK/ack_peer" "$BENCHES/mqtt311/ack_peer.c"
have_lib() { case " $LIBS " in *" $1 "*) return 0 ;; esac; return 1; }
BUILT=()
if have_lib mosquitto; then
    gcc $CFLAGS -o "$WORK/bench_mosquitto" "$HERE/bench_mosquitto$SUFFIX.c" -lmosquitto && BUILT+=(mosquitto)
fi
if have_lib paho; then
    gcc $CFLAGS -o "$WORK/bench_paho" "$HERE/bench_paho$SUFFIX.c" -lpaho-mqtt3a && BUILT+=(paho)
fi
# The library's build type, when PREFIX is this repository's build/prefix: a Debug library is
# unoptimized, and its figures say little.
AWS_BUILD_TYPE=unknown
if [ "$PREFIX" = "$ROOT/build/prefix" ] && [ -f "$ROOT/build/lib/CMakeCache.txt" ]; then
    AWS_BUILD_TYPE=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$ROOT/build/lib/CMakeCache.txt")
fi
if have_lib aws && [ "$AWS_BUILD_TYPE" != Release ] && [ "$AWS_BUILD_TYPE" != unknown ]; then
    log "WARNING: $PREFIX holds a $AWS_BUILD_TYPE build of the library: run"
    log "         scripts/build-install.sh Release (or BUILD=1) before believing the aws column"
fi
if have_lib aws; then
    if [ -f "$PREFIX/include/$HEADER" ]; then
        if gcc $CFLAGS -o "$WORK/bench_aws" "$HERE/bench_aws$SUFFIX.c" -I "$PREFIX/include" -L "$PREFIX/lib" \
            -laws-c-mqtt -Wl,-rpath,"$PREFIX/lib"; then
            BUILT+=(aws)
        else
            log "bench_aws$SUFFIX.c did not build: the aws column stays empty"
        fi
    else
        log "no $PREFIX/include/$HEADER (run scripts/build-install.sh Release, or BUILD=1):"
        log "the aws column stays empty"
    fi
fi

# ---- peers ---------------------------------------------------------------------------------
# Starts the ack peer on a free port; sets PORT and PEER_PID.
start_ack_peer() {
    local out=$WORK/ack_peer.$1.out
    "$WORK/ack_peer" 0 >"$out" 2>&1 &
    PEER_PID=$!
    PIDS+=("$PEER_PID")
    for _ in $(seq 100); do
        PORT=$(sed -n 's/^listening 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$out")
        [ -n "$PORT" ] && return 0
        sleep 0.05
    done
    log "ack peer did not start"; cat "$out" >&2; exit 1
}

# A free loopback port: the ack peer picks one, then goes away.
free_port() {
    start_ack_peer probe
    kill "$PEER_PID"; wait "$PEER_PID" 2>/dev/null || true
    echo "$PORT"
}

declare -A PEER_PORT
for peer in $PEERS; do
    case $peer in
    ack)
        start_ack_peer main
        PEER_PORT[ack]=$PORT
        log "ack peer on 127.0.0.1:$PORT"
        ;;
    mosquitto)
        port=$(free_port)
        mkdir -p "$WORK/mosquitto"
        chmod 755 "$WORK" "$WORK/mosquitto"
        cat >"$WORK/mosquitto/mosquitto.conf" <<EOF
listener $port 127.0.0.1
allow_anonymous true
persistence false
log_dest none
set_tcp_nodelay true
max_inflight_messages 65535
max_queued_messages 1000000
max_queued_bytes 0
EOF
        "$MOSQUITTO_BIN" -c "$WORK/mosquitto/mosquitto.conf" >"$WORK/mosquitto/out" 2>&1 &
        PIDS+=($!)
        ok=
        for _ in $(seq 100); do
            if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then ok=1; break; fi
            sleep 0.05
        done
        [ -n "$ok" ] || { log "mosquitto did not start"; cat "$WORK/mosquitto/out" >&2; exit 1; }
        PEER_PORT[mosquitto]=$port
        log "mosquitto $("$MOSQUITTO_BIN" -h 2>/dev/null | head -1 | sed 's/.*version //') on 127.0.0.1:$port"
        ;;
    *) log "unknown peer $peer"; exit 2 ;;
    esac
done

# ---- runs ----------------------------------------------------------------------------------
RESULTS=$WORK/results.txt
: >"$RESULTS"

# run PEER LIB ARGS...: one benchmark process; its RESULT line goes to RESULTS, tagged.
run() {
    local peer=$1 lib=$2
    shift 2
    local line
    line=$(timeout 600 "$WORK/bench_$lib" "$@" --port "${PEER_PORT[$peer]}" 2>>"$WORK/stderr.txt" |
        grep '^RESULT' | tail -1) || true
    [ -n "$line" ] || line="RESULT lib=$lib error=1"
    log "peer=$peer ${line#RESULT }"
    echo "peer=$peer $line" >>"$RESULTS"
}

for peer in $PEERS; do
    case " $MODES " in *" throughput "*)
        for r in $(seq "$REPEAT"); do
            for lib in "${BUILT[@]}"; do
                for qos in 0 1; do
                    run "$peer" "$lib" throughput --qos $qos --count "$COUNT" --payload "$PAYLOAD"
                    if [ "$lib" = mosquitto ]; then
                        # Its two idiomatic styles; the faster counts.
                        run "$peer" "$lib" throughput --qos $qos --count "$COUNT" --payload "$PAYLOAD" --variant loop
                    fi
                done
            done
        done
        ;;
    esac
    case " $MODES " in *" latency "*)
        for r in $(seq "$LAT_REPEAT"); do
            for qos in 0 1; do
                for lib in "${BUILT[@]}"; do
                    run "$peer" "$lib" latency --qos $qos --count "$LAT_COUNT" --payload "$PAYLOAD" --max-secs "$LAT_SECS"
                done
            done
        done
        ;;
    esac
done

# ---- table ---------------------------------------------------------------------------------
awk -v peers="$PEERS" '
function field(line, key,    re, m) {
    if (match(line, "(^| )" key "=[^ ]*")) {
        m = substr(line, RSTART, RLENGTH); sub(/^ /, "", m); sub(/^[^=]*=/, "", m); return m
    }
    return ""
}
# best[peer, lib, qos, metric]: highest msgs/s, lowest everything else
function keep(k, v, higher) {
    if (v == "") return
    if (!(k in best) || (higher ? v + 0 > best[k] + 0 : v + 0 < best[k] + 0)) best[k] = v
}
{
    peer = field($0, "peer"); lib = field($0, "lib"); mode = field($0, "mode"); q = field($0, "qos")
    if (field($0, "error") != "") next
    if (mode == "throughput") {
        keep(peer SUBSEP lib SUBSEP q SUBSEP "tput", field($0, "msgs_per_s"), 1)
        keep(peer SUBSEP lib SUBSEP q SUBSEP "tcpu", field($0, "cpu_us_per_msg"), 0)
        keep(peer SUBSEP lib SUBSEP q SUBSEP "rss", field($0, "peak_rss_kb"), 0)
    } else if (mode == "latency") {
        collect(peer SUBSEP lib SUBSEP q SUBSEP "p50", field($0, "p50_us"))
        collect(peer SUBSEP lib SUBSEP q SUBSEP "p99", field($0, "p99_us"))
    }
}
# runs[k] figures seen[k, 1..runs[k]]: their median goes into best[k] at the end
function collect(k, v) {
    if (v == "") return
    seen[k, ++runs[k]] = v + 0
}
function median(k,    n, i, j, t, a) {
    n = runs[k]
    for (i = 1; i <= n; i++) a[i] = seen[k, i]
    for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
    return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function fmt(v, m) {
    if (v == "") return "n/a"
    if (m == "tput") return sprintf("%.0f", v)
    if (m == "tcpu") return sprintf("%.2f", v)
    if (m == "rss") return sprintf("%d", v)
    return sprintf("%.1f", v)
}
END {
    for (k in runs) best[k] = median(k)
    name["tput"] = "msgs/s"; name["tcpu"] = "CPU µs/msg"; name["rss"] = "peak RSS KiB"
    name["p50"] = "p50 latency µs"; name["p99"] = "p99 latency µs"
    target["tput"] = "≥ 3.00"; target["p99"] = "≤ 1.00"
    n = split("tput tcpu rss p50 p99", metrics, " ")
    np = split(peers, P, " ")
    print ""
    print "| peer | QoS | measure | aws | mosquitto | paho | aws / best other | target | met |"
    print "|---|---|---|---:|---:|---:|---:|---:|:---:|"
    for (i = 1; i <= np; i++) for (q = 0; q <= 1; q++) for (j = 1; j <= n; j++) {
        m = metrics[j]; p = P[i]
        a = best[p, "aws", q, m]; mo = best[p, "mosquitto", q, m]; pa = best[p, "paho", q, m]
        other = ""
        if (mo != "" && pa != "") other = (m == "tput") ? (mo + 0 > pa + 0 ? mo : pa) : (mo + 0 < pa + 0 ? mo : pa)
        else if (mo != "") other = mo
        else other = pa
        ratio = "n/a"; met = ""
        if (a != "" && other != "" && other + 0 > 0) {
            r = a / other; ratio = sprintf("%.2f", r)
            if (m == "tput") met = (r >= 3) ? "yes" : "no"
            if (m == "p99") met = (r <= 1) ? "yes" : "no"
        }
        printf "| %s | %d | %s | %s | %s | %s | %s | %s | %s |\n", p, q, name[m], fmt(a, m), fmt(mo, m), fmt(pa, m), ratio, (m in target) ? target[m] : "", met
    }
}' "$RESULTS"

cat <<EOF

$TITLE. aws: $PREFIX (build type: $AWS_BUILD_TYPE). COUNT=$COUNT throughput messages, PAYLOAD=$PAYLOAD bytes, latency: up to LAT_COUNT=$LAT_COUNT kept
messages or LAT_SECS=$LAT_SECS s, REPEAT=$REPEAT throughput runs (best figure of each library kept),
LAT_REPEAT=$LAT_REPEAT latency runs (median of each library's figures kept), $(nproc) CPUs,
load average $(cut -d' ' -f1-3 /proc/loadavg). Throughput: one connection, at most 65535 publishes
outstanding, time from the first publish to the last completion. Latency: one message at a time,
published and received on the same connection. Ratios: msgs/s over the faster of mosquitto and
paho; every other row over the lower of the two.
EOF
