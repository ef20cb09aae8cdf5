#!/bin/sh
# Real-time tests through a real sound server: a private PulseAudio with null sinks
# (tools/loopback.sh), PortAudio reaching it through ALSA's pulse plugin.
#   1. squeal answer and squeal call as two processes, 20 kB each way, SHA-256 checked,
#      data at 2400 bit/s (from training, or asked for in data after a training a skip
#      spoilt); the answerer's --record decodes back into the call's timeline. Now and then the
#      server skips (a pulse stream under-runs and a gap enters the far end's audio); the
#      modems retrain, and V.42 LAPM (on by default in answer and call) sends again what
#      was lost, so every call that connected must deliver both files whole (one broken
#      before CONNECT is said and made once more).
#   2. (the +/-300 ppm call with sox in the loop is in cli_test.sh: it needs no server)
#   3. the answerer killed mid-call: the caller says NO CARRIER, exits 4, and what it had
#      received is in its output file, intact
#   3b. two squeal modems on ptys, their lines through the server, driven with chat
#   4. squeal demo played into a null sink while parec records the sink's monitor: the
#      recording decodes to the same timeline as the demo's own --wav output; demo --show
#      on a pty draws its waterfall with each phase's signal where it belongs
#   5. a device that does not exist: one error line, exit 1
#   6. a device that cannot record (no full duplex): one error line, exit 1
# usage: loopback_test.sh SQUEAL SOURCE_ROOT
SQ=$1
SRC=$2
. "$SRC/tests/test_lib.sh"
for tool in pulseaudio pactl parec pacat sox sha256sum python3; do
    command -v $tool >/dev/null || skip_all "$tool is not installed"
