/* V.22bis / V.22 session: the object, the sample loop and the start-up handshake
 * (V.22bis 6.3; spec 4.6-4.9). The parts: src/proto/v22bis_internal.h. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "src/proto/v22bis_internal.h"

void sq_v22_default_settings(sq_role role, sq_v22_settings *s)
{
    memset(s, 0, sizeof *s);
    s->role = role;
    s->max_rate = 2400;
    s->tx_level_dbm0 = -13.0;
    s->format = SQ_ASYNC_8N1;
}

void v22s_note(sq_v22_session *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sq_note_ring_add(&s->notes, s->n, fmt, ap);
    va_end(ap);
}

void v22s_enter(sq_v22_session *s, enum state st)
{
    s->state = st;
    s->state_start = s->n;
    s->st.state = v22s_state_to_str(st);
}

const char *v22s_state_to_str(enum state st)
{
    switch (st) {
    case ST_CALLER_WAIT_USB1: return "waiting for USB1";
    case ST_CALLER_SILENCE: return "silent after USB1";
    case ST_CALLER_WAIT_REPLY: return "waiting for S1 or SB1";
    case ST_ANSWERER_USB1: return "sending USB1";
    case ST_S1_HEARD: return "hearing S1";
    case ST_TRAIN_2400: return "training at 2400 bit/s";
    case ST_TRAIN_1200: return "training at 1200 bit/s";
    case ST_DATA: return "data";
    case ST_RETRAIN_WAIT_S1: return "retrain: waiting for S1 back";
    case ST_RETRAIN_S1_HEARD: return "retrain: hearing S1";
    case ST_RETRAIN_2400: return "retrain: training at 2400 bit/s";
    case ST_RETRAIN_1200: return "retrain: training at 1200 bit/s";
    case ST_ENDED: return "ended";
    }
    return "?";
}

/* The mean squared slicer error (grid units) of symbols at snr_db, and back. */
double v22s_error_at_snr(double snr_db)
{
    return SQ_QAM_GRID_POWER * pow(10.0, -snr_db / 10.0);
}

double v22s_snr_of_error(double err)
{
    return 10.0 * log10(SQ_QAM_GRID_POWER / err);
}

void v22s_end_call(sq_v22_session *s, const char *why)
{
    if (s->st.phase == SQ_V22_ENDED)
        return;
    s->st.phase = SQ_V22_ENDED;
    snprintf(s->st.reason, sizeof s->st.reason, "%s", why);
    v22s_note(s, "NO CARRIER: %s", why);
    if (s->held_n)
        v22s_note(s, "%zu characters decoded as the carrier went dropped", s->held_n);
    s->held_n = 0;
    v22s_send_signal(s, TX_SILENT, 0);
    v22s_enter(s, ST_ENDED);
}

int sq_v22_session_create(const sq_v22_settings *set, sq_v22_session **out)
{
    if (!out)
        return SQ_EINVAL;
    *out = NULL;
    if (!set || (set->role != SQ_ROLE_CALLER && set->role != SQ_ROLE_ANSWERER) ||
        (set->max_rate != 2400 && set->max_rate != 1200) ||
        (set->guard_hz != 0 && set->guard_hz != 550 && set->guard_hz != 1800) ||
        (set->guard_hz && set->role != SQ_ROLE_ANSWERER) || (!set->get_bit != !set->put_bit) ||
        !(set->tx_level_dbm0 >= -60.0 && set->tx_level_dbm0 <= 0.0) ||
        sq_async_format_check(&set->format) != SQ_OK)
        return SQ_EINVAL;
    sq_v22_session *s = calloc(1, sizeof *s);
    if (!s)
        return SQ_ENOMEM;
    s->set = *set;
    int caller = set->role == SQ_ROLE_CALLER;
    /* The caller sends on the low channel and hears the high one; the answerer the reverse. */
    double mine = caller ? SQ_QAM_CALLER_CARRIER_HZ : SQ_QAM_ANSWERER_CARRIER_HZ;
    double theirs = caller ? SQ_QAM_ANSWERER_CARRIER_HZ : SQ_QAM_CALLER_CARRIER_HZ;
    int rc = sq_qam_tx_create(mine, set->tx_level_dbm0, set->guard_hz, &s->qtx);
    if (rc == SQ_OK)
        rc = sq_qam_rx_create(theirs, &s->qrx);
    if (rc == SQ_OK)
        rc = sq_async_rx_create(&set->format, &s->arx);
    if (rc != SQ_OK) {
        sq_v22_session_destroy(s);
        return rc;
    }
    sq_v22_scrambler_init(&s->scr);
    sq_v22_detector_init(&s->det);
    sq_async_rx_accept_deleted_stops(s->arx, 1);   /* V.14: the far end's DTE may run fast */
    s->i_want_2400 = set->max_rate == 2400;
    s->far_v22bis = set->far_v22bis;
    if (caller) {
        v22s_enter(s, ST_CALLER_WAIT_USB1);
    } else {
        v22s_send_signal(s, TX_USB1, 1200);
        v22s_note(s, "USB1 sent%s", set->guard_hz ? " with guard tone" : "");
        v22s_enter(s, ST_ANSWERER_USB1);
    }
    *out = s;
    return SQ_OK;
}

