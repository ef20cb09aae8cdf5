/* V.34 phase 2 in the timeline decoder: INFO frames with their CRC and fields, tones A and B
 * with reversals, line probing, and the transmission after INFO1; round trips through the
 * library's own modulator under noise and frequency offset, over many seeds. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "tests/support/test_util.h"

#define SEEDS 20

/* lead_s of silence, phase 2's DPSK of n bits (sq_v34_dpsk_modulate's high, info, level and
 * offset), tail_s of silence. */
static sig dpsk_signal(double lead_s, int high, int info, double dbm0, double offset_hz, const uint8_t *bits, size_t n,
                       double tail_s)
{
    sig s = make_silence(lead_s), t = make_silence((double)sq_v34_dpsk_samples(n) / 8000.0);
    sq_v34_dpsk_modulate(high, info, dbm0, offset_hz, bits, n, t.x);
    sig_append(&s, &t);
    t = make_silence(tail_s);
    sig_append(&s, &t);
    return s;
}

/* A frame's bits, one a byte, into bits; returns how many. */
static size_t frame_bits(sq_info_kind k, const uint8_t frame[SQ_INFO_BYTES], uint8_t *bits)
{
    size_t len = sq_info_length(k);
    for (size_t i = 0; i < len; i++)
        bits[i] = (uint8_t)sq_info_bit(frame, i);
    return len;
}

/* Silence, a frame of the kind with the given fields then `tone` symbols of its tone, silence. */
static sig info_signal_tone(sq_info_kind k, const char *const *names, const double *values, size_t n, double offset_hz,
                            uint8_t frame[SQ_INFO_BYTES], size_t tone)
{
    ck_assert_int_eq(sq_info_build(k, names, values, n, frame, NULL), 0);
    ck_assert(sq_info_crc_ok(k, frame));
    uint8_t bits[SQ_INFO_MAX_BITS + 120] = { 0 };
    ck_assert_uint_le(tone, 120);
    size_t len = frame_bits(k, frame, bits);
    return dpsk_signal(0.2, sq_info_high_carrier(k), 1, -13.0, offset_hz, bits, len + tone, 0.2);
}

static sig info_signal(sq_info_kind k, const char *const *names, const double *values, size_t n, double offset_hz,
                       uint8_t frame[SQ_INFO_BYTES])
{
    return info_signal_tone(k, names, values, n, offset_hz, frame, 120);
}

static double field(const sq_event *ev, const char *name)
{
    size_t n;
    const sq_info_field *f = sq_info_fields((sq_info_kind)ev->info_kind, ev->info_bits, &n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(f[i].name, name) == 0)
            return sq_info_field_value(&f[i], ev->info_bits);
    ck_abort_msg("no field %s", name);
    return NAN;
}

/* The CRC of Fig. 14 against a frame worked by hand: the register over the information bits,
 * then over its own output, leaves 0; one bit changed anywhere breaks it. */
