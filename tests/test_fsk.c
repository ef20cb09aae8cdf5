/* FSK modem and start-stop framing: round trips, tolerance, chunking, BER against theory. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "src/sim/fsk_ber.h"
#include "tests/support/test_util.h"

static const sq_fsk_params *const PRESETS[] = {
    &SQ_FSK_V21_CH1, &SQ_FSK_V21_CH2, &SQ_FSK_BELL103_ORIG, &SQ_FSK_BELL103_ANS,
};
static const char TEXT[] = "The quick brown fox jumps over the lazy dog 0123456789";

/* Every channel decodes the text at both ends of the level range (-43, -9 dBm0) and of the
 * frequency tolerance (V.21 3: +/- 12 Hz). */
START_TEST(test_round_trip_corners)
{
    const sq_fsk_params *p = PRESETS[_i];
    const double levels[] = { -43.0, -9.0 }, offsets[] = { -12.0, 12.0 };
    for (int l = 0; l < 2; l++)
        for (int o = 0; o < 2; o++) {
            sig s = make_fsk(p, &SQ_ASYNC_8N1, TEXT, levels[l], offsets[o]);
            events e;
            decode_sig(&s, 160, &e);
            ck_assert_msg(e.n == 1, "%s %.0f dBm0 %+.0f Hz: %zu events", p->name, levels[l], offsets[o], e.n);
            ck_assert_str_eq(e.text[0], TEXT);
            ck_assert_uint_eq(e.ev[0].char_errors, 0);
            ck_assert_int_eq(e.ev[0].fsk_channel, (p == &SQ_FSK_V21_CH1 || p == &SQ_FSK_BELL103_ORIG) ? 1 : 2);
            ck_assert_double_eq_tol(e.ev[0].level_dbm0, levels[l], 0.5);
            sig_free(&s);
        }
}
END_TEST

/* Every framing (5..8 data bits, parity none/even/odd, 1 or 2 stop bits) round-trips. */
START_TEST(test_async_formats)
{
    sq_async_format f = { 5 + _i % 4, (sq_parity)((_i / 4) % 3), 1 + _i / 12 };
    sq_async_rx *r = NULL;
    ck_assert_int_eq(sq_async_rx_create(&f, &r), SQ_OK);
    uint8_t bits[16];
    unsigned mask = (1u << f.data_bits) - 1u;
    int got = 0;
    for (unsigned b = 0; b < 256; b++) {
        int n = sq_async_frame_byte(&f, (uint8_t)b, bits);
        ck_assert_int_eq(n, sq_async_bits_per_char(&f));
        sq_async_char c;
        for (int k = 0; k < n; k++) {
            if (sq_async_rx_put_bit(r, bits[k], (uint64_t)k, &c)) {
                ck_assert_uint_eq(c.byte, b & mask);
                ck_assert(!c.framing_error && !c.parity_error);
                got++;
            }
        }
        if (b == 0)   /* the receiver starts waiting for mark: the first character is lost */
            sq_async_rx_put_bit(r, 1, 0, &c);
    }
    ck_assert_int_ge(got, 255);
    sq_async_rx_destroy(r);
}
END_TEST

/* A stop bit of 0 or a wrong parity bit is reported, never delivered as good. */
START_TEST(test_async_errors_reported)
{
    sq_async_format f = { 7, SQ_PARITY_EVEN, 1 };
    sq_async_rx *r = NULL;
    ck_assert_int_eq(sq_async_rx_create(&f, &r), SQ_OK);
    sq_async_char c;
    sq_async_rx_put_bit(r, 1, 0, &c);
    uint8_t bits[12];
    int n = sq_async_frame_byte(&f, 'A', bits);
    bits[n - 2] ^= 1;   /* parity */
    int done = 0;
    for (int k = 0; k < n; k++)
        done += sq_async_rx_put_bit(r, bits[k], 0, &c);
    ck_assert_int_eq(done, 1);
    ck_assert(c.parity_error);
    n = sq_async_frame_byte(&f, 'B', bits);
    bits[n - 1] = 0;    /* stop */
    for (int k = 0; k < n; k++)
        sq_async_rx_put_bit(r, bits[k], 0, &c);
    ck_assert(c.framing_error);
    sq_async_format bad = { 9, SQ_PARITY_NONE, 1 };
    sq_async_rx *x = (sq_async_rx *)1;
    ck_assert_int_eq(sq_async_rx_create(&bad, &x), SQ_EINVAL);
    ck_assert_ptr_null(x);
    sq_async_rx_destroy(r);
}
END_TEST

