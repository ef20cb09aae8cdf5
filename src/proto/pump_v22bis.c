/* The V.22bis / V.22 data pump of a call (src/proto/pump.h): the V.22bis session, told that
 * V.8 chose V.22bis, so both ends run it. */
#include <stdlib.h>
#include "squeal/error.h"
#include "squeal/v22bis_session.h"
#include "src/proto/pump.h"
#include "src/proto/v22bis_internal.h"

typedef struct v22bis_pump {
    sq_v22_session *session;
    sq_pump_bits bits;         /* the layer above, in bit mode */
    uint64_t data_sample;
    int in_data;
} v22bis_pump;

static void destroy(void *p)
{
    v22bis_pump *v = p;
    if (!v)
        return;
    sq_v22_session_destroy(v->session);
    free(v);
}

static void *create(const sq_call_settings *set, const sq_pump_bits *bits)
{
    v22bis_pump *v = calloc(1, sizeof *v);
    if (!v)
        return NULL;
    v->bits = *bits;
    sq_v22_settings vs;
    sq_v22_default_settings(set->v8.role, &vs);
    vs.tx_level_dbm0 = set->v8.tx_level_dbm0;
    vs.format = set->format;
    vs.max_rate = set->max_rate;
    vs.guard_hz = set->v8.role == SQ_ROLE_ANSWERER ? set->guard_hz : 0;
    vs.far_v22bis = 1;   /* V.8 chose V.22bis: both ends run it */
    if (sq_v22_session_create(&vs, &v->session) != SQ_OK) {
        destroy(v);
        return NULL;
    }
    return v;
}

static void start(void *p, uint64_t now, int bit_mode)
{
    v22bis_pump *v = p;
    (void)now;   /* the session counts its samples from here */
    if (bit_mode)
        v22s_use_bits(v->session, v->bits.get_bit, v->bits.put_bit, v->bits.user);
}

static void process(void *p, uint64_t now, const float *rx, float *tx, size_t n)
{
    v22bis_pump *v = p;
    sq_v22_session_process(v->session, rx, tx, n);
    if (!v->in_data && sq_v22_session_status_get(v->session)->phase == SQ_V22_DATA) {
        v->in_data = 1;
        v->data_sample = now + n;
    }
}

static void report(const void *p, sq_pump_report *out)
{
    const v22bis_pump *v = p;
    const sq_v22_status *st = sq_v22_session_status_get(v->session);
    out->phase = st->phase == SQ_V22_ENDED ? SQ_CALL_ENDED : v->in_data ? SQ_CALL_DATA : SQ_CALL_TRAINING;
    out->data_sample = v->data_sample;
    out->rate = st->rate;
    out->snr_db = st->snr_db;
    out->freq_offset_hz = st->freq_offset_hz;
    out->clock_ppm = st->clock_ppm;
    out->char_errors = st->char_errors;
    out->retrains = st->retrains;
    out->reason = st->reason;
}

static size_t send(void *p, const uint8_t *data, size_t n)
{
    return sq_v22_session_send(((v22bis_pump *)p)->session, data, n);
}

static size_t receive(void *p, uint8_t *out, size_t max)
{
    return sq_v22_session_receive(((v22bis_pump *)p)->session, out, max);
}

static size_t tx_pending(const void *p)
{
    return sq_v22_session_tx_pending(((const v22bis_pump *)p)->session);
}

static int next_note(void *p, sq_v8_note *note)
{
    return sq_v22_session_next_note(((v22bis_pump *)p)->session, note);
}

const sq_pump_ops sq_pump_v22bis = {
    .mode = SQ_V8_V22BIS, .name = "V.22bis", .bit_mode = 1,
    .create = create, .start = start, .process = process, .report = report, .send = send, .receive = receive,
    .tx_pending = tx_pending, .next_note = next_note, .destroy = destroy,
};
