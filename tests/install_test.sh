#!/bin/sh
# The library as a user gets it: `meson install` into a scratch root, then a program that
# uses only the public headers (tests/installed_api.c), compiled with what pkg-config says
# and run against the installed shared library, not the build tree's archive.
# usage: install_test.sh BUILD_DIR SOURCE_ROOT
B=$1
SRC=$2
. "$SRC/tests/test_lib.sh"
command -v pkg-config >/dev/null || skip_all "pkg-config is not installed"
command -v cc >/dev/null || skip_all "no C compiler (cc)"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
meson install -C "$B" --no-rebuild --destdir "$T/root" >"$T/install.log" 2>&1 ||
    { show "$T/install.log"; bail "meson install failed"; }
pc=$(find "$T/root" -name squeal.pc | head -1)
[ -n "$pc" ] && ok "squeal.pc installed" || bail "no squeal.pc installed"
# the .pc names the configured prefix; the files are under the scratch root
prefix=$(pkg-config --variable=prefix "$pc")
export PKG_CONFIG_PATH=$(dirname "$pc")
flags=$(pkg-config --define-variable=prefix="$T/root$prefix" --cflags --libs squeal) ||
    bail "pkg-config --cflags --libs squeal failed"
# a library built with sanitizers (CI's second build) needs a program built with them too
san=$(meson introspect "$B" --buildoptions | python3 -c '
import json, sys
print(next((o["value"] for o in json.load(sys.stdin) if o["name"] == "b_sanitize"), "none"))')
[ "$san" = none ] || flags="-fsanitize=$san $flags"
cc -std=c11 -Wall -Werror -o "$T/installed_api" "$SRC/tests/installed_api.c" $flags ||
    bail "the program does not build against the installed headers ($flags)"
ok "a program builds against the installed headers with pkg-config's flags"
lib=$(dirname "$(find "$T/root" -name 'libsqueal.so.*' | head -1)")
ldd_out=$(LD_LIBRARY_PATH="$lib" ldd "$T/installed_api" | grep libsqueal)
case "$ldd_out" in
    *"$T/root"*) ok "the program links the installed $(echo "$ldd_out" | awk '{print $1}')" ;;
    *) bad "the program does not use the installed library: $ldd_out" ;;
esac
LD_LIBRARY_PATH="$lib" "$T/installed_api" >"$T/run.log" 2>&1 && ok "installed_api runs" ||
    { bad "installed_api failed"; show "$T/run.log"; }
# the program's optional parts, installed as modules of their own (src/io/module_loader.h);
# the installed program looks in the configured libdir, which is under the scratch root here
mods=$(dirname "$(find "$T/root" -name squeal-plot.so | head -1)")
bin=$(find "$T/root" -path '*/bin/squeal' | head -1)
[ -f "$mods/squeal-plot.so" ] && [ -f "$mods/squeal-portaudio.so" ] && [ "$(basename "$mods")" = squeal ] &&
    ok "the modules are installed in libdir/squeal" || bad "the modules are not in libdir/squeal: $mods"
SQUEAL_MODULE_DIR="$mods" LD_LIBRARY_PATH="$lib" "$bin" decode "$SRC/samples/call-line.wav" --plot "$T/call.svg" \
    >"$T/plot.log" 2>&1 && [ -s "$T/call.svg" ] && ok "the installed squeal draws with the installed module" ||
    { bad "the installed squeal could not draw"; show "$T/plot.log"; }
SQUEAL_MODULE_DIR="$T/none" LD_LIBRARY_PATH="$lib" "$bin" decode "$SRC/samples/call-line.wav" --plot "$T/no.svg" \
    >"$T/none.log" 2>&1
rc=$?
[ $rc -eq 1 ] && [ ! -e "$T/no.svg" ] && [ "$(wc -l <"$T/none.log")" -eq 1 ] && grep -q "cannot load squeal-plot.so" "$T/none.log" &&
    ok "a missing module is one line and exit 1, before any work" ||
    { bad "a missing module gave exit $rc"; show "$T/none.log"; }
finish
