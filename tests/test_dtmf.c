/* DTMF: the transmitter's digits, and the receiver taking them (round trips under noise,
 * off-nominal frequencies, twist and short tones) and refusing what is not a digit. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "dsp/receiver_rest.h"
#include "dsp/sample_ring.h"
#include "src/sim/interference.h"
#include "tests/support/test_util.h"

static const char ALL_DIGITS[] = "123A456B789C*0#D";

static sig make_digits(const char *digits, double level_dbm0, double tone_ms, double gap_ms)
{
    sq_dtmf_params p;
    sq_dtmf_default_params(8000, &p);
    p.level_dbm0 = level_dbm0;
    p.tone_ms = tone_ms;
    p.gap_ms = gap_ms;
    sq_dtmf_tx *g = NULL;
    ck_assert_int_eq(sq_dtmf_tx_create(&p, digits, &g), SQ_OK);
    sig s = make_silence(0.1);
    sig body = make_silence((double)sq_dtmf_tx_remaining(g) / 8000.0);
    ck_assert_uint_eq(sq_dtmf_tx_generate(g, body.x, body.n + 10), body.n);
    ck_assert_uint_eq(sq_dtmf_tx_remaining(g), 0);
    sig_append(&s, &body);
    sig tail = make_silence(0.1);
    sig_append(&s, &tail);
    sq_dtmf_tx_destroy(g);
    return s;
}

/* A receiver that rested (the decoder's, while another lane reads a modem's data) and then
 * listens again finds the digits after it at the same samples as one that looked at every
 * window: it kept the history and the windows' rhythm. So does one that rested without
 * keeping its history and was given back the samples it asked for (the decoder's band
 * watch). Rests of many lengths, up to the first digit's first samples, over white noise,
 * for several noise seeds. */
START_TEST(test_rest_then_listen_is_the_same)
{
    for (uint64_t seed = 1; seed <= 4; seed++)
        for (size_t rest = 0; rest < 4800; rest += 53)
            for (int unkept = 0; unkept < 2; unkept++) {
            sig noise = make_silence(0.5);
            add_noise(&noise, 0.01, seed);
            sig s = make_digits("159#", -10.0, 60.0, 60.0);
            add_noise(&s, 0.01, seed + 10);
            sig_append(&noise, &s);
            sq_dtmf_rx *all = NULL, *rested = NULL;
            ck_assert_int_eq(sq_dtmf_rx_create(&all), SQ_OK);
            ck_assert_int_eq(sq_dtmf_rx_create(&rested), SQ_OK);
            sq_dtmf_rx_process(all, noise.x, noise.n);
            if (unkept) {
                sq_dtmf_rx_rest_unkept(rested, noise.x, rest);
                size_t m = sq_dtmf_rx_history_wanted(rested);
                ck_assert_uint_le(m, rest < SQ_RECEIVER_RECALL_MAX ? rest : SQ_RECEIVER_RECALL_MAX);
                ck_assert(rest == 0 || m > 0);
                sq_dtmf_rx_recall(rested, noise.x + rest - m, m);
                ck_assert_uint_eq(sq_dtmf_rx_history_wanted(rested), 0);
            } else {
                sq_dtmf_rx_rest(rested, noise.x, rest);
            }
            sq_dtmf_rx_process(rested, noise.x + rest, noise.n - rest);
            sq_dtmf_digit a, b;
            int n = 0;
            while (sq_dtmf_rx_next(all, &a) == SQ_OK) {
                ck_assert_int_eq(sq_dtmf_rx_next(rested, &b), SQ_OK);
                ck_assert_int_eq(a.digit, b.digit);
                ck_assert_uint_eq(a.start_sample, b.start_sample);
                ck_assert_uint_eq(a.end_sample, b.end_sample);
                ck_assert_double_eq(a.low_dbm0, b.low_dbm0);   /* the same samples measured */
                ck_assert_double_eq(a.high_dbm0, b.high_dbm0);
                n++;
            }
            ck_assert_int_eq(n, 4);
            ck_assert_int_eq(sq_dtmf_rx_next(rested, &b), SQ_EAGAIN);
            sq_dtmf_rx_destroy(all);
            sq_dtmf_rx_destroy(rested);
            sig_free(&noise);
        }
}
END_TEST

