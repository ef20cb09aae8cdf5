/* V.22 / V.22bis: scrambler, point coding, the pump's bit error rate on a scheduled link,
 * and whole calls (V.8, training, data both ways) on clean and noisy lines. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "src/sim/data_call.h"
#include "src/sim/v22_link.h"
#include "src/proto/v22_detect.h"
#include "tests/support/test_util.h"

/* The scrambler undoes itself, including the 64-ones guard, from any starting state. */
START_TEST(test_scrambler_round_trip)
{
    sq_v22_scrambler tx, rx;
    sq_v22_scrambler_init(&tx);
    sq_v22_scrambler_init(&rx);
    sq_noise *g = NULL;
    ck_assert_int_eq(sq_noise_create(3, &g), SQ_OK);
    int longest_ones = 0, ones = 0;
    for (int i = 0; i < 200000; i++) {
        /* long stretches of 1s in the input, as idle lines and SB1 have */
        uint8_t in = (i / 5000) % 2 ? 1 : (uint8_t)(sq_noise_u32(g) & 1u);
        uint8_t line = sq_v22_scramble(&tx, in);
        ones = line ? ones + 1 : 0;
        longest_ones = ones > longest_ones ? ones : longest_ones;
        ck_assert_uint_eq(sq_v22_descramble(&rx, line), in);
    }
    ck_assert_int_le(longest_ones, 64);   /* the guard breaks every run of 1s on the line */
    sq_noise_destroy(g);
}
END_TEST

/* V.22 Table 1 (spec 4.2): 00 +90, 01 0, 11 +270, 10 +180; 1200 bit/s points are (3, 1)
 * of a quadrant; 2400 bit/s Q3Q4 picks the point absolutely. */
START_TEST(test_point_coding)
{
    static const uint8_t dibits[4][2] = { { 0, 0 }, { 0, 1 }, { 1, 1 }, { 1, 0 } };
    static const int turns[4] = { 1, 0, 3, 2 };
    for (int d = 0; d < 4; d++) {
        sq_v22_mapper m = { 0 };
        float complex p = sq_v22_map(&m, 1200, dibits[d]);
        ck_assert_int_eq(m.quadrant, turns[d]);
        ck_assert_float_eq_tol(cabsf(p * p), 10.0f, 1e-4f);
        ck_assert_int_eq(sq_v22_turn(p, 3.0f + 1.0f * I), turns[d]);
    }
    uint8_t q[4] = { 0, 1, 1, 1 };   /* no turn; point 11 = (3, 3) */
    sq_v22_mapper m = { 0 };
    float complex p = sq_v22_map(&m, 2400, q);
    ck_assert_float_eq_tol(crealf(p), 3.0f, 1e-6f);
    ck_assert_float_eq_tol(cimagf(p), 3.0f, 1e-6f);
    /* every rate round-trips random bits */
    const int rates[3] = { 600, 1200, 2400 };
    sq_noise *g = NULL;
    ck_assert_int_eq(sq_noise_create(5, &g), SQ_OK);
    for (int r = 0; r < 3; r++) {
        sq_v22_mapper tx = { 0 };
        sq_v22_demapper rx = { 0 };
        int nb = sq_v22_bits_per_symbol(rates[r]);
        for (int i = 0; i < 2000; i++) {
            uint8_t in[4], out[4];
            for (int k = 0; k < nb; k++)
                in[k] = (uint8_t)(sq_noise_u32(g) & 1u);
            sq_v22_demap(&rx, rates[r], sq_v22_map(&tx, rates[r], in), out);
            for (int k = 0; k < nb; k++)
                ck_assert_uint_eq(out[k], in[k]);
        }
    }
    sq_noise_destroy(g);
}
END_TEST

/* The pump after training, fixed seeds: no errors where the BER benchmark measures well
 * under 1e-5, with the largest carrier offset V.22bis allows. */
