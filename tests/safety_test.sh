#!/bin/sh
# Data safety, as a root user would meet it: outputs write what was asked and replace
# nothing else (devices, FIFOs, links, same-file pairs, missing folders), temporaries go
# away on every way out but SIGKILL, hostile audio never crashes or hangs decode, and two
# modems on raw streams never wait for each other for ever.
# usage: safety_test.sh SQUEAL
SQ=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. "$(cd "$(dirname "$0")" && pwd)/test_lib.sh"
cd "$T" || exit 1
command -v sox >/dev/null || bail "sox is needed (apt-get install sox)"
no_partials() { [ -z "$(find "$T" -name '*squeal-partial*')" ] && ok || { bad "$1: a temporary was left: $(find "$T" -name '*squeal-partial*')"; rm -f "$T"/*squeal-partial*; }; }
is_wav() { "$SQ" decode "$1" >/dev/null 2>&1; }

# ---- outputs ----
# a character device is written in place, never replaced (squeal once replaced /dev/null
# so, as root; a node in the scratch folder stands in for it, so a regression cannot)
if mknod "$T/null" c 1 3 2>/dev/null; then
    expect 0 "gen to a device node" -- "$SQ" gen ans -o "$T/null"
    [ -c "$T/null" ] && ok || bad "the device node was replaced: $(ls -l "$T/null")"
    expect 0 "sim --recv-out to a device node" -- "$SQ" sim --send /etc/hostname --recv-out "$T/null"
    [ -c "$T/null" ] && ok || bad "sim replaced the device node"
else
    skipped 4 "mknod not permitted here"
fi

# a FIFO read by another process: written in place (a WAV spooled, since it must seek)
mkfifo "$T/fifo"
timeout 30 cat "$T/fifo" >"$T/from-fifo.wav" &
reader=$!
expect 0 "gen to a FIFO" -- timeout 20 "$SQ" gen ans -o "$T/fifo"
wait $reader
[ -p "$T/fifo" ] && is_wav "$T/from-fifo.wav" && ok || bad "FIFO output: $(ls -l "$T/fifo"), reader got $(wc -c <"$T/from-fifo.wav") bytes"

# -o - is standard output; a pipe gets a whole WAV
"$SQ" gen ans -o - | cat >"$T/piped.wav" && is_wav "$T/piped.wav" && ok || bad "gen -o - through a pipe"
"$SQ" gen ans -o "$T/file.wav" && cmp -s "$T/file.wav" "$T/piped.wav" && ok || bad "-o - and a file differ"
# /dev/stdout is a link to /proc/self/fd/1; one of our own stands in for it (a regression
# must not be able to replace the system's)
ln -s /proc/self/fd/1 "$T/my-stdout"
"$SQ" gen ans -o "$T/my-stdout" >"$T/stdout.wav" && cmp -s "$T/file.wav" "$T/stdout.wav" && ok || bad "-o /proc/self/fd/1 into a file"
"$SQ" gen ans -o "$T/my-stdout" | cat >"$T/stdout2.wav" && cmp -s "$T/file.wav" "$T/stdout2.wav" && [ -L "$T/my-stdout" ] && ok ||
    bad "-o /proc/self/fd/1 into a pipe"

# a symbolic link is followed: the file it points to is written, the link stays a link
echo old >"$T/target.wav"
ln -s target.wav "$T/link.wav"
expect 0 "gen through a link" -- "$SQ" gen ans -o "$T/link.wav"
[ -L "$T/link.wav" ] && cmp -s "$T/target.wav" "$T/file.wav" && ok || bad "link replaced or target not written"
ln -s nowhere.wav "$T/dangling.wav"
"$SQ" gen ans -o "$T/dangling.wav" && [ -L "$T/dangling.wav" ] && cmp -s "$T/nowhere.wav" "$T/file.wav" && ok ||
    bad "a dangling link's target was not created"

# permissions: a new file follows the umask; a replaced one keeps its mode
(umask 027 && "$SQ" gen ans -o "$T/masked.wav") && [ "$(stat -c %a "$T/masked.wav")" = 640 ] && ok ||
    bad "new file mode $(stat -c %a "$T/masked.wav") under umask 027"
echo x >"$T/private.wav" && chmod 600 "$T/private.wav"
"$SQ" gen ans -o "$T/private.wav" && [ "$(stat -c %a "$T/private.wav")" = 600 ] && ok ||
    bad "replaced file mode became $(stat -c %a "$T/private.wav")"

# a missing folder, or a folder as the path: one line, exit 1, before any work
expect 1 "gen into a missing folder" -- "$SQ" gen ans -o "$T/no/such/a.wav"
mkdir "$T/dir"
expect 1 "gen to a folder" -- "$SQ" gen ans -o "$T/dir"
expect 1 "sim --wav a folder" -- "$SQ" sim --wav "$T/dir"
[ ! -e "$T/dir-caller.wav" ] && ok || bad "sim --wav DIR wrote DIR-caller.wav"
start=$(date +%s)
expect 1 "sim --recv-out a folder" -- "$SQ" sim --send /etc/hostname --recv-out "$T/dir"
[ $(($(date +%s) - start)) -le 2 ] && ok || bad "sim --recv-out DIR ran the call before failing"
expect 1 "demo --wav into a missing folder" -- "$SQ" demo --wav "$T/no/d.wav"
expect 1 "answer --record into a missing folder" -- "$SQ" answer --audio "wav:$T/file.wav," --record "$T/no/r.wav"
no_partials "refused outputs"

# an output that is an input is refused (exit 2) and the input is untouched
printf 'precious' >"$T/precious"
ln -s precious "$T/alias"
cp "$T/file.wav" "$T/c.wav"
expect 2 "answer --send f --recv-out f" -- "$SQ" answer --audio "wav:$T/c.wav," --send "$T/precious" --recv-out "$T/precious"
expect 2 "same file through a link" -- "$SQ" call --audio "wav:$T/c.wav," --send "$T/precious" --recv-out "$T/alias"
expect 2 "--audio wav:c.wav,c.wav" -- "$SQ" call --audio "wav:$T/c.wav,$T/c.wav"
expect 2 "--record the line's input" -- "$SQ" answer --audio "wav:$T/c.wav," --record "$T/c.wav"
expect 2 "gen --file f -o f" -- "$SQ" gen v21 --file "$T/precious" -o "$T/precious"
expect 2 "sim --send f --recv-back-out f" -- "$SQ" sim --send "$T/precious" --recv-back-out "$T/precious"
expect 2 "two outputs on one file" -- "$SQ" sim --recv-out "$T/o1" --recv-back-out "$T/o1"
[ "$(cat "$T/precious")" = precious ] && cmp -s "$T/c.wav" "$T/file.wav" && ok || bad "an input was changed"

# --send that is a folder or missing: one line, exit 1, at once
expect 1 "--send a folder" -- "$SQ" call --audio "wav:$T/c.wav," --send "$T/dir"
expect 1 "sim --send a folder" -- "$SQ" sim --send "$T/dir"
expect 1 "--send missing" -- "$SQ" answer --audio "wav:$T/c.wav," --send "$T/missing"

# signals: a modem blocked on a FIFO nobody writes holds a temporary for its line output;
# SIGTERM (hang up) and SIGQUIT (die) both leave nothing behind and end it at once
mkfifo "$T/silent"
for sig in TERM QUIT INT HUP; do
    "$SQ" call --audio "raw:$T/silent,$T/line.raw" --send /etc/hostname 2>"$T/sig.log" &
    pid=$!
    for _ in 1 2 3 4 5 6 7 8 9 10; do [ -n "$(find "$T" -name 'line.raw.squeal-partial*')" ] && break; sleep 0.2; done
    [ -n "$(find "$T" -name 'line.raw.squeal-partial*')" ] && ok || bad "SIG$sig: no temporary seen while blocked"
    kill -$sig $pid
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 $pid 2>/dev/null || break; sleep 0.2; done
    if kill -0 $pid 2>/dev/null; then bad "SIG$sig did not end a modem blocked on a FIFO"; kill -9 $pid; fi
    wait $pid 2>/dev/null
    [ -z "$(find "$T" -name 'line.raw.squeal-partial*')" ] && ok || bad "SIG$sig left $(find "$T" -name '*squeal-partial*')"
    rm -f "$T/line.raw"
done

# ---- hostile audio ----
"$SQ" sim --wav "$T/call" --send /etc/hostname >/dev/null && ok || bad "sim for the audio tests"
# a 10 ms click 20 dB up in the V.22bis data (a segfault in the slicer before), at several places
for at in 3.8 4.3 4.5 4.7; do
    sox "$T/call-line.wav" "$T/a.wav" trim 0 $at && sox "$T/call-line.wav" "$T/b.wav" trim $at 0.01 vol 10 2>/dev/null &&
        sox "$T/call-line.wav" "$T/c2.wav" trim "$at" && sox "$T/c2.wav" "$T/c3.wav" trim 0.01 &&
        sox "$T/a.wav" "$T/b.wav" "$T/c3.wav" -e floating-point "$T/click.wav" 2>/dev/null
    expect 0 "decode with a click at $at s" -- timeout 60 "$SQ" decode "$T/click.wav"
done
# two calls back to back in one file
sox "$T/call-line.wav" "$T/call-line.wav" "$T/twice.wav"
expect 0 "decode of two calls back to back" -- timeout 60 "$SQ" decode "$T/twice.wav" &&
    [ "$(grep -c ' cm ' "$T/out")" -eq 2 ] && ok || bad "two calls: $(grep -c ' cm ' "$T/out") CM events"
# a two-sided V.34 call cut inside the second modem's MP, after the first's data began: the
# cut MP reaches the first channel's decoder once the file has ended (it was used after it
# was freed: a segfault on a real call cut at 19.2 s), and no data is told after that MP
"$SQ" gen v34_startup --role caller --set symbol_rate=3200 --snr 30 --seed 3 -o "$T/v34c.wav" 2>"$T/err" &&
    "$SQ" gen v34_startup --role answerer --set symbol_rate=3200 --snr 30 --seed 4 -o "$T/v34a.wav" 2>>"$T/err" &&
    sox -M "$T/v34c.wav" "$T/v34a.wav" "$T/v34.wav" && "$SQ" decode --json "$T/v34.wav" >"$T/v34.json" 2>>"$T/err" ||
    bad "two-sided V.34 call: gen"
cuts=$(python3 - "$T/v34.json" <<'PY'
import json, sys
mp = [json.loads(l) for l in open(sys.argv[1])]
mp = sorted((e for e in mp if e["type"] == "mp"), key=lambda e: e["end_s"])
if len(mp) >= 2 and mp[-1]["ch"] != mp[0]["ch"]:   # the later modem's MPs, after the other's data began
    last = [e for e in mp if e["ch"] == mp[-1]["ch"]]
    a, b = last[0]["t_s"], last[-1]["end_s"]
    print(" ".join("%.3f %d" % (a + (b - a) * k / 4, mp[-1]["ch"]) for k in (1, 2, 3)))
PY
)
[ -n "$cuts" ] || bad "two-sided V.34 call: no MP on each channel ($(cat "$T/err"))"
set -- $cuts
while [ $# -ge 2 ]; do
    sox "$T/v34.wav" "$T/v34-cut.wav" trim 0 "$1"
    expect 0 "decode a V.34 call cut at $1 s, in channel $2's MP" -- "$SQ" decode --json "$T/v34-cut.wav" &&
        python3 - "$T/out" "$2" <<'PY' && ok || bad "cut at $1 s: data told after the cut MP: $(grep '"ch":'"$2" "$T/out" | grep -v '"mp"' | tail -3)"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
ch = int(sys.argv[2])
mp_end = max(e["end_s"] for e in ev if e["type"] == "mp" and e["ch"] == ch)
sys.exit(1 if [e for e in ev if e["ch"] == ch and e["type"] == "v34_data" and e["end_s"] > mp_end - 0.5] else 0)
PY
    shift 2
done
# odd shapes: /dev/zero and /dev/urandom give one line and exit 1; 8 channels at 48 kHz
# float decode every channel; a header that claims 2^31 frames is refused
expect 1 "decode /dev/zero" -- timeout 20 "$SQ" decode /dev/zero
expect 1 "decode /dev/urandom" -- timeout 20 "$SQ" decode /dev/urandom
sox -n -r 48000 -c 8 -e floating-point -b 32 "$T/eight.wav" synth 2 sine 2100
expect 0 "decode 8 channels of 48 kHz float" -- timeout 60 "$SQ" decode "$T/eight.wav" &&
    [ "$(grep -c ' ans ' "$T/out")" -eq 8 ] && ok || bad "8 channels: $(cat "$T/out")"
cp "$T/file.wav" "$T/huge.wav"
printf '\377\377\377\177' | dd of="$T/huge.wav" bs=1 seek=40 conv=notrunc 2>/dev/null
expect 1 "decode a header claiming 2^31 frames" -- timeout 20 "$SQ" decode "$T/huge.wav"
# the same bytes from a file and through a pipe give the same result
head -c 20000 "$T/file.wav" >"$T/cut.wav"
expect 1 "decode a truncated file" -- "$SQ" decode "$T/cut.wav"
expect 1 "decode the same bytes through a pipe" -- sh -c "cat '$T/cut.wav' | '$SQ' decode -"
# a WAV written to a pipe cannot say its length (sox puts 0x7FFFF000 bytes in the header,
# others 0xFFFFFFFF): where it ends is where the audio ends, from a pipe or saved to a file,
# 16-bit or 24-bit (WAVEX); once cut short it holds a real length and is truncated
for bits in 16 24; do
    expect 0 "decode sox's $bits-bit WAV through a pipe" -- sh -c "sox -n -r 8000 -b $bits -t wav - synth 2 sine 2100 | '$SQ' decode -" &&
        grep -q "length not in its header" "$T/out" && grep -q " ans \| ansam" "$T/out" && ok || bad "sox pipe $bits-bit: $(cat "$T/out")"
done
sox -n -r 8000 -b 16 -t wav - synth 2 sine 2100 >"$T/sox-piped.wav"
expect 0 "decode a WAV sox wrote to a pipe, saved" -- "$SQ" decode "$T/sox-piped.wav"
"$SQ" decode "$T/call-line.wav" | tail -n +2 >"$T/from-file.txt"
"$SQ" decode - <"$T/call-line.wav" | tail -n +2 >"$T/from-pipe.txt"
cmp -s "$T/from-file.txt" "$T/from-pipe.txt" && [ -s "$T/from-file.txt" ] && ok || bad "decode - differs from the file"

# ---- raw streams never wait for each other for ever ----
mkfifo "$T/f1" "$T/f2"
random_bytes 1500 7 >"$T/up.bin"; random_bytes 1500 8 >"$T/down.bin"
for rate in 48000 11025; do
    timeout 120 "$SQ" answer --audio "raw:$T/f1,$T/f2" --rate $rate --send "$T/down.bin" --recv-out "$T/got-up" 2>"$T/a.log" &
    answer=$!
    timeout 120 "$SQ" call --audio "raw:$T/f2,$T/f1" --rate $rate --send "$T/up.bin" --recv-out "$T/got-down" 2>"$T/c.log"
    call_rc=$?
    wait $answer
    answer_rc=$?
    [ $call_rc -eq 0 ] && [ $answer_rc -eq 0 ] && cmp -s "$T/up.bin" "$T/got-up" && cmp -s "$T/down.bin" "$T/got-down" && ok ||
        { bad "answer/call over FIFOs at $rate Hz: exit $call_rc/$answer_rc"; show "$T/c.log" "$T/a.log"; }
done
no_partials "after every test"

finish
