/* V.34 phase 2 for the timeline decoder: tones A and B with their phase reversals, and the
 * INFO sequences, on the two DPSK carriers (dsp/dpsk.h, squeal/v34_info.h).
 *
 * Every phase of the symbol clock shifts its decisions through a 12-bit window; fill and
 * sync (1111 01110010), all read clearly, start gathering a frame, and the frame is reported
 * when its CRC checks at one of the lengths its carrier can carry. Phases that read the same
 * frame report it once. A frame whose bits were all clear but whose CRC checks at no length
 * is reported with crc_ok 0, unless another phase read it whole.
 *
 * A tone is a run of 0s (no rotation) at the phase that reads clearest, 50 ms at least, within
 * 7 Hz of the carrier; a single 1 inside it is a phase reversal. Tone A must come with its
 * 1800 Hz guard (V.34 10.1.2.1), so a lone 2400 Hz tone is not named. */
#include <math.h>
#include <string.h>
#include "src/decode/decoder_internal.h"
#include "squeal/error.h"
#include "squeal/level.h"

#define LOW_CARRIER_HZ 1200.0
#define HIGH_CARRIER_HZ 2400.0
#define GUARD_HZ 1800.0
#define SYMBOL_SAMPLES (SQ_PROCESSING_RATE_HZ / SQ_DPSK_BAUD)
#define FLOOR_DBM0 -45.0
#define TONE_HALF_HZ 70.0         /* the carrier's own bins in the band watch */
#define CARRIER_TONE_SHARE 0.4
#define V90_DOWNSTREAM_CODE 6u    /* INFO1a bits 37:39: a downstream of 8000 symbols/s (V.90) */
#define REST_LAG 416u             /* samples replayed to a lane that wakes from rest: two of the
                                   * band watch's spectra and more, and the chunk a tone in
                                   * training waits for (TONE_WAKE_CHUNKS) */
/* In its own modem's training and data a lane wakes for a tone that stands out of its band
 * in this many chunks in a row (40 ms: a retrain's tone A or B lasts far longer). V.34 data
 * held a tone's share of the band in one chunk now and then: 10-20 % of them, each waking
 * the lane's eight-phase receiver for a replay and the chunk. */
#define TONE_WAKE_CHUNKS 2u
/* Of the input's power in the carrier's band (tone A's guard takes more than half the rest),
 * leaving out the other carrier's band as the band watch measures it: on a recording of both
 * sides on one channel the other modem's INFO0 and tone sound there at the same time, 4 dB
 * over the answerer's INFO0 on the real calls mixed to mono. Left out only while the other
 * lane heard phase 2, the two INFO0s raced: they begin within a symbol of each other, and
 * the lane that started reading first kept the other from its sync. */
#define BAND_SHARE 0.3
/* The other modem's 600-baud DPSK fills +-600 Hz round its carrier (its main lobe): all of
 * it is left out of the input a lane's bits are measured against, not only the +-300 Hz its
 * own band holds. Both sides on one channel, the Conexant HCF call's INFO0d began under the
 * last symbols of the answerer's INFO0a, whose lobe outside +-300 Hz held three times the
 * INFO0d's power there: its fill bits read unclear, and the frame was never started. */
#define SPREAD_HALF_HZ 700.0
#define OTHER_HOLD 0.917             /* per clock phase: 8 a symbol make 3 dB */
#define CLEAR_RATIO 0.7           /* |Re| / |product|: a decision, not a guess */
#define FRAME_CLEAR_MEAN 0.85     /* a frame without a good CRC is reported only this clear */
#define SYNC_PATTERN 0xF72u       /* 1111 01110010, first in time at the top */
#define SYNC_MASK 0xFFFu
/* The first fill bit is a turn against whatever was on the line before the frame (silence,
 * another tone, the far modem's echo): clear or not, 0 or 1, it says nothing. The other 11
 * must match, and be clear. (Matched too, it had made a frame after silence a matter of
 * chance: the USR V.92 call's INFO0d, after a gap, read its first bit as 1 from the line
 * noise before it, and as 0 once a 300 Hz high-pass took that noise away.) */
#define SYNC_READ_MASK 0x7FFu
#define TONE_MIN_SYMBOLS 24       /* 40 ms: tone A can last 50 ms before a reversal (11.2.1) */
#define TAN2_25_DEG 0.2174            /* tan^2 25 degrees: a 0 in a tone turns less */
/* A V.92 analogue modem sends TONEq (980 Hz, V.92 8.2.5) until it hears the digital modem's
 * INFO0d, which starts under it on the low carrier: on a recording of both sides on one
 * channel the tone sits inside INFO0d's band, 5 dB over it on the USR V.92 call, and its fill
 * and sync read unclear (`gen info0d` under a 980 Hz tone: read with the tone 4.6 dB under it,
 * not as loud as it). The low lane's receiver then reads through a notch at 980 Hz, from when
 * the tone bank follows the tone until NOTCH_HOLD_S after (INFO0d lasts some 100 ms). When the
 * tone stops inside INFO0d the notch rings on at half its level for a time that grows as the
 * notch narrows, and a wide one cuts into INFO0d: over 36 cases (the tone 0, 3, 6 and 9 dB over
 * INFO0d, at 978, 980 and 982 Hz, over its first 18, 58 or 98 ms) 25 and 30 Hz read 22 (every
 * one at 0 and 3 dB), 40 Hz 21, 50 Hz 18, and none without the notch; the call's INFO0d reads
 * with 30 and 40 Hz, not with 10 or 20. */
#define TONEQ_HZ 980.0
#define NOTCH_WIDTH_HZ 30.0
#define NOTCH_HOLD_S 0.2
#define NOTCH_PIECE 256
#define TAN2_35_DEG 0.4903            /* tan^2 35 degrees: INFOMARKS' half turns, read through noise */
#define TAN2_50_DEG 1.4203            /* tan^2 50 degrees: a turn within 50 of 180 (one read off
                                       * its centre blurs) */
