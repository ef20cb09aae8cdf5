#!/usr/bin/env python3
"""How much of real calls squeal decode names, and what it decodes (whole-call issue).

    bench_recordings.py SQUEAL RECORDINGS_DIR [--variants]

For every WAV under RECORDINGS_DIR/real-calls and RECORDINGS_DIR (skipped when absent):
decodes it with --json and prints, per file and over all of them,
  - the share of active audio that events label: per channel, 20 ms frames above -48 dBFS
    (their power about their mean: a recording's offset from zero is not sound) and not 12
    dB or more below the other channel are active; an event labels the frames
    from its t_s to its end_s on its channel (the summary line labels nothing); and of it,
    the share only `wideband` labels (energy squeal found but could not name);
  - junk: v21, bell103 and guard events inside a call that has V.34, V.90 or V.32 signals
    (FSK text or a V.22 guard tone there is a misreading), INFO frames with a bad CRC, and
    echo copies: a tone, message or V.22 signal reported on one channel that the other
    carries too (the same content, the same tones), starting up to ECHO_LATE_MAX_S before it
    and ECHO_COPY_DB or more louder (a signal's echo is not a second one; what both sides
    send at once, data, training, line probing and V.22bis's S1 and SB1, is left out);
  - which phases decoded: V.8 (cm/jm), V.8bis messages, INFO0 on both sides, INFO1a, INFO1c or INFO1d,
    line probing, V.92 QC, V.34 phase 3/4 (and its rate renegotiations and cleardown out of
    data, with the rates the last renegotiation's MPs settle), V.32 and V.90 digital training (TRN read, on one
    side or both, with each channel's first TRN SNR and, where the channel probed the line,
    line probing's SNR beside it: two measures of one line), MP from both sides
    with the rates they settle, a V.90 digital modem's MP (read in the other side's CPt) with
    the upstream rate it and CP settle, V.32's E with its rate, each channel's data SNR (V.34 data on two
    channels, V.32bis at 12000-14400, a V.90 call's PCM downstream and V.34 upstream), and the data the call went on in;
  - over the V.34 calls: in how many both MPs decoded, and in how many their rates agree with
    the connect rates in the file's name (NNNNN-NNNNN, where the name has them).
With --variants, the calls that went on in V.34, V.90 or V.32 are decoded again as sox changes
them the ways other recordings differ (a far clock -200 to +300 ppm off, 6 dB louder (some
peaks clip), 8 and 14 dB quieter, one channel 12 dB quieter than the other (its echo on the
other channel then only 8-9 dB under it), 20 and 15 dB of crosstalk between the channels, an echo of each channel on the other
15 dB down through a hybrid-like response 60 and 110 ms late (as SIP ATAs return it), the
telephone band's edges (two-pole high-pass at 300 Hz and low-pass at 3400 Hz), an offset
from zero of 2% of full scale (as some sound cards' inputs have), cut
0.37 s later, mixed to one channel evenly and with either side 10 dB over the other (as a
recording made at one end has them),
20 ms lost at six places as VoIP packets are, zeroed or filled with a copy of the 20 ms
before: seeded by the file's name), and 20 ms lost in the middle of each INFO1 (one frame,
sent once, before all of a modem's training), in the middle of each PP, ending 7 ms into each
S-bar (whose reversal fixes the symbol count) and over the turn of each Sd and Ri (the V.90
digital modem's lines, named by it),
and for each change the bench prints in how many calls each phase still decodes: a decoder
tuned to these files would fall apart here.
Needs sox (to read the audio as 16-bit PCM). Only the standard library."""
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import array
import random
import tempfile
import wave

FRAME = 160                      # 20 ms at 8 kHz
ACTIVE_DBFS = -48.0
OTHER_CHANNEL_DB = 12.0
WIDE = {"tone_a", "tone_b", "info0", "info1", "line_probe", "infomarks", "v34_data", "v90_data", "v32_aa", "v32_ac", "v32_s", "v32_data",
        "v90_sd", "v90_trn1d", "v90_dil", "v90_ri", "v90_scr"}