START_TEST(test_info_crc_and_layout)
{
    uint8_t f[SQ_INFO_BYTES];
    const char *names[] = { "symbol_rate_2743", "max_symbol_rate_difference", "tx_clock" };
    const double values[] = { 1, 5, 2 };
    ck_assert_int_eq(sq_info_build(SQ_INFO0C, names, values, 3, f, NULL), 0);
    ck_assert_uint_eq(sq_info_length(SQ_INFO0C), 49);
    ck_assert_uint_eq(sq_info_length(SQ_INFO0D), 62);
    ck_assert_uint_eq(sq_info_length(SQ_INFO1A), 70);
    ck_assert_uint_eq(sq_info_length(SQ_INFO1C), 109);
    /* fill 1111, sync 01110010, then bit 12 = 1, 21:23 = 5 (101), 26:27 = 2 (01), fill at 45:48 */
    static const char head[] = "11110111001010000000010100010";
    for (size_t i = 0; i < sizeof head - 1; i++)
        ck_assert_msg(sq_info_bit(f, i) == head[i] - '0', "bit %zu", i);
    for (size_t i = 45; i < 49; i++)
        ck_assert_int_eq(sq_info_bit(f, i), 1);
    ck_assert(sq_info_crc_ok(SQ_INFO0C, f));
    for (size_t i = 12; i < 45; i++) {
        f[i / 8] ^= (uint8_t)(1u << (i % 8));
        ck_assert_msg(!sq_info_crc_ok(SQ_INFO0C, f), "bit %zu flipped, CRC still good", i);
        f[i / 8] ^= (uint8_t)(1u << (i % 8));
    }
    /* the same bits as a V.90 / V.92 analogue modem's INFO0a: 26 and 27 are V.92's (Table 16) */
    ck_assert_int_eq(sq_info_build(SQ_INFO0A, names, values, 3, f, NULL), 0);
    size_t n34, npcm;
    const sq_info_field *v34 = sq_info_fields(SQ_INFO0A, f, &n34), *pcm = sq_info_fields_pcm(SQ_INFO0A, f, &npcm);
    double v92 = NAN, short2 = NAN, clock = NAN;
    for (size_t i = 0; i < npcm; i++) {
        if (strcmp(pcm[i].name, "v92_capable") == 0)
            v92 = sq_info_field_value(&pcm[i], f);
        if (strcmp(pcm[i].name, "v92_short_phase2_request") == 0)
            short2 = sq_info_field_value(&pcm[i], f);
    }
    for (size_t i = 0; i < n34; i++)
        if (strcmp(v34[i].name, "tx_clock") == 0)
            clock = sq_info_field_value(&v34[i], f);
    ck_assert(clock == 2.0 && v92 == 0.0 && short2 == 1.0);
    ck_assert(sq_info_fields_pcm(SQ_INFO1C, f, &npcm) == sq_info_fields(SQ_INFO1C, f, &n34) && npcm == n34);
    size_t bad = 99;
    const char *wrong[] = { "symbol_rate_2743", "no_such_field" };
    ck_assert_int_eq(sq_info_build(SQ_INFO0A, wrong, values, 2, f, &bad), -1);
    ck_assert_uint_eq(bad, 1);
    const char *too_big[] = { "max_symbol_rate_difference" };
    const double nine[] = { 9 };
    ck_assert_int_eq(sq_info_build(SQ_INFO0A, too_big, nine, 1, f, &bad), -1);
}
END_TEST

/* A frame that starts out of silence (its band quiet, the lane resting) is read whole however
 * the audio is chunked: a lane gets back the samples it rested through. */
START_TEST(test_info_any_chunking)
{
    static const size_t blocks[] = { 1, 7, 37, 64, 160, 4096 };
    static const sq_info_kind kinds[] = { SQ_INFO0D, SQ_INFO0A };
    for (size_t k = 0; k < 2; k++)
        for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++) {
            uint8_t frame[SQ_INFO_BYTES];
            const char *names[] = { "symbol_rate_3429" };
            const double values[] = { 1 };
            sig s = info_signal(kinds[k], names, values, 1, 0.0, frame);
            events e;
            decode_sig(&s, blocks[b], &e);
            int i = find_event(&e, SQ_EVENT_INFO0);
            ck_assert_msg(i >= 0 && e.ev[i].crc_ok && e.ev[i].info_kind == kinds[k], "kind %zu in blocks of %zu: not read",
                          k, blocks[b]);
            ck_assert_double_eq_tol(e.ev[i].start_s, 0.2, 0.01);
            sig_free(&s);
        }
}
END_TEST

