/* Tone generator and tone detection: frequency, level, AM, reversals, tolerance, levels. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include "dsp/spectrum.h"
#include "dsp/tone_rx.h"
#include "tests/support/test_util.h"

static const sq_event_type EXPECTED[SQ_TONE_KIND_COUNT] = {
    SQ_EVENT_ANS, SQ_EVENT_ANS_PR, SQ_EVENT_ANSAM, SQ_EVENT_ANSAM_PR, SQ_EVENT_CT, SQ_EVENT_CNG,
    SQ_EVENT_BELL_ANS, SQ_EVENT_GUARD, SQ_EVENT_V32_AA,   /* 1800 Hz alone: V.22 sends it only beside its carrier */
};

/* Each generated tone has its nominal frequency and level, measured with FFTW. */
START_TEST(test_generated_frequency_and_level)
{
    sq_tone_kind k = (sq_tone_kind)_i;
    sig s = make_tone(k, -13.0, 2.0, 0.0);
    sq_spectrum *sp = NULL;
    ck_assert_int_eq(sq_spectrum_create(8192, 8000.0, &sp), SQ_OK);
    double power[4097];
    ck_assert_uint_gt(sq_spectrum_welch(sp, s.x, s.n, power), 0);
    double f0 = sq_tone_nominal_hz(k);
    /* Reversals every 450 ms are a +/-1 square wave of period 0.9 s on the carrier: it has
     * no mean, so the line splits to f0 +/- 1.1 Hz. */
    int pr = k == SQ_TONE_ANS_PR || k == SQ_TONE_ANSAM_PR;
    ck_assert_double_eq_tol(sq_spectrum_peak_hz(sp, power, f0 - 50, f0 + 50), f0, pr ? 1.5 : 0.5);
    if (k != SQ_TONE_CT && k != SQ_TONE_CNG)   /* cadenced tones are off part of the time */
        ck_assert_double_eq_tol(sq_power_to_dbm0(mean_power(s.x, s.n)), -13.0, 0.05);
    sq_spectrum_destroy(sp);
    sig_free(&s);
}
END_TEST

/* V.8 7.2 / DIGEST-V92: ANSam power outside 2100 +/- 200 Hz at least 24 dB down, reversals included. */
START_TEST(test_ansam_out_of_band)
{
    sig s = make_tone(SQ_TONE_ANSAM_PR, -12.0, 5.0, 0.0);
    sq_spectrum *sp = NULL;
    ck_assert_int_eq(sq_spectrum_create(4096, 8000.0, &sp), SQ_OK);
    double power[2049];
    sq_spectrum_welch(sp, s.x, s.n, power);
    double in = sq_spectrum_band_power(sp, power, 1900, 2300);
    double all = sq_spectrum_band_power(sp, power, 0, 4000);
    ck_assert_double_ge(10 * log10(in / (all - in)), 24.0);
    sq_spectrum_destroy(sp);
    sig_free(&s);
}
END_TEST

/* The AM envelope spans 0.8 .. 1.2 of its mean (V.8 7.2). */
START_TEST(test_ansam_envelope)
{
    sig s = make_tone(SQ_TONE_ANSAM, -12.0, 1.0, 0.0);
    double peak = sq_dbm0_to_sine_peak(-12.0) / sqrt(1.0 + 0.02), hi = 0.0;
    for (size_t i = 0; i < s.n; i++)
        hi = fmax(hi, fabs(s.x[i]));
    ck_assert_double_eq_tol(hi / peak, 1.2, 0.01);
    sig_free(&s);
}
END_TEST

/* Two generators give identical samples; generating in odd blocks changes nothing. */
START_TEST(test_generator_deterministic_and_chunked)
{
    sq_tone_params p;
    sq_tone_default_params(SQ_TONE_ANSAM_PR, 8000, &p);
    sq_tonegen *a = NULL, *b = NULL;
    ck_assert_int_eq(sq_tonegen_create(&p, &a), SQ_OK);
    ck_assert_int_eq(sq_tonegen_create(&p, &b), SQ_OK);
    size_t n = sq_tonegen_remaining(a);
    float *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    sq_tonegen_generate(a, x, n);
    for (size_t i = 0; i < n;) {
        size_t blk = (i % 3 == 0) ? 7 : 160;
        i += sq_tonegen_generate(b, y + i, n - i < blk ? n - i : blk);
    }
    ck_assert_mem_eq(x, y, n * sizeof *x);
    sq_tonegen_reset(a);
    sq_tonegen_generate(a, y, n);
    ck_assert_mem_eq(x, y, n * sizeof *x);
    free(x);
    free(y);
    sq_tonegen_destroy(a);
    sq_tonegen_destroy(b);
}
END_TEST

