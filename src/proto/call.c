/* One side of a whole call: V.8, then V.22bis / V.22 or V.21 data (include/squeal/call.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "squeal/async.h"
#include "squeal/call.h"
#include "squeal/error.h"
#include "squeal/fsk.h"
#include "squeal/v8.h"
#include "src/proto/lapm.h"
#include "src/proto/session_queues.h"
#include "src/proto/session_step.h"

#define V21_READY_MS 500    /* V.21 data after half a second of mark (V.21 Table 2: 109 ON 300-700 ms) */

/* V.21 as the data modem: FSK both ways, characters framed start-stop. */
typedef struct v21_data {
    sq_fskmod *tx;
    sq_fskdemod *rx;
    sq_async_rx *arx;
    uint64_t start;
    sq_byte_queue txq, rxq;
    uint64_t bits_queued;       /* bits ever handed to the modulator */
    uint64_t last_char_end;     /* bits_queued when the last character's went in */
} v21_data;

struct sq_call {
    sq_call_settings set;
    sq_call_status st;
    uint64_t n;
    sq_v8_session *v8;
    sq_v22_session *v22;
    sq_lapm *lapm;           /* V.42 above the V.22bis / V.22 modem when both agreed */
    v21_data *v21;
};

void sq_call_default_settings(sq_role role, sq_call_settings *s)
{
    memset(s, 0, sizeof *s);
    sq_v8_default_settings(role, &s->v8);
    s->max_rate = 2400;
    s->format = SQ_ASYNC_8N1;
}

int sq_call_create(const sq_call_settings *set, sq_call **out)
{
    if (!out)
        return SQ_EINVAL;
    *out = NULL;
    if (!set || sq_async_format_check(&set->format) != SQ_OK ||
        (set->max_rate != 2400 && set->max_rate != 1200) ||
        (set->guard_hz != 0 && set->guard_hz != 550 && set->guard_hz != 1800))
        return SQ_EINVAL;
    sq_call *c = calloc(1, sizeof *c);
    if (!c)
        return SQ_ENOMEM;
    c->set = *set;
    int rc = sq_v8_session_create(&set->v8, &c->v8);
    if (rc != SQ_OK) {
        free(c);
        return rc;
    }
    *out = c;
    return SQ_OK;
}

static void end(sq_call *c, int failed, const char *why)
{
    c->st.phase = SQ_CALL_ENDED;
    c->st.failed = failed;
    snprintf(c->st.reason, sizeof c->st.reason, "%s", why);
}

static void v21_destroy(v21_data *v)
{
    if (!v)
        return;
    sq_fskmod_destroy(v->tx);
    sq_fskdemod_destroy(v->rx);
    sq_async_rx_destroy(v->arx);
    free(v);
}

static v21_data *v21_create(const sq_call_settings *set, uint64_t now)
{
    v21_data *v = calloc(1, sizeof *v);
    if (!v)
        return NULL;
    int caller = set->v8.role == SQ_ROLE_CALLER;
    v->start = now;
    if (sq_fskmod_create(caller ? &SQ_FSK_V21_CH1 : &SQ_FSK_V21_CH2, SQ_PROCESSING_RATE_HZ, set->v8.tx_level_dbm0, 512, &v->tx) != SQ_OK ||
        sq_fskdemod_create(caller ? &SQ_FSK_V21_CH2 : &SQ_FSK_V21_CH1, &v->rx) != SQ_OK ||
        sq_async_rx_create(&set->format, &v->arx) != SQ_OK) {
        v21_destroy(v);
        return NULL;
    }
    return v;
}