/* Every kind of frame, under noise 20 dB down and a carrier offset, reads back whole. */
START_TEST(test_info_round_trip)
{
    static const struct { sq_info_kind kind; const char *names[4]; double values[4]; size_t n; } cases[] = {
        { SQ_INFO0A, { "symbol_rate_3429", "tx_3200_high_carrier", "constellation_1664" }, { 1, 1, 1 }, 3 },
        { SQ_INFO0C, { "symbol_rate_2800", "cme", "ack_info0" }, { 1, 1, 1 }, 3 },
        { SQ_INFO0D, { "a_law", "max_tx_power_dbm0", "v92_capable" }, { 1, -12.0, 1 }, 3 },
        { SQ_INFO1A, { "max_rate_bps", "symbol_rate_answer_to_call", "symbol_rate_call_to_answer", "probe_offset_hz" },
          { 33600, 3429, 3200, -1.5 }, 4 },
        { SQ_INFO1C, { "max_rate_bps_3429", "preemphasis_3200", "md_length_ms", "probe_offset_hz" },
          { 31200, 7, 350, 0.5 }, 4 },
        { SQ_INFO1A, { "symbol_rate_downstream", "u_info", "symbol_rate_upstream" }, { 8000, 79, 3200 }, 3 },
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        for (int seed = 0; seed < SEEDS; seed++) {
            double offset = (seed % 5 - 2) * 2.0;   /* -4 .. +4 Hz */
            uint8_t frame[SQ_INFO_BYTES];
            sig s = info_signal(cases[c].kind, cases[c].names, cases[c].values, cases[c].n, offset, frame);
            add_noise(&s, sqrt(sq_dbm0_to_power(-13.0) / 100.0), (uint64_t)seed + 1);
            events e;
            /* odd, small and large blocks: what is read does not depend on the chunking */
            static const size_t blocks[3] = { 37, 160, 4096 };
            decode_sig(&s, blocks[seed % 3], &e);
            int i = find_event(&e, sq_info_high_carrier(cases[c].kind) || cases[c].kind == SQ_INFO0A ||
                                           cases[c].kind == SQ_INFO0C || cases[c].kind == SQ_INFO0D
                                       ? (cases[c].kind == SQ_INFO1A ? SQ_EVENT_INFO1 : SQ_EVENT_INFO0)
                                       : SQ_EVENT_INFO1);
            ck_assert_msg(i >= 0, "case %zu seed %d: no INFO event", c, seed);
            const sq_event *ev = &e.ev[i];
            ck_assert_int_eq(ev->info_kind, cases[c].kind);
            ck_assert(ev->crc_ok);
            for (size_t b = 0; b < sq_info_length(cases[c].kind) - 4; b++)   /* through the CRC */
                ck_assert_int_eq(sq_info_bit(ev->info_bits, b), sq_info_bit(frame, b));
            ck_assert_int_eq(ev->fsk_channel, sq_info_high_carrier(cases[c].kind) ? 2 : 1);
            ck_assert_double_eq_tol(ev->start_s, 0.2, 0.01);
            for (size_t f = 0; f < cases[c].n; f++)
                ck_assert_double_eq_tol(field(ev, cases[c].names[f]), cases[c].values[f], 0.011);
            /* the 200 ms of tone after it: tone A or B, and nothing else at all */
            int t = find_event(&e, sq_info_high_carrier(cases[c].kind) ? SQ_EVENT_TONE_A : SQ_EVENT_TONE_B);
            ck_assert_msg(t >= 0, "case %zu seed %d: no tone after the frame", c, seed);
            ck_assert_double_eq_tol(e.ev[t].freq_hz, (sq_info_high_carrier(cases[c].kind) ? 2400 : 1200) + offset, 2.0);
            ck_assert_msg(e.n == 2, "case %zu seed %d: %zu events", c, seed, e.n);
            sig_free(&s);
        }
    }
}
END_TEST

/* The first fill bit is a turn against whatever the line held before the frame: a frame
 * that begins after silence or another signal may read it as 0, and is the same frame. Here
 * the modulator's start point is turned so that it does; every kind still reads, CRC good,
 * from where it starts (the USR V.92 call's INFO0d high-passed at 300 Hz had been lost so). */
START_TEST(test_info_first_fill_bit_unread)
{
    static const sq_info_kind kinds[] = { SQ_INFO0A, SQ_INFO0C, SQ_INFO0D, SQ_INFO1A, SQ_INFO1C };
    for (size_t c = 0; c < sizeof kinds / sizeof kinds[0]; c++) {
        for (int seed = 0; seed < SEEDS; seed++) {
            uint8_t frame[SQ_INFO_BYTES];
            ck_assert_int_eq(sq_info_build(kinds[c], NULL, NULL, 0, frame, NULL), 0);
            uint8_t bits[SQ_INFO_MAX_BITS + 60] = { 0 };
            size_t len = frame_bits(kinds[c], frame, bits);
            ck_assert_int_eq(bits[0], 1);
            bits[0] = 0;
            sig s = dpsk_signal(0.2, sq_info_high_carrier(kinds[c]), 1, -13.0, (seed % 5 - 2) * 2.0, bits, len + 60, 0.2);
            add_noise(&s, sqrt(sq_dbm0_to_power(-13.0) / 100.0), (uint64_t)seed + 1);
            events e;
            decode_sig(&s, 160, &e);
            sq_event_type type = kinds[c] == SQ_INFO1A || kinds[c] == SQ_INFO1C ? SQ_EVENT_INFO1 : SQ_EVENT_INFO0;
            int i = find_event(&e, type);
            ck_assert_msg(i >= 0, "kind %zu seed %d: no INFO event", c, seed);
            ck_assert_int_eq(e.ev[i].info_kind, kinds[c]);
            ck_assert_msg(e.ev[i].crc_ok, "kind %zu seed %d: CRC", c, seed);
            ck_assert_double_eq_tol(e.ev[i].start_s, 0.2, 0.01);
            sig_free(&s);
        }
    }
}
END_TEST

