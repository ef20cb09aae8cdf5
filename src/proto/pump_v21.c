/* The V.21 data pump of a call (src/proto/pump.h): FSK both ways, characters framed
 * start-stop. */
#include <stdlib.h>
#include <string.h>
#include "squeal/async.h"
#include "squeal/error.h"
#include "squeal/fsk.h"
#include "src/proto/pump.h"
#include "src/proto/session_queues.h"
#include "src/proto/session_step.h"

#define V21_READY_MS 500    /* data after half a second of mark (V.21 Table 2: 109 ON 300-700 ms) */
#define TOP_UP_BITS 20      /* bits kept queued in the modulator */

typedef struct v21_pump {
    sq_fskmod *tx;
    sq_fskdemod *rx;
    sq_async_rx *arx;
    sq_async_format format;
    uint64_t start, data_sample;
    int in_data;
    size_t char_errors;
    sq_byte_queue txq, rxq;
    uint64_t bits_queued;       /* bits ever handed to the modulator */
    uint64_t last_char_end;     /* bits_queued when the last character's went in */
} v21_pump;

static void destroy(void *p)
{
    v21_pump *v = p;
    if (!v)
        return;
    sq_fskmod_destroy(v->tx);
    sq_fskdemod_destroy(v->rx);
    sq_async_rx_destroy(v->arx);
    free(v);
}

static void *create(const sq_call_settings *set, const sq_pump_bits *bits)
{
    (void)bits;   /* no bit mode */
    v21_pump *v = calloc(1, sizeof *v);
    if (!v)
        return NULL;
    int caller = set->v8.role == SQ_ROLE_CALLER;
    v->format = set->format;
    sq_fskmod_params mp;
    sq_fskmod_default_params(caller ? &SQ_FSK_V21_CH1 : &SQ_FSK_V21_CH2, &mp);
    mp.level_dbm0 = set->v8.tx_level_dbm0;
    if (sq_fskmod_create(&mp, &v->tx) != SQ_OK ||
        sq_fskdemod_create(caller ? &SQ_FSK_V21_CH2 : &SQ_FSK_V21_CH1, &v->rx) != SQ_OK ||
        sq_async_rx_create(&set->format, &v->arx) != SQ_OK) {
        destroy(v);
        return NULL;
    }
    return v;
}

static void start(void *p, uint64_t now, int bit_mode)
{
    (void)bit_mode;   /* never asked: it offers none */
    ((v21_pump *)p)->start = now;
}

static void process(void *p, uint64_t now, const float *rx, float *tx, size_t n)
{
    v21_pump *v = p;
    int ready = now >= v->start + SQ_MS(V21_READY_MS);
    if (ready && !v->in_data) {
        v->in_data = 1;
        v->data_sample = now;
    }
    /* keep a few bits queued: mark when idle, characters when there are some; topped up
     * only on the step grid, so the bits go out the same however the audio is chunked */
    while (now % SQ_STEP_SAMPLES == 0 && sq_fskmod_pending_bits(v->tx) < TOP_UP_BITS) {
        uint8_t bits[16];
        int k;
        uint8_t byte;
        if (ready && sq_byte_queue_pop(&v->txq, &byte, 1)) {
            k = sq_async_frame_byte(&v->format, byte, bits);
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
                v->char_errors++;
            else
                (void)sq_byte_queue_push(&v->rxq, &ch.byte, 1);
        }
    }
}

static void report(const void *p, sq_pump_report *out)
{
    const v21_pump *v = p;
    out->phase = v->in_data ? SQ_CALL_DATA : SQ_CALL_TRAINING;
    out->data_sample = v->data_sample;
    out->rate = 300;
    out->char_errors = v->char_errors;
}

static size_t send(void *p, const uint8_t *data, size_t n)
{
    return sq_byte_queue_push(&((v21_pump *)p)->txq, data, n);
}

static size_t receive(void *p, uint8_t *out, size_t max)
{
    return sq_byte_queue_pop(&((v21_pump *)p)->rxq, out, max);
}

/* Queued characters, and one more while the last one's bits are still to go out (the idle
 * marks around them are not the user's). */
static size_t tx_pending(const void *p)
{
    const v21_pump *v = p;
    uint64_t sent = v->bits_queued - sq_fskmod_pending_bits(v->tx);
    return v->txq.count + (sent < v->last_char_end);
}

static int next_note(void *p, sq_v8_note *note)
{
    (void)p;
    (void)note;
    return SQ_EAGAIN;
}

const sq_pump_ops sq_pump_v21 = {
    .mode = SQ_V8_V21, .name = "V.21", .bit_mode = 0,
    .create = create, .start = start, .process = process, .report = report, .send = send, .receive = receive,
    .tx_pending = tx_pending, .next_note = next_note, .destroy = destroy,
};