#define TONE_MAX_OFFSET_HZ 7.0     /* the network's carrier offset; the modems are within 0.01 % */
#define TONE_SHARE 0.75
#define TONE_GUARD_MIN_DB -15.0   /* the guard beside tone A: about 5-7 dB under it on real lines */
#define STRENGTH_ALPHA 0.05
#define INFO1_WITHIN_S 4.0        /* an INFO1 follows its INFO0 by about 1.5 s (11.2) */
#define BAD_HOLD_S 0.3

/* Angle tests on a product without atan2: within a of 0 degrees, or of 180 degrees. */
static int near_zero(float complex p, double tan2_a)
{
    float re = crealf(p), im = cimagf(p);
    return re > 0.0f && (double)im * im <= tan2_a * (double)re * re;
}

static int near_half_turn(float complex p, double tan2_a)
{
    float re = crealf(p), im = cimagf(p);
    return re < 0.0f && (double)im * im <= tan2_a * (double)re * re;
}

static const sq_info_kind LOW_KINDS[] = { SQ_INFO0C, SQ_INFO0D, SQ_INFO1C };
static const sq_info_kind HIGH_KINDS[] = { SQ_INFO0A, SQ_INFO1A };

static double to_s(uint64_t sample)
{
    return (double)sample / SQ_PROCESSING_RATE_HZ;
}

static uint64_t back(uint64_t sample, double symbols)
{
    double s = (double)sample - symbols * SYMBOL_SAMPLES;
    return s > 0.0 ? (uint64_t)llround(s) : 0;
}

int sq_phase2_lanes_create(sq_decoder *d)
{
    d->guard_band = sq_band_watch_add_band(&d->watch, GUARD_HZ - 60.0, GUARD_HZ + 60.0);
    for (int i = 0; i < 2; i++) {
        sq_phase2_lane *l = &d->phase2[i];
        memset(l, 0, sizeof *l);
        l->high = i == 1;
        double carrier = l->high ? HIGH_CARRIER_HZ : LOW_CARRIER_HZ;
        /* both carriers divide into whole cycles at 8 kHz: this cannot fail */
        (void)sq_dpsk_rx_init(&l->rx, carrier);
        l->band = sq_band_watch_add_band(&d->watch, carrier - 300.0, carrier + 300.0);
        l->tone_band = sq_band_watch_add_band(&d->watch, carrier - TONE_HALF_HZ, carrier + TONE_HALF_HZ);
        l->spread_band = sq_band_watch_add_band(&d->watch, carrier - SPREAD_HALF_HZ, carrier + SPREAD_HALF_HZ);
        l->floor_power = sq_dbm0_to_power(FLOOR_DBM0);
        l->last_info0_s = -1e9;
        sq_notch_init(&l->toneq_notch, TONEQ_HZ, NOTCH_WIDTH_HZ, SQ_PROCESSING_RATE_HZ);
        if (l->band < 0 || l->tone_band < 0 || l->spread_band < 0)
            return SQ_EINVAL;
    }
    return d->guard_band < 0 ? SQ_EINVAL : SQ_OK;
}

typedef struct lane_ctx {
    sq_decoder *d;
    sq_phase2_lane *l;
    double guard;
    double other_band;   /* the power in the other carrier's band over the chunk */
    double other_spread; /* ... and in its DPSK's whole main lobe */
} lane_ctx;

static void remember_span(sq_phase2_lane *l, double start_s, double end_s)
{
    double *s = l->spans[l->n_spans++ % SQ_PHASE2_SPANS];
    s[0] = start_s;
    s[1] = end_s;
}

static int frame_event_type(sq_info_kind k)
{
    return k == SQ_INFO1A || k == SQ_INFO1C || k == SQ_INFO1D ? SQ_EVENT_INFO1 : SQ_EVENT_INFO0;
}

/* Whether an INFO1 starting at start_s on this lane comes from a V.90 digital modem: its
 * INFO0d just before; or, that lost, the low carrier from the side that is the digital one. */
static int from_digital_modem(const sq_decoder *d, const sq_phase2_lane *l, double start_s)
{
    return (l->last_info0_kind == SQ_INFO0D && start_s - l->last_info0_s < INFO1_WITHIN_S) ||
           (!l->high && sq_phase2_lanes_digital_side(d));
}

/* A digital modem's INFO1 is INFO1d, laid out as INFO1c (V.90 Table 9) */
static sq_info_kind named_kind(const sq_decoder *d, const sq_phase2_lane *l, sq_info_kind k, double start_s)
{
    return k == SQ_INFO1C && from_digital_modem(d, l, start_s) ? SQ_INFO1D : k;
}

static void frame_event(const sq_decoder *d, const sq_phase2_lane *l, const sq_info_collector *c, sq_info_kind k,
                        sq_event *ev)
{
    memset(ev, 0, sizeof *ev);
    ev->type = (sq_event_type)frame_event_type(k);
    ev->start_s = to_s(c->start_sample);
    ev->end_s = ev->start_s + (double)sq_info_length(k) / SQ_DPSK_BAUD;
    ev->freq_hz = l->high ? HIGH_CARRIER_HZ : LOW_CARRIER_HZ;
    ev->fsk_channel = l->high ? 2 : 1;
    ev->level_dbm0 = sq_power_to_dbm0(c->power_sum / (double)(c->n ? c->n : 1));
    ev->info_kind = (uint8_t)k;
    ev->pcm_analogue = (uint8_t)d->pcm_analogue;
    memcpy(ev->info_bits, c->bits, SQ_INFO_BYTES);
}