/* The demodulator's bits do not depend on how the input is cut into blocks. */
/* V.14: a character whose stop bit was left out is accepted, and the 0 in its place starts
 * the next one; only once in 8 characters. */
START_TEST(test_async_deleted_stop_bits)
{
    sq_async_rx *r = NULL;
    ck_assert_int_eq(sq_async_rx_create(&SQ_ASYNC_8N1, &r), SQ_OK);
    sq_async_rx_accept_deleted_stops(r, 1);
    const char *text = "squeal runs fast!";
    uint8_t bits[400];
    size_t n = 0;
    bits[n++] = 1;
    for (size_t i = 0; text[i]; i++) {
        n += (size_t)sq_async_frame_byte(&SQ_ASYNC_8N1, (uint8_t)text[i], bits + n);
        if (i == 2 || i == 10)   /* 8 characters apart: both allowed */
            n--;
    }
    bits[n++] = 1;
    char got[64] = { 0 };
    size_t k = 0, deleted = 0, errors = 0;
    for (size_t i = 0; i < n; i++) {
        sq_async_char c;
        if (sq_async_rx_put_bit(r, bits[i], i, &c)) {
            errors += c.framing_error;
            deleted += c.stop_deleted;
            if (!c.framing_error)
                got[k++] = (char)c.byte;
        }
    }
    ck_assert_str_eq(got, text);
    ck_assert_uint_eq(deleted, 2);
    ck_assert_uint_eq(errors, 0);
    /* two deletions 3 characters apart: the second is an error */
    sq_async_rx_reset(r);
    n = 0;
    bits[n++] = 1;
    for (int i = 0; i < 6; i++) {
        n += (size_t)sq_async_frame_byte(&SQ_ASYNC_8N1, (uint8_t)('a' + i), bits + n);
        if (i == 1 || i == 4)
            n--;
    }
    errors = deleted = 0;
    for (size_t i = 0; i < n; i++) {
        sq_async_char c;
        if (sq_async_rx_put_bit(r, bits[i], i, &c)) {
            errors += c.framing_error;
            deleted += c.stop_deleted;
        }
    }
    ck_assert_uint_eq(deleted, 1);
    ck_assert_uint_ge(errors, 1);
    /* a break (30 zeros): a NUL whose stop bit seems deleted, then an error; without V.14,
     * no deletions at all */
    sq_async_char c;
    sq_async_rx_reset(r);
    (void)sq_async_rx_put_bit(r, 1, 0, &c);
    int chars = 0, nul_deleted = 0, err = 0;
    for (int i = 0; i < 30; i++)
        if (sq_async_rx_put_bit(r, 0, (uint64_t)i, &c)) {
            chars++;
            nul_deleted += c.byte == 0 && c.stop_deleted;
            err += c.framing_error;
        }
    ck_assert(chars == 2 && nul_deleted == 1 && err == 1);
    int done;
    sq_async_rx_accept_deleted_stops(r, 0);
    sq_async_rx_reset(r);
    (void)sq_async_rx_put_bit(r, 1, 0, &c);
    n = (size_t)sq_async_frame_byte(&SQ_ASYNC_8N1, 'x', bits);
    bits[n - 1] = 0;
    done = 0;
    for (size_t i = 0; i < n; i++)
        done |= sq_async_rx_put_bit(r, bits[i], i, &c);
    ck_assert(done && c.framing_error);
    sq_async_rx_destroy(r);
}
END_TEST

START_TEST(test_demod_chunking_invariance)
{
    sig s = make_fsk(&SQ_FSK_V21_CH2, &SQ_ASYNC_8N1, TEXT, -20.0, 5.0);
    add_noise(&s, sq_noise_rms_for_snr(-20.0, 8.0), 11);
    /* chunk lengths, and bits taken per call: the demodulator stops at its bit limit
     * within a chunk (and within the blocks it reads a chunk in) and goes on from there */
    const size_t blocks[] = { 1, 7, 160, 4096, 4096, 1000 };
    const size_t bits_per_call[] = { 2000, 2000, 2000, 2000, 1, 3 };
    sq_fsk_bit ref[2000], got[2000];
    size_t n_ref = 0;
    for (int b = 0; b < 6; b++) {
        sq_fskdemod *d = NULL;
        ck_assert_int_eq(sq_fskdemod_create(&SQ_FSK_V21_CH2, &d), SQ_OK);
        size_t n = 0;
        for (size_t i = 0; i < s.n;) {
            size_t len = s.n - i < blocks[b] ? s.n - i : blocks[b], nb = 0;
            size_t room = 2000 - n < bits_per_call[b] ? 2000 - n : bits_per_call[b];
            i += sq_fskdemod_process(d, s.x + i, len, got + n, room, &nb);
            n += nb;
        }
        if (b == 0) {
            memcpy(ref, got, sizeof ref);
            n_ref = n;
        } else {
            ck_assert_uint_eq(n, n_ref);
            ck_assert_mem_eq(ref, got, n * sizeof got[0]);
        }
        /* a reset demodulator behaves as a fresh one */
        sq_fskdemod_reset(d);
        size_t nb = 0;
        sq_fskdemod_process(d, s.x, s.n, got, 2000, &nb);
        ck_assert_uint_eq(nb, n_ref);
        ck_assert_mem_eq(ref, got, nb * sizeof got[0]);
        sq_fskdemod_destroy(d);
    }
    sig_free(&s);
}
END_TEST

