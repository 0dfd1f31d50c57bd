#!/usr/bin/env python3
"""Where the bytes of the shared library go, by component (the TLS stack, std's backtrace
printer, PKCS#11, our MQTT clients, ...): used by benches/size.sh.

usage: size_components.py UNSTRIPPED_SO STRIPPED_SIZE

A component's figure is the code of its functions, their unwind entries in .eh_frame (each
function's FDE, read with readelf), its share of .gcc_except_table and .eh_frame_hdr (in
proportion to its code: landing pads are not attributed one by one) and its named read-only data
(tables such as ring's precomputed points). Strings, relocations, .data.rel.ro and the dynamic
symbol table stay unattributed. Build the library with `-C symbol-mangling-version=v0` for this:
its names keep the generic arguments, so `Vec<rustls::...>::push` counts for TLS, not for alloc.
"""
import collections
import re
import subprocess
import sys

# First match wins: the order puts the narrower components first.
COMPONENTS = [
    ("std's backtrace printer (panic messages)",
     r"gimli|addr2line|rustc_demangle|miniz_oxide|backtrace_rs|std::backtrace::|adler2"),
    ("PKCS#11: cryptoki, libloading, transport::pkcs11", r"cryptoki|libloading|transport::pkcs11"),
    ("aws-c-auth API: auth, ffi::auth",
     r"aws_c_mqtt::(ffi::)?auth|^aws_(credentials|sign|imds|signable|cognito|login)"),
    ("TLS: rustls, webpki, ring",
     r"rustls|webpki|untrusted|\bring::|ring_core_|ecp_nistz|_vpaes|_aesni|ChaCha20_|"
     r"chacha20_poly1305|gcm_|nistz256|x25519|^fe_|^ge_|k25519|^sc_|bn_|openssl_probe|"
     r"^p256|^p384|LIMBS_|^limbs_|aes_hw|aes_nohw"),
    ("WebSocket: tungstenite, rand", r"tungstenite|::rand::|chacha20|getrandom"),
    ("JSON: serde_json", r"serde_json|serde_core|zmij|indexmap|itoa|ffi::common::json"),
    ("MQTT clients: client, connection, codec, ffi::mqtt",
     r"aws_c_mqtt::(ffi::mqtt|client|connection|codec)|^aws_mqtt"),
    ("IoT builders: ffi::iotdevice", r"aws_c_mqtt::ffi::iotdevice|^aws_iot_"),
    ("the rest of ours: common, io, http, runtime, transport, error", r"aws_c_mqtt|^aws_"),
]
GENERIC = "std, core, alloc and other crates' generic code"


def component(name):
    # A thread's entry trampoline holds the thread's body, not backtrace code.
    if "__rust_begin_short_backtrace" not in name or "backtrace_rs" in name:
        for label, pattern in COMPONENTS:
            if re.search(pattern, name):
                return label
    # ring's C and assembly functions carry no Rust path.
    if "::" not in name and not name.startswith(("aws_", "_")):
        return COMPONENTS[3][0]
    return GENERIC


def run(*cmd):
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


def main():
    lib, stripped = sys.argv[1], int(sys.argv[2])
    fde = {}
    frames = run("readelf", "--debug-dump=frames", lib)
    for m in re.finditer(r"^[0-9a-f]+ ([0-9a-f]+) [0-9a-f]+ FDE cie=[0-9a-f]+ pc=([0-9a-f]+)\.\.",
                         frames, re.M):
        fde[int(m.group(2), 16)] = int(m.group(1), 16) + 4  # the length field itself
    sections = {}
    for line in run("size", "-A", lib).splitlines()[2:]:
        parts = line.split()
        if len(parts) >= 2 and parts[0].startswith("."):
            sections[parts[0]] = int(parts[1])
    code, unwind, rodata = (collections.Counter() for _ in range(3))
    seen = set()
    for line in run("nm", "-S", "-C", lib).splitlines():
        parts = line.split(None, 3)
        if len(parts) < 4:
            continue
        addr, size, kind, name = int(parts[0], 16), int(parts[1], 16), parts[2], parts[3]
        if kind in "tTwW" and addr not in seen:  # aliases share one body
            seen.add(addr)
            code[component(name)] += size
            unwind[component(name)] += fde.get(addr, 0)
        elif kind in "rR":
            rodata[component(name)] += size
    shared = sections.get(".gcc_except_table", 0) + sections.get(".eh_frame_hdr", 0)
    all_code = sum(code.values())
    rows = []
    for label in set(code) | set(rodata):
        share = shared * code[label] / all_code
        rows.append((code[label] + unwind[label] + share + rodata[label], label,
                     code[label], unwind[label], share, rodata[label]))
    rows.sort(reverse=True)
    print(f"| {'component':62s} | {'KB':>6s} | {'code':>6s} | {'unwind':>6s} | {'rodata':>6s} |")
    print(f"|{'-' * 64}|{'-' * 7}:|{'-' * 7}:|{'-' * 7}:|{'-' * 7}:|")
    total = 0
    for whole, label, c, u, s, r in rows:
        total += whole
        print(f"| {label:62s} | {whole / 1000:6.0f} | {c / 1000:6.0f} | {(u + s) / 1000:6.0f} |"
              f" {r / 1000:6.0f} |")
    rest = "strings, relocations, .data.rel.ro, dynamic symbols, headers"
    print(f"| {rest:62s} | {(stripped - total) / 1000:6.0f} | | | |")
    print(f"| {'stripped file':62s} | {stripped / 1000:6.0f} | | | |")


if __name__ == "__main__":
    main()