void v22s_use_bits(sq_v22_session *s, uint8_t (*get_bit)(void *), void (*put_bit)(void *, uint8_t), void *user)
{
    s->set.get_bit = get_bit;
    s->set.put_bit = put_bit;
    s->set.bit_user = user;
}

static void start_data_if_ready(sq_v22_session *s)
{
    int retraining = v22s_retraining(s->state);
    if (!s->tx_ready || !s->rx_ready || (s->st.phase != SQ_V22_HANDSHAKE && !retraining))
        return;
    s->first_char_at = s->n + FIRST_CHAR_HOLD;
    s->fast_err = s->slow_err = s->line_err = v22s_error_at_snr(sq_qam_rx_snr_db(s->qrx));
    s->data_since = s->n;
    s->fault_at = 0;
    s->retrained_at = retraining ? s->n : 0;
    s->retrains_unfinished = 0;
    sq_v22_detector_init(&s->s1_watch);
    v22s_enter(s, ST_DATA);
    if (retraining) {
        if (s->st.phase == SQ_V22_DATA) {
            v22s_note(s, "retrained: data at %d bit/s%s (symbol SNR %.1f dB)", s->st.rate,
                 s->st.rate == s->rate_before ? " again" : s->st.rate > s->rate_before ? ", up from 1200" : ", down from 2400",
                 sq_qam_rx_snr_db(s->qrx));
            return;
        }
    }
    s->st.phase = SQ_V22_DATA;
    s->st.data_sample = s->n;
    v22s_note(s, "CONNECT %d (symbol SNR %.1f dB)", s->st.rate, sq_qam_rx_snr_db(s->qrx));
}

static void heard_s1_end(sq_v22_session *s)
{
    s->s1_end = s->n;
    /* a receiver still locked from data (a retrain's responder) measured S1 derotated: its
     * carrier loop already knows the offset better than S1's differential phase does */
    if (!s->rx_kept_lock)
        sq_qam_rx_set_freq_offset(s->qrx, s->det.foff_hz);
    s->rx_kept_lock = 0;
    sq_qam_rx_set_decide(s->qrx, SQ_QAM_DECIDE_4);
    s->rx_rate = 1200;
    s->st.rate = 2400;
    v22s_note(s, "S1 received (symbol SNR %.1f dB): 2400 bit/s", s->det.quality_db);
    v22s_enter(s, v22s_retraining(s->state) ? ST_RETRAIN_2400 : ST_TRAIN_2400);
}

/* V.22 path: SB1 heard for 270 ms (no S1), or we chose 1200 ourselves. */
static void go_1200(sq_v22_session *s, const char *why)
{
    s->st.rate = 1200;
    s->rx_rate = 1200;
    sq_qam_rx_set_freq_offset(s->qrx, s->det.foff_hz);
    sq_qam_rx_set_decide(s->qrx, SQ_QAM_DECIDE_4);
    if (s->tx != TX_SB1 && s->tx != TX_S1)
        v22s_send_signal(s, TX_SB1, 1200);
    if (s->set.role == SQ_ROLE_CALLER) {
        s->rx_ready = 1;   /* caller: 109 ON now, data out 765 ms later */
    }
    s->tx_ready_at = s->n + V22_READY;
    v22s_note(s, "%s: 1200 bit/s", why);
    v22s_enter(s, ST_TRAIN_1200);
}

