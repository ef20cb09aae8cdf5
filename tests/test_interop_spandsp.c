/* Interoperability with spandsp, an independent V.21, V.8 and connect-tone implementation:
 * our V.21 decoded by spandsp's FSK receiver, spandsp's V.21 decoded by ours, our ANSam
 * with reversals recognised by spandsp's modem_connect_tones detector, whole V.8 calls with
 * spandsp as the other side in each role, and our decoder on a call between two spandsps. */
#include <check.h>
#include <math.h>
#include <spandsp.h>
#include <stdlib.h>
#include <string.h>
#include "tests/support/test_util.h"

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

/* ---- V.8 calls: one side squeal, the other spandsp, in memory ---- */

/* squeal's mode bits and spandsp's: V.8 names the same modulations. */
static unsigned int to_spandsp_modes(uint32_t ours)
{
    static const struct { uint32_t ours; unsigned int theirs; } map[] = {
        { SQ_V8_V34, V8_MOD_V34 }, { SQ_V8_V34HDX, V8_MOD_V34HDX }, { SQ_V8_V32BIS, V8_MOD_V32 },
        { SQ_V8_V22BIS, V8_MOD_V22 }, { SQ_V8_V17, V8_MOD_V17 }, { SQ_V8_V29, V8_MOD_V29 },
        { SQ_V8_V27TER, V8_MOD_V27TER }, { SQ_V8_V26TER, V8_MOD_V26TER },
        { SQ_V8_V26BIS, V8_MOD_V26BIS }, { SQ_V8_V23, V8_MOD_V23 },
        { SQ_V8_V23HDX, V8_MOD_V23HDX }, { SQ_V8_V21, V8_MOD_V21 },
    };
    unsigned int theirs = 0;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (ours & map[i].ours)
            theirs |= map[i].theirs;
    return theirs;
}

typedef struct spandsp_v8_outcome {
    int status;               /* the last status its handler reported */
    unsigned int modulations; /* with V8_STATUS_V8_CALL: what it agreed */
} spandsp_v8_outcome;

static void on_spandsp_v8(void *user, v8_parms_t *result)
{
    spandsp_v8_outcome *o = user;
    o->status = result->status;
    if (result->status == V8_STATUS_V8_CALL)
        o->modulations = result->modulations;
}

static v8_state_t *spandsp_v8_side(int calling, uint32_t modes, spandsp_v8_outcome *o)
{
    v8_parms_t p;
    memset(&p, 0, sizeof p);
    p.modem_connect_tone = MODEM_CONNECT_TONES_ANSAM_PR;
    p.call_function = V8_CALL_V_SERIES;
    p.modulations = to_spandsp_modes(modes);
    p.protocol = V8_PROTOCOL_LAPM_V42;
    p.nsf = -1;
    p.t66 = -1;
    return v8_init(NULL, calling, &p, on_spandsp_v8, o);
}

#define V8_BLOCK 160
#define V8_CALL_LIMIT (20 * 8000)

static void spandsp_v8_block(v8_state_t *v, const float *rx, float *tx)
{
    int16_t in[V8_BLOCK], out[V8_BLOCK];
    for (size_t i = 0; i < V8_BLOCK; i++)
        in[i] = (int16_t)lrintf(fmaxf(-32768.0f, fminf(32767.0f, rx[i] * 32768.0f)));
    v8_rx(v, in, V8_BLOCK);
    int made = v8_tx(v, out, V8_BLOCK);
    for (size_t i = 0; i < V8_BLOCK; i++)
        tx[i] = (int)i < made ? (float)out[i] / 32768.0f : 0.0f;
}

/* _i = 0: squeal calls spandsp; 1: spandsp calls squeal. Both must agree on the mode: the
 * best of what both offered (V.22bis here: spandsp also offers V.34, which squeal lacks). */
START_TEST(test_v8_call_with_spandsp)
{
    const uint32_t our_modes = SQ_V8_V22BIS | SQ_V8_V21;
    const uint32_t their_modes = SQ_V8_V34 | SQ_V8_V22BIS | SQ_V8_V21;
    int we_call = _i == 0;
    sq_v8_settings set;
    sq_v8_default_settings(we_call ? SQ_ROLE_CALLER : SQ_ROLE_ANSWERER, &set);
    set.modes = our_modes;
    sq_v8_session *us = NULL;
    ck_assert_int_eq(sq_v8_session_create(&set, &us), SQ_OK);
    spandsp_v8_outcome theirs = { .status = -1 };
    v8_state_t *them = spandsp_v8_side(!we_call, their_modes, &theirs);
    ck_assert_ptr_nonnull(them);

    float our_tx[V8_BLOCK] = { 0 }, their_tx[V8_BLOCK] = { 0 }, our_rx[V8_BLOCK];
    size_t n = 0;
    for (; n < V8_CALL_LIMIT; n += V8_BLOCK) {
        memcpy(our_rx, their_tx, sizeof our_rx);   /* each hears the other's last block */
        spandsp_v8_block(them, our_tx, their_tx);
        sq_v8_session_process(us, our_rx, our_tx, V8_BLOCK);
        if (sq_v8_session_status_get(us)->outcome != SQ_V8_RUNNING && theirs.status == V8_STATUS_V8_CALL)
            break;
    }
    const sq_v8_result *r = sq_v8_session_status_get(us);
    ck_assert_msg(r->outcome == SQ_V8_DONE, "squeal: %s (%s)", sq_v8_outcome_to_str(r->outcome), r->reason);
    ck_assert_msg(theirs.status == V8_STATUS_V8_CALL, "spandsp ended with status %d", theirs.status);
    ck_assert_uint_eq(r->mode, SQ_V8_V22BIS);
    ck_assert_uint_eq(r->joint, our_modes);
    ck_assert_uint_eq(theirs.modulations, to_spandsp_modes(our_modes));
    ck_assert_uint_lt(n, 8 * 8000);   /* well inside V.8's own limits */
    v8_free(them);
    sq_v8_session_destroy(us);
}
END_TEST