START_TEST(test_link_error_free)
{
    const struct { int rate, caller; double snr, foff; } c[] = {
        { 2400, 0, NAN, 0.0 }, { 2400, 1, 14.0, 7.0 }, { 2400, 0, 14.0, -7.0 },
        { 1200, 1, NAN, 0.0 }, { 1200, 0, 7.0, 7.0 }, { 1200, 1, 7.0, -7.0 },
    };
    v22_link l = { .rate = c[_i].rate, .caller = c[_i].caller, .snr_db = c[_i].snr, .foff_hz = c[_i].foff,
                   .seed = 11, .bits = 60000 };
    ck_assert_int_eq(v22_link_run(&l), 0);
    ck_assert_uint_eq(l.counted, 60000);
    ck_assert_msg(l.errors == 0, "%d bit/s at %.0f dB, %+.0f Hz: %llu errors", l.rate, l.snr_db, l.foff_hz,
                  (unsigned long long)l.errors);
}
END_TEST

/* ... and it does make errors when the line is too poor: the count is real. */
START_TEST(test_link_counts_errors)
{
    v22_link l = { .rate = 2400, .caller = 0, .snr_db = 9.0, .seed = 11, .bits = 30000 };
    ck_assert_int_eq(v22_link_run(&l), 0);
    ck_assert_uint_gt(l.errors, 30);
}
END_TEST

static void expect_data_call(data_call *c, int rate)
{
    ck_assert_int_eq(data_call_run(c), 0);
    ck_assert_msg(data_call_ok(c), "seed %llu: caller %d bit/s got %zu (%zu wrong) [%s]; answerer %d bit/s got %zu (%zu wrong) [%s]",
                  (unsigned long long)c->seed, c->status[0].rate, c->received[0], c->wrong[0], c->status[0].reason,
                  c->status[1].rate, c->received[1], c->wrong[1], c->status[1].reason);
    ck_assert_int_eq(c->status[0].rate, rate);
    /* noise, offsets and clock skew are no reason to retrain */
    ck_assert_int_eq(c->status[0].retrains + c->status[1].retrains, 0);
}

/* Whole calls: 2400 bit/s at 14 dB, 1200 bit/s chosen by the modems themselves at 8 dB,
 * offsets up to 7 Hz, data intact both ways. */
START_TEST(test_calls_pick_rate_from_line)
{
    for (uint64_t seed = 1; seed <= 4; seed++) {
        data_call c;
        data_call_init(&c);
        c.seed = seed;
        c.foff_hz = seed % 2 ? 7.0 : -7.0;
        c.snr_db = _i == 0 ? 14.0 : 8.0;
        expect_data_call(&c, _i == 0 ? 2400 : 1200);
    }
}
END_TEST

/* A call on a line with white noise and a carrier offset. */
static void noisy_call(data_call *c, uint64_t seed, double snr_db, double foff_hz)
{
    data_call_init(c);
    c->seed = seed;
    c->snr_db = snr_db;
    c->foff_hz = foff_hz;
}

/* The caller at 1200 bit/s takes data as soon as it hears SB1 (109 ON), while its loops are
 * still in their first gear: one call of the benchmark's hundred at 8 dB (this seed and
 * offset) handed over 4 characters of garbage decoded from SB1 then, before RX_SETTLE. */
START_TEST(test_calls_caller_settles_before_data)
{
    data_call c;
    noisy_call(&c, 581, 8.0, -5.024);
    expect_data_call(&c, 1200);
}
END_TEST

/* The carrier's phase when decisions start is wherever the acquisition left it: this call
 * (500 ppm apart, 6.9 Hz) started 40 degrees off, and the caller, deciding from there,
 * never trained at 2400 ("training at 2400 bit/s did not finish") before PHASE_SYMBOLS. */
START_TEST(test_calls_set_phase_before_deciding)
{
    data_call c;
    noisy_call(&c, 590, 14.0, 6.874);
    c.clock_ppm = -500.0;
    c.bytes = 200;
    expect_data_call(&c, 2400);
}
END_TEST

/* Noise alone is no line measure: now and then it makes a short run of USB1's or S1's
 * turns, and an answerer that had heard only noise before SB1 once took the offset
 * "measured" on such runs (12 Hz on a 0.5 Hz line) for its carrier loop. */
START_TEST(test_detector_ignores_noise)
{
    sq_noise *g = NULL;
    ck_assert_int_eq(sq_noise_create(3, &g), SQ_OK);
    sq_v22_detector d;
    sq_v22_detector_init(&d);
    for (int i = 0; i < 20000; i++)
        sq_v22_detector_symbol(&d, (float)sq_noise_gauss(g) + I * (float)sq_noise_gauss(g), 1);
    ck_assert_double_eq(d.foff_hz, 0.0);
    ck_assert_double_eq(d.quality_db, 0.0);
    sq_noise_destroy(g);
}
END_TEST