static void report_frame(sq_decoder *d, sq_phase2_lane *l, const sq_info_collector *c, sq_info_kind k)
{
    uint64_t end = c->start_sample + (uint64_t)llround((double)sq_info_length(k) * SYMBOL_SAMPLES);
    if (l->last_frame_end && c->start_sample + 2 * SYMBOL_SAMPLES < l->last_frame_end)
        return;   /* another phase of the clock read it */
    sq_event ev;
    frame_event(d, l, c, named_kind(d, l, k, to_s(c->start_sample)), &ev);
    ev.crc_ok = 1;
    if (l->bad_pending && l->bad.start_s < to_s(end) && l->bad.end_s > ev.start_s)
        l->bad_pending = 0;
    sq_event_pool_queue(&d->pool, &ev, -1);
    remember_span(l, ev.start_s, ev.end_s);
    l->last_frame_start = c->start_sample;
    l->last_frame_end = end;
    if (ev.type == SQ_EVENT_INFO0) {
        l->last_info0_s = ev.start_s;
        l->last_info0_kind = k;
        /* V.92 Tables 15 and 16 (an INFO0a's bit 27 asks only with bit 26, V.92 capable, set:
         * V.34's INFO0a has its transmit clock there) */
        l->short_phase2 = (k == SQ_INFO0D && sq_info_bit(c->bits, 26)) ||
                          (k == SQ_INFO0A && sq_info_bit(c->bits, 26) && sq_info_bit(c->bits, 27));
        l->last_info0_power = c->power_sum / (double)(c->n ? c->n : 1);
    } else {
        int digital = from_digital_modem(d, l, ev.start_s);
        int own = sq_phase2_lanes_own_side(d);
        if (own != 0 && own != ev.fsk_channel)
            return;   /* the far modem's INFO1, echoed: what this side sends next is its own */
        sq_wideband_lane_info1(d, ev.end_s, ev.fsk_channel, digital, ev.level_dbm0);
        if (!digital) {
            sq_v34_lane_arm(d, ev.fsk_channel);
            if (k == SQ_INFO1A && sq_info_field_raw(ev.info_bits, 37, 3) == V90_DOWNSTREAM_CODE)
                sq_v34_lane_arm_v90(d);   /* a V.90 analogue modem: V.90 Table 10 */
        }
    }
}

/* A frame read clearly to its longest length without a CRC that checks. */
static void hold_bad_frame(const sq_decoder *d, sq_phase2_lane *l, const sq_info_collector *c)
{
    /* read through the TONEq notch, whose ringing after the tone stops can spoil the frame's
     * end, a CRC that fails says nothing sure of the frame, its kind included (the V.92 call on
     * one channel, the analogue modem 10 dB up: INFO0d under TONEq 15 dB over it read as an
     * INFO0c with its CRC failed) */
    if (l->notch_on || c->clarity_sum < FRAME_CLEAR_MEAN * (double)c->n || l->bad_pending ||
        (l->last_frame_end && c->start_sample + 2 * SYMBOL_SAMPLES < l->last_frame_end))
        return;
    int info1 = to_s(c->start_sample) - l->last_info0_s < INFO1_WITHIN_S;
    sq_info_kind k = l->high ? (info1 ? SQ_INFO1A : SQ_INFO0A) : (info1 ? SQ_INFO1C : SQ_INFO0C);
    frame_event(d, l, c, named_kind(d, l, k, to_s(c->start_sample)), &l->bad);
    l->bad.crc_ok = 0;
    l->bad_pending = 1;
    l->bad_end = c->start_sample + (uint64_t)llround((double)sq_info_length(k) * SYMBOL_SAMPLES);
}

static void release_bad_frame(sq_decoder *d, sq_phase2_lane *l, uint64_t now, int all)
{
    if (!l->bad_pending || (!all && now < l->bad_end + (uint64_t)(BAD_HOLD_S * SQ_PROCESSING_RATE_HZ)))
        return;
    l->bad_pending = 0;
    if (l->last_frame_end && l->bad.start_s + 2.0 / SQ_DPSK_BAUD < to_s(l->last_frame_end))
        return;
    sq_event_pool_queue(&d->pool, &l->bad, -1);
    remember_span(l, l->bad.start_s, l->bad.end_s);
    l->last_frame_end = l->bad_end;
}

static void gather(sq_decoder *d, sq_phase2_lane *l, sq_info_collector *c, int bit, double clarity, double power)
{
    const sq_info_kind *kinds = l->high ? HIGH_KINDS : LOW_KINDS;
    size_t n_kinds = l->high ? sizeof HIGH_KINDS / sizeof HIGH_KINDS[0] : sizeof LOW_KINDS / sizeof LOW_KINDS[0];
    if (bit)
        c->bits[c->n / 8] = (uint8_t)(c->bits[c->n / 8] | (1u << (c->n % 8)));
    c->n++;
    c->clarity_sum += clarity;
    c->power_sum += power;
    for (size_t i = 0; i < n_kinds; i++)
        if (c->n == sq_info_length(kinds[i]) - 4 && sq_info_crc_ok(kinds[i], c->bits)) {
            report_frame(d, l, c, kinds[i]);
            c->active = 0;
            return;
        }
    if (c->n >= sq_info_length(kinds[n_kinds - 1]) - 4) {
        hold_bad_frame(d, l, c);
        c->active = 0;
    }
}