/* The caller, after USB1 and its silence: S1 if it wants 2400 and the line allows, SB1 if not. */
static void caller_choose_rate(sq_v22_session *s)
{
    /* USB1 has gone on through the silence: its whole length measures the line */
    s->i_want_2400 = s->set.max_rate == 2400 && s->det.quality_db >= MIN_SNR_2400_DB;
    if (s->i_want_2400) {
        v22s_send_signal(s, TX_S1, 1200);
        v22s_note(s, "S1 sent");
    } else {
        v22s_send_signal(s, TX_SB1, 1200);
        v22s_note(s, "SB1 sent at 1200 bit/s (%s, symbol SNR %.1f dB)", s->set.max_rate == 2400 ? "line too poor for 2400" : "V.22", s->det.quality_db);
    }
    s->det.sb1_bits = 0;
    v22s_enter(s, ST_CALLER_WAIT_REPLY);
}

/* S1 coming in: at its end, the rate this side wants (V.22bis 6.3.1.2; in a retrain, 6.6). */
static void s1_heard_step(sq_v22_session *s)
{
    s->far_v22bis = 1;
    if (s->det.s1_run == 0 && s->state == ST_RETRAIN_S1_HEARD) {
        v22s_retrain_rate_choice(s);
        heard_s1_end(s);
    } else if (s->det.s1_run == 0) {   /* S1 ended */
        int caller = s->set.role == SQ_ROLE_CALLER;
        if (!caller)
            s->i_want_2400 = s->set.max_rate == 2400 && s->det.quality_db >= ANSWERER_MIN_SNR_2400_DB;
        if (caller && s->i_want_2400) {
            heard_s1_end(s);
        } else if (!caller && s->i_want_2400) {
            heard_s1_end(s);
            v22s_send_signal(s, TX_S1, 1200);
            v22s_note(s, "S1 sent");
        } else if (caller) {
            /* we left S1 out, the answerer did not: a V.22bis answerer that will settle
             * on our SB1 at 1200 */
            go_1200(s, "S1 heard, but we asked for 1200");
        } else {
            char why[96];
            if (s->set.max_rate == 2400)
                snprintf(why, sizeof why, "S1 heard (symbol SNR %.1f dB, too poor for 2400)", s->det.quality_db);
            else
                snprintf(why, sizeof why, "S1 heard (V.22 only)");
            go_1200(s, why);
        }
    }
}

/* After the S1 heard: the 2400 bit/s training's timers (V.22bis 6.3.1.1.2, 6.3.1.2.2),
 * or 1200 if either end asked for it in a retrain; 5 s without data is a training gone wrong. */
static void train_2400_step(sq_v22_session *s)
{
    uint64_t since = s->n - s->s1_end;
    int retraining = s->state == ST_RETRAIN_2400;
    if (since >= DECIDE16_AFTER_S1 && retraining && (s->retrain_1200 || s->far_1200)) {
        v22s_retrain_to_1200(s);
        return;
    }
    if (since >= DECIDE16_AFTER_S1)
        sq_qam_rx_set_decide(s->qrx, SQ_QAM_DECIDE_16);
    if (since >= RATE2400_AFTER_S1 && s->tx_rate == 1200) {
        v22s_send_signal(s, TX_SB1, 2400);
        v22s_note(s, "SB1 at 2400 bit/s");
    }
    if (since >= RATE2400_AFTER_S1 + SB1_2400 && !s->tx_ready) {
        s->tx_ready = 1;
        v22s_send_signal(s, TX_DATA, 2400);
    }
    start_data_if_ready(s);
    if (since > SQ_MS(5000) && (s->st.phase == SQ_V22_HANDSHAKE || retraining)) {
        /* with error control above, a first training a sound server's skip spoilt is
         * tried once more as a retrain (the far end may already be in data, where it
         * answers S1); without, the call ends as it always did */
        if (s->set.put_bit && s->st.phase == SQ_V22_HANDSHAKE && !retraining && !s->st.retrains)
            v22s_start_own_retrain(s, s->n, "training at 2400 bit/s did not finish");
        else if (retraining && s->retrains_unfinished < RETRAIN_AGAIN_MAX) {
            s->retrains_unfinished++;
            v22s_start_own_retrain(s, s->n, "the retrain did not finish: retraining again");
        } else
            v22s_end_call(s, retraining ? "retrain did not finish" : "training at 2400 bit/s did not finish");
    }
}

