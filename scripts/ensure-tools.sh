#!/usr/bin/env bash
# Installs, through apt-get, the tools the build and the tests need when they are missing.
# Sourced or run by the README's commands; a no-op on a machine that has them.
set -euo pipefail
need=()
command -v cmake >/dev/null || need+=(cmake)
command -v pkg-config >/dev/null || need+=(pkg-config)
command -v cc >/dev/null || need+=(gcc)
command -v c++ >/dev/null || need+=(g++)
command -v valgrind >/dev/null || need+=(valgrind)
command -v mosquitto >/dev/null || [ -x /usr/sbin/mosquitto ] || need+=(mosquitto)
command -v mosquitto_pub >/dev/null || need+=(mosquitto-clients)
command -v openssl >/dev/null || need+=(openssl)
# An HTTP CONNECT proxy, which c_tests/test_http_proxy.c runs between the clients and mosquitto.
command -v tinyproxy >/dev/null || [ -x /usr/bin/tinyproxy ] || [ -x /usr/sbin/tinyproxy ] || need+=(tinyproxy)
# A TLS terminator in front of tinyproxy, for TLS to the proxy.
command -v socat >/dev/null || need+=(socat)
# A PKCS#11 token in software, which c_tests/test_pkcs11.c makes and signs with.
command -v softhsm2-util >/dev/null || need+=(softhsm2)
# libssl's headers and pkg-config file, for the openssl crate the Rust tests use (the library
# itself loads libcrypto at run time, only for PKCS#12 files and the login provider's key).
dpkg -s libssl-dev >/dev/null 2>&1 || need+=(libssl-dev)
# The system trust store, which a default TLS client context loads.
[ -s /etc/ssl/certs/ca-certificates.crt ] || need+=(ca-certificates)
# clang, which scripts/abi-check.sh's signatures check parses the headers with.
command -v clang-14 >/dev/null || command -v clang >/dev/null || need+=(clang)
if [ ${#need[@]} -gt 0 ]; then
    echo "installing: ${need[*]}"
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