/* The digits the receiver reports for s, fed in blocks of block samples. */
static void hear(const sig *s, size_t block, char *out, size_t max, sq_dtmf_digit *first)
{
    sq_dtmf_rx *d = NULL;
    ck_assert_int_eq(sq_dtmf_rx_create(&d), SQ_OK);
    size_t k = 0;
    sq_dtmf_digit dig;
    for (size_t i = 0; i < s->n; i += block) {
        sq_dtmf_rx_process(d, s->x + i, s->n - i < block ? s->n - i : block);
        while (sq_dtmf_rx_next(d, &dig) == SQ_OK) {
            if (k == 0 && first)
                *first = dig;
            if (k + 1 < max)
                out[k++] = dig.digit;
        }
    }
    out[k] = '\0';
    sq_dtmf_rx_destroy(d);
}

/* Two tones at chosen frequencies (the transmitter only makes nominal ones). */
static sig make_pair(double f_low, double f_high, double level_dbm0, double twist_db, double ms)
{
    sig s = make_silence(ms / 1000.0);
    double a = sq_dbm0_to_sine_peak(level_dbm0), b = sq_dbm0_to_sine_peak(level_dbm0 + twist_db);
    for (size_t i = 0; i < s.n; i++)
        s.x[i] = (float)(a * sin(2 * M_PI * f_low * i / 8000.0) + b * sin(2 * M_PI * f_high * i / 8000.0));
    sig pre = make_silence(0.1), post = make_silence(0.1);
    sig_append(&pre, &s);
    sig_append(&pre, &post);
    return pre;
}

START_TEST(test_every_digit_round_trip)
{
    sig s = make_digits(ALL_DIGITS, -10.0, 95.0, 95.0);
    char got[64];
    sq_dtmf_digit first;
    hear(&s, 160, got, sizeof got, &first);
    ck_assert_str_eq(got, ALL_DIGITS);
    /* the first digit starts 100 ms in and lasts 95 ms; windows are 25.6 ms long */
    ck_assert_double_eq_tol(first.start_sample / 8000.0, 0.100, 0.026);
    ck_assert_double_eq_tol((first.end_sample - first.start_sample) / 8000.0, 0.095, 0.030);
    ck_assert_double_eq_tol(first.low_dbm0, -10.0, 1.0);
    ck_assert_double_eq_tol(first.high_dbm0, -8.0, 1.0);
    sig_free(&s);
}
END_TEST

/* The output does not depend on how the input is chunked. */
START_TEST(test_block_size_independent)
{
    sig s = make_digits("5551234", -20.0, 60.0, 60.0);
    char a[32], b[32];
    hear(&s, 1, a, sizeof a, NULL);
    hear(&s, 4000, b, sizeof b, NULL);
    ck_assert_str_eq(a, "5551234");
    ck_assert_str_eq(b, a);
    sig_free(&s);
}
END_TEST

/* Fast dialling (40 ms on, 40 ms off: Q.24's shortest) at a low level under noise, over
 * many seeds: 15 dB SNR against the digit's power. */
START_TEST(test_short_digits_under_noise)
{
    int bad = 0;
    for (uint64_t seed = 1; seed <= 20; seed++) {
        sig s = make_digits(ALL_DIGITS, -30.0, 40.0, 40.0);
        double digit_power = sq_dbm0_to_power(-30.0) + sq_dbm0_to_power(-28.0);
        add_noise(&s, sqrt(digit_power / pow(10.0, 15.0 / 10.0)), seed);
        char got[64];
        hear(&s, 160, got, sizeof got, NULL);
        bad += strcmp(got, ALL_DIGITS) != 0;
        sig_free(&s);
    }
    ck_assert_int_eq(bad, 0);
}
END_TEST

/* Off-nominal tones within 1.5% and the twist receivers accept are still digits. */
START_TEST(test_tolerances_accepted)
{
    static const double pct[] = { -1.5, 0.0, 1.5 }, twist[] = { -8.0 + 0.5, 0.0, 4.0 - 0.5 };
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            sig s = make_pair(852.0 * (1 + pct[i] / 100), 1477.0 * (1 - pct[i] / 100), -20.0, twist[j], 60.0);
            char got[8];
            hear(&s, 160, got, sizeof got, NULL);
            ck_assert_msg(strcmp(got, "9") == 0, "%+.1f%% twist %+.1f dB: heard '%s'", pct[i], twist[j], got);
            sig_free(&s);
        }
}
END_TEST

/* Not digits: twist beyond the limits, one tone alone, two rows at once, tones too short
 * or too weak. */
