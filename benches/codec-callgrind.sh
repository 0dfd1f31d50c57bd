#!/bin/sh
# Instructions per operation of each case of the codec micro-benchmark (benches/codec.rs),
# counted by valgrind's callgrind: repeatable where wall-clock times are not. Each case runs
# twice, with few and with more calls; the difference divided by the extra operations leaves out
# start-up, set-up and warm-up.
#
# Usage: benches/codec-callgrind.sh [FILTER]   (FILTER: a substring of the case names)
set -eu
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }

exe=$(cargo bench --bench codec --no-run --message-format=json 2>/dev/null |
    grep '"kind":\["bench"\],[^}]*"name":"codec"' |
    sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -n 1)
[ -x "$exe" ] || { echo "could not build the codec benchmark" >&2; exit 1; }

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# Instructions executed by the case named $1 run with $2 calls.
instructions() {
    CODEC_BENCH_ROUNDS=1 CODEC_BENCH_ITERS=$2 valgrind --tool=callgrind \
        --callgrind-out-file="$out/callgrind.out" "$exe" "$1" >/dev/null 2>"$out/log"
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$out/log"
}

printf '%-42s %10s\n' case "instr/op"
"$exe" --list ${1:+"$1"} | while IFS="$(printf '\t')" read -r name ops; do
    # About 20,000 extra operations per case, at least two extra calls.
    few=1
    more=$((few + (20000 + ops - 1) / ops))
    [ "$more" -ge 3 ] || more=3
    a=$(instructions "$name" "$few")
    b=$(instructions "$name" "$more")
    awk -v a="$a" -v b="$b" -v n="$(((more - few) * ops))" -v name="$name" \
        'BEGIN { printf "%-42s %10.0f\n", name, (b - a) / n }'
done