/* The line gets worse in the middle of a call at 2400 bit/s (25 dB, then from 10 s 8 or
 * 11 dB): the modems retrain and settle on 1200 (V.22bis 6.6 rate change), at 8 dB because
 * the retrain's S1 measures too poor, at 11 dB because the slicer's SNR over 2 s does.
 * With LAPM every byte arrives; without, what was in flight is missing, never garbage. */
START_TEST(test_calls_fall_back_when_line_worsens)
{
    data_call c;
    noisy_call(&c, 3, 25.0, 3.0);
    c.worse_at_s = 10.0;
    c.worse_snr_db = _i == 1 ? 11.0 : 8.0;
    c.bytes = 8000;
    c.side[0].v8.lapm = c.side[1].v8.lapm = _i < 2;
    ck_assert_int_eq(data_call_run(&c), 0);
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq(c.status[i].phase, SQ_CALL_DATA);
        ck_assert_int_eq(c.status[i].rate, 1200);
        ck_assert_int_ge(c.status[i].retrains, 1);
    }
    if (_i < 2)
        ck_assert_msg(data_call_ok(&c), "got %zu/%zu bytes, %zu/%zu wrong", c.received[0], c.received[1], c.wrong[0], c.wrong[1]);
    else
        ck_assert_msg(data_call_ok_but_gaps(&c), "garbage %zu/%zu", c.garbage[0], c.garbage[1]);
}
END_TEST

/* The way up (V.22bis 6.6): a call that trained at 1200 bit/s on a poor line (9 dB until
 * 7 s) asks for 2400 once the line has measured well for a few seconds. Cases: 0-3 the line
 * clears to 30 dB (four seeds): one retrain each side, then 2400, every byte intact (LAPM);
 * 4 the answerer is set to 1200: it answers the request with 1200, the call stays there and
 * is not asked again (one retrain); 5 no error control: a retrain would lose what is in
 * flight, so nobody asks; 6 the line clears only to 13 dB (symbol SNR ~21 dB, under the
 * 23 dB asked for): no request. Across 20 seeds each, 15 dB went up every time and 14.5 dB
 * never did. */
START_TEST(test_calls_ask_for_2400_when_line_clears)
{
    data_call c;
    data_call_init(&c);
    c.seed = 100u + (uint64_t)_i;
    c.snr_db = _i == 6 ? 13.0 : 30.0;
    c.poor_until_s = 7.0;
    c.poor_snr_db = 9.0;
    c.bytes = 4000;
    c.side[0].v8.lapm = c.side[1].v8.lapm = _i != 5;
    if (_i == 4)
        c.side[1].max_rate = 1200;
    ck_assert_int_eq(data_call_run(&c), 0);
    ck_assert_msg(data_call_ok(&c), "case %d: got %zu/%zu bytes, %zu/%zu wrong [%s | %s]", _i, c.received[0],
                  c.received[1], c.wrong[0], c.wrong[1], c.status[0].reason, c.status[1].reason);
    int up = _i < 4, asked = _i <= 4;
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq(c.status[i].rate, up ? 2400 : 1200);
        ck_assert_int_eq(c.status[i].retrains, asked);
    }
}
END_TEST

/* Each side's states in the order it went through them, joined by " > " (trail[i], when
 * trail is given). */
#define TRAIL_LEN 1024
static void follow_states(char trail[2][TRAIL_LEN], int i, const sq_v22_status *st)
{
    size_t len = strlen(trail[i]);
    const char *last = len ? strrchr(trail[i], '>') : NULL;
    last = last ? last + 2 : trail[i];
    if (strcmp(last, st->state) != 0)
        snprintf(trail[i] + len, TRAIL_LEN - len, "%s%s", len ? " > " : "", st->state);
}

/* Two V.22bis sessions (no V.8) that send nothing for 30 s on a line at snr_db, which from
 * worse_at_s (> 0) is at worse_snr_db: every character either side hands over is garbage.
 * Returns how many; trail (NULL: not kept) gets each side's states. */