/* Two spandsp modems make a V.8 call; squeal decodes the line mix and each direction. */
START_TEST(test_we_decode_spandsp_v8_call)
{
    spandsp_v8_outcome o[2] = { { .status = -1 }, { .status = -1 } };
    v8_state_t *side[2] = { spandsp_v8_side(1, SQ_V8_V34 | SQ_V8_V22BIS | SQ_V8_V21, &o[0]),
                            spandsp_v8_side(0, SQ_V8_V32BIS | SQ_V8_V22BIS | SQ_V8_V21, &o[1]) };
    sig dir[2] = { make_silence(10.0), make_silence(10.0) };
    float tx[2][V8_BLOCK] = { { 0 } }, prev[2][V8_BLOCK] = { { 0 } };
    for (size_t n = 0; n + V8_BLOCK <= dir[0].n; n += V8_BLOCK) {
        for (int i = 0; i < 2; i++)
            spandsp_v8_block(side[i], prev[1 - i], tx[i]);
        for (int i = 0; i < 2; i++) {
            memcpy(prev[i], tx[i], sizeof prev[i]);
            memcpy(dir[i].x + n, tx[i], sizeof tx[i]);
        }
    }
    ck_assert_int_eq(o[0].status, V8_STATUS_V8_CALL);
    ck_assert_int_eq(o[1].status, V8_STATUS_V8_CALL);
    sig mix = make_silence(10.0);
    for (size_t i = 0; i < mix.n; i++)
        mix.x[i] = dir[0].x[i] + dir[1].x[i];
    const sig *inputs[3] = { &mix, &dir[0], &dir[1] };
    for (int k = 0; k < 3; k++) {
        events e;
        decode_sig(inputs[k], 160, &e);
        int cm = find_event(&e, SQ_EVENT_CM), jm = find_event(&e, SQ_EVENT_JM);
        int ansam = find_event(&e, SQ_EVENT_ANSAM_PR);
        if (k != 1) {   /* the answerer's direction, alone or mixed */
            ck_assert_int_ge(ansam, 0);
            ck_assert_int_ge(jm, 0);
            /* spandsp 0.0.6 puts V.34 in its JM although its answerer lacks it (its JM
             * follows the CM); the decoder must report the JM as sent, as both spandsps read it. */
            ck_assert_uint_eq(to_spandsp_modes(e.ev[jm].v8.modulations), o[0].modulations);
            ck_assert_uint_eq(to_spandsp_modes(e.ev[jm].v8.modulations), o[1].modulations);
        }
        if (k != 2) {   /* the caller's */
            ck_assert_int_ge(cm, 0);
            ck_assert_uint_eq(e.ev[cm].v8.modulations, SQ_V8_V34 | SQ_V8_V22BIS | SQ_V8_V21);
            ck_assert_int_ge(find_event(&e, SQ_EVENT_CJ), 0);
        }
        if (k == 0)
            ck_assert_uint_lt(e.ev[ansam].start_s, e.ev[cm].start_s);
        if (k == 0)
            ck_assert_uint_lt(e.ev[cm].start_s, e.ev[jm].start_s);
        for (size_t j = 0; j < e.n; j++)   /* nothing but the V.8 signals */
            ck_assert_msg(e.ev[j].type != SQ_EVENT_V21 && e.ev[j].type != SQ_EVENT_BELL103,
                          "stray %s event at %.3f s", sq_event_type_to_str(e.ev[j].type),
                          e.ev[j].start_s);
    }
    for (int i = 0; i < 2; i++) {
        v8_free(side[i]);
        sig_free(&dir[i]);
    }
    sig_free(&mix);
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
    tcase_add_loop_test(tc, test_v8_call_with_spandsp, 0, 2);
    tcase_add_test(tc, test_we_decode_spandsp_v8_call);
    suite_add_tcase(s, tc);
    return s;
}
