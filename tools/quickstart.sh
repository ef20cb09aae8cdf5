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
    libfftw3-dev libsndfile1-dev libsoxr-dev portaudio19-dev libcairo2-dev fonts-dejavu-core check \
    libspandsp-dev minimodem sox \
    pulseaudio pulseaudio-utils libasound2-plugins >/dev/null
# the report page's test drives a real browser (headless Chromium through Selenium); the
# modem's test drives it with real programs: chat and pppd (ppp), sz/rz (lrzsz), socat
if [ "$mode" = test ]; then
    apt-get install -y -qq --no-install-recommends chromium chromium-driver python3-selenium \
        ppp lrzsz socat >/dev/null
fi
meson setup build --wipe >/dev/null 2>&1 || meson setup build >/dev/null
ninja -C build
case "$mode" in
demo)
    # A whole call between two squeal modems on a line at 20 dB SNR: V.8 negotiation,
    # V.22bis training, a message each way checked byte for byte, then the call's audio
    # decoded back into its timeline. Everything lands in build/demo/.
    d=build/demo
    mkdir -p "$d"
    printf 'Hello from the caller: this line went out as 16-QAM at 2400 bit/s.\n' >"$d/caller.txt"
    printf 'And back from the answerer, on the other carrier.\n' >"$d/answerer.txt"
    ./build/src/cli/squeal sim --snr 20 --seed 1 --send "$d/caller.txt" --send-back "$d/answerer.txt" \
        --recv-out "$d/answerer-got.txt" --recv-back-out "$d/caller-got.txt" --wav "$d/call"
    cmp "$d/caller.txt" "$d/answerer-got.txt" && cmp "$d/answerer.txt" "$d/caller-got.txt"
    echo "both messages arrived byte for byte; the call's audio is $d/call-line.wav, decoded:"
    ./build/src/cli/squeal decode "$d/call-line.wav" ;;
test)
    meson test -C build --print-errorlogs ;;
*)
    echo "usage: tools/quickstart.sh demo|test" >&2
    exit 2 ;;
esac