static size_t idle_call_garbage(uint64_t seed, double snr_db, double worse_at_s, double worse_snr_db,
                                char trail[2][TRAIL_LEN])
{
    sq_v22_settings set[2];
    sq_v22_session *s[2];
    sq_channel *line[2];
    sq_noise *g = NULL;
    ck_assert_int_eq(sq_noise_create(seed, &g), SQ_OK);
    sq_v22_default_settings(SQ_ROLE_CALLER, &set[0]);
    sq_v22_default_settings(SQ_ROLE_ANSWERER, &set[1]);
    for (int i = 0; i < 2; i++) {
        sq_channel_params p = { .seed = 2 * seed + (uint64_t)i, .foff_hz = 3.0,
                                .noise_rms = sq_noise_rms_for_snr(-13.0, snr_db) };
        ck_assert_int_eq(sq_channel_create(&p, &line[i]), SQ_OK);
        ck_assert_int_eq(sq_v22_session_create(&set[i], &s[i]), SQ_OK);
    }
    double before = sq_noise_rms_for_snr(-13.0, snr_db), after = sq_noise_rms_for_snr(-13.0, worse_snr_db);
    double extra = sqrt(fmax(after * after - before * before, 0.0));   /* powers add */
    float tx[2][160] = { { 0 } }, rx[2][160];
    size_t garbage = 0;
    for (size_t t = 0; t < 8000 * 30; t += 160) {
        for (int i = 0; i < 2; i++) {
            sq_channel_process(line[i], tx[1 - i], rx[i], 160);
            if (worse_at_s > 0.0 && (double)t >= worse_at_s * 8000.0)
                sq_noise_add(g, rx[i], 160, extra);
        }
        for (int i = 0; i < 2; i++) {
            sq_v22_session_process(s[i], rx[i], tx[i], 160);
            uint8_t b[256];
            size_t n;
            while ((n = sq_v22_session_receive(s[i], b, sizeof b)) > 0)
                garbage += n;
            ck_assert_int_ne(sq_v22_session_status_get(s[i])->phase, SQ_V22_ENDED);
            if (trail)
                follow_states(trail, i, sq_v22_session_status_get(s[i]));
        }
    }
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq(sq_v22_session_status_get(s[i])->phase, SQ_V22_DATA);
        sq_v22_session_destroy(s[i]);
        sq_channel_destroy(line[i]);
    }
    sq_noise_destroy(g);
    return garbage;
}

/* Idle lines hand over nothing: what a start-stop receiver makes of the training, of a
 * receiver still settling, or of a line that has just got worse is not the far end's data.
 * 0: a whole idle call at 8 dB (1200 bit/s), 40 seeds: not one character (the caller takes
 * data from SB1 on, in its carrier loop's first gear; a settle time before counting idle
 * marks was once thought needed here, and measured to change nothing: 16 vs 13 of 400
 * calls at 5 dB with a garbage character, spread over the first 3 s, 0 of 700 at 6-8 dB
 * either way, so it went). 1: 25 dB, then 10 dB from 10 s, 60 seeds: the modems retrain and
 * settle on 1200, and the characters decoded at 2400 while the receiver's SNR is under 18
 * dB are not trusted. Measured on these seeds with that guard: 9 calls with a garbage
 * character, 17 in all; without it: 19 calls, 123 characters (on 60 other seeds: 5 and 10
 * against 16 and 78). The bounds sit between. */
START_TEST(test_idle_calls_hand_over_nothing)
{
    size_t calls = 0, chars = 0;
    for (uint64_t seed = 0; seed < (_i ? 60u : 40u); seed++) {
        size_t g = _i ? idle_call_garbage(700 + seed, 25.0, 10.0, 10.0, NULL)
                      : idle_call_garbage(300 + seed, 8.0, 0.0, 0.0, NULL);
        calls += g > 0;
        chars += g;
    }
    if (_i == 0)
        ck_assert_msg(chars == 0, "8 dB: %zu characters in %zu calls", chars, calls);
    else
        ck_assert_msg(calls <= 14 && chars <= 50, "25 -> 10 dB: %zu characters in %zu calls", chars, calls);
}
END_TEST

/* A retrain is states of its own, told in words by the status: the line goes from 25 to
 * 10 dB at 10 s, an end (or both) loses 2400 and retrains, S1 is heard, and both train
 * again to 1200 (V.22bis 6.4, 6.6). Which end starts depends on the noise; either way each
 * side's states read start-up, data, retrain at 1200, data. */