done
ls /usr/lib/*/alsa-lib/libasound_module_pcm_pulse.so >/dev/null 2>&1 ||
    { skip_all "ALSA's pulse plugin (libasound2-plugins) is not installed"; }

# Under AddressSanitizer, LeakSanitizer reports blocks that ALSA's pulse plugin allocates
# and never frees; the plugin is unloaded by then, so no suppression can name it. Leaks are
# not checked in this script; the same commands run on raw and WAV lines in cli_test.sh
# with leak checking on.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
export ASAN_OPTIONS
T=$(mktemp -d)
export SQUEAL_PULSE_DIR="$T/pulse"
trap 'sh "$SRC/tools/loopback.sh" stop; rm -rf "$T"' EXIT
eval "$(sh "$SRC/tools/loopback.sh" start)" || bail "could not start PulseAudio"
retried=0

python3 - "$T" <<'PY'
import random, sys
r = random.Random(20261121)
for name, size in (("a.bin", 20480), ("b.bin", 20480)):
    open(f"{sys.argv[1]}/{name}", "wb").write(bytes(r.getrandbits(8) for _ in range(size)))
PY

same() { [ "$(sha256sum <"$1")" = "$(sha256sum <"$2")" ]; }

# --- 1. two processes, 20 kB each way -------------------------------------------------
"$SQ" devices >"$T/devices" 2>&1 && grep -q pulse "$T/devices" && ok || bad "devices does not list pulse: $(cat "$T/devices")"
# A call that connected must deliver both files whole, whatever the server did. One that a
# skip broke before both sides said CONNECT (V.8 or training; a skip there is survived
# with LAPM, but not always) is said and made once more; so is one whose V.8 did not agree
# LAPM although both sides offer it (seen once under AddressSanitizer, with two PortAudio
# underruns in the caller: the answerer heard CM as "v22bis" alone, twice, and answered
# without LAPM; the LAPM checks below then have nothing to check). So is one in which
# PortAudio lost its stream ("the sound device stopped": ALSA's poll on the PulseAudio
# plugin failed in one CI run, 42 s into the call): the modem said NO CARRIER and delivered
# nothing wrong, but what the test is about, a whole transfer, was not made.
for setup in 1 2; do
    PULSE_SINK=b2a PULSE_SOURCE=a2b.monitor timeout 300 "$SQ" answer --send "$T/b.bin" --recv-out "$T/got-a" \
        --record "$T/answer.wav" 2>"$T/answer.log" &
    answer=$!
    PULSE_SINK=a2b PULSE_SOURCE=b2a.monitor timeout 300 "$SQ" call --json --send "$T/a.bin" --recv-out "$T/got-b" \
        2>"$T/call.log"
    call_rc=$?
    wait $answer
    answer_rc=$?
    device_lost=$(grep -h "the sound device stopped" "$T/call.log" "$T/answer.log" | head -1)
    grep -q CONNECT "$T/call.log" && grep -q CONNECT "$T/answer.log" && grep -q "V.42 LAPM agreed" "$T/answer.log" &&
        [ -z "$device_lost" ] && break
    retried=$((retried + 1))
    note "20 kB call, setup $setup: no CONNECT with LAPM on both sides, or the sound device lost" \
        "(call: $(grep -h '"no_carrier"' "$T/call.log" | head -1);" \
        "answer: $(grep -h 'NO CARRIER (\|V.8 complete' "$T/answer.log" | head -2 | tr '\n' ' '))"
done
retrains=$(cat "$T/call.log" "$T/answer.log" | grep -c "retrain:")
skipped_retrains=$retrains
[ "$retrains" -eq 0 ] || note "the sound server skipped: $retrains retrains; $(grep -h "summary\|call complete" "$T/answer.log" | tail -1)"
grep -q '"text":"V.42 LAPM link up' "$T/call.log" && ok || bad "no V.42 LAPM link up status line from call"
grep -q 'V.42 LAPM link up' "$T/answer.log" && ok || bad "no V.42 LAPM link up status line from answer"
[ $call_rc -eq 0 ] && [ $answer_rc -eq 0 ] && ok || bad "20 kB call: exit $call_rc / $answer_rc"
same "$T/a.bin" "$T/got-a" && ok || bad "20 kB caller->answerer: SHA-256 differs ($(wc -c <"$T/got-a") bytes)"
same "$T/b.bin" "$T/got-b" && ok || bad "20 kB answerer->caller: SHA-256 differs ($(wc -c <"$T/got-b") bytes)"
# 2400 bit/s from training on, or reached in data: a skip in the training can make one side
# measure the line too poor for 2400 and train at 1200; with LAPM, a clean line then asks
# for 2400 a few seconds into data (V.22bis 6.6)
at_2400() { grep -q "$1CONNECT 2400\|$1retrained: data at 2400 bit/s, up from 1200" "$2"; }
grep -q '"text":"CONNECT' "$T/call.log" && ok || bad "no CONNECT JSON status line from call"
at_2400 '"text":"' "$T/call.log" && ok || bad "call: no JSON status line of data at 2400 bit/s"
at_2400 '' "$T/answer.log" && ok || bad "answer: no status line of data at 2400 bit/s"
grep -q "up from 1200" "$T/call.log" "$T/answer.log" && note "trained at 1200, then asked for 2400: $(grep -h "up from 1200" "$T/answer.log")"
if [ $fail -ne 0 ]; then note "--- call"; show "$T/call.log"; note "--- answer"; show "$T/answer.log"; fi
# what the answerer sent (ch1) and heard (ch2), read back by decode. The caller's S1 and SB1
# at 2400 are short: where the sound server skipped (a retrain in the call: seen once with
# both cores busy, the answerer's recording then held neither), their absence is noted, not
# failed; every other event must be there
"$SQ" decode "$T/answer.wav" >"$T/answer.timeline" 2>&1
for ev in "ch1  ansam_pr" "ch2  ci" "ch2  cm" "ch1  jm" "ch2  cj" "ch1  usb1" "ch2  s1" "ch1  s1" "ch2  sb1 .*2400" "ch1  data .*2400" "ch2  data .*2400"; do
    if grep -q "$ev" "$T/answer.timeline"; then
        ok
    elif [ "$skipped_retrains" -ne 0 ] && { [ "$ev" = "ch2  s1" ] || [ "$ev" = "ch2  sb1 .*2400" ]; }; then
        note "the sound server skipped ($skipped_retrains retrains): no '$ev' in the answerer's recording"
    else
        bad "the answerer's recording has no '$ev' event"
    fi
done

# --- 3. the far end goes away mid-call ------------------------------------------------
# What is under test is the end of a call that had connected: a call the sound server
# broke before CONNECT (which section 1 covers) is made again, at most 3 times, and said.
for setup in 1 2 3; do
    PULSE_SINK=b2a PULSE_SOURCE=a2b.monitor timeout 120 "$SQ" answer --send "$T/b.bin" --recv-out /dev/null \
        2>"$T/answer5.log" &
    answer=$!
    PULSE_SINK=a2b PULSE_SOURCE=b2a.monitor timeout 120 "$SQ" call --send "$T/a.bin" --recv-out "$T/got-b5" \
        2>"$T/call5.log" &
    call=$!
    for _ in $(seq 1 60); do grep -q "CONNECT\|NO CARRIER" "$T/call5.log" && break; sleep 0.5; done
    grep -q CONNECT "$T/call5.log" && break
    retried=$((retried + 1))
    note "peer-killed call, setup $setup: no CONNECT ($(grep -h "NO CARRIER (" "$T/call5.log" | head -1)); again"
    pkill -9 -P $answer
    wait $call $answer
done
# the far end goes once some data has come through (the caller writes what arrives as it
# arrives, into its output's temporary file): a skip and a retrain right after CONNECT can
# hold the first bytes back for seconds, and a kill before them would test nothing
for _ in $(seq 1 60); do
    [ -n "$(find "$T" -maxdepth 1 -name 'got-b5.squeal-partial-*' -size +0c 2>/dev/null)" ] && break
    sleep 0.5
done
sleep 1
pkill -9 -P $answer   # squeal itself, the child of timeout
wait $call
call_rc=$?
got=$(wc -c <"$T/got-b5")
[ $call_rc -eq 4 ] && ok || bad "peer killed: call exit $call_rc, wanted 4"
grep -q "NO CARRIER" "$T/call5.log" && ok || bad "peer killed: no NO CARRIER line"
# what came before the end is intact: the start of what was sent (LAPM hands bytes over
# in order, each once, retrain or not)
[ "$got" -gt 0 ] && cmp -s -n "$got" "$T/got-b5" "$T/b.bin" && ok ||
    bad "peer killed: the $got bytes received are not the start of what was sent"
if [ $fail -ne 0 ]; then note "--- call"; show "$T/call5.log"; note "--- answer"; show "$T/answer5.log"; fi

# --- 3b. squeal modem on ptys over the sound server, driven by chat ---------------------
if command -v chat >/dev/null; then
    sh "$SRC/tests/modem_pulse.sh" "$SQ" "$T" >"$T/modem_pulse.out"
    while read -r verdict desc; do
        case $verdict in
        ok) ok "$desc" ;;
        note) note "$desc" ;;
        *) bad "$desc"; show "$T/pa-modem-a.log" "$T/pa-modem-b.log" ;;
        esac
    done <"$T/modem_pulse.out"
else
    skipped 4 "chat (ppp) is not installed"
fi

# --- 4. the demo, heard through the sound server --------------------------------------
parec -d demo.monitor --rate=8000 --channels=1 --format=s16le --file-format=wav "$T/heard.wav" &
rec=$!
sleep 0.3
PULSE_SINK=demo timeout 60 "$SQ" demo >"$T/demo.out" 2>&1 && ok || bad "demo failed: $(cat "$T/demo.out")"
sleep 0.5
kill $rec
wait $rec 2>/dev/null
"$SQ" demo --wav "$T/demo.wav" >/dev/null 2>&1 || bad "demo --wav failed"
# the same events, channels and data in the same order (times shift with the recording's start)
timeline() { "$SQ" decode --json "$1" | python3 -c '
import json, sys
for line in sys.stdin:
    e = json.loads(line)
    print(e["type"], e.get("chan", ""), e.get("text", e.get("bytes_hex", "")))'; }
timeline "$T/heard.wav" >"$T/heard.events"
timeline "$T/demo.wav" >"$T/demo.events"
if cmp -s "$T/heard.events" "$T/demo.events" && grep -q "^data" "$T/demo.events"; then ok; else
    bad "the demo as heard decodes differently:"; diff "$T/demo.events" "$T/heard.events" | show; fi
grep -q "CONNECT 2400" "$T/demo.out" && ok || bad "demo printed no CONNECT"
# 4b. demo --show on a terminal (script gives it a pty): the waterfall, its rows bright where
# each phase's signal is (the answer tone at 2100 Hz, CM at 1080, JM at 1650/1850)
if command -v script >/dev/null; then
    PULSE_SINK=demo COLORTERM=truecolor COLUMNS=90 timeout 60 script -qec "\"$SQ\" demo --show" "$T/show.ts" \
        </dev/null >/dev/null 2>&1
    python3 "$SRC/tests/waterfall_check.py" "$T/show.ts" "ansam_pr sent=2100" "CM sent=1080" "JM sent=1750" \
        >"$T/show.check" && ok || { bad "demo --show:"; show "$T/show.check"; }
    tr -d '\033' <"$T/show.ts" | grep -q "caller: CONNECT 2400" && ok || bad "demo --show: no CONNECT beside the rows"
    note "demo --show: $(tail -1 "$T/show.check")"
else
    note "script (bsdutils) is not installed: demo --show not checked"
fi

# --- 5. a device that is not there ----------------------------------------------------
"$SQ" call --audio pa:no-such-card >/dev/null 2>"$T/err"
rc=$?
[ $rc -eq 1 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q "no-such-card" "$T/err" && ok ||
    bad "missing device: exit $rc, stderr: $(cat "$T/err")"

# --- 6. a device that can play but not record (an ALSA PCM defined for the test) -------
mkdir -p "$T/home"
printf 'pcm.playonly {\n    type asym\n    playback.pcm "null"\n}\n' >"$T/home/.asoundrc"
HOME="$T/home" "$SQ" call --audio pa:playonly >/dev/null 2>"$T/err"
rc=$?
[ $rc -eq 1 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q "'playonly' cannot record" "$T/err" && ok ||
    bad "play-only device: exit $rc, stderr: $(cat "$T/err")"

# how often the sound server got in the way, so flakiness shows and can be counted
note "loopback: calls broken before CONNECT or by a lost sound device (each made again, up to the limit): $retried; retrains in the 20 kB call: $skipped_retrains"
finish
