/* V.8 session: transmit and receive plumbing shared by both roles, and the public API
 * (include/squeal/v8_session.h). The role's state machine is in v8_caller.c or
 * v8_answerer.c. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "src/proto/v8_session_internal.h"
#include "squeal/async.h"
#include "squeal/error.h"

#define TX_QUEUE_BITS 512

uint32_t sq_v8_implemented_modes(void)
{
    return SQ_V8_V22BIS | SQ_V8_V21;   /* the V.8 bit for V.22bis covers V.22 too */
}

void sq_v8_default_settings(sq_role role, sq_v8_settings *s)
{
    memset(s, 0, sizeof *s);
    s->role = role;
    s->modes = sq_v8_implemented_modes();
    s->use_v8 = 1;
    s->answer_tone = SQ_TONE_ANSAM_PR;
    s->call_signal = SQ_CALL_SIGNAL_NONE;
    s->tx_level_dbm0 = -13.0;
}

const char *sq_v8_outcome_to_str(sq_v8_outcome o)
{
    static const char *const names[] = { "running", "done", "fallback", "failed" };
    return (int)o >= 0 && o <= SQ_V8_FAILED ? names[o] : "unknown";
}

/* The one tone a side may send, made with the session: the answerer's ANSam (or ANS when V.8
 * is off); the caller's CT when it calls with CT. */
static int make_own_tone(sq_v8_session *s)
{
    sq_tone_kind kind;
    double seconds;
    if (s->set.role == SQ_ROLE_ANSWERER) {
        kind = s->set.use_v8 ? s->set.answer_tone : SQ_TONE_ANS;
        seconds = s->set.use_v8 ? ANSAM_SECONDS : ANS_SECONDS;
    } else if (s->set.call_signal == SQ_CALL_SIGNAL_CT) {
        kind = SQ_TONE_CT;
        seconds = CT_SECONDS;
    } else {
        return SQ_OK;
    }
    sq_tone_params p;
    sq_tone_default_params(kind, SQ_PROCESSING_RATE_HZ, &p);
    p.duration_s = seconds;
    return sq_tonegen_create(&p, &s->tone);
}

int sq_v8_session_create(const sq_v8_settings *set, sq_v8_session **out)
{
    if (!out)
        return SQ_EINVAL;
    *out = NULL;
    if (!set || (set->role != SQ_ROLE_CALLER && set->role != SQ_ROLE_ANSWERER) ||
        (set->modes & ~((1u << SQ_V8_MOD_COUNT) - 1u)) || sq_v8_best_mode(set->modes) == 0 ||
        !(set->tx_level_dbm0 >= -60.0 && set->tx_level_dbm0 <= 0.0))
        return SQ_EINVAL;
    sq_v8_session *s = calloc(1, sizeof *s);
    if (!s)
        return SQ_ENOMEM;
    s->set = *set;
    int caller = set->role == SQ_ROLE_CALLER;
    /* The caller sends on V.21 channel 1 and listens on channel 2; the answerer the reverse. */
    const sq_fsk_params *mine = caller ? &SQ_FSK_V21_CH1 : &SQ_FSK_V21_CH2;
    const sq_fsk_params *theirs = caller ? &SQ_FSK_V21_CH2 : &SQ_FSK_V21_CH1;
    static const double answer_tone_hz[] = { 2100.0 };
    sq_fskmod_params mp;
    sq_fskmod_default_params(mine, &mp);
    mp.level_dbm0 = set->tx_level_dbm0;
    mp.queue_bits = TX_QUEUE_BITS;
    int rc = sq_fskmod_create(&mp, &s->fsk_tx);
    if (rc == SQ_OK)
        rc = sq_fskdemod_create(theirs, &s->fsk_rx);
    if (rc == SQ_OK)
        rc = sq_v8_rx_create(caller ? SQ_V8_JM : SQ_V8_CM, &s->v8rx);
    if (rc == SQ_OK && caller)
        rc = sq_tonerx_create(answer_tone_hz, 1, &s->tones);
    if (rc == SQ_OK)
        rc = make_own_tone(s);
    if (rc != SQ_OK) {
        sq_v8_session_destroy(s);
        return rc;
    }
    *out = s;
    return SQ_OK;
}

void v8s_note(sq_v8_session *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sq_note_ring_add(&s->notes, s->n, fmt, ap);
    va_end(ap);
}

void v8s_enter(sq_v8_session *s, int state)
{
    s->state = state;
    s->state_start = s->n;
}