START_TEST(test_retrain_is_its_own_states)
{
    char trail[2][TRAIL_LEN] = { "", "" };
    (void)idle_call_garbage(701, 25.0, 10.0, 10.0, trail);
    const char *start[2] = { "waiting for USB1 > silent after USB1 > waiting for S1 or SB1 > hearing S1 > "
                             "training at 2400 bit/s > data > ",
                             "sending USB1 > hearing S1 > training at 2400 bit/s > data > " };
    for (int i = 0; i < 2; i++) {
        ck_assert_msg(strncmp(trail[i], start[i], strlen(start[i])) == 0, "side %d: %s", i, trail[i]);
        const char *rest = trail[i] + strlen(start[i]);
        int own = strncmp(rest, "retrain: waiting for S1 back > ", 31) == 0;
        const char *tail = own ? rest + 31 : rest;
        ck_assert_msg(strcmp(tail, "retrain: hearing S1 > retrain: training at 2400 bit/s > "
                                   "retrain: training at 1200 bit/s > data") == 0, "side %d: %s", i, trail[i]);
    }
}
END_TEST

/* A V.22-only partner on either side: 1200 bit/s. V.21 when that is all both share. A V.25
 * answerer (no V.8): V.22bis automode. */
START_TEST(test_calls_interwork)
{
    data_call c;
    data_call_init(&c);
    c.side[_i].max_rate = 1200;
    expect_data_call(&c, 1200);
    data_call_init(&c);
    c.side[0].v8.modes = SQ_V8_V21;
    c.bytes = 100;
    expect_data_call(&c, 300);
    data_call_init(&c);
    c.side[1].v8.use_v8 = 0;
    c.side[1].v8.answer_tone = SQ_TONE_ANS;
    expect_data_call(&c, 2400);
    /* clean line: data mode within 5.5 s of the answerer going off-hook */
    data_call_init(&c);
    expect_data_call(&c, 2400);
    ck_assert_double_le(c.data_s, 5.5);
}
END_TEST

/* Two sound cards 500 ppm apart, either way, for a whole call of about 35 s at 2400 bit/s
 * (the symbol clocks slip 10 symbols against each other): data intact both ways. */
START_TEST(test_calls_follow_clock_skew)
{
    data_call c;
    data_call_init(&c);
    c.seed = 31u + (uint64_t)_i;
    c.snr_db = 16.0;
    c.foff_hz = 3.0;
    c.clock_ppm = _i ? -500.0 : 500.0;
    c.bytes = 8000;
    expect_data_call(&c, 2400);
    ck_assert_msg(fabs(fabs(c.status[0].clock_ppm) - 500.0) < 100.0, "caller follows %.0f ppm",
                  c.status[0].clock_ppm);
}
END_TEST

/* A fault in the audio in the middle of data (a sound server that skips: samples gone, or
 * silence slipped in) makes the receiver that hears it lose equalisation. It retrains
 * (V.22bis 6.4), the other side answers, the call goes on at 2400 bit/s, and what was in
 * flight is missing from the output, never replaced by garbage. */
START_TEST(test_calls_retrain_after_audio_fault)
{
    /* side 2: both directions at once, so both ends start a retrain together */
    static const struct { int side, samples; } faults[] = { { 0, 7 }, { 0, 100 }, { 1, -50 }, { 1, 37 }, { 2, 7 } };
    data_call c;
    data_call_init(&c);
    c.seed = 40u + (uint64_t)_i;
    c.snr_db = 20.0;
    c.bytes = 3000;
    c.gap_side = faults[_i].side;
    c.gap_samples = faults[_i].samples;
    c.gap_at_s = 12.0;
    ck_assert_int_eq(data_call_run(&c), 0);
    for (int i = 0; i < 2; i++)
        ck_assert_msg(c.garbage[i] == 0 && c.missing[i] < 150 && c.status[i].rate == 2400 &&
                      c.status[i].phase == SQ_CALL_DATA && c.status[i].retrains == 1,
                      "fault %d side %d: %zu garbage, %zu missing, rate %d, %d retrains [%s]", _i, i,
                      c.garbage[i], c.missing[i], c.status[i].rate, c.status[i].retrains, c.status[i].reason);
    /* it is the side that heard the fault that lost characters */
    ck_assert_uint_gt(c.missing[c.gap_side == 1], 0);
    ck_assert_uint_gt(c.missing[c.gap_side != 0], 0);   /* side 2: both lost some */
}
END_TEST