static void step(sq_v22_session *s)
{
    uint64_t in_state = s->n - s->state_start;
    switch (s->state) {
    case ST_CALLER_WAIT_USB1:
        if (s->det.usb1_run >= USB1_SYMBOLS) {
            v22s_note(s, "USB1 detected (symbol SNR %.1f dB)", s->det.quality_db);
            v22s_enter(s, ST_CALLER_SILENCE);
        } else if (in_state > ANSWER_WAIT) {
            v22s_end_call(s, "no answering carrier (USB1)");
        }
        break;
    case ST_CALLER_SILENCE:
        if (in_state >= CALLER_SILENCE)
            caller_choose_rate(s);
        break;
    case ST_CALLER_WAIT_REPLY:
    case ST_ANSWERER_USB1:
        if (s->det.s1_run >= SQ_V22_S1_DETECT_SYMBOLS) {
            v22s_enter(s, ST_S1_HEARD);
        } else if (s->det.sb1_bits >= SQ_V22_SB1_DETECT_BITS) {
            go_1200(s, "SB1 heard without S1");
        } else if (in_state > ANSWER_WAIT) {
            v22s_end_call(s, "no reply to the handshake");
        }
        break;
    case ST_S1_HEARD:
    case ST_RETRAIN_S1_HEARD:
        s1_heard_step(s);
        break;
    case ST_TRAIN_2400:
    case ST_RETRAIN_2400:
        train_2400_step(s);
        break;
    case ST_TRAIN_1200:
    case ST_RETRAIN_1200:
        if (s->n >= s->tx_ready_at) {
            s->tx_ready = 1;
            s->rx_ready = 1;
            v22s_send_signal(s, TX_DATA, 1200);
            start_data_if_ready(s);
        }
        break;
    case ST_DATA:
        v22s_data_step(s);
        break;
    case ST_RETRAIN_WAIT_S1:
        v22s_retrain_step(s, in_state);
        break;
    case ST_ENDED:
        break;
    }
    v22s_watch_carrier(s);
}

/* Feeds the receiver up to each symbol instant in turn, so that what a symbol makes the
 * session do to the receiver applies from the next one, whatever the chunking; s->n counts
 * the samples heard. */
static void hear(sq_v22_session *s, const float *rx, size_t n)
{
    for (size_t k = 0; k < n;) {
        size_t want = sq_qam_rx_samples_wanted(s->qrx), m = want < n - k ? want : n - k;
        sq_qam_symbol sym[4];
        size_t ns = sq_qam_rx_process(s->qrx, rx + k, m, sym, 4);
        s->n += m;
        k += m;
        for (size_t j = 0; j < ns; j++)
            v22s_on_symbol(s, &sym[j]);
    }
}

void sq_v22_session_process(sq_v22_session *s, const float *rx, float *tx, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t at = (size_t)(s->n % SQ_STEP_SAMPLES);
        if (at == 0)   /* this step's sound, from the state the last step left */
            sq_qam_tx_generate(s->qtx, s->tx_step, SQ_STEP_SAMPLES, v22s_next_symbol, s);
        size_t len = SQ_STEP_SAMPLES - at < n - i ? SQ_STEP_SAMPLES - at : n - i;
        memcpy(tx + i, s->tx_step + at, len * sizeof *tx);
        hear(s, rx + i, len);
        i += len;
        if (s->n % SQ_STEP_SAMPLES == 0)
            step(s);
    }
    if (s->st.phase != SQ_V22_ENDED)
        v22s_release_held(s, s->n > CHAR_HOLD ? s->n - CHAR_HOLD : 0);
    s->st.snr_db = sq_qam_rx_snr_db(s->qrx);
    s->st.level_dbm0 = sq_qam_rx_level_dbm0(s->qrx);
    s->st.freq_offset_hz = sq_qam_rx_freq_offset_hz(s->qrx);
    s->st.clock_ppm = sq_qam_rx_clock_ppm(s->qrx);
}

size_t sq_v22_session_send(sq_v22_session *s, const uint8_t *data, size_t n)
{
    return sq_byte_queue_push(&s->txq, data, n);
}

size_t sq_v22_session_tx_pending(const sq_v22_session *s)
{
    return s->txq.count + (s->char_pos < s->char_len);
}

size_t sq_v22_session_receive(sq_v22_session *s, uint8_t *out, size_t max)
{
    return sq_byte_queue_pop(&s->rxq, out, max);
}

const sq_v22_status *sq_v22_session_status_get(const sq_v22_session *s)
{
    return &s->st;
}

const sq_v22_status *sq_v22_session_status(const sq_v22_session *s)
{
    return sq_v22_session_status_get(s);
}

int sq_v22_session_next_note(sq_v22_session *s, sq_v8_note *n)
{
    return sq_note_ring_pop(&s->notes, n);
}

void sq_v22_session_destroy(sq_v22_session *s)
{
    if (!s)
        return;
    sq_qam_tx_destroy(s->qtx);
    sq_qam_rx_destroy(s->qrx);
    sq_async_rx_destroy(s->arx);
    free(s);
}