static void start_frame(sq_dpsk_clock_phase *ph, uint64_t sample)
{
    for (int i = 0; i < SQ_INFO_COLLECTORS; i++) {
        sq_info_collector *c = &ph->col[i];
        if (c->active)
            continue;
        memset(c, 0, sizeof *c);
        c->active = 1;
        for (size_t b = 0; b < SQ_INFO_SYNC_BITS; b++)
            if ((SYNC_PATTERN >> (SQ_INFO_SYNC_BITS - 1 - b)) & 1u)
                c->bits[b / 8] = (uint8_t)(c->bits[b / 8] | (1u << (b % 8)));
        c->n = SQ_INFO_SYNC_BITS;
        c->clarity_sum = (double)SQ_INFO_SYNC_BITS;
        /* bit 0 was decided 11 symbols ago; its symbol began one earlier */
        c->start_sample = back(sample, SQ_INFO_SYNC_BITS);
        return;
    }
}

/* A closed tone waits while a frame that began before its end is still being read: the 0s
 * of an INFO frame are not a tone. */
static int frame_under_way_before(const sq_phase2_lane *l, uint64_t end)
{
    for (int p = 0; p < SQ_DPSK_PHASES; p++)
        for (int k = 0; k < SQ_INFO_COLLECTORS; k++)
            if (l->phase[p].col[k].active && l->phase[p].col[k].start_sample < end)
                return 1;
    return 0;
}

/* Tone A or B is phase 2's: V.8 just before it, or INFO, line probing, phases 3 and 4 or
 * data of a V.34 call in the seconds around it (a retrain's tones follow the data), or a
 * phase reversal of its own. A note of music at 1200 Hz with none of that is not one (one
 * in 2 h of the false-alarm bench's music, which then opened a "call" whose every note the
 * unnamed lane named: 10 907 wideband events). */
#define V34_CONTEXT_S 5.0

static int in_v34_context(const sq_decoder *d, const sq_event *tone)
{
    if (tone->n_reversals > 0 || sq_fsk_lanes_v8_heard_before(d, tone->start_s))
        return 1;
    if (d->v34_heard_s > 0.0 && tone->start_s - d->v34_heard_s < V34_CONTEXT_S)
        return 1;
    for (int i = 0; i < 2; i++)   /* an INFO0 this chunk, not yet noted */
        if (tone->start_s - d->phase2[i].last_info0_s < V34_CONTEXT_S)
            return 1;
    return 0;
}

static void release_tone(sq_decoder *d, sq_phase2_lane *l, int all)
{
    if (!l->tone_pending || (!all && frame_under_way_before(l, l->tone_pending_end)))
        return;
    l->tone_pending = 0;
    uint64_t start = (uint64_t)llround(l->tone.start_s * SQ_PROCESSING_RATE_HZ);
    if (l->last_frame_end && start < l->last_frame_end && l->tone_pending_end > l->last_frame_start)
        return;
    if (!in_v34_context(d, &l->tone))
        return;
    sq_event_pool_queue(&d->pool, &l->tone, -1);
    remember_span(l, l->tone.start_s, l->tone.end_s);
    l->last_tone_power = sq_dbm0_to_power(l->tone.level_dbm0);
    /* V.92 9.4: in a short phase 2 the digital modem sends INFO0d and tone B, no INFO1d; what
     * it sends next is its training. Line probing or an INFO1 instead means a full phase 2. */
    if (!l->high && l->short_phase2 && l->tone.start_s - l->last_info0_s < INFO1_WITHIN_S)
        sq_wideband_lane_after_short_phase2(d, l->tone.end_s, 1);
    /* V.92 9.4.2: the analogue modem's INFO1a and phase 3 follow its tone A's reversal */
    if (l->high && l->short_phase2 && l->tone.start_s - l->last_info0_s < INFO1_WITHIN_S &&
        sq_phase2_lanes_own_side(d) == 2 && l->tone.n_reversals > 0)
        sq_v34_lane_arm_before_info1(d, 2);
}

static void close_tone(sq_phase2_lane *l)
{
    l->tone_open = 0;
    l->run = 0;
    double n = (double)(l->tone_symbols ? l->tone_symbols : 1);
    double offset_hz = l->angle_sum / n * SQ_DPSK_BAUD / (3.0 * 2.0 * M_PI);
    double power = l->power_sum / n, guard = l->guard_sum / n, total = l->total_sum / n, other = l->other_sum / n;
    if (fabs(offset_hz) > TONE_MAX_OFFSET_HZ)
        return;
    /* the tone (and tone A's guard) is all there is but the other carrier's band (the other
     * modem, on a one-channel recording): not one of two tones of a DTMF digit */
    if (power + (l->high ? guard : 0.0) < TONE_SHARE * fmax(total - other, power))
        return;
    if (l->high && guard < power * pow(10.0, TONE_GUARD_MIN_DB / 10.0))
        return;
    sq_event *ev = &l->tone;
    memset(ev, 0, sizeof *ev);
    ev->type = l->high ? SQ_EVENT_TONE_A : SQ_EVENT_TONE_B;
    ev->start_s = to_s(l->run_start);
    ev->end_s = to_s(l->tone_last);
    ev->freq_hz = (l->high ? HIGH_CARRIER_HZ : LOW_CARRIER_HZ) + offset_hz;
    ev->level_dbm0 = sq_power_to_dbm0(power);
    ev->fsk_channel = l->high ? 2 : 1;
    ev->n_reversals = l->n_reversals;
    memcpy(ev->reversals_s, l->reversals_s, sizeof ev->reversals_s);
    l->tone_pending = 1;
    l->tone_pending_end = l->tone_last;
}