START_TEST(test_generator_invalid_arguments)
{
    sq_tone_params p;
    sq_tonegen *g = (sq_tonegen *)1;
    sq_tone_default_params(SQ_TONE_ANS, 8000, &p);
    p.sample_rate_hz = 7999;
    ck_assert_int_eq(sq_tonegen_create(&p, &g), SQ_EINVAL);
    ck_assert_ptr_null(g);
    sq_tone_default_params(SQ_TONE_ANS, 8000, &p);
    p.level_dbm0 = NAN;
    ck_assert_int_eq(sq_tonegen_create(&p, &g), SQ_EINVAL);
    p.level_dbm0 = 4.0;
    ck_assert_int_eq(sq_tonegen_create(&p, &g), SQ_EINVAL);
    sq_tone_default_params(SQ_TONE_KIND_COUNT, 8000, &p);
    ck_assert_int_eq(sq_tonegen_create(&p, &g), SQ_EINVAL);
    ck_assert_int_eq(sq_tonegen_create(NULL, &g), SQ_EINVAL);
    ck_assert_int_eq(sq_tonegen_create(&p, NULL), SQ_EINVAL);
    sq_tone_kind k;
    ck_assert_int_eq(sq_tone_kind_from_str("ansam_pr", &k), SQ_OK);
    ck_assert_int_eq(k, SQ_TONE_ANSAM_PR);
    ck_assert_int_eq(sq_tone_kind_from_str("nope", &k), SQ_EINVAL);
    sq_tonegen_destroy(NULL);
}
END_TEST

/* Every kind is recognised as itself at the corners of level (-43, -9 dBm0) and
 * frequency tolerance (spec 1.1, 4.1), with its measured frequency and level. */
static void check_detected(sq_tone_kind k, double level, double offset)
{
    sig s = make_silence(0.3), t = make_tone(k, level, 0.0, offset), z = make_silence(0.3);
    sig_append(&s, &t);
    sig_append(&s, &z);
    events e;
    decode_sig(&s, 160, &e);
    int i = find_event(&e, EXPECTED[k]);
    ck_assert_msg(i >= 0, "%s at %.0f dBm0 %+.0f Hz not found (%zu events)", sq_tone_kind_to_str(k),
                  level, offset, e.n);
    ck_assert_double_eq_tol(e.ev[i].freq_hz, sq_tone_nominal_hz(k) + offset, 1.0);
    ck_assert_double_eq_tol(e.ev[i].level_dbm0, level, 0.5);
    ck_assert_double_eq_tol(e.ev[i].start_s, 0.3, 0.015);
    for (size_t j = 0; j < e.n; j++)   /* nothing else is reported */
        ck_assert_int_eq(e.ev[j].type, EXPECTED[k]);
    sig_free(&s);
}

START_TEST(test_detect_every_kind_at_tolerance_corners)
{
    sq_tone_kind k = (sq_tone_kind)_i;
    double tol = k == SQ_TONE_CNG ? 38.0 : k >= SQ_TONE_GUARD_550 ? 20.0 : 15.0;
    check_detected(k, -43.0, -tol);
    check_detected(k, -9.0, tol);
    check_detected(k, -26.0, 0.0);
}
END_TEST

/* The 550 Hz guard tone is sent with the answerer's V.22 signal, for as long as it lasts
 * (V.22bis 2.1): heard alone it is named a guard only when it lasts a second or more. Half a
 * second of it alone is a note, as music held one now and then. */
START_TEST(test_short_lone_550_is_no_guard)
{
    const double seconds[] = { 0.5, 0.9, 1.1, 2.0 };
    for (size_t i = 0; i < sizeof seconds / sizeof seconds[0]; i++) {
        sig s = make_silence(0.3), t = make_tone(SQ_TONE_GUARD_550, -20.0, seconds[i], 0.0), z = make_silence(0.3);
        sig_append(&s, &t);
        sig_append(&s, &z);
        events e;
        decode_sig(&s, 160, &e);
        int guard = find_event(&e, SQ_EVENT_GUARD) >= 0;
        ck_assert_msg(guard == (seconds[i] >= 1.0), "%.1f s of 550 Hz: %s", seconds[i], guard ? "a guard" : "no guard");
        sig_free(&s);
    }
}
END_TEST

