/* Numbers dialled in DTMF, for the timeline decoder: the receiver's digits (dsp/dtmf_rx.c)
 * gathered into one event per number (decoder_internal.h). */
#include <math.h>
#include <string.h>
#include "dsp/receiver_rest.h"
#include "src/decode/decoder_internal.h"
#include "squeal/error.h"

#define NUMBER_ENDS_S 1.5         /* no digit for this long: the number is complete */
#define TAKE_WINDOW_S 0.0512      /* a digit is taken two 25.6 ms windows after it began */

static double seconds(uint64_t samples)
{
    return (double)samples / SQ_PROCESSING_RATE_HZ;
}

static void close_number(sq_decoder *d)
{
    sq_dtmf_lane *l = &d->dtmf;
    if (!l->open)
        return;
    l->open = 0;
    int buf = sq_event_pool_acquire(&d->pool);
    if (buf < 0)
        return;
    memcpy(d->pool.bufs[buf], l->digits, l->n_digits);
    l->ev.data_len = l->n_digits;
    l->ev.level_dbm0 = l->level_sum / (double)l->n_digits;
    sq_event_pool_queue(&d->pool, &l->ev, buf);
}

void sq_dtmf_lane_process(sq_decoder *d, const float *x, size_t n)
{
    sq_dtmf_lane *l = &d->dtmf;
    /* no one dials inside a modem's data: while another lane reads data (V.34, V.90, V.32,
     * V.22, or start-stop FSK), the receiver rests, not even keeping its history: the band
     * watch gives back what it needs when the data ends */
    if (sq_data_under_way(d)) {
        sq_dtmf_rx_rest_unkept(l->rx, x, n);
    } else {
        float last[SQ_RECEIVER_RECALL_MAX];
        size_t m = sq_dtmf_rx_history_wanted(l->rx);
        if (m)
            sq_dtmf_rx_recall(l->rx, sq_band_watch_last(&d->watch, d->samples, last, m), m);
        sq_dtmf_rx_process(l->rx, x, n);
    }
    sq_dtmf_digit dig;
    while (sq_dtmf_rx_next(l->rx, &dig) == SQ_OK) {
        if (l->open && seconds(dig.start_sample) - l->ev.end_s > NUMBER_ENDS_S)
            close_number(d);
        if (!l->open) {
            memset(&l->ev, 0, sizeof l->ev);
            l->ev.type = SQ_EVENT_DTMF;
            l->ev.start_s = seconds(dig.start_sample);
            l->n_digits = 0;
            l->level_sum = 0.0;
            l->open = 1;
        }
        if (l->n_digits < sizeof l->digits) {
            l->digits[l->n_digits++] = dig.digit;
            l->level_sum += dig.low_dbm0;
        }
        l->ev.end_s = seconds(dig.end_sample);
    }
    uint64_t now = d->samples + n;
    int sounding = sq_dtmf_rx_current(l->rx) != '\0';
    if (sounding && !l->sounding) {
        uint64_t back = (uint64_t)(TAKE_WINDOW_S * SQ_PROCESSING_RATE_HZ) + n;
        l->sounding_since = now > back ? now - back : 0;
    }
    l->sounding = sounding;
    if (l->open && !sounding && seconds(now) - l->ev.end_s > NUMBER_ENDS_S)
        close_number(d);
}

void sq_dtmf_lane_finish(sq_decoder *d)
{
    static const float quiet[256];
    sq_dtmf_lane_process(d, quiet, sizeof quiet / sizeof quiet[0]);   /* lets a last digit end */
    close_number(d);
}

double sq_dtmf_lane_horizon_s(const sq_decoder *d, double now_s)
{
    const sq_dtmf_lane *l = &d->dtmf;
    double h = now_s;
    if (l->open)
        h = fmin(h, l->ev.start_s);
    if (l->sounding)
        h = fmin(h, seconds(l->sounding_since));
    return h;
}