static void tone_step(sq_phase2_lane *l, const sq_dpsk_symbol *s, int powered, double guard, double other)
{
    /* a tone reads as one at every phase of the clock: a signal whose phase steps every
     * symbol (V.22bis S1) can look steady at the phase that straddles its steps, not at the
     * one half a symbol away */
    const sq_dpsk_clock_phase *across = &l->phase[(s->phase + SQ_DPSK_PHASES / 2) % SQ_DPSK_PHASES];
    int zero = powered && near_zero(s->product, TAN2_25_DEG) && across->audible &&
               near_zero(across->last_product, TAN2_25_DEG);
    /* the carrier dips as it turns over, so the turn may fall under the share a tone needs;
     * a tone has no symbol clock, and when this phase straddles the turn (two products of
     * 90 degrees) the phase half a symbol away sees it whole */
    int one = (s->power >= l->floor_power && near_half_turn(s->product, TAN2_50_DEG)) ||
              (across->audible && near_half_turn(across->last_product, TAN2_50_DEG));
    if (zero) {
        if (!l->tone_open && l->run == 0) {
            l->run_start = back(s->sample, 1.0);
            l->angle_sum = l->power_sum = l->guard_sum = l->total_sum = l->other_sum = 0.0;
            l->tone_symbols = l->n_reversals = 0;
        }
        if (l->tone_open && l->reversal_at && l->off_run <= 2) {
            if (l->n_reversals < SQ_EVENT_MAX_REVERSALS)
                l->reversals_s[l->n_reversals] = to_s(l->reversal_at);
            l->n_reversals++;
        }
        l->run++;
        l->off_run = 0;
        l->reversal_at = 0;
        l->tone_last = s->sample;
        l->angle_sum += cargf(s->product3);
        l->power_sum += s->power;
        l->total_sum += s->total_power;
        l->other_sum += other;
        l->guard_sum += guard;
        l->tone_symbols++;
        if (l->run >= TONE_MIN_SYMBOLS)
            l->tone_open = 1;
        return;
    }
    if (!l->tone_open) {
        l->run = 0;
        return;
    }
    if (one && !l->reversal_at)
        l->reversal_at = back(s->sample, 1.0);
    if (++l->off_run >= 3)
        close_tone(l);
}

/* INFOMARKS (10.1.2.3.6): a modem's DPSK carrier fed 1s, a half turn every symbol, sent in
 * the start-up's error recovery (11.2.2, 11.3.2) for as long as the other modem takes to
 * answer: two lines at the carrier +-300 Hz. A run of MARKS_MIN_SYMBOLS half turns (within 35
 * degrees) at the best phase is INFOMARKS when, like a tone, it is within 7 Hz of the carrier
 * (a DTMF digit's two tones round 1200 Hz turn 20 degrees short a symbol), it holds most of
 * the input but the other carrier's band, its envelope is flat (two lines off +-300 Hz beat),
 * and a V.34 start-up is under way; INFO frames hold 4 1s in a row in their fill, V.22's
 * unscrambled 1s turn 270 degrees. */
#define MARKS_MIN_SYMBOLS 30       /* 50 ms */
#define MARKS_GAP 6                /* symbols not read as a half turn in a row that end a run */
#define MARKS_SETTLED 8            /* in a row before a miss is let by */
#define MARKS_DENSITY 0.9          /* of the symbols from its first to its last: noise misses a
                                      few; an INFO frame's 1s are about half its bits */
#define MARKS_FLAT 0.9             /* (mean |product|)^2 / mean |product|^2 */
/* Of the input but the other carrier's band, as the receiver's one-symbol sum measures it at
 * the best phase: 0.65 of the call modem's INFOMARKS (its lines lie at the sum's edges), 0.15
 * of the answer modem's heard through the 1200 Hz lane. */
#define MARKS_SHARE 0.5
/* Two lines at +-300 Hz cancel in the one-symbol sum at one phase of the clock (a half turn
 * midway through it): the weakest phase's product holds under this share of the best's (as
 * mean squares). One tone 300 Hz off the carrier (a 2100 Hz answer tone through the 2400 Hz
 * lane) also turns a half turn a symbol, but every phase holds it alike. */
#define MARKS_NULL 0.25

/* Whether the run so far nulls a clock phase as INFOMARKS does. */
static int marks_nulled(const sq_phase2_lane *l)
{
    return l->marks_null2_sum <= MARKS_NULL * MARKS_NULL * l->marks_mag2_sum;
}

/* Whether the run so far is INFOMARKS by its sound (the offset, flatness, null and share
 * above), whatever is around it; *offset_hz its carrier's offset. */
static int marks_pass(const sq_phase2_lane *l, double *offset_hz)
{
    double n = (double)l->marks_run;
    if (n < MARKS_MIN_SYMBOLS || n < MARKS_DENSITY * (double)l->marks_span)
        return 0;
    *offset_hz = l->marks_angle_sum / n * SQ_DPSK_BAUD / (2.0 * M_PI);
    double mag = l->marks_mag_sum / n, mag2 = l->marks_mag2_sum / n;
    double power = l->marks_power_sum / n, total = l->marks_total_sum / n, other = l->marks_other_sum / n,
           guard = l->marks_guard_sum / n;
    return fabs(*offset_hz) <= TONE_MAX_OFFSET_HZ && mag * mag >= MARKS_FLAT * mag2 && marks_nulled(l) &&
           power + (l->high ? guard : 0.0) >= MARKS_SHARE * fmax(total - other, power);
}

/* The run ends. Its lines, wherever it sounds so, are INFOMARKS's: an answer tone or a guard
 * the tone bank hears in them is not one (sq_phase2_lanes_marks_cover); an event for it only
 * in a V.34 start-up. */
