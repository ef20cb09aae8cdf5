/* The guard tone under the answerer's V.22 signal (decoder_internal.h).
 *
 * V.22bis 2.1 and 2.2: an answering modem may send a guard tone with its signal in the high
 * channel, 1800 +/- 20 Hz at 6 +/- 1 dB or 550 +/- 20 Hz at 3 +/- 1 dB under the data's
 * power, from the start of its signal to its end. The tone bank does not see it there (it
 * wants half a frame's power in its tone). This follower looks, while the answerer's V.22
 * receiver follows a signal, for a line at either frequency standing above the spectrum
 * beside it: 40 ms blocks, Hann-windowed, the power at the guard's frequency against the
 * mean at 100 and 125 Hz either side, a line 10 dB over it. The data's spectrum is smooth
 * there (the guards sit outside both carriers' bands, 2400 and 1200 +/- 525 Hz), and so is
 * noise; a line is not. Measuring the band's power against the data's
 * instead read a guard in a real call that has none: its caller's data, 22 dB louder than
 * the answerer's, reaches 1800 Hz at a level a guard under the answerer's data would have. */
#include <math.h>
#include <string.h>
#include "squeal/error.h"
#include "squeal/level.h"
#include "squeal/time_base.h"
#include "src/decode/decoder_internal.h"

#define LINE_OVER_SIDES 10.0       /* 10 dB: a block holds the line */
#define SIDE_HZ_NEAR 100.0
#define SIDE_HZ_FAR 125.0
#define GUARD_GAP_S 0.5            /* absent this long: the guard has stopped (the lane names
                                    * S1 as it ends, 0.1 s in, and SB1 0.27 s in) */
#define GUARD_MIN_S 0.4            /* as the tone bank's guard tones */
/* One block in LOOK_EVERY is looked at (a 400 ms cadence): a guard lasts as long as its
 * signal, and ten Goertzel filters on every sample of a V.22 call had made decoding it 1.4
 * to 1.7 times as slow. */
#define LOOK_EVERY 10

static const double GUARD_HZ[SQ_V22_GUARDS] = { 550.0, 1800.0 };

int sq_v22_guard_create(sq_decoder *d)
{
    sq_v22_guard *g = &d->guard;
    memset(g, 0, sizeof *g);
    const double offset[SQ_V22_GUARD_PROBES] = { 0.0, -SIDE_HZ_FAR, -SIDE_HZ_NEAR, SIDE_HZ_NEAR, SIDE_HZ_FAR };
    _Static_assert(SQ_V22_GUARDS * SQ_V22_GUARD_PROBES <= SQ_V22_GUARD_FILTERS, "a filter per probe");
    for (int i = 0; i < SQ_V22_GUARDS; i++)
        for (int k = 0; k < SQ_V22_GUARD_PROBES; k++)
            g->coeff[i * SQ_V22_GUARD_PROBES + k] =
                (float)(2.0 * cos(2.0 * M_PI * (GUARD_HZ[i] + offset[k]) / SQ_PROCESSING_RATE_HZ));
    for (int m = 0; m < SQ_V22_GUARD_BLOCK; m++)
        g->window[m] = (float)(0.5 - 0.5 * cos(2.0 * M_PI * (m + 0.5) / SQ_V22_GUARD_BLOCK));
    g->floor_power = sq_dbm0_to_power(-46.0);   /* the tone bank's floor */
    return SQ_OK;
}

static void close_guard(sq_decoder *d, sq_v22_guard *g)
{
    if (g->open && g->named && g->last_s - g->start_s >= GUARD_MIN_S) {
        sq_event ev;
        memset(&ev, 0, sizeof ev);
        ev.type = SQ_EVENT_GUARD;
        ev.start_s = g->start_s;
        ev.end_s = g->last_s;
        ev.freq_hz = GUARD_HZ[g->which];
        ev.level_dbm0 = sq_power_to_dbm0(g->power_sum / (double)g->blocks);
        sq_event_pool_queue(&d->pool, &ev, -1);
    }
    g->open = 0;
}