def frame_levels(path):
    ch = int(subprocess.run(["soxi", "-c", path], capture_output=True, text=True, check=True).stdout)
    raw = subprocess.run(["sox", path, "-t", "raw", "-r", "8000", "-e", "signed", "-b", "16", "-"],
                         capture_output=True, check=True).stdout
    import array
    a = array.array("h")
    a.frombytes(raw[: len(raw) // 2 * 2])
    n = len(a) // ch // FRAME
    levels = [[0.0] * n for _ in range(ch)]
    for c in range(ch):
        for f in range(n):
            base = f * FRAME * ch + c
            x = [a[base + i * ch] for i in range(FRAME)]
            mean = sum(x) / FRAME   # an offset from zero is not sound
            s = sum((v - mean) ** 2 for v in x)
            levels[c][f] = 10 * math.log10(s / FRAME / 32768.0 ** 2 + 1e-20)
    return ch, n, levels


ECHO_LATE_MAX_S = 0.3
ECHO_COPY_DB = 10.0
NOT_COPIES = {"summary", "echo", "wideband", "v34_data", "v90_data", "v32_data", "v34_s", "v34_s_bar", "v34_pp",
              "v34_trn", "v34_j", "v34_j_prime", "v34_e", "mp", "v32_trn", "v32_rate", "v32_e", "v90_sd", "v90_trn1d",
              "v90_dil", "v90_ri", "v90_scr", "v90_ja", "v90_cp", "line_probe", "s1", "sb1", "data"}
SAME_CONTENT = ("octets", "frame", "fields", "chan", "pair", "digits")
SAME_FREQ_HZ = 10.0


def echo_copies(ev):
    """Events that repeat, weaker and a little later, one on the other channel: of the same kind
    and content (V.8 octets, INFO frame and fields, carrier, V.8bis pair, digits), on the same
    tones within SAME_FREQ_HZ."""
    def same(e, o):
        return (o["type"] == e["type"] and all(o.get(k) == e.get(k) for k in SAME_CONTENT) and
                all(abs(o.get(k, 0) - e.get(k, 0)) <= SAME_FREQ_HZ for k in ("freq_hz", "freq2_hz")))

    def copy_of(e, o):
        return (o["ch"] != e["ch"] and same(e, o) and o["t_s"] <= e["t_s"] <= o["t_s"] + ECHO_LATE_MAX_S
                and "level_dbm0" in e and o.get("level_dbm0", -999) >= e["level_dbm0"] + ECHO_COPY_DB)
    return [e for e in ev if e["type"] not in NOT_COPIES and any(copy_of(e, o) for o in ev)]


def first_data_snr(ev):
    """Each channel's first data SNR (V.34 data on two channels, V.32bis at 12000-14400, V.90's
    PCM downstream and V.34 upstream), by channel."""
    snr = {}
    for e in ev:
        if e["type"] in ("v34_data", "v32_data", "v90_data") and "snr_db" in e:
            snr.setdefault(e["ch"], e["snr_db"])
    return snr


def measure(squeal, path):
    ch, n, lv = frame_levels(path)
    out = subprocess.run([squeal, "decode", "--json", path], capture_output=True, text=True).stdout
    ev = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    labelled = [[0] * n for _ in range(ch)]   # 0: nothing, 1: only wideband, 2: named
    for e in ev:
        if e["type"] == "summary" or not 1 <= e["ch"] <= ch:
            continue
        for f in range(int(e["t_s"] / 0.02), min(n, int(e["end_s"] / 0.02) + 1)):
            labelled[e["ch"] - 1][f] = max(labelled[e["ch"] - 1][f], 1 if e["type"] == "wideband" else 2)
    active = named = unnamed = 0
    for c in range(ch):
        for f in range(n):
            if lv[c][f] > ACTIVE_DBFS and all(lv[c][f] > lv[o][f] - OTHER_CHANNEL_DB for o in range(ch) if o != c):
                active += 1
                named += labelled[c][f] > 0
                unnamed += labelled[c][f] == 1
    types = {e["type"] for e in ev}
    wide_call = bool(types & WIDE)
    junk = sum(1 for e in ev if (wide_call and e["type"] in ("v21", "bell103", "guard")) or
               (e["type"] in ("info0", "info1") and not e["crc_ok"])) + len(echo_copies(ev))
    phases = []
    if {"cm", "jm"} & types:
        phases.append("V.8")
    if "v8bis_msg" in types:
        phases.append("V.8bis msgs")
    if "v92_qc" in types:
        phases.append("V.92 QC" + (", QTS" if "qts" in types else ""))
    info0_sides = {e["chan"] for e in ev if e["type"] == "info0" and e["crc_ok"]}
    if info0_sides:
        phases.append("INFO0 " + ("both" if info0_sides == {1, 2} else "one side"))
    frames = {e["frame"] for e in ev if e["type"] == "info1" and e["crc_ok"]}
    phases += sorted(f.upper().replace("INFO", "INFO") for f in frames)
    if "line_probe" in types:
        phases.append("L1/L2")
    trained = {e["ch"] for e in ev if e["type"] in ("v34_trn", "v32_trn", "v90_trn1d")}
    if trained:
        # each channel's first TRN SNR, and what line probing measured on that channel: two
        # measures of one line (the receiver's equaliser shows in the gap)
        snrs = []
        for c in sorted(trained):
            trn = next((e["snr_db"] for e in ev if e["ch"] == c and "snr_db" in e and
                        e["type"] in ("v34_trn", "v32_trn")), None)
            probe = next((e["snr_db"] for e in ev if e["ch"] == c and e["type"] == "line_probe" and "snr_db" in e), None)
            if trn is not None:
                snrs.append("%.0f" % trn + (" (probe %.0f)" % probe if probe is not None else ""))
        phases.append("TRN " + ("both" if len(trained) == 2 else "one side") + (" " + "/".join(snrs) + " dB" if snrs else ""))
    data_snr = first_data_snr(ev)
    if data_snr:
        phases.append("data SNR " + ("both" if len(data_snr) == 2 else "one side") + " " +
                      "/".join("%.0f" % data_snr[c] for c in sorted(data_snr)) + " dB")
    summary = next((e for e in ev if e["type"] == "summary"), None)
    mp_rates = None
    v90_mp = summary and "v90_max_up_bps" in summary   # the digital modem's MP: the upstream rate
    if summary and "data_rate_up_bps" in summary and not v90_mp:
        mp_rates = (summary["data_rate_up_bps"], summary["data_rate_down_bps"])
        phases.append("MP %d/%d" % mp_rates)
    if summary and summary.get("rate_renegotiations"):
        phases.append("renegotiated x%d" % summary["rate_renegotiations"] +
                      (" to %d/%d" % (summary["renegotiated_rate_up_bps"], summary["renegotiated_rate_down_bps"])
                       if "renegotiated_rate_up_bps" in summary else ""))
    if summary and summary.get("ended") == "cleared down":
        phases.append("cleardown")
    digital = [name for t, name in (("v90_sd", "Sd"), ("v90_dil", "DIL"), ("v90_ri", "Ri")) if t in types]
    if digital:
        phases.append("V.90 " + "/".join(digital))
    jd = [e for e in ev if e["type"] == "v90_jd" and e["crc_ok"]]
    if jd:
        phases.append("Jd %d-%d" % (jd[0]["rates_bps"][0], jd[0]["rates_bps"][-1]) if jd[0]["rates_bps"] else "Jd")
    if "v90_ja" in types:
        phases.append("Ja")
    if summary and "data_rate_down_bps" in summary and ("data_rate_up_bps" not in summary or v90_mp):
        phases.append("CP %d" % summary["data_rate_down_bps"])
    if v90_mp:
        phases.append("V.90 MP up %d" % summary.get("data_rate_up_bps", summary["v90_max_up_bps"]))
    v32_e = [e["rate_bps"] for e in ev if e["type"] == "v32_e"]
    if v32_e:
        phases.append("E %s" % "/".join(str(r) for r in v32_e))
    if summary and summary.get("modulation"):
        phases.append("data: " + summary["modulation"])
    return (100.0 * named / max(active, 1), 100.0 * unnamed / max(active, 1), junk, phases, mp_rates,
            summary and summary.get("modulation"))


VARIANTS = [
    ("as recorded", []),
    ("clock +100 ppm", ["speed", "1.0001"]),
    ("clock -200 ppm", ["speed", "0.9998"]),
    ("clock +300 ppm", ["speed", "1.0003"]),
    ("6 dB louder", ["gain", "6"]),
    ("8 dB quieter", ["gain", "-8"]),
    ("14 dB quieter", ["gain", "-14"]),
    ("channel 1 12 dB quieter", ["remix", "1v0.25", "2"]),
    ("channel 2 12 dB quieter", ["remix", "1", "2v0.25"]),
    ("crosstalk -20 dB", ["remix", "1,2v0.1", "2,1v0.1"]),
    ("crosstalk -15 dB", ["remix", "1,2v0.178", "2,1v0.178"]),
    ("echo -15 dB, 60/110 ms late", "echo"),
    ("300-3400 Hz band", ["highpass", "300", "lowpass", "3400"]),
    ("2% off zero", ["dcshift", "0.02"]),
    ("starts 0.37 s later", ["trim", "2963s"]),
    ("both sides on one channel", ["remix", "1,2"]),
    ("one channel, ch1 10 dB up", ["remix", "1v1,2v0.316"]),
    ("one channel, ch2 10 dB up", ["remix", "1v0.316,2v1"]),
    ("20 ms lost 6 times", "lost packets"),
    ("... filled with a copy", "concealed packets"),
    ("20 ms lost in each INFO1", "lost in INFO1"),
    ("... in each PP", "lost in PP"),
    ("... ending 7 ms into S-bar", "lost at S-bar"),
    ("... at Sd's and Ri's turn", "lost at a turn"),
]
LOST_MS, LOST_COUNT = 20, 6


def lose_packets(src, dst, conceal, name):
    """Copies a 16-bit WAV with LOST_COUNT stretches of LOST_MS zeroed (all channels), or with
    conceal filled with a copy of the LOST_MS before them (as packet-loss concealment does),
    from 5 s on, at places seeded by name (the recording's)."""
    with wave.open(src) as w:
        params = w.getparams()
        x = array.array("h", w.readframes(w.getnframes()))
    ch, rate = params.nchannels, params.framerate
    frames = len(x) // ch
    rng = random.Random(name)
    n = LOST_MS * rate // 1000 * ch
    for _ in range(LOST_COUNT):
        at = int(rng.uniform(5.0 * rate, frames - rate)) * ch
        x[at:at + n] = x[at - n:at] if conceal else array.array("h", bytes(2 * n))
    with wave.open(dst, "wb") as o:
        o.setparams(params)
        o.writeframes(x.tobytes())


# Where a signal sent once, or a short one a start-up hangs on, is hit by a lost packet: the
# start of the LOST_MS lost, from the event decoded without the loss (None: not this one).
LOST_AT = {
    "lost in INFO1": lambda e: (e["t_s"] + e["end_s"]) / 2 if e["type"] == "info1" and e["crc_ok"] else None,
    "lost in PP": lambda e: (e["t_s"] + e["end_s"]) / 2 - LOST_MS / 2000 if e["type"] == "v34_pp" else None,
    "lost at S-bar": lambda e: e["t_s"] - 0.013 if e["type"] == "v34_s_bar" else None,
    "lost at a turn": lambda e: e["reversals_s"][0] - 0.015 if e["type"] in ("v90_sd", "v90_ri") and e.get("reversals_s") else None,
}


def lose_at(squeal, src, dst, where):
    """Copies a 16-bit WAV with LOST_MS zeroed at each place LOST_AT[where] gives, on the
    channel of the event it comes from."""
    out = subprocess.run([squeal, "decode", "--json", src], capture_output=True, text=True).stdout
    ev = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    with wave.open(src) as w:
        params = w.getparams()
        x = array.array("h", w.readframes(w.getnframes()))
    ch, rate = params.nchannels, params.framerate
    for e in ev:
        t = LOST_AT[where](e)
        if t is not None and 1 <= e.get("ch", 0) <= ch:
            at = int(t * rate)
            for i in range(max(at, 0), min(at + LOST_MS * rate // 1000, len(x) // ch)):
                x[i * ch + e["ch"] - 1] = 0
    with wave.open(dst, "wb") as o:
        o.setparams(params)
        o.writeframes(x.tobytes())
# A hybrid's echo: a short response with some ringing (unit power gain), 15 dB down.
ECHO_TAPS = [0.72, 0.45, -0.38, -0.2, 0.22, 0.1, -0.12, 0.05]
ECHO_DB, ECHO_LATE_S = -15.0, (0.06, 0.11)


def add_echo(src, dst):
    """Copies a 16-bit stereo WAV with each channel's echo of the other added, ECHO_DB down
    through ECHO_TAPS, ECHO_LATE_S[0] late on the first channel and [1] on the second. The
    echo is of the other channel as it is then recorded, its own echo of this one included
    (so each channel carries its own signal back too, twice the loss down, the sum of the
    delays late), as a line's two hybrids give it: an echo of the other channel as recorded
    before the echo was added is not one any line makes, and a canceller that predicts the
    echo from the recorded channel puts that twice-echoed copy in (the 3Com call's TRNs read
    25-26 dB so)."""
    with wave.open(src) as w:
        params = w.getparams()
        x = array.array("h", w.readframes(w.getnframes()))
    if params.nchannels != 2:
        shutil.copy(src, dst)
        return
    frames, rate = len(x) // 2, params.framerate
    norm = math.sqrt(sum(t * t for t in ECHO_TAPS))
    taps = [t / norm * 10 ** (ECHO_DB / 20) for t in ECHO_TAPS]
    late = [int(ECHO_LATE_S[c] * rate) for c in (0, 1)]
    y = [float(v) for v in x]   # as recorded, both channels interleaved, built in time order
    for n in range(frames):
        for c in (0, 1):
            e = 0.0
            for k, t in enumerate(taps):
                m = n - late[c] - k
                if m >= 0:
                    e += t * y[2 * m + 1 - c]
            y[2 * n + c] = max(-32768.0, min(32767.0, x[2 * n + c] + e))
    out = array.array("h", (int(round(v)) for v in y))
    with wave.open(dst, "wb") as o:
        o.setparams(params)
        o.writeframes(out.tobytes())


CHECKS = [("INFO0 both", "INFO0 both"), ("TRN both", "TRN both"), ("MP", ", MP "), ("Sd/DIL/Ri", "Sd/DIL/Ri"), ("Jd", "Jd"),
          ("Ja", "Ja"), ("CP", "CP "), ("V.90 MP", "V.90 MP"), ("V.32 E", ", E "), ("data SNR", "data SNR both")]


def variants(squeal, files):
    calls = []
    for p in files:
        if measure(squeal, p)[5] in ("V.34", "V.90", "V.32bis", "V.32"):
            calls.append(p)
    print("%d calls in V.34, V.90 or V.32; in how many each phase decodes, and the junk events:" % len(calls))
    print("%-26s %s %6s %9s" % ("change", " ".join("%10s" % c for c, _ in CHECKS), "junk", "median"))
    with tempfile.TemporaryDirectory() as tmp:
        for name, effect in VARIANTS:
            counts = [0] * len(CHECKS)
            junks, shares = 0, []
            for p in calls:
                q = os.path.join(tmp, os.path.basename(p))
                if isinstance(effect, str):   # made here, not by sox alone
                    pcm = os.path.join(tmp, "pcm16.wav")
                    subprocess.run(["sox", p, "-b", "16", "-e", "signed-integer", pcm], check=True, capture_output=True)
                    if effect == "echo":
                        add_echo(pcm, q)
                    elif effect in LOST_AT:
                        lose_at(squeal, pcm, q, effect)
                    else:
                        lose_packets(pcm, q, effect == "concealed packets", os.path.basename(p))
                else:   # -R: sox's dither the same every run, so two runs' rows compare
                    subprocess.run(["sox", "-R", p, q] + effect, check=True, capture_output=True)
                share, _, junk, phases, _, _ = measure(squeal, q)
                text = ", " + ", ".join(phases) + ","   # each phase's name after ", "
                for i, (_, key) in enumerate(CHECKS):
                    counts[i] += key in text
                junks += junk
                shares.append(share)
            print("%-26s %s %6d %8.1f%%" % (name, " ".join("%10d" % c for c in counts), junks, statistics.median(shares)))


def main():
    if len(sys.argv) not in (3, 4) or (len(sys.argv) == 4 and sys.argv[3] != "--variants"):
        sys.exit(__doc__)
    squeal, rec = sys.argv[1], sys.argv[2]
    files = []
    for d in (os.path.join(rec, "real-calls"), rec):
        if os.path.isdir(d):
            files += sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".wav"))
    if not files:
        print("no recordings under %s: nothing to measure" % rec)
        return
    if len(sys.argv) == 4:
        variants(squeal, files)
        return
    shares, junks = [], 0
    v34_calls = mp_calls = agree = named_calls = 0
    print("%-46s %9s %9s %5s  %s" % ("file", "labelled", "wideband", "junk", "decoded"))
    for p in files:
        share, unnamed, junk, phases, mp_rates, modulation = measure(squeal, p)
        if modulation == "V.34":
            v34_calls += 1
            mp_calls += mp_rates is not None
            m = re.search(r"(\d{4,5})-(\d{4,5})", os.path.basename(p))
            if m:
                named_calls += 1
                # the name says caller-to-answerer then answerer-to-caller: either order agrees
                agree += mp_rates is not None and sorted(mp_rates) == sorted((int(m.group(1)), int(m.group(2))))
        shares.append(share)
        junks += junk
        print("%-46s %8.1f%% %8.1f%% %5d  %s" % (os.path.basename(p)[:46], share, unnamed, junk, ", ".join(phases)))
    print("%d files: labelled median %.1f%%, lowest %.1f%%; junk events %d in all (targets: median 95%%, "
          "none under 85%%, 0 junk)" % (len(files), statistics.median(shares), min(shares), junks))
    print("V.34 calls: %d; both MPs decoded in %d; rates as the file name says in %d of the %d named "
          "(target: MP in 80%%)" % (v34_calls, mp_calls, agree, named_calls))


if __name__ == "__main__":
    main()
