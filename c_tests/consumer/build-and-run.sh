#!/usr/bin/env bash
# Builds c_tests/consumer/main.c against an installed prefix one way and runs it.
# usage: build-and-run.sh find_package|find_package_static|pkg_config|old_link_line PREFIX WORKDIR
set -euo pipefail
mode=$1 prefix=$(cd "$2" && pwd) work=$3
here=$(cd "$(dirname "$0")" && pwd)
cc=${CC:-cc}
rm -rf "$work" && mkdir -p "$work"
case $mode in
find_package | find_package_static)
    shared=ON
    [ "$mode" = find_package_static ] && shared=OFF
    cmake -S "$here" -B "$work" -DCMAKE_PREFIX_PATH="$prefix" -DBUILD_SHARED_LIBS=$shared >/dev/null
    cmake --build "$work" >/dev/null
    if [ "$mode" = find_package_static ] && ldd "$work/consumer" | grep -q aws-c-mqtt; then
        echo "static consumer still needs the shared library" >&2
        exit 1
    fi
    "$work/consumer"
    ;;
pkg_config)
    flags=$(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs aws-c-mqtt)
    # shellcheck disable=SC2086
    $cc -Wall -Wextra -Werror "$here/main.c" $flags -Wl,-rpath,"$prefix/lib" -o "$work/consumer"
    "$work/consumer"
    ;;
old_link_line)
    $cc -Wall -Wextra -Werror "$here/main.c" -I"$prefix/include" -L"$prefix/lib" \
        -laws-c-mqtt -laws-c-auth -laws-c-sdkutils -laws-c-http -laws-c-io -laws-c-common -Wl,-rpath,"$prefix/lib" -o "$work/consumer"
    "$work/consumer"
    ;;
*)
    echo "unknown mode $mode" >&2
    exit 2
    ;;
esac