/* A frame with a bit wrong: reported with crc_ok 0, never as good. */
START_TEST(test_info_bad_crc)
{
    const char *names[] = { "symbol_rate_2743" };
    const double values[] = { 1 };
    uint8_t frame[SQ_INFO_BYTES];
    ck_assert_int_eq(sq_info_build(SQ_INFO0A, names, values, 1, frame, NULL), 0);
    frame[20 / 8] ^= (uint8_t)(1u << (20 % 8));
    uint8_t bits[SQ_INFO_MAX_BITS + 120] = { 0 };
    size_t len = frame_bits(SQ_INFO0A, frame, bits);
    sig s = dpsk_signal(0.2, 1, 1, -13.0, 0.0, bits, len + 120, 0.5);
    events e;
    decode_sig(&s, 160, &e);
    int i = find_event(&e, SQ_EVENT_INFO0);
    ck_assert_int_ge(i, 0);
    ck_assert(!e.ev[i].crc_ok);
    ck_assert_int_eq(e.ev[i].info_kind, SQ_INFO0A);
    sig_free(&s);
}
END_TEST

/* Tone A (with its guard) and tone B with reversals at known times; no V.22 guard event. */
START_TEST(test_tones_and_reversals)
{
    for (int seed = 0; seed < SEEDS; seed++)
        for (int high = 0; high < 2; high++) {
            uint8_t bits[600] = { 0 };
            bits[180] = 1;   /* symbol 181 starts turned: 181 / 600 s after the start point */
            bits[420] = 1;
            sig s = dpsk_signal(0.3, high, 0, -15.0, (seed % 3 - 1) * 3.0, bits, 600, 0.3);
            add_noise(&s, sqrt(sq_dbm0_to_power(-15.0) / 100.0), (uint64_t)seed + 7);
            events e;
            decode_sig(&s, 160, &e);
            ck_assert_msg(e.n == 1, "seed %d high %d: %zu events, first %s", seed, high, e.n,
                          e.n ? sq_event_type_to_str(e.ev[0].type) : "-");
            ck_assert_int_eq(e.ev[0].type, high ? SQ_EVENT_TONE_A : SQ_EVENT_TONE_B);
            ck_assert_msg(e.ev[0].n_reversals == 2, "seed %d high %d: %zu reversals (%.4f), tone %.3f-%.3f", seed, high,
                          e.ev[0].n_reversals, e.ev[0].reversals_s[0], e.ev[0].start_s, e.ev[0].end_s);
            /* the turn sits between symbols 180 and 181, centred at (k + 0.5) / 600 s */
            ck_assert_double_eq_tol(e.ev[0].reversals_s[0], 0.3 + 181.0 / 600.0, 0.004);
            ck_assert_double_eq_tol(e.ev[0].reversals_s[1], 0.3 + 421.0 / 600.0, 0.004);
            ck_assert_double_eq_tol(e.ev[0].start_s, 0.3, 0.01);
            ck_assert_double_eq_tol(e.ev[0].end_s, 0.3 + 601.0 / 600.0, 0.01);
            sig_free(&s);
        }
}
END_TEST

/* Tones that are not A or B: a lone 2400 Hz (no guard), 1200 Hz beside another tone (a DTMF
 * pair), 1209 Hz (a DTMF column tone) alone; and 1200 Hz, or 2400 Hz with 1800 Hz, held half a
 * second with no phase reversal and nothing of a V.34 call or V.8 around it (a note of music
 * read as tone B had opened a "call" whose every later note was labelled). A tone with its
 * INFO frame before it is tone A or B (test_info_round_trip). */