START_TEST(test_not_digits_refused)
{
    struct { double lo, hi, level, twist, ms; } cases[] = {
        { 852, 1477, -20, -11, 100 }, { 852, 1477, -20, 7, 100 },   /* twist */
        { 852, 2000, -20, 0, 200 },                                 /* a row and no column */
        { 852, 941, -20, 0, 200 },                                  /* two rows */
        { 852, 1477, -20, 0, 18 },                                  /* shorter than Q.24's reject */
        { 852, 1477, -45, 0, 200 },                                 /* under the floor */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sig s = make_pair(cases[i].lo, cases[i].hi, cases[i].level, cases[i].twist, cases[i].ms);
        char got[8];
        hear(&s, 160, got, sizeof got, NULL);
        ck_assert_msg(got[0] == '\0', "case %zu heard '%s'", i, got);
        sig_free(&s);
    }
}
END_TEST

/* Speech and music (the false-alarm bench's models), a minute each, make no digit. */
START_TEST(test_no_talk_off)
{
    for (uint64_t seed = 1; seed <= 3; seed++) {
        sig sp = make_speech_like(60.0, seed), mu = make_music_like(60.0, seed);
        char a[16], b[16];
        hear(&sp, 160, a, sizeof a, NULL);
        hear(&mu, 160, b, sizeof b, NULL);
        ck_assert_msg(a[0] == '\0' && b[0] == '\0', "seed %llu: speech '%s', music '%s'",
                      (unsigned long long)seed, a, b);
        sig_free(&sp);
        sig_free(&mu);
    }
}
END_TEST

/* A chord of the false-alarm bench's music (seed 9001, from 454 s) holds notes at 714 and
 * 1200 Hz, near the 697 and 1209 Hz of key 1, the higher 4-7 dB over the lower: around the
 * reverse twist allowed, so now and then a window fit a key's. Its overtones come and go with
 * them; it had read as "111", each window that fit taken between ones that did not. A window
 * that shows a key's pair with an overtone now keeps any digit near it from being taken. */
START_TEST(test_no_digit_from_a_chord)
{
    music_like g;
    ck_assert_int_eq(music_like_init(&g, 9001), 0);
    float skip[8000];
    for (int s = 0; s < 452; s++)
        music_like_fill(&g, skip, 8000);
    sig mu = make_silence(5.0);
    music_like_fill(&g, mu.x, mu.n);
    music_like_free(&g);
    char got[16];
    hear(&mu, 160, got, sizeof got, NULL);
    ck_assert_msg(got[0] == '\0', "music: '%s'", got);
    sig_free(&mu);
}
END_TEST

/* A chord on 770, 1209 and 1477 Hz (key 4's row and column and the next column), the last
 * note beating between lo and hi dB under the second: in the windows where it is quietest
 * the pair fits key 4, and in the others it crowds the column. The false-alarm bench's music
 * (BENCH_FALSE_ALARMS_SEED=31337, at 2254.8 s) had such a chord, read as a 38 ms '4'; the
 * first of these read as twenty 4s in 4 s. Nine depths and beat periods: no digit. */
START_TEST(test_no_digit_from_a_crowded_chord)
{
    static const double depth[3][2] = { { -4.0, -12.0 }, { -6.0, -10.0 }, { -5.0, -14.0 } };
    static const double period_s[3] = { 0.2, 0.3, 0.5 };
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            sig s = make_silence(4.0);
            double a = sq_dbm0_to_sine_peak(-31.0);
            for (size_t k = 0; k < s.n; k++) {
                double t = (double)k / 8000.0;
                double third_db = (depth[i][0] + depth[i][1]) / 2.0 +
                                  (depth[i][0] - depth[i][1]) / 2.0 * cos(2.0 * M_PI * t / period_s[j]);
                s.x[k] = (float)(0.8 * a * sin(2.0 * M_PI * 770.0 * t) + a * sin(2.0 * M_PI * 1209.0 * t) +
                                 a * pow(10.0, third_db / 20.0) * sin(2.0 * M_PI * 1477.0 * t + 1.0));
            }
            char got[32];
            hear(&s, 160, got, sizeof got, NULL);
            ck_assert_msg(got[0] == '\0', "third note %.0f to %.0f dB, beating every %.1f s: '%s'",
                          depth[i][0], depth[i][1], period_s[j], got);
            sig_free(&s);
        }
}
END_TEST