static void v21_process(sq_call *c, const float *rx, float *tx, size_t n)
{
    v21_data *v = c->v21;
    int ready = c->n >= v->start + (uint64_t)V21_READY_MS * 8;
    if (ready && c->st.phase == SQ_CALL_TRAINING) {
        c->st.phase = SQ_CALL_DATA;
        c->st.data_sample = c->n;
    }
    /* keep about 20 bits queued: mark when idle, characters when there are some; topped up
     * only on the step grid, so the bits go out the same however the audio is chunked */
    while (c->n % SQ_STEP_SAMPLES == 0 && sq_fskmod_pending_bits(v->tx) < 20) {
        uint8_t bits[16];
        int k;
        uint8_t byte;
        if (ready && sq_byte_queue_pop(&v->txq, &byte, 1)) {
            k = sq_async_frame_byte(&c->set.format, byte, bits);
            v->last_char_end = v->bits_queued + (uint64_t)k;
        } else {
            memset(bits, 1, 10);
            k = 10;
        }
        sq_fskmod_push_bits(v->tx, bits, (size_t)k);
        v->bits_queued += (uint64_t)k;
    }
    sq_fskmod_generate(v->tx, tx, n);
    sq_fsk_bit bits[16];
    size_t nb = 0, done = 0;
    while (done < n) {
        done += sq_fskdemod_process(v->rx, rx + done, n - done, bits, 16, &nb);
        for (size_t i = 0; i < nb && ready; i++) {
            sq_async_char ch;
            if (!sq_async_rx_put_bit(v->arx, bits[i].bit, bits[i].sample, &ch))
                continue;
            if (ch.framing_error || ch.parity_error)
                c->st.char_errors++;
            else
                (void)sq_byte_queue_push(&v->rxq, &ch.byte, 1);
        }
    }
}

static uint8_t lapm_get_bit(void *user)
{
    return sq_lapm_tx_bit(user);
}

static void lapm_put_bit(void *user, uint8_t bit)
{
    sq_lapm_rx_bit(user, bit);
}

/* V.8 is over: start the data modem it chose. */
static void start_data_modem(sq_call *c, const sq_v8_result *r)
{
    c->st.mode = r->mode;
    c->st.negotiated_sample = c->n;
    c->st.phase = SQ_CALL_TRAINING;
    if (r->mode == SQ_V8_V22BIS) {
        sq_v22_settings vs;
        sq_v22_default_settings(c->set.v8.role, &vs);
        vs.tx_level_dbm0 = c->set.v8.tx_level_dbm0;
        vs.format = c->set.format;
        vs.max_rate = c->set.max_rate;
        vs.guard_hz = c->set.v8.role == SQ_ROLE_ANSWERER ? c->set.guard_hz : 0;
        vs.far_v22bis = 1;   /* V.8 chose V.22bis: both ends run it */
        if (r->lapm) {
            /* T401 is set for the rate once training has settled on one */
            if (sq_lapm_create(c->set.v8.role == SQ_ROLE_CALLER, c->set.max_rate, &c->lapm) != SQ_OK) {
                end(c, 1, "could not start V.42 error control");
                return;
            }
            vs.get_bit = lapm_get_bit;
            vs.put_bit = lapm_put_bit;
            vs.bit_user = c->lapm;
            c->st.error_control = 1;
        }
        if (sq_v22_session_create(&vs, &c->v22) != SQ_OK)
            end(c, 1, "could not start the V.22bis modem");
    } else if (r->mode == SQ_V8_V21) {
        c->st.rate = 300;
        c->v21 = v21_create(&c->set, c->n);
        if (!c->v21)
            end(c, 1, "could not start the V.21 modem");
    } else {
        end(c, 1, "the selected mode is not one squeal can run");
    }
}

/* LAPM's timers and its verdict on the link. */
static void lapm_follow(sq_call *c, uint64_t now)
{
    sq_lapm_tick(c->lapm, now);
    const sq_lapm_stats *ls = sq_lapm_stats_get(c->lapm);
    c->st.frames_resent = ls->frames_resent;
    c->st.frames_bad = ls->frames_bad;
    if (ls->state == SQ_LAPM_FAILED) {
        char why[128];
        snprintf(why, sizeof why, "V.42: %s", ls->reason);
        end(c, 1, why);
    } else if (ls->state == SQ_LAPM_RELEASED) {
        end(c, 0, "the far end released the V.42 link");
    }
}

