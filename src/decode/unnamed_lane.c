/* What no other lane names, inside a call: `wideband` events (include/squeal/decoder.h).
 *
 * The wideband lane hands over every 20 ms block: its power and, for a block above the
 * floor, the band holding 95% of its power (from the same DFT it looks for line probing
 * in). Every event the decoder queues marks the blocks it covers. A block is decided once
 * the other lanes' horizon has passed it: no event still to come can cover it then. A run
 * of decided blocks that are loud, covered by nothing and inside a call becomes one event
 * with the median of its blocks' bands and its mean level. Loud: over -45 dBm0, and 6 dB
 * over the line's noise (its quietest block lately), which is no signal however loud.
 *
 * Inside a call: from the start of a handshake signal (an answer or calling tone, V.8,
 * V.8bis, V.34, V.90, V.32, V.22 data that can be read) until the channel has been quiet for
 * 10 s. FSK stretches, guard and fax calling tones, USB1, S1, SB1, V.22 data too poor to read
 * and a lone CJ (three zero octets, 100 ms) do not open a call: music and speech read as those
 * now and then (a chord's S1, SB1 and 2400 bit/s "data" at 11-12 dB in the false-alarm
 * bench's music), and there this lane must say nothing, not go on to label all of it until
 * the music stops for 10 s.
 *
 * A lane with an event open holds the horizon back (V.34 data named when it ends, say).
 * Blocks wait in a ring meanwhile; when it is full, the oldest is taken as named, so a gap
 * more than two minutes before the horizon goes unlabelled rather than labelled wrongly. */
#include <math.h>
#include <string.h>
#include "src/decode/decoder_internal.h"
#include "squeal/level.h"

#define FLOOR_DBM0 -45.0          /* as the wideband lane's: quieter blocks are silence */
#define OVER_NOISE 4.0            /* 6 dB over the line's noise, as its quietest block since */
#define NOISE_RISE 1.00046        /* per block: 0.1 dB/s, so a gap in minutes of data still shows */
#define SILENCE_DBM0 -70.0        /* quieter blocks are digital silence, not the line's noise */
#define MIN_BLOCKS 5              /* 100 ms: shorter runs are the edges of named signals */
#define CALL_OVER_BLOCKS 500      /* 10 s of silence ends a call */
#define BAND_SHARE 0.025          /* each side of the band leaves this share of the power */
#define BLOCK_S ((double)SQ_WIDEBAND_BLOCK / SQ_PROCESSING_RATE_HZ)

static int opens_call(const sq_event *ev)
{
    static const sq_event_type not_a_call[] = {
        SQ_EVENT_V21, SQ_EVENT_BELL103, SQ_EVENT_CNG, SQ_EVENT_GUARD, SQ_EVENT_USB1, SQ_EVENT_S1, SQ_EVENT_SB1,
        SQ_EVENT_TONEQ, SQ_EVENT_CJ, SQ_EVENT_DTMF, SQ_EVENT_DIAL_TONE, SQ_EVENT_RINGBACK, SQ_EVENT_BUSY,
        SQ_EVENT_REORDER, SQ_EVENT_WIDEBAND,
    };
    for (size_t i = 0; i < sizeof not_a_call / sizeof not_a_call[0]; i++)
        if (ev->type == not_a_call[i])
            return 0;
    return sq_event_readable(ev);
}

/* The lane is part of the decoder, which comes zeroed: its 48 kB ring is not touched (and
 * costs no memory) until blocks arrive. */
void sq_unnamed_lane_init(sq_unnamed_lane *l)
{
    l->call_from = UINT64_MAX;
    l->floor_power = sq_dbm0_to_power(FLOOR_DBM0);
    l->silence_power = sq_dbm0_to_power(SILENCE_DBM0);
}

static sq_unnamed_block *block_at(sq_unnamed_lane *l, uint64_t k)
{
    return &l->ring[k % SQ_UNNAMED_RING];
}

/* The median of a histogram of bin indices holding n values. */
static unsigned median_bin(const uint16_t *hist, size_t n)
{
    size_t seen = 0;
    for (unsigned k = 0; k < SQ_UNNAMED_BINS; k++) {
        seen += hist[k];
        if (2 * seen > n)
            return k;
    }
    return SQ_UNNAMED_BINS - 1;
}

static void end_run(sq_decoder *d, sq_unnamed_lane *l)
{
    size_t n = l->run_blocks;
    l->run_blocks = 0;
    if (n < MIN_BLOCKS)
        return;
    sq_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SQ_EVENT_WIDEBAND;
    ev.start_s = (double)l->run_start * BLOCK_S;
    ev.end_s = (double)(l->run_start + n) * BLOCK_S;
    ev.level_dbm0 = sq_power_to_dbm0(l->run_power / (double)n);
    double bin_hz = (double)SQ_PROCESSING_RATE_HZ / SQ_WIDEBAND_BLOCK;
    ev.freq_hz = median_bin(l->lo_hist, n) * bin_hz;
    ev.freq2_hz = median_bin(l->hi_hist, n) * bin_hz;
    sq_event_pool_queue(&d->pool, &ev, -1);
}