/* The same faults with V.42 LAPM agreed in V.8: the frames lost in the fault (and in the
 * retrain it causes at 2400) are sent again, and every byte arrives, in order, once. At 1200
 * bit/s (no retrain there) the damaged frames fail their FCS and are sent again. Half a
 * second of silence (a sound server stalling) no longer ends the call: with LAPM the carrier
 * has to be gone 1.4 s, in data and in training (the last case: 200 ms of silence both ways
 * in the 2400 bit/s training, which ends a call without LAPM). A drop that spoils the
 * answerer's training (the last case) makes it retrain once the 5 s training limit is up. */
/* A call whose audio, heard by side (2: both), has samples vanish (> 0) or zeros come in
 * (< 0) at at_s */
static void fault_call(data_call *c, uint64_t seed, double snr_db, size_t bytes, int side, int samples, double at_s)
{
    data_call_init(c);
    c->seed = seed;
    c->snr_db = snr_db;
    c->bytes = bytes;
    c->gap_side = side;
    c->gap_samples = samples;
    c->gap_at_s = at_s;
}

START_TEST(test_lapm_calls_resend_after_fault)
{
    static const struct { int side, samples, max_rate; double at_s; uint64_t seed; } faults[] = {
        { 0, 7, 2400, 12, 60 }, { 1, -50, 2400, 12, 61 }, { 2, 37, 2400, 12, 62 }, { 0, 37, 1200, 12, 63 },
        { 1, -50, 1200, 12, 64 }, { 2, -4000, 2400, 12, 65 }, { 1, -4000, 1200, 12, 66 },
        { 2, -1600, 2400, 4.6, 67 }, { 1, 37, 2400, 4.7, 91 } };
    data_call c;
    fault_call(&c, faults[_i].seed, 20.0, 3000, faults[_i].side, faults[_i].samples, faults[_i].at_s);
    for (int i = 0; i < 2; i++) {
        c.side[i].v8.lapm = 1;
        c.side[i].max_rate = faults[_i].max_rate;
    }
    ck_assert_int_eq(data_call_run(&c), 0);
    ck_assert_msg(data_call_ok(&c), "fault %d: not every byte intact: missing %zu/%zu garbage %zu/%zu [%s | %s]", _i,
                  c.missing[0], c.missing[1], c.garbage[0], c.garbage[1], c.status[0].reason, c.status[1].reason);
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq(c.status[i].error_control, 1);
        ck_assert_int_eq(c.status[i].rate, faults[_i].max_rate);
    }
    /* in data, the side sending into the fault sent frames again */
    int sender = c.gap_side == 2 ? 0 : !c.gap_side;
    if (faults[_i].at_s > c.data_s)
        ck_assert_uint_gt(c.status[sender].frames_resent, 0);
}
END_TEST

/* A second skip in the middle of a retrain's training, over a line with a sound card's
 * delay each way: one receiver misses the far end's S1 or takes its 1200 bit/s SB1 for
 * 2400, and its training cannot finish. It starts a retrain of its own after 5 s (V.22bis
 * 6.4: a modem that fails to synchronise sends another retrain signal), and the far end,
 * still sending S1 again with none back, hears it: the call goes on and LAPM sends again
 * what was lost. Cases from a scan of 59 second-skip times each (these failed before: 4 with
 * the caller hearing 7 samples vanish at 12 s and again 1.60-1.75 s later, 0.5 s delay; 1
 * with both hearing 37 vanish, again 1.25 s later, 0.25 s delay, where the caller gave up
 * sending S1 before the answerer's own retrain came). */
