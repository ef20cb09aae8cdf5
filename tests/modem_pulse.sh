#!/bin/sh
# Part of loopback_test.sh: two `squeal modem`s on ptys, their lines through the private
# PulseAudio server it started, driven with chat: dial, RING, CONNECT, typing both ways,
# +++ and ATH, NO CARRIER at the far end. Run as a child of the test (a session leader
# would take the ptys as its controlling terminal). Prints "ok DESC" or "bad DESC" lines.
# usage: modem_pulse.sh SQUEAL SCRATCH
SQ=$1
T=$2
says() {
    fd=$1 t=$2
    shift 2
    eval "chat -t $t \"\$@\" <&$fd >&$fd 2>/dev/null"
}
verdict() { if [ "$1" -eq 0 ]; then echo "ok $2"; else echo "bad $2"; fi; }
for setup in 1 2; do
    rm -f "$T/pa-modem-a" "$T/pa-modem-b"
    PULSE_SINK=a2b PULSE_SOURCE=b2a.monitor "$SQ" modem --pty "$T/pa-modem-a" 2>"$T/pa-modem-a.log" &
    a=$!
    PULSE_SINK=b2a PULSE_SOURCE=a2b.monitor "$SQ" modem --pty "$T/pa-modem-b" --auto-answer 1 2>"$T/pa-modem-b.log" &
    b=$!
    for _ in $(seq 1 50); do [ -L "$T/pa-modem-a" ] && [ -L "$T/pa-modem-b" ] && break; sleep 0.1; done
    exec 3<>"$T/pa-modem-a" 4<>"$T/pa-modem-b"
    says 3 40 '' ATDT123 CONNECT && says 4 5 CONNECT && break
    echo "note setup $setup: no CONNECT over the sound server ($(grep -h "NO CARRIER\|failed" "$T/pa-modem-a.log" | head -1)); again"
    exec 3>&- 4>&-
    kill $a $b
    wait $a $b 2>/dev/null
done
grep -q "CONNECT 2400" "$T/pa-modem-a.log"
verdict $? "modem over PulseAudio: ATDT123 gives CONNECT 2400"
says 3 5 '' 'through the sound server' && says 4 20 'through the sound server'
verdict $? "modem over PulseAudio: the caller's typing arrives"
says 4 5 '' 'and back again' && says 3 20 'and back again'
verdict $? "modem over PulseAudio: the answerer's typing arrives"
sleep 1.3
printf '+++' >&3
says 3 5 OK ATH OK && says 4 15 'NO CARRIER'
verdict $? "modem over PulseAudio: +++, ATH, NO CARRIER at the far end"
exec 3>&- 4>&-
kill $a $b 2>/dev/null
wait $a $b 2>/dev/null