/* Decides block k: part of a run, or the end of one. */
static void decide(sq_decoder *d, sq_unnamed_lane *l, uint64_t k, int forced)
{
    const sq_unnamed_block *b = block_at(l, k);
    int loud = b->flags & SQ_UNNAMED_LOUD;
    l->quiet = loud ? 0 : l->quiet + 1;
    if (l->quiet >= CALL_OVER_BLOCKS)
        l->call_from = UINT64_MAX;
    int unnamed = loud && !forced && !(b->flags & SQ_UNNAMED_COVERED) && k >= l->call_from;
    if (!unnamed) {
        end_run(d, l);
        return;
    }
    if (l->run_blocks == 0) {
        l->run_start = k;
        l->run_power = 0.0;
        memset(l->lo_hist, 0, sizeof l->lo_hist);
        memset(l->hi_hist, 0, sizeof l->hi_hist);
    }
    l->run_blocks++;
    l->run_power += b->power;
    l->lo_hist[b->lo]++;
    l->hi_hist[b->hi]++;
}

void sq_unnamed_lane_block(sq_decoder *d, double power, fftwf_complex *spectrum)
{
    sq_unnamed_lane *l = &d->unnamed;
    if (l->next - l->first == SQ_UNNAMED_RING)
        decide(d, l, l->first++, 1);
    sq_unnamed_block *b = block_at(l, l->next);
    memset(b, 0, sizeof *b);
    b->power = (float)power;
    if (power >= l->silence_power)   /* a dropout to digital silence is no line noise */
        l->noise = l->noise == 0.0 || power < l->noise ? power : l->noise * NOISE_RISE;
    if (spectrum && power >= l->floor_power && power >= OVER_NOISE * l->noise) {
        b->flags |= SQ_UNNAMED_LOUD;
        double p[SQ_UNNAMED_BINS], total = 0.0;
        for (unsigned k = 0; k < SQ_UNNAMED_BINS; k++) {
            p[k] = k ? (double)spectrum[k][0] * spectrum[k][0] + (double)spectrum[k][1] * spectrum[k][1] : 0.0;
            total += p[k];
        }
        double sum = 0.0;
        unsigned lo = 0, hi = SQ_UNNAMED_BINS - 1;
        for (unsigned k = 0; k < SQ_UNNAMED_BINS; k++) {
            sum += p[k];
            if (sum <= BAND_SHARE * total)
                lo = k + 1;
            if (sum < (1.0 - BAND_SHARE) * total)
                hi = k + 1;
        }
        b->lo = (uint8_t)(lo < SQ_UNNAMED_BINS ? lo : SQ_UNNAMED_BINS - 1);
        b->hi = (uint8_t)(hi < SQ_UNNAMED_BINS ? hi : SQ_UNNAMED_BINS - 1);
    }
    if ((double)l->next * BLOCK_S < l->covered_to_s)
        b->flags |= SQ_UNNAMED_COVERED;
    l->next++;
}

void sq_unnamed_lane_note(sq_decoder *d, const sq_event *ev)
{
    sq_unnamed_lane *l = &d->unnamed;
    if (ev->type == SQ_EVENT_WIDEBAND || !(ev->end_s > ev->start_s))
        return;
    /* the bench's rule: an event labels every block it touches */
    double from = floor(ev->start_s / BLOCK_S), to = floor(ev->end_s / BLOCK_S);
    uint64_t k0 = from > (double)l->first ? (uint64_t)from : l->first;
    uint64_t k1 = to < (double)l->next ? (uint64_t)to + 1 : l->next;
    for (uint64_t k = k0; k < k1; k++)
        block_at(l, k)->flags |= SQ_UNNAMED_COVERED;
    if (ev->end_s > l->covered_to_s)
        l->covered_to_s = ev->end_s;   /* blocks still to come that it reaches into */
    if (opens_call(ev) && from >= 0.0) {
        uint64_t k = (uint64_t)from;
        if (l->call_from == UINT64_MAX || k < l->call_from)
            l->call_from = k;
        l->quiet = 0;
    }
}

int sq_unnamed_lane_waiting(const sq_decoder *d, double *end_s)
{
    const sq_unnamed_lane *l = &d->unnamed;
    if (l->first >= l->next)
        return 0;
    *end_s = (double)(l->first + 1) * BLOCK_S;
    return 1;
}

/* A block decided can end a run, which needs room for its event: what finds none waits
 * for the next push. */
void sq_unnamed_lane_decide(sq_decoder *d, double horizon_s)
{
    sq_unnamed_lane *l = &d->unnamed;
    while (l->first < l->next && (double)(l->first + 1) * BLOCK_S <= horizon_s &&
           sq_event_pool_has_room(&d->pool, 1, 0))
        decide(d, l, l->first++, 0);
}

/* At the end, what finds no room in the queue stays unnamed. */
void sq_unnamed_lane_finish(sq_decoder *d)
{
    sq_unnamed_lane *l = &d->unnamed;
    while (l->first < l->next && sq_event_pool_has_room(&d->pool, 1, 0))
        decide(d, l, l->first++, 0);
    if (sq_event_pool_has_room(&d->pool, 1, 0))
        end_run(d, l);
}

double sq_unnamed_lane_horizon_s(const sq_decoder *d, double h)
{
    const sq_unnamed_lane *l = &d->unnamed;
    if (l->run_blocks)
        return fmin(h, (double)l->run_start * BLOCK_S);
    return l->first < l->next ? fmin(h, (double)l->first * BLOCK_S) : h;
}
