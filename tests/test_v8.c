/* V.8: message codec, bit-level receiver, line model, and whole calls between sessions. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "src/sim/v8_call.h"
#include "dsp/spectrum.h"
#include "tests/support/test_util.h"

/* Spec 3.2 worked example: CM, data, V.22bis + V.21, nothing else -> E0 C1 05 12 90 and
 * exactly these 60 line bits. */
START_TEST(test_worked_example)
{
    sq_v8_msg m;
    sq_v8_msg_init(&m, SQ_V8_CM, SQ_V8_V22BIS | SQ_V8_V21);
    m.has_protocols = 0;
    uint8_t o[16];
    ck_assert_int_eq(sq_v8_encode(&m, o, sizeof o), 4);
    const uint8_t want[] = { 0xC1, 0x05, 0x12, 0x90 };
    ck_assert_mem_eq(o, want, 4);
    const char *line = "1111111111" "0000001111" "0100000111" "0101000001" "0010010001" "0000010011";
    char got[61] = "1111111111";
    uint8_t bits[10];
    int k = 10;
    sq_async_frame_byte(&SQ_ASYNC_8N1, 0xE0, bits);
    for (int b = 0; b < 10; b++)
        got[k++] = (char)('0' + bits[b]);
    for (int i = 0; i < 4; i++) {
        sq_async_frame_byte(&SQ_ASYNC_8N1, o[i], bits);
        for (int b = 0; b < 10; b++)
            got[k++] = (char)('0' + bits[b]);
    }
    got[60] = 0;
    ck_assert_str_eq(got, line);
    ck_assert_ptr_null(strstr(got, "01111110"));   /* no HDLC flag inside */
    sq_v8_msg d;
    char why[96];
    ck_assert_int_eq(sq_v8_decode(SQ_V8_CM, o, 4, &d, why, sizeof why), SQ_OK);
    ck_assert_uint_eq(d.modulations, SQ_V8_V22BIS | SQ_V8_V21);
    ck_assert_int_eq(d.call_function, SQ_V8_CALL_DATA);
    ck_assert_int_eq(d.mod_octets, 3);
    const uint8_t v34[] = { 0xC1, 0x45, 0x13, 0x10 };   /* spec 3.5: V.34 + V.32bis + V.22bis */
    ck_assert_int_eq(sq_v8_decode(SQ_V8_CM, v34, 4, &d, why, sizeof why), SQ_OK);
    ck_assert_uint_eq(d.modulations, SQ_V8_V34 | SQ_V8_V32BIS | SQ_V8_V22BIS);
}
END_TEST

/* Every mode bit, call function, protocol, access and PCM value survives encode/decode. */
START_TEST(test_every_field_round_trips)
{
    sq_v8_msg m, d;
    uint8_t o[32];
    char why[96];
    for (int bit = 0; bit < SQ_V8_MOD_COUNT; bit++) {
        sq_v8_msg_init(&m, SQ_V8_JM, 1u << bit);
        int n = sq_v8_encode(&m, o, sizeof o);
        ck_assert_int_gt(n, 0);
        ck_assert_int_eq(sq_v8_decode(SQ_V8_JM, o, (size_t)n, &d, why, sizeof why), SQ_OK);
        ck_assert_uint_eq(d.modulations, 1u << bit);
        ck_assert_str_ne(sq_v8_mod_to_str(1u << bit), "unknown");
    }
    for (int v = 0; v < 8; v++) {
        sq_v8_msg_init(&m, SQ_V8_CM, SQ_V8_V21);
        m.call_function = v;
        m.protocols = v;
        m.has_pstn_access = 1;
        m.pstn_access = v;
        m.has_pcm = 1;
        m.pcm = v;
        int n = sq_v8_encode(&m, o, sizeof o);
        ck_assert_int_eq(sq_v8_decode(SQ_V8_CM, o, (size_t)n, &d, why, sizeof why), SQ_OK);
        ck_assert_int_eq(d.call_function, v);
        ck_assert_int_eq(d.protocols, v);
        ck_assert(d.has_pstn_access && d.pstn_access == v && d.has_pcm && d.pcm == v);
    }
    uint32_t modes = 0;
    ck_assert_int_eq(sq_v8_mods_from_str("v22bis,v21", &modes), SQ_OK);
    ck_assert_uint_eq(modes, SQ_V8_V22BIS | SQ_V8_V21);
    ck_assert_int_eq(sq_v8_mods_from_str("v22bis,v99", &modes), SQ_EINVAL);
    ck_assert_uint_eq(sq_v8_best_mode(SQ_V8_V21 | SQ_V8_V22BIS | SQ_V8_PCM), SQ_V8_V22BIS);
}
END_TEST

