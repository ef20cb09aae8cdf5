/* One side of a whole call: V.8, then the data pump it chose (include/squeal/call.h), with
 * V.42 LAPM above it when both ends agreed and the pump offers bit mode. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "squeal/async.h"
#include "squeal/call.h"
#include "squeal/error.h"
#include "squeal/v8.h"
#include "src/proto/lapm.h"
#include "src/proto/pump.h"
#include "src/proto/session_queues.h"
#include "src/proto/session_step.h"

/* The data pumps, one row each. */
static const sq_pump_ops *const pumps[] = { &sq_pump_v22bis, &sq_pump_v21 };
#define PUMPS (sizeof pumps / sizeof pumps[0])

/* Everything a call may need is made by sq_call_create: once audio flows, nothing is
 * allocated (a sound card's callback must not wait on the allocator). */
struct sq_call {
    sq_call_settings set;
    sq_call_status st;
    uint64_t n;
    sq_v8_session *v8;
    void *made[PUMPS];       /* every pump, made with the call; pumps[i] runs made[i] */
    const sq_pump_ops *ops;  /* the data pump V.8 chose, once it has */
    void *pump;
    sq_lapm *lapm_made;      /* V.42, made with the call ... */
    sq_lapm *lapm;           /* ... and run above the pump when both agreed */
    sq_byte_queue early;     /* bytes the user sent before data: they go out once it begins */
};

static void send_early(sq_call *c);

static uint8_t lapm_get_bit(void *user)
{
    return sq_lapm_tx_bit(user);
}

static void lapm_put_bit(void *user, uint8_t bit)
{
    sq_lapm_rx_bit(user, bit);
}

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
    if (rc == SQ_OK)
        rc = sq_lapm_create(set->v8.role == SQ_ROLE_CALLER, set->max_rate, &c->lapm_made);
    sq_pump_bits bits = { lapm_get_bit, lapm_put_bit, c->lapm_made };
    for (size_t i = 0; i < PUMPS && rc == SQ_OK; i++)
        if (!(c->made[i] = pumps[i]->create(set, &bits)))
            rc = SQ_ENOMEM;   /* the settings were checked above: only memory is left */
    if (rc != SQ_OK) {
        sq_call_destroy(c);
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

/* What the pump reports, as the call's status. */
static void show_pump(sq_call *c, const sq_pump_report *r)
{
    c->st.rate = r->rate;
    c->st.snr_db = r->snr_db;
    c->st.freq_offset_hz = r->freq_offset_hz;
    c->st.clock_ppm = r->clock_ppm;
    c->st.char_errors = r->char_errors;
    c->st.retrains = r->retrains;
}

/* V.8 is over: start the data pump it chose. */
static void start_data_modem(sq_call *c, const sq_v8_result *r)
{
    c->st.mode = r->mode;
    c->st.negotiated_sample = c->n;
    c->st.phase = SQ_CALL_TRAINING;
    for (size_t i = 0; i < PUMPS; i++)
        if (pumps[i]->mode == r->mode) {
            c->ops = pumps[i];
            c->pump = c->made[i];
        }
    if (!c->ops) {
        end(c, 1, "the selected mode is not one squeal can run");
        return;
    }
    if (r->lapm && c->ops->bit_mode) {
        c->lapm = c->lapm_made;   /* T401 is set for the rate once training has settled on one */
        c->st.error_control = 1;
    }
    c->ops->start(c->pump, c->n, c->lapm != NULL);
    sq_pump_report rep = { 0 };
    c->ops->report(c->pump, &rep);
    show_pump(c, &rep);
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
    } else if (c->pump) {
        c->ops->process(c->pump, c->n, rx, tx, n);
        sq_pump_report r = { 0 };
        c->ops->report(c->pump, &r);
        if (c->lapm && c->st.phase == SQ_CALL_DATA && r.rate != c->st.rate)
            sq_lapm_set_bit_rate(c->lapm, r.rate);   /* a rate change in data: T401 follows */
        show_pump(c, &r);
        if (r.phase == SQ_CALL_DATA && c->st.phase == SQ_CALL_TRAINING) {
            c->st.phase = SQ_CALL_DATA;
            c->st.data_sample = r.data_sample;
            if (c->lapm) {
                sq_lapm_set_bit_rate(c->lapm, r.rate);
                sq_lapm_start(c->lapm, c->n + n);
            }
        } else if (r.phase == SQ_CALL_ENDED) {
            end(c, 1, r.reason);
        }
        if (c->lapm && c->st.phase == SQ_CALL_DATA && (c->n + n) % SQ_STEP_SAMPLES == 0)
            lapm_follow(c, c->n + n);
    } else {
        sq_v8_session_process(c->v8, rx, tx, n);
        const sq_v8_result *r = sq_v8_session_status_get(c->v8);
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
        send_early(c);
        i += len;
    }
}

static size_t send_now(sq_call *c, const uint8_t *data, size_t n)
{
    if (c->lapm)
        return sq_lapm_send(c->lapm, data, n);
    return c->pump ? c->ops->send(c->pump, data, n) : 0;
}

/* Bytes sent before data go to the pump (or LAPM) once the call is in data, on the step
 * grid, so when they leave does not depend on how the audio is chunked. */
static void send_early(sq_call *c)
{
    uint8_t buf[256];
    while (c->early.count && c->st.phase == SQ_CALL_DATA && c->n % SQ_STEP_SAMPLES == 0) {
        size_t k = sq_byte_queue_peek(&c->early, buf, sizeof buf);
        size_t took = send_now(c, buf, k);
        (void)sq_byte_queue_pop(&c->early, buf, took);
        if (took < k)
            break;
    }
}

size_t sq_call_send(sq_call *c, const uint8_t *data, size_t n)
{
    if (c->st.phase == SQ_CALL_ENDED)
        return 0;
    if (c->st.phase != SQ_CALL_DATA || c->early.count)
        return sq_byte_queue_push(&c->early, data, n);
    return send_now(c, data, n);
}

size_t sq_call_tx_pending(const sq_call *c)
{
    size_t early = c->early.count;
    if (c->lapm)   /* sent is not enough: acknowledged */
        return early + sq_lapm_pending(c->lapm);
    return early + (c->pump ? c->ops->tx_pending(c->pump) : 0);
}

size_t sq_call_receive(sq_call *c, uint8_t *out, size_t max)
{
    if (c->lapm)
        return sq_lapm_receive(c->lapm, out, max);
    return c->pump ? c->ops->receive(c->pump, out, max) : 0;
}

const sq_call_status *sq_call_status_get(const sq_call *c)
{
    return &c->st;
}

int sq_call_next_note(sq_call *c, sq_v8_note *note)
{
    if (sq_v8_session_next_note(c->v8, note) == SQ_OK)
        return SQ_OK;
    if (c->pump && c->ops->next_note(c->pump, note) == SQ_OK) {
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
    for (size_t i = 0; i < PUMPS; i++)
        if (c->made[i])
            pumps[i]->destroy(c->made[i]);
    sq_lapm_destroy(c->lapm_made);
    free(c);
}