/* Two modulators given the same bits give the same samples. */
START_TEST(test_mod_deterministic)
{
    sig a = make_fsk(&SQ_FSK_V21_CH1, &SQ_ASYNC_8N1, TEXT, -13.0, 0.0);
    sig b = make_fsk(&SQ_FSK_V21_CH1, &SQ_ASYNC_8N1, TEXT, -13.0, 0.0);
    ck_assert_uint_eq(a.n, b.n);
    ck_assert_mem_eq(a.x, b.x, a.n * sizeof a.x[0]);
    ck_assert_double_eq_tol(sq_power_to_dbm0(mean_power(a.x, a.n)), -13.0, 0.05);
    sig_free(&a);
    sig_free(&b);
}
END_TEST

START_TEST(test_fsk_invalid_arguments)
{
    sq_fskmod *m = (sq_fskmod *)1;
    sq_fskdemod *d = (sq_fskdemod *)1;
    sq_fskmod_params mp;
    sq_fskmod_default_params(&SQ_FSK_V21_CH1, &mp);
    mp.sample_rate_hz = 7000;
    ck_assert_int_eq(sq_fskmod_create(&mp, &m), SQ_EINVAL);
    ck_assert_ptr_null(m);
    sq_fskmod_default_params(&SQ_FSK_V21_CH1, &mp);
    mp.queue_bits = 0;
    ck_assert_int_eq(sq_fskmod_create(&mp, &m), SQ_EINVAL);
    ck_assert_int_eq(sq_fskmod_create(NULL, &m), SQ_EINVAL);
    sq_fskmod_default_params(NULL, &mp);   /* no channel: baud 0 */
    ck_assert_int_eq(sq_fskmod_create(&mp, &m), SQ_EINVAL);
    sq_fsk_params bad = SQ_FSK_V21_CH1;
    bad.baud = 0.0;
    ck_assert_int_eq(sq_fskdemod_create(&bad, &d), SQ_EINVAL);
    ck_assert_ptr_null(d);
    bad = SQ_FSK_V21_CH1;
    bad.space_hz = bad.mark_hz;
    ck_assert_int_eq(sq_fskdemod_create(&bad, &d), SQ_EINVAL);
    sq_fskmod_destroy(NULL);
    sq_fskdemod_destroy(NULL);
}
END_TEST

/* BER at 2 dB SNR (0-4 kHz), 60000 bits, fixed seed. The ideal non-coherent orthogonal
 * BFSK bound there is 1.3e-5; V.21's 200 Hz spacing is not orthogonal over a bit, so we
 * require the receiver to be within 1.5 dB of that bound: BER <= bound(0.5 dB) = 2.9e-4
 * (measured: about 4.5e-5). */
START_TEST(test_ber_against_theory)
{
    fsk_ber_result r = fsk_ber_squeal(PRESETS[_i], 60000, 2.0, 5);
    double ber = (double)r.errors / (double)r.bits, limit = fsk_ber_theory(0.5, 300.0);
    ck_assert_uint_gt(r.bits, 59000);
    ck_assert_msg(ber <= limit, "%s BER %.2e > %.2e", PRESETS[_i]->name, ber, limit);
}
END_TEST

Suite *fsk_suite(void);
Suite *fsk_suite(void)
{
    Suite *s = suite_create("fsk");
    TCase *tc = tcase_create("modem");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_round_trip_corners, 0, 4);
    tcase_add_loop_test(tc, test_async_formats, 0, 24);
    tcase_add_test(tc, test_async_errors_reported);
    tcase_add_test(tc, test_async_deleted_stop_bits);
    tcase_add_test(tc, test_demod_chunking_invariance);
    tcase_add_test(tc, test_mod_deterministic);
    tcase_add_test(tc, test_fsk_invalid_arguments);
    tcase_add_loop_test(tc, test_ber_against_theory, 0, 4);
    suite_add_tcase(s, tc);
    return s;
}
