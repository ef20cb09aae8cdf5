/* Gaps inside a V.34 / V.32 lane's stretch (src/decode/v34_lane.h): a packet lost on a VoIP
 * call, 20 ms of nothing, is a gap, not the stretch's end. The lane holds the symbols a gap
 * spoils (sq_v34_in_gap); this file marks the samples it keeps to choose a reading of the
 * start-up where a gap spoilt them, so that none is trained on or scored, and tells whether
 * one may be starting that the lane has not found yet. */
#include <math.h>
#include "src/decode/v34_lane.h"

int sq_v34_in_gap(const sq_v34_lane *l)
{
    return l->quiet >= GAP_MIN || l->n < l->gap_settled_at;
}

/* Kept half-symbol samples spoilt by a gap (a lost packet): those whose front-end filter
 * (FRONT_REACH samples either side) reached into it. The lane finds a gap once its 2 ms power
 * has fallen 13 dB and then GAP_MIN samples more, some 64 samples in: the kept samples of the
 * GAP_LEAD_SAMPLES before are marked then. */
#define FRONT_REACH 48
#define GAP_LEAD_SAMPLES (64 + FRONT_REACH + 16)
#define DROPOUT_SAMPLES 16

long sq_v34_gap_lead_symbols(const sq_v34_lane *l)
{
    return (long)ceil(GAP_LEAD_SAMPLES / sq_v34_samples_per_symbol(l));
}

/* A gap that began after S's onset (the quiet before S is none) is passing: reach samples
 * after its end too. */
int sq_v34_gap_inside(const sq_v34_lane *l, uint64_t reach)
{
    return (l->quiet >= GAP_MIN && l->n - l->quiet >= l->onset) ||
           (l->n + GAP_SETTLE < l->gap_settled_at + reach && l->gap_began >= l->onset);
}

void sq_v34_keep_half_sample(sq_v34_lane *l, uint64_t h, float complex y)
{
    /* in a gap, or as the front end's filter leaves it (the loud return was GAP_SETTLE before
     * gap_settled_at) */
    int gap = sq_v34_gap_inside(l, FRONT_REACH);
    l->keep[h % SQ_V34_KEEP] = y;
    l->keep_gap[h % SQ_V34_KEEP] = (uint8_t)gap;
    if (gap && h > 0 && !l->keep_gap[(h - 1) % SQ_V34_KEEP]) {
        uint64_t lead = (uint64_t)ceil(2.0 * GAP_LEAD_SAMPLES / sq_v34_samples_per_symbol(l));   /* half-symbols */
        for (uint64_t b = 1; b <= lead && b <= h && b < SQ_V34_KEEP; b++)
            l->keep_gap[(h - b) % SQ_V34_KEEP] = 1;
    }
}

/* A gap may be starting that the lane has not found yet: the last DROPOUT_SAMPLES are as
 * quiet as a gap's, or the power has fallen under the gap's level, or a gap is passing. The
 * newest kept samples may then be spoilt unmarked. */
int sq_v34_gap_may_be_starting(const sq_v34_lane *l)
{
    double recent = 0.0;
    for (uint64_t m = l->n - DROPOUT_SAMPLES; m < l->n; m++)
        recent += (double)l->raw[m % SQ_V34_RAW] * l->raw[m % SQ_V34_RAW];
    recent /= DROPOUT_SAMPLES;
    return l->quiet > 0 || sq_v34_in_gap(l) || recent < l->floor_power || recent < QUIET_DROP * l->level;
}

/* The readings are scored on the symbols from DECIDE_R - SCORE_SPAN on that no gap spoilt
 * (the equaliser's line free of its samples, v34_training.c): how many there are so far. */
long sq_v34_clean_scored(const sq_v34_lane *l)
{
    uint64_t first = 2 * (uint64_t)(l->k_rev + SQ_V34_EQ_DELAY + DECIDE_R - SCORE_SPAN) + 1;
    uint64_t spoilt_until = 0;
    long clean = 0;
    for (uint64_t j = first > SQ_V34_EQ_TAPS ? first - SQ_V34_EQ_TAPS : 0; j < l->half; j++) {
        if (l->keep_gap[j % SQ_V34_KEEP])
            spoilt_until = j + SQ_V34_EQ_TAPS;
        clean += j >= first && (j & 1) && j >= spoilt_until;
    }
    return clean;
}