void v8s_send_silence(sq_v8_session *s)
{
    s->tx = TX_SILENCE;
    s->repeat = 0;
    sq_fskmod_truncate(s->fsk_tx, 0);
}

void v8s_send_tone(sq_v8_session *s)
{
    if (!s->tone)
        return;
    sq_tonegen_reset(s->tone);
    s->tx = TX_TONE;
}

/* Ten 1s, the CI or CM/JM sync, then the framed octets (spec 3.2). */
static size_t build_sequence(const sq_v8_msg *m, uint8_t *bits)
{
    static const uint8_t cm_jm_sync[10] = { 0, 0, 0, 0, 0, 0, 1, 1, 1, 1 };
    static const uint8_t ci_sync[10] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
    const uint8_t *sync = m->type == SQ_V8_CI ? ci_sync : cm_jm_sync;
    uint8_t octets[SQ_V8_MAX_OCTETS];
    int n = sq_v8_encode(m, octets, sizeof octets);
    size_t k = 0;
    memset(bits, 1, 10);
    k += 10;
    memcpy(bits + k, sync, 10);
    k += 10;
    for (int i = 0; i < n; i++)
        k += (size_t)sq_async_frame_byte(&SQ_ASYNC_8N1, octets[i], bits + k);
    return k;
}

void v8s_send_menu(sq_v8_session *s, const sq_v8_msg *m)
{
    s->seq_len = build_sequence(m, s->seq);
    s->repeat = 1;
    s->tx = TX_FSK;
    sq_fskmod_truncate(s->fsk_tx, 0);
}

void v8s_send_sequences(sq_v8_session *s, const sq_v8_msg *m, int count)
{
    s->seq_len = build_sequence(m, s->seq);
    s->repeat = 0;
    s->tx = TX_FSK;
    sq_fskmod_truncate(s->fsk_tx, 0);
    for (int i = 0; i < count; i++)
        sq_fskmod_push_bits(s->fsk_tx, s->seq, s->seq_len);
}

void v8s_finish_sequence(sq_v8_session *s)
{
    size_t pending = sq_fskmod_pending_bits(s->fsk_tx);
    if (s->tx == TX_FSK && s->seq_len)
        sq_fskmod_truncate(s->fsk_tx, pending % s->seq_len);
    s->repeat = 0;
}

void v8s_finish_octet_then_cj(sq_v8_session *s)
{
    /* Sequences are queued whole and every field is 10 bits long, so the octet on the line
     * ends at the next multiple of 10 bits into the sequence being sent. */
    size_t pending = sq_fskmod_pending_bits(s->fsk_tx);
    size_t into = pending % s->seq_len ? s->seq_len - pending % s->seq_len : 0;
    size_t to_boundary = (10 - into % 10) % 10;
    sq_fskmod_truncate(s->fsk_tx, to_boundary);
    uint8_t cj[30];
    for (int i = 0; i < 3; i++)
        sq_async_frame_byte(&SQ_ASYNC_8N1, 0x00, cj + 10 * i);
    sq_fskmod_push_bits(s->fsk_tx, cj, sizeof cj);
    s->repeat = 0;
    s->tx = TX_FSK;
}

void v8s_send_mark(sq_v8_session *s)
{
    sq_fskmod_truncate(s->fsk_tx, 0);
    s->repeat = 0;
    s->tx = TX_FSK;
}

int v8s_tx_idle(const sq_v8_session *s)
{
    return s->tx == TX_SILENCE || (s->tx == TX_TONE && sq_tonegen_remaining(s->tone) == 0) ||
           (s->tx == TX_FSK && !s->repeat && sq_fskmod_pending_bits(s->fsk_tx) == 0);
}

void v8s_describe_modes(uint32_t modes, char *out, size_t len)
{
    size_t k = 0;
    out[0] = 0;
    for (int i = 0; i < SQ_V8_MOD_COUNT && k < len; i++)
        if (modes & (1u << i))
            k += (size_t)snprintf(out + k, len - k, "%s%s", k ? "," : "", sq_v8_mod_to_str(1u << i));
    if (k == 0)
        snprintf(out, len, "none");
}

void v8s_note_modes(sq_v8_session *s, const char *what, uint32_t modes)
{
    char list[128];
    v8s_describe_modes(modes, list, sizeof list);
    v8s_note(s, "%s %s", what, list);
}

