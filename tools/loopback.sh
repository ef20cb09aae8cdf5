#!/bin/sh
# Two squeal processes over real loopback audio: a PulseAudio server with two null sinks,
# one per direction. The answerer plays into b2a and records a2b's monitor; the caller
# plays into a2b and records b2a's monitor. PortAudio reaches the server through ALSA's
# pulse plugin (package libasound2-plugins); PULSE_SINK / PULSE_SOURCE pick the sinks.
#
#   tools/loopback.sh start     start the server (a private one if none is running)
#   tools/loopback.sh stop      stop the server this script started
#   tools/loopback.sh env       print what to export (server socket)
#
# Then, in two terminals (after `eval "$(tools/loopback.sh env)"` in each):
#   PULSE_SINK=b2a PULSE_SOURCE=a2b.monitor squeal answer
#   PULSE_SINK=a2b PULSE_SOURCE=b2a.monitor squeal call
set -eu
runtime=${SQUEAL_PULSE_DIR:-${TMPDIR:-/tmp}/squeal-pulse-$(id -u)}

env_lines() {
    echo "export XDG_RUNTIME_DIR=$runtime"
    echo "export PULSE_SERVER=unix:$runtime/pulse/native"
}

case "${1:-}" in
start)
    command -v pulseaudio >/dev/null || {
        echo "loopback.sh: pulseaudio is not installed (apt-get install pulseaudio pulseaudio-utils libasound2-plugins)" >&2
        exit 1
    }
    mkdir -p "$runtime" && chmod 700 "$runtime"
    export XDG_RUNTIME_DIR="$runtime" PULSE_SERVER="unix:$runtime/pulse/native"
    if ! pactl info >/dev/null 2>&1; then
        # -n: none of the desktop's default modules; root needs no --system for a private
        # server. No real-time scheduling: as root PulseAudio would take it, and its RT
        # watchdog killed the server (SIGKILL on RLIMIT_RTTIME) in the middle of test runs.
        # High priority (nice -11) instead, to keep the server ahead of the modems (a guess:
        # glitches were not measured to get rarer with it).
        pulseaudio --daemonize=yes --exit-idle-time=-1 --realtime=no --high-priority=yes -n \
            --load=module-native-protocol-unix \
            --load="module-null-sink sink_name=a2b sink_properties=device.description=caller-to-answerer" \
            --load="module-null-sink sink_name=b2a sink_properties=device.description=answerer-to-caller" \
            --load="module-null-sink sink_name=demo sink_properties=device.description=squeal-demo" \
            2>/dev/null
        for _ in 1 2 3 4 5 6 7 8 9 10; do
            pactl info >/dev/null 2>&1 && break
            sleep 0.2
        done
    fi
    pactl info >/dev/null 2>&1 || { echo "loopback.sh: the PulseAudio server did not start" >&2; exit 1; }
    for s in a2b b2a demo; do
        pactl list short sinks | grep -q "	$s	" ||
            pactl load-module module-null-sink sink_name=$s >/dev/null
    done
    env_lines ;;
stop)
    XDG_RUNTIME_DIR="$runtime" PULSE_SERVER="unix:$runtime/pulse/native" pulseaudio --kill 2>/dev/null || true ;;
env)
    env_lines ;;
*)
    echo "usage: tools/loopback.sh start|stop|env" >&2
    exit 2 ;;
esac