/* A calling tone under the answer tone, as a one-channel recording of both sides holds them:
 * ANS from 0.2 to 2.2 s, the calling tone (CNG or CT, one 0.5 s burst) from 0.5 s, at -6, 0
 * and +6 dB against it, in noise 20 dB under the answer tone. Each tone is heard whole: two of
 * the bank's tones at once each hold about half the frame, which on its own is under the
 * purity a tone needs (before: at one level neither was there while both sounded, the calling
 * tone not at all; 6 dB apart, the weaker was missed and the answer tone split around it). */
START_TEST(test_calling_tone_under_answer_tone)
{
    const sq_tone_kind calling[] = { SQ_TONE_CNG, SQ_TONE_CT };
    const sq_event_type calling_event[] = { SQ_EVENT_CNG, SQ_EVENT_CT };
    const double apart_db[] = { -6.0, 0.0, 6.0 };
    for (int c = 0; c < 2; c++)
        for (int a = 0; a < 3; a++)
            for (uint64_t seed = 1; seed <= 4; seed++) {
                sig s = make_silence(0.2), ans = make_tone(SQ_TONE_ANS, -20.0, 2.0, 0.0), z = make_silence(0.3);
                sig_append(&s, &ans);
                sig_append(&s, &z);
                sig call = make_tone(calling[c], -20.0 + apart_db[a], 0.5, 0.0);
                for (size_t i = 0; i < call.n; i++)
                    s.x[4000 + i] += call.x[i];   /* from 0.5 s */
                sig_free(&call);
                add_noise(&s, sqrt(sq_dbm0_to_power(-40.0)), seed);
                events e;
                decode_sig(&s, 160, &e);
                size_t answer = 0, called = 0;
                for (size_t i = 0; i < e.n; i++) {
                    const sq_event *ev = &e.ev[i];
                    if (ev->type == SQ_EVENT_ANS) {
                        answer++;
                        ck_assert_msg(fabs(ev->start_s - 0.2) < 0.03 && fabs(ev->end_s - 2.2) < 0.03,
                                      "%s %+.0f dB, seed %u: ANS %.3f-%.3f s", sq_event_type_to_str(calling_event[c]),
                                      apart_db[a], (unsigned)seed, ev->start_s, ev->end_s);
                    } else if (ev->type == calling_event[c]) {
                        called++;
                        ck_assert_msg(fabs(ev->start_s - 0.5) < 0.03 && fabs(ev->end_s - 1.0) < 0.03,
                                      "%s %+.0f dB, seed %u: at %.3f-%.3f s", sq_event_type_to_str(calling_event[c]),
                                      apart_db[a], (unsigned)seed, ev->start_s, ev->end_s);
                    }
                }
                ck_assert_msg(answer == 1 && called == 1, "%s %+.0f dB, seed %u: %zu ANS, %zu calling tones",
                              sq_event_type_to_str(calling_event[c]), apart_db[a], (unsigned)seed, answer, called);
                sig_free(&s);
            }
}
END_TEST

/* A tone near 1100 Hz, 0.5 s at -20 dBm0 between silences, with its second and third
 * harmonics at a2 and a3 of its amplitude; noise of `noise_rms` when above 0. */
static sig cng_band_tone(double hz, double a2, double a3, double noise_rms, uint64_t seed)
{
    sig s = make_silence(0.3), t = make_silence(0.5), z = make_silence(0.3);
    double a = sqrt(2.0 * sq_dbm0_to_power(-20.0));
    for (size_t i = 0; i < t.n; i++) {
        double w = 2.0 * M_PI * hz * (double)i / 8000.0;
        t.x[i] = (float)(a * (sin(w) + a2 * sin(2.0 * w + 0.3) + a3 * sin(3.0 * w + 1.1)));
    }
    sig_append(&s, &t);
    sig_append(&s, &z);
    if (noise_rms > 0.0)
        add_noise(&s, noise_rms, seed);
    return s;
}

static int reads_as_cng(const sig *s)
{
    events e;
    decode_sig(s, 160, &e);
    return find_event(&e, SQ_EVENT_CNG) >= 0;
}

