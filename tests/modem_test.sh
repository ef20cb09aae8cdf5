#!/bin/sh
# `squeal modem` driven by real programs: two modems on pseudo-terminals over a raw line
# (two FIFOs), dialled and answered with chat (from the ppp package), typed on both ways,
# +++ and ATH; a file across with ZMODEM (sz/rz from lrzsz); a call bridged to a TCP echo
# server (socat); the TCP DTE with a telnet-speaking client and a second client refused;
# hostile DTEs; pppd where the kernel offers /dev/ppp.
# usage: modem_test.sh SQUEAL
# meson starts each test as a session leader: a tty it opened would become its controlling
# terminal (background sz/rz stopped by SIGTTIN, SIGHUP when it closes). A child is not one.
if [ -z "${MODEM_TEST_CHILD:-}" ]; then
    MODEM_TEST_CHILD=1 sh "$0" "$@"
    exit $?
fi
SQ=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
T=$(mktemp -d)
. "$(cd "$(dirname "$0")" && pwd)/test_lib.sh"
cd "$T" || exit 1
pids=""
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
for tool in chat sz rz socat; do
    command -v $tool >/dev/null || bail "$tool is needed (apt-get install ppp lrzsz socat)"
done

# modems NAME LINE-SPEED [B's options...]: A (the caller) on pty $T/NAME-a, B on $T/NAME-b,
# joined by two FIFOs; logs in $T/NAME-a.log and $T/NAME-b.log
modems() {
    name=$1 speed=$2
    shift 2
    mkfifo "$T/$name-ab" "$T/$name-ba"
    "$SQ" modem --pty "$T/$name-a" --audio "raw:$T/$name-ba,$T/$name-ab" --speed "$speed" --record "$T/$name-a.wav" \
        2>"$T/$name-a.log" &
    eval "${name}_a=$!"
    pids="$pids $!"
    "$SQ" modem --audio "raw:$T/$name-ab,$T/$name-ba" --speed "$speed" "$@" 2>"$T/$name-b.log" &
    pids="$pids $!"
    i=0
    while [ ! -L "$T/$name-a" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
}
# says FD TIMEOUT EXPECT [SEND EXPECT ...]: chat on the open pty FD (its script is
# expect-send pairs; '\c' sends nothing, where a CR would abort a call being set up)
says() {
    fd=$1 t=$2
    shift 2
    eval "chat -t $t \"\$@\" <&$fd >&$fd 2>>\"$T/chat.log\""
}
logs() { show "$T/$1-a.log"; [ -f "$T/$1-b.log" ] && show "$T/$1-b.log"; }

# ---- dial, connect, type both ways, +++, ATH, NO CARRIER ----
modems call 10 --pty "$T/call-b"
i=0; while [ ! -L "$T/call-b" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
exec 3<>"$T/call-a" 4<>"$T/call-b"
says 3 5 '' ATZ OK && says 4 5 '' ATS0=1 OK && ok "chat talks to both modems (ATZ, ATS0=1: OK)" || { bad "no OK from the modems"; logs call; }
says 3 5 '' ATI0 squeal OK && ok "ATI0 answers 'squeal'" || bad "ATI0"
says 3 5 '' ATS99=1 ERROR AT OK && ok "an unknown register is ERROR, and the modem goes on" || bad "ATS99=1"
says 3 30 '' ATDT5551234 CONNECT && ok "ATDT5551234: CONNECT" || { bad "the caller did not connect"; logs call; }
says 4 10 RING '\c' CONNECT && ok "the answerer rang and connected (S0=1)" || { bad "the answerer did not connect"; logs call; }
grep -q "dialled 5551234" "$T/call-b.log" && ok "the answerer heard the number in DTMF" || { bad "DTMF digits not heard"; logs call; }
grep -q "CONNECT 2400 with V.42 LAPM" "$T/call-a.log" && ok "V.22bis 2400 with V.42 LAPM" || { bad "not 2400/LAPM"; logs call; }
says 3 5 '' 'typed on the caller' && says 4 10 'typed on the caller' && ok "the caller's typing arrives" || bad "caller -> answerer"
says 4 5 '' 'typed on the answerer' && says 3 10 'typed on the answerer' && ok "the answerer's typing arrives" || bad "answerer -> caller"
sleep 1.3; printf '+++' >&3; says 3 5 OK && ok "+++ with guard times: OK, command mode" || { bad "+++ gave no OK"; logs call; }
says 3 5 '' ATO CONNECT 'back on line' && says 4 10 'back on line' && ok "ATO: back on line, data flows" || bad "ATO"
sleep 1.3; printf '+++' >&3; says 3 5 OK ATH OK && ok "+++ then ATH: OK" || bad "+++ ATH"
says 4 10 'NO CARRIER' && ok "the far modem says NO CARRIER" || { bad "no NO CARRIER at the far end"; logs call; }
says 3 5 '' AT OK && says 4 5 '' AT OK && ok "both modems take commands again" || bad "after the call"

# ---- a file with ZMODEM, then the DTE vanishes mid-call ----
random_bytes 100000 5 >"$T/file.bin"
mkdir -p "$T/rx"
says 3 30 '' ATD CONNECT && says 4 10 RING '\c' CONNECT || { bad "second call did not connect"; logs call; }
(cd "$T/rx" && timeout 300 rz -q -y <&4 >&4 2>"$T/rz.log") &
rzpid=$!
(cd "$T" && timeout 300 sz -q file.bin <&3 >&3 2>"$T/sz.log")
szrc=$?
wait $rzpid
rzrc=$?
if [ $szrc -eq 0 ] && [ $rzrc -eq 0 ] && cmp -s "$T/file.bin" "$T/rx/file.bin"; then
    ok "100 kB with ZMODEM (sz/rz), SHA-256 $(sha256sum <"$T/rx/file.bin" | cut -c1-16)... equal on both sides"
else
    bad "ZMODEM: sz $szrc, rz $rzrc, $(wc -c <"$T/rx/file.bin" 2>/dev/null) bytes"; show "$T/sz.log" "$T/rz.log"; logs call
fi
exec 3>&-   # the caller's DTE goes away: DTR drops
says 4 10 'NO CARRIER' && ok "a DTE that vanishes mid-call hangs up (&D2): NO CARRIER at the far end" || { bad "no hang-up on DTR"; logs call; }
grep -q "DTR dropped" "$T/call-a.log" && ok "the modem logged DTR dropped" || bad "no DTR log"
exec 3<>"$T/call-a"
says 3 5 '' AT OK && ok "a new DTE on the same pty is served" || bad "reopened pty"

# ---- hostile DTE input ----
long=$(printf 'AT%04096d' 0)
printf '%s\r' "$long" >&3
says 3 5 ERROR && ok "a 4096-character line: ERROR" || bad "long line"
# random bytes without an A: no command line can start in them (random ones may hold
# "ATQ1" or "ATS3=" and rightly change the modem; the 4096-character line covers long ones)
random_bytes 5000 6 | tr -d Aa >&3
sleep 0.5
says 3 5 '' '' '' AT OK && ok "binary garbage, then AT: OK" || bad "after garbage"
kill -0 $(echo $pids | cut -d' ' -f1) 2>/dev/null && ok "the modem is still running" || bad "modem died"
exec 3>&- 4>&-
# the caller's --record, finished when it is stopped, decodes to its calls: the number in
# DTMF, V.8, training and data
kill -TERM "$call_a"
wait "$call_a"
rc=$?
"$SQ" decode --json "$T/call-a.wav" >"$T/call-a.json" 2>&1
[ $rc -eq 0 ] && grep -q '"ch":1,"type":"dtmf","digits":"5551234"' "$T/call-a.json" && grep -q '"ch":1,"type":"cm"' "$T/call-a.json" &&
    grep -q '"ch":2,"type":"data".*"rate":2400' "$T/call-a.json" &&
    ok "SIGTERM: exit 0, and the caller's recording decodes to DTMF 5551234, CM and data at 2400" ||
    { bad "modem recording (exit $rc)"; grep -v '"type":"data"' "$T/call-a.json" | head -20 | show /dev/stdin; }

# ---- a bridge to a TCP server ----
port=$((20000 + $$ % 20000))
socat TCP-LISTEN:$port,reuseaddr,fork EXEC:cat 2>/dev/null &
pids="$pids $!"
modems bridge 4 --bridge 127.0.0.1:$port
exec 5<>"$T/bridge-a"
says 5 30 '' ATD CONNECT 'echo me' 'echo me' && ok "--bridge: the caller reaches the TCP echo server and hears itself" || { bad "bridge"; logs bridge; }
grep -q "bridge: connected" "$T/bridge-b.log" && ok "the bridge logged its connection" || bad "bridge log"
sleep 1.3; printf '+++' >&5; says 5 5 OK ATH OK
sleep 3
grep -q "bridge: the call ended, closed" "$T/bridge-b.log" && ok "the bridge closes its connection when the call ends" || { bad "bridge close"; logs bridge; }
exec 5>&-
# a server that says its piece and closes: the caller hears it, then NO CARRIER
gport=$((port + 2))
socat TCP-LISTEN:$gport,reuseaddr EXEC:"printf 'welcome-to-the-bbs'" 2>/dev/null &
pids="$pids $!"
modems greet 4 --bridge 127.0.0.1:$gport
exec 5<>"$T/greet-a"
says 5 30 '' ATD CONNECT welcome-to-the-bbs && says 5 15 'NO CARRIER' &&
    ok "--bridge: the server's greeting arrives, and its hanging up ends the call (NO CARRIER)" || { bad "bridge hang-up"; logs greet; }
exec 5>&-

# ---- the DTE on stdin and stdout ----
printf 'ATI0\rATQ1\rAT\r' | "$SQ" modem --audio raw:/dev/zero,/dev/null >"$T/stdio.out" 2>"$T/stdio.log"
rc=$?
[ $rc -eq 0 ] && grep -q squeal "$T/stdio.out" && [ "$(grep -c OK "$T/stdio.out")" -eq 1 ] &&
    ok "stdin/stdout DTE: ATI0 answered, Q1 quiet, exit 0 when stdin ends" || { bad "stdio DTE: exit $rc"; show "$T/stdio.out" "$T/stdio.log"; }

# ---- the TCP DTE ----
tport=$((port + 1))
mkfifo "$T/tcp-in"
"$SQ" modem --tcp 127.0.0.1:$tport --audio "raw:/dev/zero,/dev/null" 2>"$T/tcp.log" &
tcppid=$!
pids="$pids $tcppid"
sleep 0.5
# a client that connects and goes at once
socat -u /dev/null TCP:127.0.0.1:$tport 2>/dev/null
# a telnet client's negotiation (IAC DO ECHO, IAC WILL SGA) before its command
printf '\377\375\001\377\373\003ATI0\r' >"$T/telnet.in"
( cat "$T/telnet.in"; sleep 2 ) | timeout 5 socat - TCP:127.0.0.1:$tport >"$T/telnet.out" 2>/dev/null &
tel=$!
sleep 0.7
echo AT | timeout 3 socat - TCP:127.0.0.1:$tport >"$T/second.out" 2>/dev/null
wait $tel
grep -q squeal "$T/telnet.out" && grep -q OK "$T/telnet.out" && ok "TCP DTE: a telnet client's options are taken out, ATI0 answers" || { bad "telnet client: $(od -c "$T/telnet.out" | head -3)"; show "$T/tcp.log"; }
grep -q BUSY "$T/second.out" && ok "a second TCP client is told the modem is busy" || bad "second client: $(cat "$T/second.out")"
kill -0 $tcppid 2>/dev/null && ok "the TCP modem survives clients that come and go" || bad "TCP modem died"

# ---- command-line errors ----
echo keep >"$T/regular"
expect 1 "--pty onto a regular file is refused" -- "$SQ" modem --pty "$T/regular" --audio raw:/dev/zero,/dev/null
[ "$(cat "$T/regular")" = keep ] && ok "and the file is untouched" || bad "the file was replaced"
expect 2 "--pty with --tcp" -- "$SQ" modem --pty "$T/x" --tcp 2000 --audio raw:/dev/zero,/dev/null
expect 1 "--tcp on a bad port" -- "$SQ" modem --tcp 99999 --audio raw:/dev/zero,/dev/null

# ---- pppd over the two modems ----
# Both ends live in this one network namespace, so a ping to the far address could be
# answered without crossing the line: the check is that the answering side's interface
# received the pings (its packet counter), sent out of the caller's with -I.
if [ ! -c /dev/ppp ] || ! command -v pppd >/dev/null; then
    skipped 1 "the kernel offers no /dev/ppp here (a container without the ppp module)"
else
    modems ppp 10 --pty "$T/ppp-b" --auto-answer 1
    i=0; while [ ! -L "$T/ppp-b" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    pppd "$T/ppp-b" 115200 local noauth passive nodetach ifname sqppp1 10.77.0.2:10.77.0.1 >"$T/pppd-b.log" 2>&1 &
    pids="$pids $!"
    pppd "$T/ppp-a" 115200 local noauth nodetach ifname sqppp0 connect "chat -t 40 '' ATD CONNECT" \
        10.77.0.1:10.77.0.2 >"$T/pppd-a.log" 2>&1 &
    pids="$pids $!"
    for _ in $(seq 1 60); do [ -d /sys/class/net/sqppp0 ] && [ -d /sys/class/net/sqppp1 ] && break; sleep 1; done
    sleep 3
    before=$(cat /sys/class/net/sqppp1/statistics/rx_packets 2>/dev/null || echo 0)
    ping -I sqppp0 -c 3 -W 5 10.77.0.2 >"$T/ping.log" 2>&1
    after=$(cat /sys/class/net/sqppp1/statistics/rx_packets 2>/dev/null || echo 0)
    [ "$after" -ge $((before + 3)) ] && ok "pppd over two squeal modems: 3 pings crossed the line ($before -> $after packets in)" ||
        { bad "ppp: $before -> $after packets in"; show "$T/pppd-a.log" "$T/pppd-b.log" "$T/ping.log"; }
fi
finish
