#!/bin/sh
# Runs the libFuzzer harnesses for a while each, on corpora that squeal seeds itself.
# usage: fuzz/run.sh BUILD_DIR SECONDS [HARNESS...]
#   BUILD_DIR from: CC=clang meson setup BUILD_DIR -Dfuzzing=true -Db_sanitize=address,undefined -Db_lundef=false
# The corpora grow in BUILD_DIR/fuzz-corpus/HARNESS; a crash, leak, UB report, timeout or
# out-of-memory leaves its input in BUILD_DIR/fuzz-findings and makes the run fail.
set -u
B=$(cd "$1" && pwd)
SECONDS_EACH=$2
shift 2
HARNESSES=${*:-audio_reader decoder v8_rx lapm call options at v34 echo v90}
SQ="$B/src/cli/squeal"
C="$B/fuzz-corpus"
F="$B/fuzz-findings"
mkdir -p "$F"
export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

# seeds: what squeal itself writes (tones, FSK, a whole V.22bis call), in each harness's shape
seed() {
    S=$(mktemp -d)
    (cd "$S" && "$SQ" gen ansam_pr --duration 0.5 -o ans.wav && "$SQ" gen v21 --text CM -o v21.wav --rate 11025 &&
        "$SQ" sim --wav call --send /etc/hostname >/dev/null && "$SQ" gen info1c -o info.wav &&
        "$SQ" gen v8bis_msg --octets 118980808102d0 -o v8bis.wav && "$SQ" gen v90_startup -o v90.wav &&
        "$SQ" gen v34_startup --set v90_ja=1 --set downstream_bps=45333 -o v90a.wav &&
        "$SQ" gen v34_startup --set v90_ja=1 --set downstream_bps=45333 --set v90_scr=0 -o v90b.wav &&
        "$SQ" gen info0a -o info0a.wav && "$SQ" gen infomarks_a -o marks.wav &&
        "$SQ" gen v92_qts --duration 0.3 -o qts.wav) >/dev/null 2>&1
    for h in $HARNESSES; do mkdir -p "$C/$h"; done
    [ -d "$C/audio_reader" ] && cp "$S/ans.wav" "$S/v21.wav" "$C/audio_reader/" 2>/dev/null
    for h in decoder call; do
        [ -d "$C/$h" ] || continue
        # one header byte (and eight for the decoder's chunk sizes), then the line's 16-bit PCM
        { printf '\000'; [ $h = decoder ] && printf '\240\000\007\000\001\000\000\020'
          tail -c +45 "$S/call-line.wav" | head -c 65536; } >"$C/$h/call.seed"
    done
    # V.34 phase 2, a V.8bis message, a V.90 digital start-up and an analogue one (Ja, CP, with
    # SCR and without), a V.92 digital modem's QCA1d and QTS, for the decoder's newer lanes
    for w in info v8bis v90 v90a v90b qts; do
        [ -d "$C/decoder" ] && { printf '\000\240\000\007\000\001\000\000\020'; tail -c +45 "$S/$w.wav"; } >"$C/decoder/$w.seed"
    done
    # an INFO0a then INFOMARKSa (the start-up's error recovery), read as both sides on one line
    [ -d "$C/decoder" ] && { printf '\002\240\000\007\000\001\000\000\020'; tail -c +45 "$S/info0a.wav"
                             tail -c +45 "$S/marks.wav"; } >"$C/decoder/marks.seed"
    # two channels for the echo canceller: the call's line against a V.90 start-up
    [ -d "$C/echo" ] && python3 -c '
import sys, wave, array
a = array.array("h", wave.open(sys.argv[1]).readframes(16000))
b = array.array("h", wave.open(sys.argv[2]).readframes(16000))
n = min(len(a), len(b))
both = array.array("h", [v for pair in zip(a[:n], b[:n]) for v in pair])
sys.stdout.buffer.write(bytes([0]) + bytes([0, 16, 7, 0, 1, 0, 0, 16]) + bytes([0, 16, 0, 8, 0, 4, 0, 32]) + both.tobytes()[:16000])
' "$S/call-line.wav" "$S/v90.wav" >"$C/echo/call.seed" 2>/dev/null
    # the V.34 harness makes its own start-up: each seed picks one to damage
    [ -d "$C/v34" ] && for v in 0 1 2 3 8 11 128 129 130 131 136 195; do printf "\\$(printf %o $v)\\200" >"$C/v34/start$v.seed"; done
    # the V.90 harness makes its own phase 4: each seed picks its shaping
    [ -d "$C/v90" ] && for v in 0 1 6 15 21 63; do printf "\\$(printf %o $v)" >"$C/v90/shape$v.seed"; done
    [ -d "$C/v8_rx" ] && printf '\377\377\003\340\205\044\325\001' >"$C/v8_rx/cm.seed"
    [ -d "$C/options" ] && printf 'v34,v22bis,v21' >"$C/options/modes.seed"
    [ -d "$C/at" ] && printf '\010ATE0V1S7=10\rAT+MS=V22B,1,300,2400;+ES=3\rATI3\rATD123\r' >"$C/at/dial.seed"
    rm -rf "$S"
}
seed

failed=0
for h in $HARNESSES; do
    log="$B/fuzz-$h.log"
    case $h in
    options) extra="-close_fd_mask=2 -max_len=256" ;;   # the parsers' own error lines
    at) extra="-max_len=4096" ;;
    decoder|call) extra="-max_len=70000" ;;             # seconds of audio: a call's start
    *) extra="-max_len=16384" ;;
    esac
    # inputs that once found a bug (fuzz/regressions/HARNESS) run first, every time
    regressions=
    R="$(dirname "$0")/regressions/$h"
    [ -d "$R" ] && regressions=$(cd "$R" && pwd)
    # shellcheck disable=SC2086
    "$B/fuzz/fuzz_$h" -max_total_time="$SECONDS_EACH" -timeout=30 -rss_limit_mb=2048 $extra \
        -print_final_stats=1 -artifact_prefix="$F/$h-" "$C/$h" $regressions >"$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    if [ $rc -eq 0 ]; then
        echo "fuzz $h: ${SECONDS_EACH} s, ${runs:-?} inputs, no finding"
    else
        failed=1
        echo "fuzz $h: FINDING (exit $rc), input in $F, log $log"
        grep -m 3 -E 'ERROR|runtime error|SUMMARY' "$log"
    fi
done
exit $failed