/* A modem's calling tone is a sine; a note is a harmonic series. A note near 1100 Hz with its
 * second and third harmonics 6 and 10 dB down (as plucked strings and music's notes have) is
 * no CNG; the tone with either harmonic alone (a clipped sine's third; the answer tone near its
 * second) or both 25 dB down, or in noise that fills the band to 3 dB under it, is. */
START_TEST(test_note_with_harmonics_is_no_cng)
{
    const double hz[] = { 1068.0, 1100.0, 1132.0 };
    for (size_t i = 0; i < sizeof hz / sizeof hz[0]; i++) {
        struct {
            double a2, a3;
            int cng;
        } cases[] = { { 0.0, 0.0, 1 }, { 0.5, 0.33, 0 }, { 0.3, 0.3, 0 }, { 0.0, 0.33, 1 },
                      { 0.5, 0.0, 1 }, { 0.056, 0.056, 1 } };
        for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
            sig s = cng_band_tone(hz[i], cases[c].a2, cases[c].a3, 0.0, 0);
            ck_assert_msg(reads_as_cng(&s) == cases[c].cng, "%.0f Hz, harmonics %.2f %.2f: %s", hz[i], cases[c].a2,
                          cases[c].a3, cases[c].cng ? "no CNG" : "a CNG");
            sig_free(&s);
        }
    }
    /* noise 3 dB under the tone over the whole band, many seeds */
    double rms = sqrt(sq_dbm0_to_power(-23.0));
    for (uint64_t seed = 1; seed <= 12; seed++) {
        sig s = cng_band_tone(1100.0, 0.0, 0.0, rms, seed);
        ck_assert_msg(reads_as_cng(&s), "a CNG in noise 3 dB under it, seed %u: none", (unsigned)seed);
        sig_free(&s);
    }
}
END_TEST

/* ANSam's AM is measured at 15 Hz and depth 0.2; reversals are timed every 450 ms. */
START_TEST(test_ansam_pr_measurements)
{
    sig s = make_tone(SQ_TONE_ANSAM_PR, -20.0, 3.3, 0.0);
    events e;
    decode_sig(&s, 4096, &e);
    ck_assert_uint_eq(e.n, 1);
    ck_assert_int_eq(e.ev[0].type, SQ_EVENT_ANSAM_PR);
    ck_assert_double_eq_tol(e.ev[0].am_hz, 15.0, 0.1);
    ck_assert_double_eq_tol(e.ev[0].am_depth, 0.2, 0.01);
    ck_assert_uint_eq(e.ev[0].n_reversals, 7);   /* 0.45 .. 3.15 s */
    for (size_t r = 0; r < 7; r++)
        ck_assert_double_eq_tol(e.ev[0].reversals_s[r], 0.45 * (double)(r + 1), 0.002);
    ck_assert_double_eq_tol(e.ev[0].end_s, 3.3, 0.01);
    sig_free(&s);
}
END_TEST

/* A tone outside its tolerance is not reported as that tone. */
START_TEST(test_reject_off_frequency)
{
    sig s = make_tone(SQ_TONE_ANS, -13.0, 1.0, 40.0);
    events e;
    decode_sig(&s, 160, &e);
    ck_assert_int_lt(find_event(&e, SQ_EVENT_ANS), 0);
    sig_free(&s);
}
END_TEST

/* The segments the tone bank (2100 and 1300 Hz) finds in s, with `mask` resting over
 * samples [rest_from, rest_to); every frame read (sq_tonerx_read_every_frame) or not. */
static size_t bank_segments_read(const sig *s, size_t rest_from, size_t rest_to, uint32_t mask, int every,
                                 sq_tone_segment *out, size_t max)
{
    static const double freqs[2] = { 2100.0, 1300.0 };
    sq_tonerx *t = NULL;
    ck_assert_int_eq(sq_tonerx_create(freqs, 2, &t), SQ_OK);
    sq_tonerx_read_every_frame(t, every);
    size_t bounds[4] = { 0, rest_from, rest_to, s->n }, n = 0;
    for (int part = 0; part < 3; part++) {
        sq_tonerx_rest(t, part == 1 ? mask : 0u);
        size_t m = sq_tonerx_history_wanted(t);   /* what it left out while all rested */
        ck_assert_uint_le(m, bounds[part]);
        if (m)
            sq_tonerx_recall(t, s->x + bounds[part] - m, m);
        for (size_t i = bounds[part]; i < bounds[part + 1];)
            i += sq_tonerx_process(t, s->x + i, bounds[part + 1] - i);   /* the queue is drained below */
        while (n < max && sq_tonerx_next_segment(t, &out[n]))
            n++;
    }
    sq_tonerx_finish(t);
    while (n < max && sq_tonerx_next_segment(t, &out[n]))
        n++;
    sq_tonerx_destroy(t);
    return n;
}