/* The guard whose line the block just ended holds (-1: neither), and its power. */
static int line_in_block(sq_v22_guard *g, double *power)
{
    int which = -1;
    for (int i = 0; i < SQ_V22_GUARDS; i++) {
        double p[SQ_V22_GUARD_PROBES];
        for (int k = 0; k < SQ_V22_GUARD_PROBES; k++) {
            int f = i * SQ_V22_GUARD_PROBES + k;
            double s1 = g->s1[f], s2 = g->s2[f];
            p[k] = s1 * s1 + s2 * s2 - (double)g->coeff[f] * s1 * s2;
        }
        double sides = (p[1] + p[2] + p[3] + p[4]) / 4.0;
        /* a Hann window's sum is N/2: a line of amplitude A reads (A N / 4)^2, power A^2 / 2 */
        double line = p[0] * 8.0 / ((double)SQ_V22_GUARD_BLOCK * SQ_V22_GUARD_BLOCK);
        if (p[0] >= LINE_OVER_SIDES * sides && line >= g->floor_power && (which < 0 || line > *power)) {
            which = i;
            *power = line;
        }
    }
    memset(g->s1, 0, sizeof g->s1);
    memset(g->s2, 0, sizeof g->s2);
    return which;
}

/* A block has ended at end_s: the guard it holds (-1: none) goes on, starts or stops. */
static void block_ended(sq_decoder *d, sq_v22_guard *g, int which, double power, double signal_start_s, double end_s)
{
    /* the lane stops following for a moment between USB1 and S1 or SB1: the guard goes on
     * through that */
    if (g->open && which != g->which && end_s - g->last_s > GUARD_GAP_S)
        close_guard(d, g);
    if (which < 0) {
        g->holding = 0;
        return;
    }
    if (!g->open) {
        /* a guard there from the signal's first block started with it (V.22bis 2.1) */
        g->open = 1;
        g->named = 0;
        g->which = which;
        double block_start_s = end_s - SQ_V22_GUARD_BLOCK / SQ_PROCESSING_RATE_HZ;
        g->start_s = g->first_block ? fmin(signal_start_s, block_start_s) : block_start_s;
        g->power_sum = 0.0;
        g->blocks = 0;
    }
    g->holding = which == g->which;
    if (g->holding) {
        g->last_s = end_s;
        g->power_sum += power;
        g->blocks++;
    }
}

void sq_v22_guard_push(sq_decoder *d, int sending, int named, double signal_start_s, const float *x, size_t n)
{
    sq_v22_guard *g = &d->guard;
    uint64_t at = d->samples;
    g->named |= g->open && named;
    if (!sending) {
        g->fill = g->skip = 0;
        g->sending = 0;
        memset(g->s1, 0, sizeof g->s1);
        memset(g->s2, 0, sizeof g->s2);
        if (g->open && (double)(at + n) / SQ_PROCESSING_RATE_HZ - g->last_s > GUARD_GAP_S)
            close_guard(d, g);
        return;
    }
    if (!g->sending)
        g->first_block = 1;
    g->sending = 1;
    for (size_t j = 0; j < n;) {
        if (g->skip > 0) {   /* between the blocks looked at: a guard heard goes on */
            size_t take = g->skip < n - j ? g->skip : n - j;
            g->skip -= take;
            j += take;
            if (g->open && g->holding)
                g->last_s = (double)(at + j) / SQ_PROCESSING_RATE_HZ;
            continue;
        }
        float v = x[j++];
        float y = g->window[g->fill] * (v - v == 0.0f ? v : 0.0f);   /* NaN, inf: 0 */
        for (int f = 0; f < SQ_V22_GUARD_FILTERS; f++) {   /* vectorises: no order between them */
            float s0 = y + g->coeff[f] * g->s1[f] - g->s2[f];
            g->s2[f] = g->s1[f];
            g->s1[f] = s0;
        }
        if (++g->fill < SQ_V22_GUARD_BLOCK)
            continue;
        g->fill = 0;
        g->skip = (LOOK_EVERY - 1) * SQ_V22_GUARD_BLOCK;
        double power = 0.0;
        int which = line_in_block(g, &power);
        block_ended(d, g, which, power, signal_start_s, (double)(at + j) / SQ_PROCESSING_RATE_HZ);
        g->first_block = 0;
    }
}

void sq_v22_guard_finish(sq_decoder *d)
{
    close_guard(d, &d->guard);
}

double sq_v22_guard_horizon_s(const sq_decoder *d, double now_s)
{
    return d->guard.open ? fmin(now_s, d->guard.start_s) : now_s;
}