START_TEST(test_not_tones_a_or_b)
{
    const double cases[][2] = { { 2400, 0 }, { 1200, 770 }, { 1209, 0 }, { 2400, 2100 }, { 1200, 0 }, { 2400, 1800 } };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        sig s = make_silence(1.0);
        double a = sq_dbm0_to_sine_peak(-13.0);
        for (size_t i = 2000; i < 6000; i++)
            for (int k = 0; k < 2; k++)
                if (cases[c][k] > 0)
                    s.x[i] += (float)(a * sin(2 * M_PI * cases[c][k] * (double)i / 8000.0));
        events e;
        decode_sig(&s, 160, &e);
        ck_assert_msg(find_event(&e, SQ_EVENT_TONE_A) < 0 && find_event(&e, SQ_EVENT_TONE_B) < 0,
                      "case %zu: a tone A or B", c);
        sig_free(&s);
    }
}
END_TEST

/* INFOMARKS (10.1.2.3.6): each modem's DPSK carrier fed 1s for 300 ms, after its INFO0 (a
 * V.34 start-up under way), under noise 15 dB down and up to 5 Hz off: one infomarks event
 * each, on its carrier's side, timed to a few symbols; the INFO frame before it is read as
 * before and is not INFOMARKS. */
static sig infomarks_after_info0(int high, double seconds, double offset_hz, uint64_t seed)
{
    uint8_t frame[SQ_INFO_BYTES];
    sig s = info_signal_tone(high ? SQ_INFO0A : SQ_INFO0C, NULL, NULL, 0, offset_hz, frame, 0);
    size_t n = (size_t)llround(seconds * 600.0);
    uint8_t ones[600];
    memset(ones, 1, sizeof ones);
    ck_assert_uint_le(n, sizeof ones);
    sig t = dpsk_signal(0.0, high, 1, -13.0, offset_hz, ones, n, 0.2);
    sig_append(&s, &t);
    add_noise(&s, sqrt(sq_dbm0_to_power(-13.0) / pow(10.0, 1.5)), seed);
    return s;
}

START_TEST(test_infomarks)
{
    for (int seed = 0; seed < SEEDS; seed++)
        for (int high = 0; high < 2; high++) {
            double offset = (seed % 3 - 1) * 5.0;
            sig s = infomarks_after_info0(high, 0.3, offset, (uint64_t)seed + 31);
            /* silence 0.2 s, the frame (49 symbols), silence 0.2 s, then INFOMARKS */
            double start = 0.2 + (double)sq_v34_dpsk_samples(49) / 8000.0 + 0.2;
            events e;
            decode_sig(&s, 160, &e);
            int marks = 0, frames = 0;
            for (size_t i = 0; i < e.n; i++) {
                if (e.ev[i].type == SQ_EVENT_INFO0 && e.ev[i].crc_ok)
                    frames++;
                if (e.ev[i].type != SQ_EVENT_INFOMARKS)
                    continue;
                marks++;
                ck_assert_int_eq(e.ev[i].fsk_channel, high ? 2 : 1);
                ck_assert_msg(fabs(e.ev[i].start_s - start) < 0.01 && fabs(e.ev[i].end_s - (start + 0.3)) < 0.01,
                              "seed %d high %d: INFOMARKS %.3f-%.3f, sent %.3f-%.3f", seed, high, e.ev[i].start_s,
                              e.ev[i].end_s, start, start + 0.3);
                ck_assert_double_eq_tol(e.ev[i].freq_hz, (high ? 2400.0 : 1200.0) + offset, 2.0);
            }
            ck_assert_msg(marks == 1 && frames == 1, "seed %d high %d: %d INFOMARKS, %d INFO0", seed, high, marks, frames);
            sig_free(&s);
        }
}
END_TEST

/* What turns half a turn a symbol but is not INFOMARKS, after an INFO0a: one tone 300 Hz off
 * a carrier (a plain 2100 Hz answer tone, 900 Hz), DTMF '#' (941 + 1477 Hz, round 1209 Hz),
 * and two lines 320 Hz off 1200 Hz (a beat); and INFOMARKS alone, with no V.34 start-up
 * around it (music or a tone pair). */