void v8s_finish(sq_v8_session *s, sq_v8_outcome outcome, uint32_t mode, const char *why)
{
    if (s->result.outcome != SQ_V8_RUNNING)
        return;
    s->result.outcome = outcome;
    s->result.mode = mode;
    s->result.done_sample = s->n;
    snprintf(s->result.reason, sizeof s->result.reason, "%s", why);
    v8s_note(s, "%s: %s", sq_v8_outcome_to_str(outcome), why);
}

static void generate(sq_v8_session *s, float *tx, size_t n)
{
    if (s->tx == TX_FSK) {
        if (s->repeat && sq_fskmod_pending_bits(s->fsk_tx) < s->seq_len)
            sq_fskmod_push_bits(s->fsk_tx, s->seq, s->seq_len);
        sq_fskmod_generate(s->fsk_tx, tx, n);
        return;
    }
    size_t got = s->tx == TX_TONE ? sq_tonegen_generate(s->tone, tx, n) : 0;
    memset(tx + got, 0, (n - got) * sizeof *tx);
}

/* Two identical valid sequences in a row make a message accepted (V.8 7.x). */
static void hear(sq_v8_session *s, const float *rx, size_t n)
{
    if (s->tones)
        (void)sq_tonerx_process(s->tones, rx, n);
    sq_fsk_bit bits[16];
    size_t nb = 0, done = 0;
    while (done < n) {
        done += sq_fskdemod_process(s->fsk_rx, rx + done, n - done, bits, 16, &nb);
        for (size_t i = 0; i < nb; i++) {
            sq_v8_rx_msg m;
            if (!sq_v8_rx_put_bit(s->v8rx, bits[i].bit, bits[i].sample, (double)SQ_PROCESSING_RATE_HZ / 300.0, &m))
                continue;
            if (m.msg.type == SQ_V8_CJ) {   /* an answerer hears the CJ whole, or not yet */
                s->heard_cj |= m.valid;
                continue;
            }
            if (m.msg.type == SQ_V8_CI) {   /* tells the answerer V.8 is coming; no more */
                if (m.valid && !s->heard_ci++)
                    v8s_note(s, "CI received (%s call)", sq_v8_call_function_to_str(m.msg.call_function));
                continue;
            }
            if (!m.valid)
                continue;
            int same = s->last_count && m.msg.n_octets == s->last.n_octets &&
                       memcmp(m.msg.octets, s->last.octets, m.msg.n_octets) == 0;
            s->last_count = same ? s->last_count + 1 : 1;
            s->last = m.msg;
            if (s->last_count >= 2 && !s->accepted) {
                s->heard = m.msg;
                s->accepted = 1;
            }
        }
    }
    if (!sq_fskdemod_carrier(s->fsk_rx)) {
        s->carrier_since = 0;
        if (!s->carrier_off_since)
            s->carrier_off_since = s->n + n;
    } else {
        s->carrier_off_since = 0;
        if (!s->carrier_since)
            s->carrier_since = s->n + n;
    }
}

void sq_v8_session_process(sq_v8_session *s, const float *rx, float *tx, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t at = (size_t)(s->n % SQ_STEP_SAMPLES);
        if (at == 0)   /* this step's sound, from the state the last step left */
            generate(s, s->tx_step, SQ_STEP_SAMPLES);
        size_t len = SQ_STEP_SAMPLES - at < n - i ? SQ_STEP_SAMPLES - at : n - i;
        memcpy(tx + i, s->tx_step + at, len * sizeof *tx);
        hear(s, rx + i, len);
        s->n += len;
        i += len;
        if (s->n % SQ_STEP_SAMPLES == 0 && s->result.outcome == SQ_V8_RUNNING)
            (s->set.role == SQ_ROLE_CALLER ? v8_caller_step : v8_answerer_step)(s);
    }
}

const sq_v8_result *sq_v8_session_status_get(const sq_v8_session *s)
{
    return &s->result;
}

const sq_v8_result *sq_v8_session_result(const sq_v8_session *s)
{
    return sq_v8_session_status_get(s);
}

int sq_v8_session_next_note(sq_v8_session *s, sq_v8_note *note)
{
    return sq_note_ring_pop(&s->notes, note);
}

void sq_v8_session_destroy(sq_v8_session *s)
{
    if (!s)
        return;
    sq_tonegen_destroy(s->tone);
    sq_fskmod_destroy(s->fsk_tx);
    sq_fskdemod_destroy(s->fsk_rx);
    sq_v8_rx_destroy(s->v8rx);
    sq_tonerx_destroy(s->tones);
    free(s);
}