static size_t bank_segments(const sig *s, size_t rest_from, size_t rest_to, uint32_t mask, sq_tone_segment *out,
                            size_t max)
{
    return bank_segments_read(s, rest_from, rest_to, mask, 0, out, max);
}

static void assert_same_segment(const sq_tone_segment *a, const sq_tone_segment *b)
{
    ck_assert_uint_eq(a->freq_index, b->freq_index);
    ck_assert_double_eq(a->start_s, b->start_s);
    ck_assert_double_eq(a->end_s, b->end_s);
    ck_assert_double_eq(a->freq_hz, b->freq_hz);
    ck_assert_double_eq(a->level_dbm0, b->level_dbm0);
    ck_assert_uint_eq(a->n_reversals, b->n_reversals);
}

/* Half a second of noise, then the answer tone for a second. */
static sig ans_after_noise(uint64_t seed)
{
    sig s = make_silence(0.5), tone = make_tone(SQ_TONE_ANS, -20.0, 1.0, 0.0);
    add_noise(&s, 0.01, seed);
    sig_append(&s, &tone);   /* takes the tone's samples */
    return s;
}

/* With the whole bank resting, it keeps no samples, and asks for the last ones back when a
 * frequency listens again: a rest of both frequencies that ends inside the answer tone gives
 * the same 2100 Hz segment (its start, end, frequency and level, all read from the windows
 * that straddle the rest's end) as resting 2100 Hz alone, through which every sample is
 * kept. Several seeds, rests ending every few samples through the tone's first 0.3 s. */
START_TEST(test_whole_bank_rest_gives_back_its_samples)
{
    for (uint64_t seed = 1; seed <= 3; seed++) {
        sig s = ans_after_noise(seed);
        sq_tone_segment kept[4], left_out[4];
        for (size_t rest_to = 4000; rest_to <= 4000 + 2400; rest_to += 37) {
            size_t n = bank_segments(&s, 0, rest_to, 1u, kept, 4);
            ck_assert_uint_eq(n, 1);
            ck_assert_uint_eq(bank_segments(&s, 0, rest_to, 3u, left_out, 4), n);
            assert_same_segment(&kept[0], &left_out[0]);
        }
        sig_free(&s);
    }
}
END_TEST

/* A frequency that rests hears nothing. Resting through noise that holds no tone changes
 * nothing that follows, from two frames before the tone's first window on (several seeds,
 * every few samples); a tone that plays while its frequency rests is not reported, one open
 * when the rest begins ends there, and a frequency that does not rest goes on as before. */
START_TEST(test_resting_frequency_hears_nothing)
{
    for (uint64_t seed = 1; seed <= 3; seed++) {
        sig s = ans_after_noise(seed);
        sq_tone_segment all[4], rested[4];
        ck_assert_uint_eq(bank_segments(&s, 0, 0, 0u, all, 4), 1);
        for (size_t rest_to = 0; rest_to + 160 + 80 <= 4000; rest_to += 41) {
            ck_assert_uint_eq(bank_segments(&s, 0, rest_to, 3u, rested, 4), 1);
            assert_same_segment(&all[0], &rested[0]);
        }
        sig_free(&s);
    }
    /* the calling tone for 0.5 s, then the answer tone for 1 s (the bank names one tone a
     * frame: one that holds half the frame's power at least) */
    sig call = make_tone(SQ_TONE_CT, -20.0, 0.5, 0.0), ans = make_tone(SQ_TONE_ANS, -20.0, 1.0, 0.0);
    sig_append(&call, &ans);
    sq_tone_segment all[4], rested[4];
    ck_assert_uint_eq(bank_segments(&call, 0, 0, 0u, all, 4), 2);
    ck_assert_uint_eq(all[0].freq_index, 1);
    ck_assert_uint_eq(all[1].freq_index, 0);
    ck_assert_uint_eq(bank_segments(&call, 6400, call.n, 1u, rested, 4), 2);   /* 2100 Hz rests from 0.8 s */
    assert_same_segment(&all[0], &rested[0]);
    ck_assert_double_eq(rested[1].start_s, all[1].start_s);
    ck_assert_double_eq_tol(rested[1].end_s, 0.8, 0.03);
    ck_assert_uint_eq(bank_segments(&call, 0, call.n, 1u, rested, 4), 1);   /* 2100 Hz rests throughout */
    assert_same_segment(&all[0], &rested[0]);
    sig_free(&call);
}
END_TEST