/* Unknown and NSF categories are kept, malformed and truncated messages are rejected with
 * a reason, and no length is read past. */
START_TEST(test_malformed_and_unknown)
{
    sq_v8_msg d;
    char why[96];
    const uint8_t nsf[] = { 0xC1, 0x05, 0x10, 0x90, 0x0F, 0x10, 0x55 & 0xEF, 0x2A };
    ck_assert_int_eq(sq_v8_decode(SQ_V8_CM, nsf, 4, &d, why, sizeof why), SQ_OK);
    const uint8_t with_nsf[] = { 0xC1, 0x05, 0x10, 0x90, 0x0F, 0x10, 0x2A };
    ck_assert_int_eq(sq_v8_decode(SQ_V8_CM, with_nsf, 7, &d, why, sizeof why), SQ_OK);
    ck_assert_uint_eq(d.n_unknown, 1);
    ck_assert_uint_eq(d.unknown[0], 0x0F);
    ck_assert(d.has_protocols && d.protocols == 1);
    (void)nsf;
    ck_assert_int_eq(sq_v8_decode(SQ_V8_CM, with_nsf, 0, &d, why, sizeof why), SQ_EFORMAT);
    const uint8_t bad_first[] = { 0x05, 0xC1 };
    ck_assert_int_eq(sq_v8_decode(SQ_V8_CM, bad_first, 2, &d, why, sizeof why), SQ_EFORMAT);
    ck_assert_ptr_nonnull(strstr(why, "call function"));
    const uint8_t stray[] = { 0xC1, 0x05, 0x18 };   /* b4 set but not 010 in b3..b5 */
    ck_assert_int_eq(sq_v8_decode(SQ_V8_CM, stray, 3, &d, why, sizeof why), SQ_EFORMAT);
    const uint8_t no_mod[] = { 0xC1, 0x2A };
    ck_assert_int_eq(sq_v8_decode(SQ_V8_JM, no_mod, 2, &d, why, sizeof why), SQ_EFORMAT);
    ck_assert_int_eq(sq_v8_decode(SQ_V8_CI, no_mod, 1, &d, why, sizeof why), SQ_OK);
    uint8_t big[64];
    memset(big, 0x10, sizeof big);
    big[0] = 0xC1;
    ck_assert_int_eq(sq_v8_decode(SQ_V8_CM, big, sizeof big, &d, why, sizeof why), SQ_EFORMAT);
    sq_v8_msg m;
    sq_v8_msg_init(&m, SQ_V8_CM, SQ_V8_V21);
    m.mod_octets = 1;   /* V.21 lives in modn2 */
    uint8_t o[16];
    ck_assert_int_eq(sq_v8_encode(&m, o, sizeof o), SQ_EINVAL);
}
END_TEST

static size_t frame_sequence(const uint8_t *sync_and_octets, size_t n, uint8_t *bits)
{
    size_t k = 0;
    memset(bits, 1, 10);
    k += 10;
    for (size_t i = 0; i < n; i++)
        k += (size_t)sq_async_frame_byte(&SQ_ASYNC_8N1, sync_and_octets[i], bits + k);
    return k;
}

/* The receiver finds each CM sequence, ends the CM at CJ, and finds CJ wherever the caller
 * cut the last CM (after an octet, after the sync, inside the ten 1s); a CI too. CJ framed
 * cleanly is valid; one whose last stop bit is lost (the caller fell silent) or that follows
 * a tenth 0 (a clock slip at the cut) is reported as CJ with valid 0, at the same place. */