static void close_marks(sq_decoder *d, sq_phase2_lane *l)
{
    double offset_hz = 0.0;
    int pass = marks_pass(l, &offset_hz);
    double n = (double)l->marks_run;
    l->marks_run = l->marks_off = 0;
    if (!pass)
        return;
    sq_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SQ_EVENT_INFOMARKS;
    ev.start_s = to_s(l->marks_start);
    ev.end_s = to_s(l->marks_end);
    ev.freq_hz = (l->high ? HIGH_CARRIER_HZ : LOW_CARRIER_HZ) + offset_hz;
    ev.level_dbm0 = sq_power_to_dbm0(l->marks_power_sum / n);
    ev.fsk_channel = l->high ? 2 : 1;
    double *span = l->marks_spans[l->n_marks_spans++ % SQ_PHASE2_MARKS_SPANS];
    span[0] = ev.start_s;
    span[1] = ev.end_s;
    if (!in_v34_context(d, &ev))
        return;
    sq_event_pool_queue(&d->pool, &ev, -1);
    remember_span(l, ev.start_s, ev.end_s);
}

static void marks_step(sq_decoder *d, sq_phase2_lane *l, const sq_dpsk_symbol *s, int powered, double guard,
                       double other)
{
    if (!(powered && near_half_turn(s->product, TAN2_35_DEG))) {
        if (l->marks_run && l->marks_run < MARKS_SETTLED)
            l->marks_run = l->marks_off = 0;   /* noise's chance half turns: start again */
        else if (l->marks_run && ++l->marks_off >= MARKS_GAP)
            close_marks(d, l);
        return;
    }
    /* the fourth half turn in a row: the signal's, not noise's chance ones */
    l->marks_streak = l->marks_off == 0 ? l->marks_streak + 1 : 1;
    if (l->marks_streak >= 4)
        l->marks_end = s->sample;
    l->marks_span += l->marks_off + 1;
    if (l->marks_run == 0) {
        l->marks_span = 1;
        l->marks_streak = 1;
        l->marks_start = back(s->sample, 2.0);   /* the turn into the second symbol */
        l->marks_end = s->sample;
        l->marks_angle_sum = l->marks_mag_sum = l->marks_mag2_sum = l->marks_null2_sum = 0.0;
        l->marks_power_sum = l->marks_total_sum = l->marks_other_sum = l->marks_guard_sum = 0.0;
    }
    /* powers, not magnitudes: no square root for each phase */
    float re = crealf(s->product), im = cimagf(s->product), null2 = re * re + im * im;
    for (int h = 0; h < SQ_DPSK_PHASES; h++) {
        float hr = crealf(l->phase[h].last_product), hi = cimagf(l->phase[h].last_product), p2 = hr * hr + hi * hi;
        null2 = p2 < null2 ? p2 : null2;
    }
    double mag2 = (double)re * re + (double)im * im, mag = sqrt(mag2);
    l->marks_null2_sum += null2;
    l->marks_run++;
    l->marks_off = 0;
    l->marks_angle_sum += cargf(-s->product);
    l->marks_mag_sum += mag;
    l->marks_mag2_sum += mag2;
    l->marks_power_sum += s->power;
    l->marks_total_sum += s->total_power;
    l->marks_other_sum += other;
    l->marks_guard_sum += guard;
}

static void pick_best_phase(sq_phase2_lane *l)
{
    int best = 0;
    for (int h = 1; h < SQ_DPSK_PHASES; h++)
        if (l->phase[h].strength > l->phase[best].strength)
            best = h;
    /* change only for a clearly better phase, so a tone keeps one clock */
    if (l->phase[best].strength > 1.1 * l->phase[l->best].strength)
        l->best = best;
}

static void on_symbol(void *user, const sq_dpsk_symbol *s)
{
    lane_ctx *c = user;
    sq_phase2_lane *l = c->l;
    sq_dpsk_clock_phase *ph = &l->phase[s->phase];
    float re = crealf(s->product), im = cimagf(s->product);
    float mag2 = re * re + im * im;
    /* held over the dips at a DPSK symbol's turns: down 3 dB a symbol */
    double held = l->band_power * OTHER_HOLD;   /* (no fmax: a library call, at every phase's symbol) */
    l->band_power = s->power > held ? s->power : held;
    /* the clock phase is chosen by the band's share of everything (a steady choice through
     * the other modem's signal); bits and tones are read with the other band left out */
    int audible = s->power >= l->floor_power;
    int share = audible && s->power >= BAND_SHARE * s->total_power;
    double others_left = s->total_power - c->other_spread;
    int powered = audible && s->power >= BAND_SHARE * (others_left > s->power ? others_left : s->power);
    double mag = mag2 > 0.0f ? fabsf(re) / sqrtf(mag2) : 0.0;
    double clarity = powered ? mag : 0.0;
    int bit = re < 0.0f, clear = clarity >= CLEAR_RATIO;
    ph->strength += ((share ? mag : 0.0) - ph->strength) * STRENGTH_ALPHA;
    ph->last_product = s->product;
    ph->audible = s->power >= l->floor_power;
    for (int i = 0; i < SQ_INFO_COLLECTORS; i++)
        if (ph->col[i].active)
            gather(c->d, l, &ph->col[i], bit, clarity, s->power);
    ph->last_bits = (uint16_t)(((ph->last_bits << 1) | (unsigned)bit) & SYNC_MASK);
    ph->clear = (uint16_t)(((ph->clear << 1) | (unsigned)clear) & SYNC_MASK);
    if ((ph->last_bits & SYNC_READ_MASK) == (SYNC_PATTERN & SYNC_READ_MASK) &&
        (ph->clear & SYNC_READ_MASK) == SYNC_READ_MASK)
        start_frame(ph, s->sample);
    if (s->phase == l->best) {
        tone_step(l, s, powered, c->guard, c->other_band);
        marks_step(c->d, l, s, powered, c->guard, c->other_band);
    }
    if (s->phase == SQ_DPSK_PHASES - 1) {
        pick_best_phase(l);
        release_bad_frame(c->d, l, s->sample, 0);
        release_tone(c->d, l, 0);
    }
}

