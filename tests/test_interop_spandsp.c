/* Interoperability with spandsp, an independent V.21 and connect-tone implementation:
 * our V.21 decoded by spandsp's FSK receiver, spandsp's V.21 decoded by ours, and our
 * ANSam with reversals recognised by spandsp's modem_connect_tones detector. */
#include <check.h>
#include <math.h>
#include <spandsp.h>
#include <stdlib.h>
#include <string.h>
#include "tests/test_util.h"

static const char TEXT[] = "squeal and spandsp agree";

typedef struct rx_text {
    char buf[128];
    size_t n;
} rx_text;

static void put_byte(void *user, int byte)
{
    rx_text *t = user;
    if (byte >= 0 && t->n < sizeof t->buf - 1)
        t->buf[t->n++] = (char)byte;
}

static int16_t *to_int16(const sig *s)
{
    int16_t *y = malloc(s->n * sizeof *y);
    for (size_t i = 0; i < s->n; i++)
        y[i] = (int16_t)lrintf(fmaxf(-32768.0f, fminf(32767.0f, s->x[i] * 32768.0f)));
    return y;
}

START_TEST(test_spandsp_decodes_ours)
{
    const sq_fsk_params *ours[] = { &SQ_FSK_V21_CH1, &SQ_FSK_V21_CH2 };
    const int theirs[] = { FSK_V21CH1, FSK_V21CH2 };
    sig s = make_fsk(ours[_i], &SQ_ASYNC_8N1, TEXT, -13.0, 0.0);
    int16_t *y = to_int16(&s);
    rx_text got = { .n = 0 };
    async_rx_state_t *a = async_rx_init(NULL, 8, ASYNC_PARITY_NONE, 1, 0, put_byte, &got);
    fsk_rx_state_t *f = fsk_rx_init(NULL, &preset_fsk_specs[theirs[_i]], FSK_FRAME_MODE_SYNC,
                                    async_rx_put_bit, a);
    fsk_rx(f, y, (int)s.n);
    got.buf[got.n] = 0;
    ck_assert_str_eq(got.buf, TEXT);
    fsk_rx_free(f);
    async_rx_free(a);
    free(y);
    sig_free(&s);
}
END_TEST

/* Bits as a modem sends them: 0.2 s of mark, the framed text, then mark. */
typedef struct tx_bits {
    uint8_t bits[400];
    size_t n, pos;
} tx_bits;

static int get_bit(void *user)
{
    tx_bits *t = user;
    return t->pos < t->n ? t->bits[t->pos++] : 1;
}

START_TEST(test_we_decode_spandsp)
{
    const int theirs[] = { FSK_V21CH1, FSK_V21CH2 };
    tx_bits src = { .n = 60 };
    memset(src.bits, 1, sizeof src.bits);
    for (size_t i = 0; TEXT[i]; i++)
        src.n += (size_t)sq_async_frame_byte(&SQ_ASYNC_8N1, (uint8_t)TEXT[i], src.bits + src.n);
    fsk_tx_state_t *f = fsk_tx_init(NULL, &preset_fsk_specs[theirs[_i]], get_bit, &src);
    fsk_tx_power(f, -13.0f);
    size_t n = 9600;   /* 1.2 s: lead-in, 240 text bits, then 60 bits of mark */
    int16_t *y = malloc(n * sizeof *y);
    fsk_tx(f, y, (int)n);
    sig s = make_silence((double)n / 8000.0);
    for (size_t i = 0; i < n; i++)
        s.x[i] = (float)y[i] / 32768.0f;
    events e;
    decode_sig(&s, 160, &e);
    ck_assert_uint_eq(e.n, 1);
    ck_assert_int_eq(e.ev[0].type, SQ_EVENT_V21);
    ck_assert_int_eq(e.ev[0].fsk_channel, _i + 1);
    ck_assert_str_eq(e.text[0], TEXT);
    ck_assert_double_eq_tol(e.ev[0].level_dbm0, -13.0, 0.7);
    fsk_tx_free(f);
    free(y);
    sig_free(&s);
}
END_TEST

START_TEST(test_spandsp_recognises_our_ansam)
{
    const sq_tone_kind kinds[] = { SQ_TONE_ANSAM, SQ_TONE_ANSAM_PR, SQ_TONE_ANS, SQ_TONE_ANS_PR };
    const int want[] = { MODEM_CONNECT_TONES_ANSAM, MODEM_CONNECT_TONES_ANSAM_PR,
                         MODEM_CONNECT_TONES_ANS, MODEM_CONNECT_TONES_ANS_PR };
    sig s = make_tone(kinds[_i], -12.0, 3.0, 0.0);
    int16_t *y = to_int16(&s);
    modem_connect_tones_rx_state_t *r = modem_connect_tones_rx_init(NULL, want[_i], NULL, NULL);
    int seen = MODEM_CONNECT_TONES_NONE;
    for (size_t i = 0; i + 160 <= s.n && seen == MODEM_CONNECT_TONES_NONE; i += 160) {
        modem_connect_tones_rx(r, y + i, 160);
        seen = modem_connect_tones_rx_get(r);
    }
    ck_assert_msg(seen == want[_i], "spandsp saw %s for our %s", modem_connect_tone_to_str(seen),
                  sq_tone_kind_to_str(kinds[_i]));
    modem_connect_tones_rx_free(r);
    free(y);
    sig_free(&s);
}
END_TEST

Suite *interop_spandsp_suite(void);
Suite *interop_spandsp_suite(void)
{
    Suite *s = suite_create("interop_spandsp");
    TCase *tc = tcase_create("spandsp");
    tcase_add_loop_test(tc, test_spandsp_decodes_ours, 0, 2);
    tcase_add_loop_test(tc, test_we_decode_spandsp, 0, 2);
    tcase_add_loop_test(tc, test_spandsp_recognises_our_ansam, 0, 4);
    suite_add_tcase(s, tc);
    return s;
}