START_TEST(test_bit_receiver)
{
    static const size_t cut_bits[] = { 40, 20, 10 };   /* into the fourth sequence */
    int ending = _i / 3;   /* 0: clean; 1: the last stop bit lost; 2: a 0 too many before CJ */
    _i %= 3;
    sq_v8_rx *r = NULL;
    ck_assert_int_eq(sq_v8_rx_create(SQ_V8_CM, &r), SQ_OK);
    const uint8_t cm[] = { 0xE0, 0xC1, 0x05, 0x12, 0x90 };
    uint8_t bits[400];
    size_t n = 0;
    for (int i = 0; i < 3; i++)
        n += frame_sequence(cm, sizeof cm, bits + n);
    n += frame_sequence(cm, 3, bits + n) - (40 - cut_bits[_i]);   /* cut, then CJ */
    if (ending == 2)
        bits[n++] = 0;
    size_t cj_at = n;
    for (int i = 0; i < 3; i++)
        n += (size_t)sq_async_frame_byte(&SQ_ASYNC_8N1, 0, bits + n);
    memset(bits + n, ending == 1 ? 0 : 1, 20);   /* silence reads as 0s */
    if (ending == 1)
        bits[n - 1] = 0;
    n += 20;
    int cms = 0, cj = 0, partial = 0;
    for (size_t i = 0; i < n; i++) {
        sq_v8_rx_msg m;
        if (!sq_v8_rx_put_bit(r, bits[i], i * 27, 26.67, &m))
            continue;
        if (m.msg.type == SQ_V8_CJ) {
            cj++;
            ck_assert_int_eq(m.valid, ending == 0);
            /* the first bit of CJ ended 27 samples after it began: its start is within a bit */
            ck_assert_int_le(llabs((long long)m.start_sample - (long long)(cj_at * 27)), 27);
            if (ending)
                ck_assert_ptr_nonnull(strstr(m.why, ending == 1 ? "last stop bit" : "tenth 0"));
        }
        else if (m.valid && m.msg.modulations == (SQ_V8_V22BIS | SQ_V8_V21))
            cms++;
        else
            partial++;
    }
    ck_assert_int_eq(cms, 3);
    ck_assert_int_eq(cj, 1);
    ck_assert_int_le(partial, 1);   /* the start of the fourth CM, if the cut left octets */
    sq_v8_rx_reset(r);
    const uint8_t ci[] = { 0x00, 0xC1 };
    n = frame_sequence(ci, sizeof ci, bits);
    memset(bits + n, 1, 10);
    int got_ci = 0;
    for (size_t i = 0; i < n + 10; i++) {
        sq_v8_rx_msg m;
        if (sq_v8_rx_put_bit(r, bits[i], i, 1.0, &m))
            got_ci += m.valid && m.msg.type == SQ_V8_CI && m.msg.call_function == SQ_V8_CALL_DATA;
    }
    ck_assert_int_eq(got_ci, 1);
    sq_v8_rx_destroy(r);
    ck_assert_int_eq(sq_v8_rx_create(SQ_V8_CJ, &r), SQ_EINVAL);
}
END_TEST

/* The line model moves a 1000 Hz tone to 1010 Hz for +10 Hz and applies its gain. */
START_TEST(test_channel_offset_and_gain)
{
    sq_channel_params p = { .gain_db = -6.0, .foff_hz = (_i ? -10.0 : 10.0) };
    sq_channel *c = NULL;
    ck_assert_int_eq(sq_channel_create(&p, &c), SQ_OK);
    sig s = make_silence(2.0);
    for (size_t i = 0; i < s.n; i++)   /* 1000 Hz at -13 dBm0 */
        s.x[i] = (float)(sq_dbm0_to_sine_peak(-13.0) * cos(2 * M_PI * 1000.0 * (double)i / 8000.0));
    sig y = make_silence(2.0);
    sq_channel_process(c, s.x, y.x, s.n);
    sq_spectrum *sp = NULL;
    ck_assert_int_eq(sq_spectrum_create(8192, 8000.0, &sp), SQ_OK);
    double power[4097];
    sq_spectrum_welch(sp, y.x + 200, y.n - 200, power);
    ck_assert_double_eq_tol(sq_spectrum_peak_hz(sp, power, 900, 1100), 1000.0 + p.foff_hz, 0.3);
    ck_assert_double_eq_tol(sq_power_to_dbm0(mean_power(y.x + 200, y.n - 200)), -19.0, 0.2);
    sq_spectrum_destroy(sp);
    sq_channel_destroy(c);
    sig_free(&s);
    sig_free(&y);
}
END_TEST

static void expect_call(v8_call *c, sq_v8_outcome outcome, uint32_t mode)
{
    ck_assert_int_eq(v8_call_run(c), 0);
    for (int i = 0; i < 2; i++) {
        ck_assert_msg(c->result[i].outcome == outcome && c->result[i].mode == mode,
                      "%s: %s %s (%s)", i ? "answerer" : "caller", sq_v8_outcome_to_str(c->result[i].outcome),
                      sq_v8_mod_to_str(c->result[i].mode), c->result[i].reason);
    }
}