/* Nothing under way that needs the lane to listen on. */
static int idle(const sq_phase2_lane *l)
{
    /* a run of half turns holds the lane while it may be INFOMARKS: one tone 300 Hz off the
     * carrier (an answer tone heard by the 2400 Hz lane) nulls no phase, and lets it rest */
    if (l->tone_open || l->run || l->tone_pending || l->bad_pending ||
        (l->marks_run >= MARKS_SETTLED && marks_nulled(l)))
        return 0;
    for (int p = 0; p < SQ_DPSK_PHASES; p++)
        for (int k = 0; k < SQ_INFO_COLLECTORS; k++)
            if (l->phase[p].col[k].active)
                return 0;
    return 1;
}

/* Another modem's data is plainly on the line: V.22 data, or plain FSK text. Phase 2 comes
 * only after such a call has stopped, so the lanes may rest meanwhile. */
static int other_data_on(const sq_decoder *d)
{
    return sq_qam_lanes_carrying(d) || sq_fsk_lanes_plain_data(d);
}

/* While this channel's modem trains or sends data (after its INFO1), phase 2 comes again
 * only with a retrain, which begins with tone A or B: the lane may rest until its carrier
 * stands out of its band as a tone (the band watch's bins at the carrier hold CARRIER_TONE_SHARE of
 * the band's power; a V.34 signal spreads it over the whole band). */
static int tone_in_band(const sq_decoder *d, const sq_phase2_lane *l)
{
    double band = sq_band_watch_peak(&d->watch, l->band);
    return band >= l->floor_power && sq_band_watch_peak(&d->watch, l->tone_band) >= CARRIER_TONE_SHARE * band;
}

/* The lane's receiver given x, through the TONEq notch while it is on. */
static void push(lane_ctx *c, sq_dpsk_rx *rx, const float *x, size_t n)
{
    if (!c->l->notch_on) {
        sq_dpsk_rx_push(rx, x, n, on_symbol, c);
        return;
    }
    float y[NOTCH_PIECE];
    for (size_t i = 0; i < n; i += NOTCH_PIECE) {
        size_t m = n - i < NOTCH_PIECE ? n - i : NOTCH_PIECE;
        sq_notch_run(&c->l->toneq_notch, x + i, y, m);
        sq_dpsk_rx_push(rx, y, m, on_symbol, c);
    }
}

static void replay(void *ctx, void *rx, const float *x, size_t n)
{
    push(ctx, rx, x, n);
}

/* Whether the low lane reads through the TONEq notch over the next n samples: only with both
 * sides on one channel (on its own channel the analogue modem's tone reaches INFO0d's only as
 * echo, 15 dB and more under it). The notch starts from rest each time it is turned on. */
static void choose_notch(sq_decoder *d, sq_phase2_lane *l, size_t n)
{
    if (l->high || !d->both_sides)
        return;
    if (sq_decoder_toneq_sounding(d))
        l->notch_until = d->samples + n + (uint64_t)(NOTCH_HOLD_S * SQ_PROCESSING_RATE_HZ);
    int on = d->samples < l->notch_until;
    if (on && !l->notch_on)
        sq_notch_reset(&l->toneq_notch);
    l->notch_on = on;
}

void sq_phase2_lanes_process(sq_decoder *d, const float *x, size_t n)
{
    int other = other_data_on(d);
    for (int i = 0; i < 2; i++) {
        int training = sq_wideband_lane_masks_phase2(d, i + 1);
        /* the guard's power over this chunk, for tone A's check, from the band watch */
        lane_ctx c = { .d = d, .l = &d->phase2[i], .guard = sq_band_watch_peak(&d->watch, d->guard_band),
                       .other_band = sq_band_watch_peak(&d->watch, d->phase2[1 - i].band),
                       .other_spread = sq_band_watch_peak(&d->watch, d->phase2[1 - i].spread_band) };
        sq_phase2_lane *l = c.l;
        /* A lane rests while nothing it reads can be there: its band quiet, another modem's
         * data on, or its own modem training (until a tone, a retrain's A or B, stands out).
         * Its receiver is kept REST_LAG samples behind meanwhile, and given them first when
         * it listens again: a frame or tone that begins just before is met whole, however
         * the audio was chunked (the band watch's spectra come every 8 ms, not every chunk). */
        l->tone_chunks = training && tone_in_band(d, l) ? l->tone_chunks + 1 : 0;
        int rest = idle(l) && (other || (training && l->tone_chunks < TONE_WAKE_CHUNKS) ||
                               sq_band_watch_peak(&d->watch, l->band) < l->floor_power);
        if (rest) {
            l->band_power = 0.0;
            l->marks_run = l->marks_off = 0;   /* a few chance half turns: not a run to go on */
            l->lag += n;
            if (l->lag > REST_LAG) {
                sq_dpsk_rx_skip(&l->rx, l->lag - REST_LAG);
                l->lag = REST_LAG;
            }
            continue;
        }
        choose_notch(d, l, n);
        sq_band_watch_replay(&d->watch, d->samples - l->lag, d->samples, replay, &c, &l->rx);
        l->lag = 0;
        push(&c, &l->rx, x, n);
    }
}

void sq_phase2_lanes_finish(sq_decoder *d)
{
    for (int i = 0; i < 2; i++) {
        sq_phase2_lane *l = &d->phase2[i];
        if (l->tone_open)
            close_tone(l);
        release_tone(d, l, 1);
        close_marks(d, l);
        release_bad_frame(d, l, 0, 1);
    }
}