/* Bad input to the transmitter: refused with SQ_EINVAL and no object. */
START_TEST(test_tx_refuses_bad_input)
{
    sq_dtmf_params p;
    sq_dtmf_default_params(8000, &p);
    sq_dtmf_tx *g = (sq_dtmf_tx *)&p;
    ck_assert_int_eq(sq_dtmf_tx_create(&p, "12x", &g), SQ_EINVAL);
    ck_assert_ptr_null(g);
    ck_assert_int_eq(sq_dtmf_tx_create(&p, NULL, &g), SQ_EINVAL);
    char longer[300];
    memset(longer, '1', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    ck_assert_int_eq(sq_dtmf_tx_create(&p, longer, &g), SQ_EINVAL);
    p.tone_ms = 10.0;
    ck_assert_int_eq(sq_dtmf_tx_create(&p, "1", &g), SQ_EINVAL);
    sq_dtmf_default_params(8000, &p);
    ck_assert_int_eq(sq_dtmf_tx_create(&p, "", &g), SQ_OK);   /* nothing to send is valid */
    ck_assert_uint_eq(sq_dtmf_tx_remaining(g), 0);
    sq_dtmf_tx_destroy(g);
    ck_assert(sq_dtmf_is_digit('d') && sq_dtmf_is_digit('#') && !sq_dtmf_is_digit(','));
}
END_TEST

/* ',' pauses for pause_s. */
START_TEST(test_pause)
{
    sq_dtmf_params p;
    sq_dtmf_default_params(8000, &p);
    p.pause_s = 1.5;
    sq_dtmf_tx *g = NULL;
    ck_assert_int_eq(sq_dtmf_tx_create(&p, "1,2", &g), SQ_OK);
    ck_assert_uint_eq(sq_dtmf_tx_remaining(g), 2 * (760 + 760) + 12000);
    sq_dtmf_tx_destroy(g);
}
END_TEST

/* The windowed receivers' rings (dsp/sample_ring.h): moving the clock on without keeping
 * the samples, then giving back the last m of them, leaves the same clock and the same last
 * m samples where the windows read them as keeping every sample did; cut into pieces of
 * many sizes, with rests of many lengths. */
START_TEST(test_ring_recall_is_keeping)
{
    enum { LEN = 307, WINDOW = 205, HOP = 102, TOTAL = 3000 };
    float x[TOTAL];
    for (size_t i = 0; i < TOTAL; i++)
        x[i] = (float)((i * 7919u) % 1000u) / 1000.0f;   /* no two neighbours alike */
    for (size_t piece = 1; piece <= 200; piece += 17)
        for (size_t rest_to = 0; rest_to <= TOTAL; rest_to += 211) {
            float kept[2 * LEN] = { 0 }, recalled[2 * LEN] = { 0 };
            sq_window_clock ck = { 0 }, cr = { 0 };
            for (size_t i = 0; i < rest_to;) {
                int due_k, due_r;
                size_t n = rest_to - i < piece ? rest_to - i : piece;
                size_t tk = sq_ring_keep_to_window(kept, LEN, &ck, WINDOW, HOP, x + i, n, &due_k);
                size_t tr = sq_ring_skip_to_window(LEN, &cr, WINDOW, HOP, n, &due_r);
                ck_assert_uint_eq(tk, tr);
                ck_assert_int_eq(due_k, due_r);
                i += tk;
            }
            ck_assert_uint_eq(ck.head, cr.head);
            ck_assert_uint_eq(ck.filled, cr.filled);
            ck_assert_uint_eq(ck.since_eval, cr.since_eval);
            size_t m = rest_to < LEN ? rest_to : LEN;
            sq_ring_recall(recalled, LEN, cr.head, x + rest_to - m, m);
            for (size_t k = LEN - m; k < LEN; k++)   /* the window region, oldest first */
                ck_assert_float_eq(recalled[cr.head + k], kept[ck.head + k]);
        }
}
END_TEST

Suite *dtmf_suite(void);
Suite *dtmf_suite(void)
{
    Suite *s = suite_create("dtmf");
    TCase *tc = tcase_create("dtmf");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_every_digit_round_trip);
    tcase_add_test(tc, test_block_size_independent);
    tcase_add_test(tc, test_short_digits_under_noise);
    tcase_add_test(tc, test_tolerances_accepted);
    tcase_add_test(tc, test_not_digits_refused);
    tcase_add_test(tc, test_no_talk_off);
    tcase_add_test(tc, test_no_digit_from_a_chord);
    tcase_add_test(tc, test_no_digit_from_a_crowded_chord);
    tcase_add_test(tc, test_tx_refuses_bad_input);
    tcase_add_test(tc, test_pause);
    tcase_add_test(tc, test_rest_then_listen_is_the_same);
    tcase_add_test(tc, test_ring_recall_is_keeping);
    suite_add_tcase(s, tc);
    return s;
}