START_TEST(test_not_infomarks)
{
    const double cases[][2] = { { 2100, 0 }, { 900, 0 }, { 941, 1477 }, { 880, 1520 } };
    uint8_t frame[SQ_INFO_BYTES];
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        sig s = info_signal_tone(SQ_INFO0A, NULL, NULL, 0, 0.0, frame, 0), t = make_silence(0.8);
        double a = sq_dbm0_to_sine_peak(-13.0);
        for (size_t i = 400; i < 6000; i++)
            for (int k = 0; k < 2; k++)
                if (cases[c][k] > 0)
                    t.x[i] += (float)(a * sin(2 * M_PI * cases[c][k] * (double)i / 8000.0));
        sig_append(&s, &t);
        events e;
        decode_sig(&s, 160, &e);
        ck_assert_msg(find_event(&e, SQ_EVENT_INFOMARKS) < 0, "case %zu (%.0f + %.0f Hz): INFOMARKS", c, cases[c][0],
                      cases[c][1]);
        sig_free(&s);
    }
    uint8_t ones[300];
    memset(ones, 1, sizeof ones);
    sig s = dpsk_signal(0.3, 1, 1, -13.0, 0.0, ones, 300, 0.0);
    events e;
    decode_sig(&s, 160, &e);
    ck_assert_msg(find_event(&e, SQ_EVENT_INFOMARKS) < 0, "INFOMARKS with no start-up around them");
    sig_free(&s);
}
END_TEST

/* L1 (160 ms, 6 dB up) then L2, at several levels, under noise. */
static sig line_probe(double level, double l2_s, double offset)
{
    static const int inverted[] = { 300, 1650, 2250, 2700, 3000, 3150, 3300, 3450 };
    size_t l1 = 1280, n = l1 + (size_t)(l2_s * 8000);
    sig s = make_silence(0.2), t = make_silence((double)n / 8000.0);
    for (size_t i = 0; i < n; i++) {
        double v = 0.0;
        for (int f = 150; f <= 3750; f += 150) {
            if (f == 900 || f == 1200 || f == 1800 || f == 2400)
                continue;
            double ph = 0.0;
            for (int k = 0; k < 8; k++)
                ph = inverted[k] == f ? M_PI : ph;
            v += cos(2 * M_PI * (f + offset) * (double)i / 8000.0 + ph);
        }
        t.x[i] = (float)(v * sq_dbm0_to_sine_peak(i < l1 ? level + 6.0 : level) / sqrt(21.0));
    }
    sig_append(&s, &t);
    t = make_silence(0.3);
    sig_append(&s, &t);
    return s;
}

START_TEST(test_line_probing)
{
    for (int seed = 0; seed < SEEDS; seed++) {
        double level = -10.0 - seed, l2 = 0.3 + 0.02 * seed;
        sig s = line_probe(level, l2, (seed % 3 - 1) * 1.0);
        add_noise(&s, sqrt(sq_dbm0_to_power(level) / 300.0), (uint64_t)seed + 3);
        events e;
        decode_sig(&s, 4096, &e);
        ck_assert_msg(e.n == 1 && e.ev[0].type == SQ_EVENT_LINE_PROBE, "seed %d: %zu events", seed, e.n);
        ck_assert_double_eq_tol(e.ev[0].start_s, 0.2, 0.025);
        ck_assert_double_eq_tol(e.ev[0].on_s, 0.16, 0.025);
        ck_assert_double_eq_tol(e.ev[0].end_s - e.ev[0].start_s, 0.16 + l2, 0.045);
        ck_assert_double_eq_tol(e.ev[0].level_dbm0, level, 1.0);
        /* the line is flat, its noise white at 300 times under the signal: 24.8 dB over the
         * 4 kHz band, 25.2 over 150-3750 Hz (a 1 Hz offset leaks a little into the bins
         * between the tones, where the noise is read) */
        double hz[SQ_LINE_PROBE_TONES], db[SQ_LINE_PROBE_TONES];
        ck_assert_uint_eq(sq_line_probe_response(&e.ev[0], hz, db), SQ_LINE_PROBE_TONES);
        ck_assert_double_eq_tol(e.ev[0].snr_db, 25.2, 2.0);
        for (size_t t = 0; t < SQ_LINE_PROBE_TONES; t++)
            ck_assert_msg(fabs(db[t]) <= 0.75, "seed %d: %.0f Hz at %+.1f dB on a flat line", seed, hz[t], db[t]);
        sig_free(&s);
    }
}
END_TEST

