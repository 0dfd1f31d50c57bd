#!/bin/sh
# Instructions per TLS record (a rustls client seals it, a rustls server opens it, in memory;
# benches/tls_records.rs), counted by valgrind's callgrind for 100-byte and 16,000-byte records.
# Each size runs twice, with N and 2N records; the difference divided by N leaves out the
# handshake and start-up. Run it before and after changing rustls' or ring's opt-level in
# Cargo.toml's release profile (the bench profile inherits it).
#
# Usage: benches/tls-callgrind.sh
set -eu
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }

exe=$(cargo bench --bench tls_records --no-run --message-format=json 2>/dev/null |
    grep '"kind":\["bench"\],[^}]*"name":"tls_records"' |
    sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -n 1)
[ -x "$exe" ] || { echo "could not build the tls_records benchmark" >&2; exit 1; }

# Instructions executed for $1 records of $2 bytes.
instructions() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$exe" "$1" "$2" 2>&1 >/dev/null |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}

printf '%-12s %14s\n' "record" "instr/record"
for len in 100 16000; do
    n=$((len == 100 ? 20000 : 2000))
    a=$(instructions "$n" "$len")
    b=$(instructions $((2 * n)) "$len")
    printf '%-12s %14d\n' "$len bytes" $(((b - a) / n))
done
printf 'a handshake (and a certificate made): %s instructions\n' "$(instructions 0 100)"