double sq_phase2_lanes_horizon_s(const sq_decoder *d, double now_s)
{
    double h = now_s;
    for (int i = 0; i < 2; i++) {
        const sq_phase2_lane *l = &d->phase2[i];
        if (l->tone_open || l->run)
            h = sq_earlier_s(h, to_s(l->run_start));
        if (l->marks_run)
            h = sq_earlier_s(h, to_s(l->marks_start));
        if (l->bad_pending)
            h = sq_earlier_s(h, l->bad.start_s);
        if (l->tone_pending)
            h = sq_earlier_s(h, l->tone.start_s);
        for (int p = 0; p < SQ_DPSK_PHASES; p++)
            for (int k = 0; k < SQ_INFO_COLLECTORS; k++)
                if (l->phase[p].col[k].active)
                    h = sq_earlier_s(h, to_s(l->phase[p].col[k].start_sample));
        /* a sync may be forming: a frame can start up to 12 symbols back */
        h = sq_earlier_s(h, now_s - (double)SQ_INFO_SYNC_BITS / SQ_DPSK_BAUD);
    }
    return fmax(h, 0.0);
}

/* The bands a lane's signals fill: 1200 Hz +-500 Hz; 2400 Hz +-500 Hz and the 1800 Hz guard. */
static int in_band(const sq_phase2_lane *l, double freq_hz)
{
    return l->high ? freq_hz >= 1700.0 && freq_hz <= 2900.0 : freq_hz >= 700.0 && freq_hz <= 1700.0;
}

int sq_phase2_lanes_cover(const sq_decoder *d, double freq_hz, double start_s, double end_s)
{
    for (int i = 0; i < 2; i++) {
        const sq_phase2_lane *l = &d->phase2[i];
        if (!in_band(l, freq_hz))
            continue;
        double covered = 0.0;
        size_t n = l->n_spans < SQ_PHASE2_SPANS ? l->n_spans : SQ_PHASE2_SPANS;
        for (size_t k = 0; k < n; k++) {
            if (l->spans[k][0] >= start_s && l->spans[k][1] <= end_s)
                return 1;   /* a whole INFO frame or probing inside it: not one FSK signal */
            covered += fmax(0.0, fmin(end_s, l->spans[k][1]) - fmax(start_s, l->spans[k][0]));
        }
        if (l->tone_pending)
            covered += fmax(0.0, fmin(end_s, l->tone.end_s) - fmax(start_s, l->tone.start_s));
        if (l->tone_open)
            covered += fmax(0.0, end_s - fmax(start_s, to_s(l->run_start)));
        if (covered > 0.5 * (end_s - start_s))
            return 1;
    }
    return 0;
}

int sq_phase2_lanes_marks_cover(const sq_decoder *d, double freq_hz, double start_s, double end_s)
{
    for (int i = 0; i < 2; i++) {
        const sq_phase2_lane *l = &d->phase2[i];
        if (!in_band(l, freq_hz))
            continue;
        double covered = 0.0, offset_hz;
        size_t n = l->n_marks_spans < SQ_PHASE2_MARKS_SPANS ? l->n_marks_spans : SQ_PHASE2_MARKS_SPANS;
        for (size_t k = 0; k < n; k++)
            covered += fmax(0.0, fmin(end_s, l->marks_spans[k][1]) - fmax(start_s, l->marks_spans[k][0]));
        if (marks_pass(l, &offset_hz))   /* a run under way */
            covered += fmax(0.0, end_s - fmax(start_s, to_s(l->marks_start)));
        if (covered > 0.5 * (end_s - start_s))
            return 1;
    }
    return 0;
}

void sq_phase2_lanes_note_span(sq_decoder *d, double start_s, double end_s)
{
    for (int i = 0; i < 2; i++)
        remember_span(&d->phase2[i], start_s, end_s);
}

double sq_phase2_lanes_tone_since(const sq_decoder *d, double t_s, int channel, double *power)
{
    /* In a retrain both modems go back to phase 2 (V.34 11.x): this side's own tone starts
     * again. The far modem's tone heard as an echo, once this side's INFO1 masks it no
     * more, is not a retrain; nor, with both modems on the channel (the wideband lane names a
     * channel only then), is the other modem's tone between the two INFO1s (V.34
     * 11.2.1.2.8-9: the answerer sends tone A until it has the caller's INFO1c, then its
     * INFO1a), which
     * had ended a V.90 digital caller's transmission before its Sd. */
    int own = sq_phase2_lanes_own_side(d), side = own != 0 ? own : channel;
    for (int i = 0; i < 2; i++)
        if ((side == 0 || side == i + 1) && d->phase2[i].tone_open && to_s(d->phase2[i].run_start) > t_s) {
            *power = d->phase2[i].power_sum / (double)(d->phase2[i].tone_symbols ? d->phase2[i].tone_symbols : 1);
            return to_s(d->phase2[i].run_start);
        }
    return -1.0;
}

int sq_phase2_lanes_digital_side(const sq_decoder *d)
{
    /* its INFO0d; or, that lost, the 1200 Hz carrier from the modem that answered in V.8 (a
     * V.34 answerer takes 2400 Hz, a V.90 digital modem 1200: V.90 9.2) */
    int own = sq_phase2_lanes_own_side(d);
    return own != 0 && (d->phase2[own - 1].last_info0_kind == SQ_INFO0D || (own == 1 && d->jm_power > d->cm_power));
}

int sq_phase2_lanes_own_side(const sq_decoder *d)
{
    const sq_phase2_lane *lo = &d->phase2[0], *hi = &d->phase2[1];
    /* the louder INFO0 (the other side's is heard here too, as an echo), or tone: an INFO0 is
     * one frame, and with this side's lost the other's echo would be all there is */
    double lo_power = fmax(lo->last_info0_power, lo->last_tone_power);
    double hi_power = fmax(hi->last_info0_power, hi->last_tone_power);
    if (d->both_sides || (lo_power <= 0.0 && hi_power <= 0.0))
        return 0;
    return hi_power > lo_power ? 2 : 1;
}
