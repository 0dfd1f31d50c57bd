#!/usr/bin/env bash
# Makes, in DIR, what the AWS IoT builder examples connect with against the local test brokers:
# a test PKI (ca.pem; server.pem/.key for localhost and 127.0.0.1; client.pem/.key; EC P-256,
# quick to make), client.p12 (password p12-password), a custom authorizer's RSA key pair
# (auth.key, auth.pub) with auth.sig, the base64 RSA-SHA256 signature of the token
# "example-token", and a SoftHSM2 token "iot-example" (PIN 1234) holding the client key as
# client-key, configured by DIR/softhsm2.conf (export SOFTHSM2_CONF to use it).
# usage: scripts/iot-test-material.sh DIR
set -euo pipefail
dir=$1
mkdir -p "$dir/tokens"
cd "$dir"
{
    ec='-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes'
    # shellcheck disable=SC2086
    openssl req -x509 $ec -keyout ca.key -out ca.pem -days 30 -subj '/CN=iot example CA' \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' >server.ext
    # shellcheck disable=SC2086
    openssl req $ec -keyout server.key -out server.csr -subj '/CN=localhost'
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 30 \
        -extfile server.ext
    printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n' >client.ext
    # shellcheck disable=SC2086
    openssl req $ec -keyout client.key -out client.csr -subj '/CN=iot example device'
    openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days 30 \
        -extfile client.ext
    openssl pkcs12 -export -in client.pem -inkey client.key -out client.p12 -passout pass:p12-password
    openssl genrsa -out auth.key 2048
    openssl rsa -in auth.key -pubout -out auth.pub
    printf '%s' example-token | openssl dgst -sha256 -sign auth.key | base64 -w0 >auth.sig
    printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' "$(pwd)" \
        >softhsm2.conf
    export SOFTHSM2_CONF=$PWD/softhsm2.conf
    softhsm2-util --init-token --free --label iot-example --pin 1234 --so-pin 0000
    softhsm2-util --import client.key --token iot-example --label client-key --id 01 --pin 1234
} >material.log 2>&1 || {
    cat material.log >&2
    exit 1
}