/* One tone on a probing frequency in noise (V.21 channel 2's mark, 1650 Hz, idling at 3 dB
 * SNR) fills the comb's bins with the noise's share and one tone: it is no line probing,
 * which lights its tones over the noise between them. */
START_TEST(test_one_tone_in_noise_is_no_probe)
{
    const double hz[] = { 1650.0, 1050.0, 3000.0 }, snr_db[] = { 3.0, 10.0 };
    for (size_t f = 0; f < 3; f++)
        for (size_t q = 0; q < 2; q++)
            for (uint64_t seed = 1; seed <= 5; seed++) {
                sig s = make_silence(0.8);
                double a = sqrt(2.0 * sq_dbm0_to_power(-13.0));
                for (size_t i = 0; i < s.n; i++)
                    s.x[i] = (float)(a * cos(2.0 * M_PI * hz[f] * (double)i / 8000.0));
                add_noise(&s, sqrt(sq_dbm0_to_power(-13.0) / pow(10.0, snr_db[q] / 10.0)), seed);
                events e;
                decode_sig(&s, 4096, &e);
                ck_assert_msg(find_event(&e, SQ_EVENT_LINE_PROBE) < 0, "%.0f Hz at %.0f dB SNR, seed %u: line probing",
                              hz[f], snr_db[q], (unsigned)seed);
                sig_free(&s);
            }
}
END_TEST

/* Line probing through y[n] = x[n] + a x[n-1]: each tone arrives at |1 + a e^(-jw)|^2 of its
 * power, and the response read is that against the tones' mean, to the 0.5 dB steps it is
 * given in. The frequencies are Table 17's. */
START_TEST(test_line_probe_measures_the_line)
{
    const double taps[] = { 0.5, -0.5, 0.9 };
    for (size_t c = 0; c < sizeof taps / sizeof taps[0]; c++) {
        double a = taps[c];
        sig s = line_probe(-12.0, 0.4, 0.0);
        for (size_t i = s.n - 1; i > 0; i--)
            s.x[i] += (float)(a * s.x[i - 1]);
        add_noise(&s, sqrt(sq_dbm0_to_power(-12.0) / 1e4), 7);
        events e;
        decode_sig(&s, 4096, &e);
        int k = find_event(&e, SQ_EVENT_LINE_PROBE);
        ck_assert_int_ge(k, 0);
        double hz[SQ_LINE_PROBE_TONES], db[SQ_LINE_PROBE_TONES], gain[SQ_LINE_PROBE_TONES], mean = 0.0;
        ck_assert_uint_eq(sq_line_probe_response(&e.ev[k], hz, db), SQ_LINE_PROBE_TONES);
        size_t t = 0;
        for (int f = 150; f <= 3750; f += 150) {
            if (f == 900 || f == 1200 || f == 1800 || f == 2400)
                continue;
            ck_assert_double_eq(hz[t], f);
            gain[t] = 1.0 + a * a + 2.0 * a * cos(2.0 * M_PI * f / 8000.0);
            mean += gain[t++] / SQ_LINE_PROBE_TONES;
        }
        for (t = 0; t < SQ_LINE_PROBE_TONES; t++) {
            double want = 10.0 * log10(gain[t] / mean);
            ck_assert_msg(fabs(db[t] - want) <= 0.5, "a = %.1f: %.0f Hz at %+.2f dB, the line has %+.2f", a, hz[t],
                          db[t], want);
        }
        sig_free(&s);
    }
}
END_TEST

/* After its INFO1, a modem's wideband signal (noise here) is its training and data, to the
 * end; a silence of 300 ms splits it in two; a V.34 signal without an INFO1 before it is
 * not named. */
