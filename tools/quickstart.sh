#!/bin/sh
# Installs what squeal needs on Debian 12 (as root), builds it, and runs either the main
# job (demo) or the whole test suite (test). Used verbatim by the README and by .ci/run.
set -eu
cd "$(dirname "$0")/.."
mode=${1:-demo}
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
    build-essential meson ninja-build pkg-config python3 \
    libfftw3-dev libsndfile1-dev libsoxr-dev portaudio19-dev check \
    libspandsp-dev minimodem sox \
    pulseaudio pulseaudio-utils libasound2-plugins >/dev/null
meson setup build --wipe >/dev/null 2>&1 || meson setup build >/dev/null
ninja -C build
case "$mode" in
demo)
    ./build/src/cli/squeal gen handshake -o handshake.wav
    ./build/src/cli/squeal decode handshake.wav ;;
test)
    meson test -C build --print-errorlogs ;;
*)
    echo "usage: tools/quickstart.sh demo|test" >&2
    exit 2 ;;
esac
