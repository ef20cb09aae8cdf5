#!/bin/sh
# The library as a user gets it: `meson install` into a scratch root, then a program that
# uses only the public headers (tests/installed_api.c), compiled with what pkg-config says
# and run against the installed shared library, not the build tree's archive.
# usage: install_test.sh BUILD_DIR SOURCE_ROOT
B=$1
SRC=$2
command -v pkg-config >/dev/null || { echo "SKIP: pkg-config is not installed"; exit 77; }
command -v cc >/dev/null || { echo "SKIP: no C compiler (cc)"; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
meson install -C "$B" --no-rebuild --destdir "$T/root" >"$T/install.log" 2>&1 ||
    { echo "FAIL: meson install"; cat "$T/install.log"; exit 1; }
pc=$(find "$T/root" -name squeal.pc | head -1)
[ -n "$pc" ] || { echo "FAIL: no squeal.pc installed"; exit 1; }
# the .pc names the configured prefix; the files are under the scratch root
prefix=$(pkg-config --variable=prefix "$pc")
export PKG_CONFIG_PATH=$(dirname "$pc")
flags=$(pkg-config --define-variable=prefix="$T/root$prefix" --cflags --libs squeal) ||
    { echo "FAIL: pkg-config --cflags --libs squeal"; exit 1; }
# a library built with sanitizers (CI's second build) needs a program built with them too
san=$(meson introspect "$B" --buildoptions | python3 -c '
import json, sys
print(next((o["value"] for o in json.load(sys.stdin) if o["name"] == "b_sanitize"), "none"))')
[ "$san" = none ] || flags="-fsanitize=$san $flags"
cc -std=c11 -Wall -Werror -o "$T/installed_api" "$SRC/tests/installed_api.c" $flags ||
    { echo "FAIL: the program does not build against the installed headers ($flags)"; exit 1; }
lib=$(dirname "$(find "$T/root" -name 'libsqueal.so.*' | head -1)")
ldd_out=$(LD_LIBRARY_PATH="$lib" ldd "$T/installed_api" | grep libsqueal)
case "$ldd_out" in
    *"$T/root"*) ;;
    *) echo "FAIL: the program does not use the installed library: $ldd_out"; exit 1 ;;
esac
LD_LIBRARY_PATH="$lib" "$T/installed_api" || { echo "FAIL: installed_api"; exit 1; }
echo "install: the installed library and headers work through pkg-config ($(echo "$ldd_out" | awk '{print $1}'))"