START_TEST(test_lapm_retrain_survives_second_skip)
{
    static const struct { int delay, side, samples; double again_s; uint64_t seed; } cases[] = {
        { 4000, 0, 7, 1.60, 400 }, { 4000, 0, 7, 1.65, 401 }, { 4000, 0, 7, 1.70, 402 }, { 4000, 0, 7, 1.75, 403 },
        { 2000, 2, 37, 1.25, 323 } };
    data_call c;
    fault_call(&c, cases[_i].seed, 30.0, 5000, cases[_i].side, cases[_i].samples, 12.0);
    c.delay_samples = cases[_i].delay;
    c.gap2_at_s = 12.0 + cases[_i].again_s;
    c.side[0].v8.lapm = c.side[1].v8.lapm = 1;
    ck_assert_int_eq(data_call_run(&c), 0);
    ck_assert_msg(data_call_ok(&c), "case %d: got %zu/%zu bytes [%s | %s]", _i, c.received[0], c.received[1],
                  c.status[0].reason, c.status[1].reason);
    ck_assert_int_eq(c.status[0].rate, 2400);
}
END_TEST

/* Bytes handed to sq_call_send before the call is in data wait and go out once it is:
 * 0 V.22bis with LAPM, 1 without, 2 V.21. Each side sends 300 bytes at the first sample;
 * both arrive whole, and nothing is pending at the end. */
START_TEST(test_call_sends_what_came_before_data)
{
    sq_call_settings set[2];
    sq_call *c[2];
    uint8_t msg[2][300], got[2][400];
    size_t ngot[2] = { 0, 0 };
    for (int i = 0; i < 2; i++) {
        sq_call_default_settings(i ? SQ_ROLE_ANSWERER : SQ_ROLE_CALLER, &set[i]);
        set[i].v8.lapm = _i == 0;
        if (_i == 2)
            set[i].v8.modes = SQ_V8_V21;
        ck_assert_int_eq(sq_call_create(&set[i], &c[i]), SQ_OK);
        for (size_t k = 0; k < sizeof msg[i]; k++)
            msg[i][k] = (uint8_t)(k * 7u + (unsigned)i);
        ck_assert_uint_eq(sq_call_send(c[i], msg[i], sizeof msg[i]), sizeof msg[i]);
        ck_assert_uint_eq(sq_call_tx_pending(c[i]), sizeof msg[i]);
    }
    float tx[2][160] = { { 0 } }, rx[2][160];
    for (int t = 0; t < 8000 * 30 / 160; t++) {
        for (int i = 0; i < 2; i++)
            memcpy(rx[i], tx[1 - i], sizeof rx[i]);
        for (int i = 0; i < 2; i++) {
            sq_call_process(c[i], rx[i], tx[i], 160);
            ngot[i] += sq_call_receive(c[i], got[i] + ngot[i], sizeof got[i] - ngot[i]);
        }
    }
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq(sq_call_status_get(c[i])->phase, SQ_CALL_DATA);
        ck_assert_uint_eq(ngot[i], sizeof msg[1 - i]);
        ck_assert_mem_eq(got[i], msg[1 - i], sizeof msg[1 - i]);
        ck_assert_uint_eq(sq_call_tx_pending(c[i]), 0);
        sq_call_destroy(c[i]);
    }
}
END_TEST

/* The contract: a call's samples do not depend on how its caller chunks the audio. Two
 * whole calls (V.8, V.22bis training, a message each way; with and without LAPM) through a
 * line of LINE_DELAY samples, fed in blocks of 1 to 4096 samples, must send exactly the
 * samples the 160-sample run sends, and deliver the messages. */
#define LINE_DELAY 4096
#define CALL_SAMPLES (8000 * 13)
#define SEND_AT (8000 * 9)   /* both sides are in data by then, 0.5 s each way */

