/* Ring on an audio line (src/modem/ring_watch.h). */
#include <stdlib.h>
#include <string.h>
#include "squeal/squeal.h"
#include "src/modem/ring_watch.h"

#define FRAME 160                          /* 20 ms */
#define LOUD_DBM0 -45.0
#define LOUD_FRAMES 5                      /* 100 ms of signal */
#define RING_EVERY SQ_MS(6000)
#define RINGING_ENDS SQ_MS(8000)
#define QUIET_TO_ARM SQ_MS(400)          /* shorter than the gaps between CI or CT bursts */
#define DIALLING_ENDS SQ_MS(600)          /* no digit for this long: the number is complete */

struct ring_watch {
    sq_dtmf_rx *dtmf;
    double frame_energy;
    size_t frame_fill;
    int loud_frames;
    uint64_t n, last_signal, last_ring, quiet_since, last_digit;
    int armed, ringing;
    char digits[64];
};

int ring_watch_create(ring_watch **out)
{
    ring_watch *w = calloc(1, sizeof *w);
    if (!w || sq_dtmf_rx_create(&w->dtmf) != SQ_OK) {
        free(w);
        return -1;
    }
    w->armed = 1;
    *out = w;
    return 0;
}

void ring_watch_destroy(ring_watch *w)
{
    if (w) {
        sq_dtmf_rx_destroy(w->dtmf);
        free(w);
    }
}

void ring_watch_rearm(ring_watch *w)
{
    w->armed = 0;
    w->ringing = 0;
    w->loud_frames = 0;
    w->quiet_since = w->n;
    w->last_digit = 0;
    w->digits[0] = '\0';
    sq_dtmf_rx_reset(w->dtmf);
}

int ring_watch_ringing(const ring_watch *w)
{
    return w->ringing;
}

const char *ring_watch_digits(const ring_watch *w)
{
    return w->digits;
}

/* One 20 ms frame ended: is a calling signal on the line? While the caller dials, not yet:
 * an exchange rings once the number is complete, and so does this watch. */
static int signal_now(ring_watch *w)
{
    double level = sq_power_to_dbm0(w->frame_energy / FRAME);
    w->loud_frames = level > LOUD_DBM0 ? w->loud_frames + 1 : 0;
    if (level > LOUD_DBM0)
        w->quiet_since = w->n;
    if (sq_dtmf_rx_current(w->dtmf) != '\0')
        w->last_digit = w->n;
    if (w->last_digit && w->n - w->last_digit < DIALLING_ENDS)
        return 0;
    return w->loud_frames >= LOUD_FRAMES || (w->digits[0] && !w->ringing);
}

static int frame_done(ring_watch *w)
{
    int present = signal_now(w);
    if (!w->armed) {
        w->armed = w->n - w->quiet_since >= QUIET_TO_ARM;
        return 0;
    }
    if (present)
        w->last_signal = w->n;
    if (w->ringing && w->n - w->last_signal >= RINGING_ENDS) {
        w->ringing = 0;
        w->digits[0] = '\0';
    }
    if (present && (!w->ringing || w->n - w->last_ring >= RING_EVERY)) {
        w->ringing = 1;
        w->last_ring = w->n;
        return 1;
    }
    return 0;
}

int ring_watch_process(ring_watch *w, const float *rx, size_t n)
{
    int rings = 0;
    sq_dtmf_rx_process(w->dtmf, rx, n);
    sq_dtmf_digit d;
    while (sq_dtmf_rx_next(w->dtmf, &d) == SQ_OK) {
        size_t k = strlen(w->digits);
        if (k + 1 < sizeof w->digits) {
            w->digits[k] = d.digit;
            w->digits[k + 1] = '\0';
        }
    }
    for (size_t i = 0; i < n; i++) {
        w->frame_energy += (double)rx[i] * rx[i];
        w->n++;
        if (++w->frame_fill == FRAME) {
            rings += frame_done(w);
            w->frame_energy = 0.0;
            w->frame_fill = 0;
        }
    }
    return rings > 0;
}