/* Negotiation: the best mode both have; JM is the intersection, not an echo of CM. */
START_TEST(test_call_selects_best_common_mode)
{
    v8_call c;
    v8_call_init(&c, SQ_V8_V34 | SQ_V8_V32BIS | SQ_V8_V22BIS | SQ_V8_V21, SQ_V8_V22BIS | SQ_V8_V21);
    expect_call(&c, SQ_V8_DONE, SQ_V8_V22BIS);
    ck_assert_uint_eq(c.result[0].joint, SQ_V8_V22BIS | SQ_V8_V21);
    ck_assert_uint_eq(c.result[1].offered, SQ_V8_V34 | SQ_V8_V32BIS | SQ_V8_V22BIS | SQ_V8_V21);
    /* V.8 done within 4.0 s of the answerer going off-hook, on a clean line */
    ck_assert_double_le((double)c.result[1].done_sample / 8000.0, 4.0);
    v8_call_init(&c, SQ_V8_V21, SQ_V8_V22BIS | SQ_V8_V21);
    expect_call(&c, SQ_V8_DONE, SQ_V8_V21);
    v8_call_init(&c, SQ_V8_V22BIS, SQ_V8_V21);
    expect_call(&c, SQ_V8_FAILED, 0);
}
END_TEST

/* A CJ that does not arrive (muted here, as a sound server's skip or a burst of noise would):
 * the answerer sees CM stop and goes on, as V.8 8.2 allows, instead of failing the call. */
START_TEST(test_lost_cj)
{
    v8_call c;
    v8_call_init(&c, SQ_V8_V22BIS | SQ_V8_V21, SQ_V8_V22BIS | SQ_V8_V21);
    expect_call(&c, SQ_V8_DONE, SQ_V8_V22BIS);
    /* the answerer is done 75 ms after the end of the 100 ms of CJ it heard */
    double cj_end = (double)c.result[1].done_sample / 8000.0 - 0.075;
    v8_call_init(&c, SQ_V8_V22BIS | SQ_V8_V21, SQ_V8_V22BIS | SQ_V8_V21);
    c.mute_from_s = cj_end - 0.2;   /* the end of CM and all of CJ */
    c.mute_to_s = cj_end + 1.0;
    expect_call(&c, SQ_V8_DONE, SQ_V8_V22BIS);
    /* it went on 300 ms after CM stopped */
    ck_assert_double_ge((double)c.result[1].done_sample / 8000.0, c.mute_from_s + 0.29);
}
END_TEST

/* Fallbacks: plain ANS, or a caller that never sends CM, end in V.22bis automode without V.8
 * (or V.21 when that is all both have). */
START_TEST(test_call_fallbacks)
{
    v8_call c;
    v8_call_init(&c, SQ_V8_V22BIS | SQ_V8_V21, SQ_V8_V22BIS | SQ_V8_V21);
    c.side[1].use_v8 = 0;
    expect_call(&c, SQ_V8_FALLBACK, SQ_V8_V22BIS);
    v8_call_init(&c, SQ_V8_V22BIS | SQ_V8_V21, SQ_V8_V22BIS | SQ_V8_V21);
    c.side[0].use_v8 = 0;
    expect_call(&c, SQ_V8_FALLBACK, SQ_V8_V22BIS);
    v8_call_init(&c, SQ_V8_V21, SQ_V8_V21);
    c.side[1].use_v8 = 0;
    expect_call(&c, SQ_V8_FALLBACK, SQ_V8_V21);
    v8_call_init(&c, SQ_V8_V21, SQ_V8_V21);
    c.side[1].answer_tone = SQ_TONE_ANSAM;   /* ANSam without reversals is still V.8 */
    c.side[0].call_signal = SQ_CALL_SIGNAL_CT;
    expect_call(&c, SQ_V8_DONE, SQ_V8_V21);
}
END_TEST

/* 20 seeded calls at 12 dB SNR (noise from the first sample) with offsets in +/-7 Hz all
 * complete; the 200-call figure is in the v8_sim benchmark. */