static float *call_in_blocks(size_t block, int lapm)
{
    sq_call_settings set[2];
    sq_call_default_settings(SQ_ROLE_CALLER, &set[0]);
    sq_call_default_settings(SQ_ROLE_ANSWERER, &set[1]);
    set[0].v8.lapm = set[1].v8.lapm = lapm;
    sq_call *c[2];
    for (int i = 0; i < 2; i++)
        ck_assert_int_eq(sq_call_create(&set[i], &c[i]), SQ_OK);
    static const uint8_t msg[2][32] = { "from the caller", "and back from the answerer" };
    float *tx = calloc(2 * CALL_SAMPLES, sizeof *tx);
    float *rx = calloc(2 * (CALL_SAMPLES + LINE_DELAY), sizeof *rx);   /* what each side hears */
    ck_assert_ptr_nonnull(tx);
    ck_assert_ptr_nonnull(rx);
    for (size_t t = 0, n; t < CALL_SAMPLES; t += n) {
        n = CALL_SAMPLES - t < block ? CALL_SAMPLES - t : block;
        /* the user hands the messages over at SEND_AT, the same sample in every run: a
         * block that spans it is cut there, as a real caller's read would be */
        if (t < SEND_AT && t + n > SEND_AT)
            n = SEND_AT - t;
        if (t == SEND_AT)
            for (int i = 0; i < 2; i++) {
                ck_assert_int_eq(sq_call_status_get(c[i])->phase, SQ_CALL_DATA);
                ck_assert_uint_eq(sq_call_send(c[i], msg[i], sizeof msg[i]), sizeof msg[i]);
            }
        for (int i = 0; i < 2; i++) {
            float *my_rx = rx + (size_t)i * (CALL_SAMPLES + LINE_DELAY), *my_tx = tx + (size_t)i * CALL_SAMPLES;
            sq_call_process(c[i], my_rx + t, my_tx + t, n);
        }
        for (int i = 0; i < 2; i++)   /* side i's sound reaches the other LINE_DELAY later */
            memcpy(rx + (size_t)(1 - i) * (CALL_SAMPLES + LINE_DELAY) + t + LINE_DELAY,
                   tx + (size_t)i * CALL_SAMPLES + t, n * sizeof *tx);
    }
    for (int i = 0; i < 2; i++) {
        uint8_t got[64];
        size_t k = sq_call_receive(c[i], got, sizeof got);
        ck_assert_msg(k == sizeof msg[1 - i] && memcmp(got, msg[1 - i], k) == 0,
                      "block %zu, LAPM %d: side %d received %zu bytes", block, lapm, i, k);
        sq_call_destroy(c[i]);
    }
    free(rx);
    return tx;
}

START_TEST(test_calls_same_whatever_the_block_size)
{
    static const size_t blocks[] = { 1, 7, 40, 333, 4096 };
    for (int lapm = 0; lapm < 2; lapm++) {
        float *ref = call_in_blocks(160, lapm);
        for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++) {
            float *got = call_in_blocks(blocks[b], lapm);
            size_t first = 2 * CALL_SAMPLES;
            for (size_t k = 0; k < 2 * CALL_SAMPLES && first == 2 * CALL_SAMPLES; k++)
                if (got[k] != ref[k])
                    first = k;
            ck_assert_msg(first == 2 * CALL_SAMPLES, "LAPM %d, blocks of %zu: %s's sample %zu differs", lapm,
                          blocks[b], first < CALL_SAMPLES ? "caller" : "answerer", first % CALL_SAMPLES);
            free(got);
        }
        free(ref);
    }
}
END_TEST

Suite *v22_suite(void);
Suite *v22_suite(void)
{
    Suite *s = suite_create("v22");
    TCase *tc = tcase_create("v22");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_scrambler_round_trip);
    tcase_add_test(tc, test_point_coding);
    tcase_add_test(tc, test_calls_same_whatever_the_block_size);
    tcase_add_loop_test(tc, test_link_error_free, 0, 6);
    tcase_add_test(tc, test_link_counts_errors);
    tcase_add_loop_test(tc, test_calls_pick_rate_from_line, 0, 2);
    tcase_add_test(tc, test_calls_caller_settles_before_data);
    tcase_add_test(tc, test_calls_set_phase_before_deciding);
    tcase_add_loop_test(tc, test_calls_fall_back_when_line_worsens, 0, 3);
    tcase_add_loop_test(tc, test_calls_ask_for_2400_when_line_clears, 0, 7);
    tcase_add_loop_test(tc, test_idle_calls_hand_over_nothing, 0, 2);
    tcase_add_test(tc, test_detector_ignores_noise);
    tcase_add_loop_test(tc, test_calls_interwork, 0, 2);
    tcase_add_loop_test(tc, test_calls_follow_clock_skew, 0, 2);
    tcase_add_loop_test(tc, test_calls_retrain_after_audio_fault, 0, 5);
    tcase_add_test(tc, test_retrain_is_its_own_states);
    tcase_add_loop_test(tc, test_lapm_calls_resend_after_fault, 0, 9);
    tcase_add_loop_test(tc, test_lapm_retrain_survives_second_skip, 0, 5);
    tcase_add_loop_test(tc, test_call_sends_what_came_before_data, 0, 3);
    suite_add_tcase(s, tc);
    return s;
}