START_TEST(test_transmission_after_info1)
{
    const char *names[] = { "max_rate_bps_3200" };
    const double values[] = { 28800 };
    uint8_t frame[SQ_INFO_BYTES];
    sig s = info_signal_tone(SQ_INFO1C, names, values, 1, 0.0, frame, 0);
    double info1_end = 0.2 + 109.0 / 600.0;
    sig data = make_silence(2.0);
    add_noise(&data, sqrt(sq_dbm0_to_power(-16.0)), 11);
    memset(data.x + 8000, 0, 2400 * sizeof *data.x);   /* 300 ms quiet at 1 s */
    size_t data_n = data.n;
    sig_append(&s, &data);
    events e;
    decode_sig(&s, 160, &e);
    ck_assert_int_ge(find_event(&e, SQ_EVENT_INFO1), 0);
    size_t stretches = 0;
    for (size_t i = 0; i < e.n; i++)
        if (e.ev[i].type == SQ_EVENT_V34_DATA) {
            stretches++;
            ck_assert_double_eq_tol(e.ev[i].level_dbm0, -16.0, 1.0);
        }
    ck_assert_uint_eq(stretches, 2);
    int first = find_event(&e, SQ_EVENT_V34_DATA);
    double noise_s = (double)(s.n - data_n) / 8000.0;
    ck_assert(e.ev[first].start_s >= info1_end - 0.01);
    ck_assert_double_eq_tol(e.ev[first].start_s, noise_s, 0.03);
    ck_assert_int_eq(find_event(&e, SQ_EVENT_V21), -1);
    ck_assert_int_eq(find_event(&e, SQ_EVENT_BELL103), -1);
    sig_free(&s);

    sig alone = make_silence(2.0);
    add_noise(&alone, sqrt(sq_dbm0_to_power(-16.0)), 12);
    decode_sig(&alone, 160, &e);
    ck_assert_int_eq(find_event(&e, SQ_EVENT_V34_DATA), -1);
    sig_free(&alone);
}
END_TEST

/* V.92 short phase 2: a digital modem's INFO0d asking for it, then its tone B, then (no
 * INFO1d) its training: named v90_data. The same INFO0d followed by line probing (a full
 * phase 2 after all) names nothing before the INFO1. */
START_TEST(test_short_phase2)
{
    const char *names[] = { "v92_short_phase2_request", "v92_capable" };
    const double values[] = { 1, 1 };
    uint8_t frame[SQ_INFO_BYTES];
    for (int probe = 0; probe < 2; probe++) {
        sig s = info_signal(SQ_INFO0D, names, values, 2, 0.0, frame);
        sig gap = make_silence(0.5);
        sig_append(&s, &gap);
        sig next = probe ? line_probe(-13.0, 0.4, 0.0) : make_silence(1.5);
        if (!probe)
            add_noise(&next, sqrt(sq_dbm0_to_power(-16.0)), 21);
        sig_append(&s, &next);
        events e;
        decode_sig(&s, 160, &e);
        ck_assert_int_ge(find_event(&e, SQ_EVENT_INFO0), 0);
        if (probe) {
            ck_assert_int_eq(find_event(&e, SQ_EVENT_V90_DATA), -1);
            ck_assert_int_ge(find_event(&e, SQ_EVENT_LINE_PROBE), 0);
        } else {
            int v = find_event(&e, SQ_EVENT_V90_DATA);
            ck_assert_int_ge(v, 0);
            ck_assert_double_eq_tol(e.ev[v].end_s - e.ev[v].start_s, 1.5, 0.05);
        }
        sig_free(&s);
    }
}
END_TEST

Suite *phase2_suite(void);
Suite *phase2_suite(void)
{
    Suite *s = suite_create("phase2");
    TCase *tc = tcase_create("v34_phase2");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_info_crc_and_layout);
    tcase_add_test(tc, test_info_round_trip);
    tcase_add_test(tc, test_info_any_chunking);
    tcase_add_test(tc, test_info_bad_crc);
    tcase_add_test(tc, test_info_first_fill_bit_unread);
    tcase_add_test(tc, test_tones_and_reversals);
    tcase_add_test(tc, test_not_tones_a_or_b);
    tcase_add_test(tc, test_infomarks);
    tcase_add_test(tc, test_not_infomarks);
    tcase_add_test(tc, test_line_probing);
    tcase_add_test(tc, test_line_probe_measures_the_line);
    tcase_add_test(tc, test_one_tone_in_noise_is_no_probe);
    tcase_add_test(tc, test_transmission_after_info1);
    tcase_add_test(tc, test_short_phase2);
    suite_add_tcase(s, tc);
    return s;
}