START_TEST(test_calls_in_noise)
{
    for (uint64_t seed = 0; seed < 20; seed++) {
        v8_call c;
        v8_call_init(&c, SQ_V8_V22BIS | SQ_V8_V21, SQ_V8_V22BIS | SQ_V8_V21);
        c.snr_db = 12.0;
        c.foff_hz = -7.0 + 0.7 * (double)seed;
        c.seed = seed;
        expect_call(&c, SQ_V8_DONE, SQ_V8_V22BIS);
    }
}
END_TEST

/* CI as the calling signal: bursts of at least three sequences, at most 2 s on, 0.4-2 s
 * off (V.8 7.1) while no answer tone comes; then whole V.8 calls in noise. */
START_TEST(test_ci_call_signal)
{
    sq_v8_settings set;
    sq_v8_default_settings(SQ_ROLE_CALLER, &set);
    set.call_signal = SQ_CALL_SIGNAL_CI;
    sq_v8_session *caller = NULL;
    ck_assert_int_eq(sq_v8_session_create(&set, &caller), SQ_OK);
    sig sent = make_silence(4.0), quiet = make_silence(4.0);
    sq_v8_session_process(caller, quiet.x, sent.x, sent.n);
    events e;
    decode_sig(&sent, 160, &e);
    size_t bursts = 0;
    for (size_t i = 0; i < e.n; i++) {
        ck_assert_int_eq(e.ev[i].type, SQ_EVENT_CI);
        ck_assert_int_eq(e.ev[i].v8.call_function, SQ_V8_CALL_DATA);
        if (e.ev[i].end_s < 3.8)   /* the last burst may be cut by the end of the run */
            ck_assert_uint_ge(e.ev[i].repeats, 3);
        ck_assert_double_le(e.ev[i].end_s - e.ev[i].start_s, 2.0);
        if (i > 0) {
            double off = e.ev[i].start_s - e.ev[i - 1].end_s;
            ck_assert_msg(off >= 0.4 && off <= 2.0, "CI off for %.3f s", off);
        }
        bursts++;
    }
    ck_assert_uint_ge(bursts, 3);
    ck_assert_double_ge(e.ev[0].start_s, 0.95);   /* after the initial silence of about 1 s */
    sq_v8_session_destroy(caller);
    sig_free(&sent);
    sig_free(&quiet);

    for (uint64_t seed = 0; seed < 5; seed++) {
        v8_call c;
        v8_call_init(&c, SQ_V8_V22BIS | SQ_V8_V21, SQ_V8_V22BIS | SQ_V8_V21);
        c.side[0].call_signal = SQ_CALL_SIGNAL_CI;
        c.snr_db = 10.0;
        c.foff_hz = 5.0;
        c.seed = seed;
        expect_call(&c, SQ_V8_DONE, SQ_V8_V22BIS);
    }
}
END_TEST

START_TEST(test_session_invalid_arguments)
{
    sq_v8_settings s;
    sq_v8_default_settings(SQ_ROLE_CALLER, &s);
    sq_v8_session *x = (sq_v8_session *)1;
    s.modes = 0;
    ck_assert_int_eq(sq_v8_session_create(&s, &x), SQ_EINVAL);
    ck_assert_ptr_null(x);
    s.modes = SQ_V8_PCM;   /* PCM alone is not a mode V.8 can select */
    ck_assert_int_eq(sq_v8_session_create(&s, &x), SQ_EINVAL);
    sq_v8_default_settings(SQ_ROLE_CALLER, &s);
    s.role = (sq_role)7;
    ck_assert_int_eq(sq_v8_session_create(&s, &x), SQ_EINVAL);
    sq_v8_session_destroy(NULL);
}
END_TEST

Suite *v8_suite(void);
Suite *v8_suite(void)
{
    Suite *s = suite_create("v8");
    TCase *tc = tcase_create("v8");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_worked_example);
    tcase_add_test(tc, test_every_field_round_trips);
    tcase_add_test(tc, test_malformed_and_unknown);
    tcase_add_loop_test(tc, test_bit_receiver, 0, 9);
    tcase_add_loop_test(tc, test_channel_offset_and_gain, 0, 2);
    tcase_add_test(tc, test_call_selects_best_common_mode);
    tcase_add_test(tc, test_call_fallbacks);
    tcase_add_test(tc, test_lost_cj);
    tcase_add_test(tc, test_calls_in_noise);
    tcase_add_test(tc, test_ci_call_signal);
    tcase_add_test(tc, test_session_invalid_arguments);
    suite_add_tcase(s, tc);
    return s;
}