/* A frame too quiet for any tone is read only when a later frame needs it (the offset of a
 * tone's first frames is measured from the two before). Tones after line noise at levels on
 * both sides of that bound (-80 to -50 dBFS), starting on every few samples, with and
 * without one frequency or the whole bank resting inside the quiet: the same segments, to
 * the bit, as with every frame read. */
START_TEST(test_quiet_frames_read_when_needed)
{
    static const double noise_rms[4] = { 1e-4, 3e-4, 1e-3, 3e-3 };
    size_t checked = 0;
    for (uint64_t seed = 1; seed <= 3; seed++)
        for (int level = 0; level < 4; level++)
            for (size_t lead = 0; lead < 40; lead += 13) {
                /* quiet, the answer tone, quiet, the calling tone (at the lowest level looked for) */
                sig s = make_silence(0.3 + (double)lead / 8000.0), quiet = make_silence(0.25);
                sig ans = make_tone(SQ_TONE_ANS, -30.0, 0.6, 0.0), ct = make_tone(SQ_TONE_CT, -44.0, 0.5, 0.0);
                sig_append(&s, &ans);
                sig_append(&s, &quiet);
                sig_append(&s, &ct);
                add_noise(&s, noise_rms[level], seed);
                sq_tone_segment every[4], some[4];
                /* rests [100, rest_to): none, inside the quiet, and ending about where the
                 * answer tone begins */
                size_t onset = 2400 + lead, rest_ends[6] = { 0, 1000, onset - 20, onset, onset + 20, onset + 60 };
                for (int r = 0; r < 6; r++)
                    for (uint32_t mask = 1; mask <= 3; mask += 2) {   /* 2100 Hz, then both */
                        size_t rest_to = rest_ends[r], from = rest_to ? 100 : 0;
                        size_t n = bank_segments_read(&s, from, rest_to, mask, 1, every, 4);
                        ck_assert_uint_eq(bank_segments_read(&s, from, rest_to, mask, 0, some, 4), n);
                        for (size_t i = 0; i < n; i++)
                            assert_same_segment(&every[i], &some[i]);
                        checked += n;
                    }
                sig_free(&s);
            }
    ck_assert_uint_ge(checked, 3 * 4 * 4 * 6 * 2 * 2 - 80);   /* both tones found, nearly everywhere */
}
END_TEST

Suite *tones_suite(void);
Suite *tones_suite(void)
{
    Suite *s = suite_create("tones");
    TCase *tc = tcase_create("generate");
    tcase_add_loop_test(tc, test_generated_frequency_and_level, 0, SQ_TONE_KIND_COUNT);
    tcase_add_test(tc, test_ansam_out_of_band);
    tcase_add_test(tc, test_ansam_envelope);
    tcase_add_test(tc, test_generator_deterministic_and_chunked);
    tcase_add_test(tc, test_generator_invalid_arguments);
    suite_add_tcase(s, tc);
    tc = tcase_create("detect");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_detect_every_kind_at_tolerance_corners, 0, SQ_TONE_KIND_COUNT);
    tcase_add_test(tc, test_ansam_pr_measurements);
    tcase_add_test(tc, test_reject_off_frequency);
    tcase_add_test(tc, test_short_lone_550_is_no_guard);
    tcase_add_test(tc, test_note_with_harmonics_is_no_cng);
    tcase_add_test(tc, test_calling_tone_under_answer_tone);
    tcase_add_test(tc, test_resting_frequency_hears_nothing);
    tcase_add_test(tc, test_whole_bank_rest_gives_back_its_samples);
    tcase_add_test(tc, test_quiet_frames_read_when_needed);
    suite_add_tcase(s, tc);
    return s;
}