/* One piece of at most a step, never across a step boundary. */
static void process_piece(sq_call *c, const float *rx, float *tx, size_t n)
{
    if (c->st.phase == SQ_CALL_ENDED) {
        memset(tx, 0, n * sizeof *tx);
    } else if (c->v22) {
        sq_v22_session_process(c->v22, rx, tx, n);
        const sq_v22_status *v = sq_v22_session_status(c->v22);
        if (c->lapm && c->st.phase == SQ_CALL_DATA && v->rate != c->st.rate)
            sq_lapm_set_bit_rate(c->lapm, v->rate);   /* a rate change in data: T401 follows */
        c->st.rate = v->rate;
        c->st.snr_db = v->snr_db;
        c->st.freq_offset_hz = v->freq_offset_hz;
        c->st.clock_ppm = v->clock_ppm;
        c->st.char_errors = v->char_errors;
        c->st.retrains = v->retrains;
        if (v->phase == SQ_V22_DATA && c->st.phase == SQ_CALL_TRAINING) {
            c->st.phase = SQ_CALL_DATA;
            c->st.data_sample = c->n + n;
            if (c->lapm) {
                sq_lapm_set_bit_rate(c->lapm, v->rate);
                sq_lapm_start(c->lapm, c->n + n);
            }
        } else if (v->phase == SQ_V22_ENDED) {
            end(c, 1, v->reason);
        }
        if (c->lapm && c->st.phase == SQ_CALL_DATA && (c->n + n) % SQ_STEP_SAMPLES == 0)
            lapm_follow(c, c->n + n);
    } else if (c->v21) {
        v21_process(c, rx, tx, n);
    } else {
        sq_v8_session_process(c->v8, rx, tx, n);
        const sq_v8_result *r = sq_v8_session_result(c->v8);
        if (r->outcome == SQ_V8_DONE || r->outcome == SQ_V8_FALLBACK) {
            c->n += n;
            start_data_modem(c, r);
            return;
        }
        if (r->outcome == SQ_V8_FAILED)
            end(c, 1, r->reason);
    }
    c->n += n;
}

/* Pieces on the step grid (session_step.h): the data modem starts, LAPM's timers run and
 * V.21 is topped up on step boundaries, so the call's samples do not depend on chunking. */
void sq_call_process(sq_call *c, const float *rx, float *tx, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t room = SQ_STEP_SAMPLES - (size_t)(c->n % SQ_STEP_SAMPLES);
        size_t len = room < n - i ? room : n - i;
        process_piece(c, rx + i, tx + i, len);
        i += len;
    }
}

size_t sq_call_send(sq_call *c, const uint8_t *data, size_t n)
{
    if (c->lapm)
        return sq_lapm_send(c->lapm, data, n);
    if (c->v22)
        return sq_v22_session_send(c->v22, data, n);
    return c->v21 ? sq_byte_queue_push(&c->v21->txq, data, n) : 0;
}

size_t sq_call_tx_pending(const sq_call *c)
{
    if (c->lapm)   /* sent is not enough: acknowledged */
        return sq_lapm_pending(c->lapm);
    if (c->v22)
        return sq_v22_session_tx_pending(c->v22);
    if (!c->v21)
        return 0;
    /* queued characters, and one more while the last one's bits are still to go out (the
     * idle marks around them are not the user's) */
    uint64_t sent = c->v21->bits_queued - sq_fskmod_pending_bits(c->v21->tx);
    return c->v21->txq.count + (sent < c->v21->last_char_end);
}

size_t sq_call_receive(sq_call *c, uint8_t *out, size_t max)
{
    if (c->lapm)
        return sq_lapm_receive(c->lapm, out, max);
    if (c->v22)
        return sq_v22_session_receive(c->v22, out, max);
    return c->v21 ? sq_byte_queue_pop(&c->v21->rxq, out, max) : 0;
}

const sq_call_status *sq_call_status_get(const sq_call *c)
{
    return &c->st;
}

int sq_call_next_note(sq_call *c, sq_v8_note *note)
{
    if (sq_v8_session_next_note(c->v8, note) == SQ_OK)
        return SQ_OK;
    if (c->v22 && sq_v22_session_next_note(c->v22, note) == SQ_OK) {
        note->sample += c->st.negotiated_sample;
        return SQ_OK;
    }
    if (c->lapm && sq_lapm_next_note(c->lapm, note) == SQ_OK)
        return SQ_OK;
    return SQ_EAGAIN;
}

void sq_call_destroy(sq_call *c)
{
    if (!c)
        return;
    sq_v8_session_destroy(c->v8);
    sq_v22_session_destroy(c->v22);
    sq_lapm_destroy(c->lapm);
    v21_destroy(c->v21);
    free(c);
}
