/* Wideband signals for the timeline decoder, in blocks of 20 ms:
 *
 * - V.34 line probing (10.1.2.4): L1 then L2, a sum of cosines every 150 Hz from 150 to
 *   3750 Hz without 900, 1200, 1800 and 2400 Hz. 20 ms holds exactly three of its 6.67 ms
 *   periods, so a plain 160-point DFT puts each tone in one bin (every third) and nothing
 *   elsewhere. A block is probing when those 21 bins hold most of its power and most of
 *   them are lit; L1 is the first part, sent 6 dB louder. L2's tones, sent at one level,
 *   give the line's response; the bins between them (nothing of the comb falls there) its
 *   noise.
 * - What a modem sends after its own INFO1 (V.34 phases 3 and 4, then data; for a V.90
 *   digital modem, its digital training and data): from the end of the INFO1 until phase 2
 *   starts again (a retrain: tone A or B), the file ends, or 10 s pass in silence. A modem
 *   falls silent in phase 4 while the other trains: each stretch between silences of
 *   100 ms or more is one event.
 * - V.32 / V.32bis (5.2): AC and CA (600 + 3000 Hz), S (the same with 1800 Hz), and after S the
 *   same modem's training and data, as after INFO1. Out of that data, a retrain (V.32bis 7):
 *   the caller's AA (1800 Hz alone) or the answerer's AC, for 128 T or more, ends the data;
 *   a whole start-up follows. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "dsp/fft_plan.h"
#include "src/decode/decoder_internal.h"
#include "squeal/error.h"
#include "squeal/level.h"

#define COMB_STEP_BINS 3              /* 150 Hz in 50 Hz bins */
#define COMB_FIRST 1                  /* 150 Hz */
#define COMB_LAST 25                  /* 3750 Hz */
#define COMB_SHARE 0.7                /* of the block's power in the probing tones' bins */
#define COMB_LIT_DB -25.0             /* a tone is lit within this of the strongest */
#define COMB_MIN_LIT 15               /* of 21 */
#define COMB_OVER_NOISE 4.0           /* 6 dB: a single noise bin passes it one time in 16 */
#define PROBE_MIN_BLOCKS 5            /* 100 ms */
#define PROBE_GAP_BLOCKS 3            /* a click or a lost packet inside probing (a 20 ms
                                         * gap spoiled three blocks on a real call) */
#define L1_STEP_DB 4.0                /* L1 is 6 dB over L2 */
#define RESPONSE_MIN_BLOCKS 5         /* 100 ms of L2 to measure the line on */
#define RESPONSE_STEP_DB 0.5          /* a tone's level, in a signed byte of the event's data */
#define BAND_BINS 72                  /* 150-3750 Hz in 50 Hz bins */
#define MAX_SNR_DB 99.0
#define FLOOR_DBM0 -45.0
#define QUIET_BLOCKS 5                /* 100 ms under the floor ends a stretch of transmission */
/* ... except between a V.90 digital modem's Sd and Ri: it sends on without a pause, but
 * DIL's quietest segments (the analogue modem asks for them, down to the codec's smallest
 * codewords) sit near -46 dBm0 on a line at -16 dBm0, under the floor for most of a second
 * once the whole call is a few dB quieter. There only the modem stopping for good
 * (GIVE_UP_BLOCKS) or phase 2 again ends the stretch, at the last block heard. */
#define TENTATIVE_BLOCKS 25           /* 0.5 s: L1 and the start of L2 would have shown by then */
#define MIN_STRETCH_S 0.1             /* shorter bursts are clicks */
#define GIVE_UP_BLOCKS 500            /* 10 s under it: the modem has stopped for good */
/* ... but once its data has begun, 2 s: data does not pause (a lost packet is tens of ms),
 * so the call is over, and what follows (another call's answer tone, CM, its own start-up)
 * is not this transmission going on: a second call 3 s after a V.34 one was read whole as
 * V.34 data, none of its answer tone, V.8 or V.22bis named */
#define DATA_GONE_BLOCKS 100
/* A modem's training and data come at its INFO1's level less the power reduction the far
 * modem asks of it (V.34 Tables 15 and 16, bits 12-17: a minimum and an additional one,
 * 0-7 dB each). A stretch further down than that, by a margin, is the far modem's echo
 * heard while this one waits (V.34 phase 3: the caller is quiet through the answerer's S,
 * PP and TRN). */
#define MAX_POWER_REDUCTION_DB 14.0
#define ECHO_MARGIN_DB 3.0
#define BLOCK_S ((double)SQ_WIDEBAND_BLOCK / SQ_PROCESSING_RATE_HZ)

static int is_probe_tone(int k)
{
    /* the omitted tones: 900, 1200, 1800, 2400 Hz */
    return k != 6 && k != 8 && k != 12 && k != 16;
}

int sq_wideband_lane_create(sq_decoder *d)
{
    sq_wideband_lane *l = &d->wideband;
    memset(l, 0, sizeof *l);
    l->floor_power = sq_dbm0_to_power(FLOOR_DBM0);
    l->in = fftwf_alloc_real(SQ_WIDEBAND_BLOCK);
    l->out = fftwf_alloc_complex(SQ_WIDEBAND_BLOCK / 2 + 1);
    if (!l->in || !l->out)
        return SQ_ENOMEM;
    l->plan = sq_fft_plan_r2c(SQ_WIDEBAND_BLOCK, l->in, l->out);
    return l->plan ? SQ_OK : SQ_ENOMEM;
}

void sq_wideband_lane_destroy(sq_decoder *d)
{
    sq_wideband_lane *l = &d->wideband;
    if (l->plan)
        sq_fft_plan_destroy(l->plan);
    fftwf_free(l->in);
    fftwf_free(l->out);
}

/* A real signal's bin k holds 2 |X_k|^2 / N^2 of its mean power. */
static double bin_power(const sq_wideband_lane *l, int k)
{
    return 2.0 * ((double)l->out[k][0] * l->out[k][0] + (double)l->out[k][1] * l->out[k][1]) /
           ((double)SQ_WIDEBAND_BLOCK * SQ_WIDEBAND_BLOCK);
}

/* A block's power in each probing tone's bin. */
static void measure_probe_tones(const sq_wideband_lane *l, float *tones)
{
    size_t t = 0;
    for (int m = COMB_FIRST; m <= COMB_LAST && t < SQ_LINE_PROBE_TONES; m++)
        if (is_probe_tone(m))
            tones[t++] = (float)bin_power(l, m * COMB_STEP_BINS);
}

/* A block's power in the band's bins between the probing frequencies. */
static void measure_probe_noise(const sq_wideband_lane *l, float *noise)
{
    size_t b = 0;
    for (int k = COMB_FIRST * COMB_STEP_BINS; k <= COMB_LAST * COMB_STEP_BINS && b < SQ_WIDEBAND_NOISE_BINS; k++)
        if (k % COMB_STEP_BINS != 0)
            noise[b++] = (float)bin_power(l, k);
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* The median of the band's bins between the probing tones: the noise a bin holds. */
static double median_noise(const float *noise)
{
    float sorted[SQ_WIDEBAND_NOISE_BINS];
    memcpy(sorted, noise, sizeof sorted);
    qsort(sorted, SQ_WIDEBAND_NOISE_BINS, sizeof sorted[0], cmp_float);
    return 0.5 * ((double)sorted[SQ_WIDEBAND_NOISE_BINS / 2 - 1] + sorted[SQ_WIDEBAND_NOISE_BINS / 2]);
}

/* 1 when the block (its spectrum computed) is line probing; its tones' and the bins between
 * them's powers in tones[] and noise[] then (noise[] is left alone when the tones hold too
 * little of the block to be probing). A tone is lit within COMB_LIT_DB of the
 * strongest and COMB_OVER_NOISE over the noise between the tones: one tone on a probing
 * frequency in noise (V.21 channel 2's mark, 1650 Hz, at 3 dB SNR) put most of the block's
 * power in the comb's bins and all of them within 25 dB, but lit one. */
static int is_probe_block(const sq_wideband_lane *l, double power, float *tones, float *noise)
{
    double comb = 0.0, strongest = 0.0;
    measure_probe_tones(l, tones);
    for (size_t t = 0; t < SQ_LINE_PROBE_TONES; t++) {
        comb += tones[t];
        strongest = tones[t] > strongest ? tones[t] : strongest;   /* no NaN here: no fmax call */
    }
    if (comb < COMB_SHARE * power)
        return 0;   /* most blocks: the bins between the tones are not needed */
    measure_probe_noise(l, noise);
    double floor = fmax(strongest * pow(10.0, COMB_LIT_DB / 10.0), COMB_OVER_NOISE * median_noise(noise));
    int lit = 0;
    for (size_t t = 0; t < SQ_LINE_PROBE_TONES; t++)
        lit += tones[t] >= floor;
    return lit >= COMB_MIN_LIT;
}

/* V.32bis 5.2: AC / CA (states A and C alternating at 2400 baud) are the lines 1200 Hz either
 * side of the 1800 Hz carrier, without it; S (A and B alternating) has the carrier line too.
 * Each is a whole number of cycles in 20 ms, so each sits in one bin. Returns KIND_AC,
 * KIND_S or KIND_OTHER. */
enum { KIND_OTHER = 0, KIND_AC, KIND_S, KIND_AA };
#define V32_SHARE 0.8           /* of the block's power in the signal's lines */
#define V32_BALANCE_DB 10.0
#define V32_PAIR_MIN 0.3        /* S: the two outer lines hold this much at least (half, nominally) */     /* no line of the signal more than this under the strongest */
#define BIN_600 12
#define BIN_1800 36
#define BIN_3000 60

static int v32_block(const sq_wideband_lane *l, double power)
{
    double lo = bin_power(l, BIN_600), mid = bin_power(l, BIN_1800), hi = bin_power(l, BIN_3000);
    double floor_ratio = pow(10.0, -V32_BALANCE_DB / 10.0);
    int pair = lo >= floor_ratio * hi && hi >= floor_ratio * lo && lo + hi >= V32_PAIR_MIN * power;
    if (pair && lo + hi >= V32_SHARE * power && mid < floor_ratio * fmax(lo, hi))
        return KIND_AC;
    if (pair && lo + mid + hi >= V32_SHARE * power && mid >= floor_ratio * fmax(lo, hi))
        return KIND_S;
    return KIND_OTHER;
}

/* Both modems on one channel: AC (600 + 3000 Hz) over the caller's AA (1800 Hz) has S's three
 * lines, and would be read as S. The AA was heard alone first (the answerer sends AC when it
 * hears AA, V.32bis 6.3): a block with S's lines whose 1800 Hz line holds the level the AA
 * had, right after it, is AC under AA, and so is the next while that goes on. S comes
 * after AC and CA, and AA has ended by then (the caller turns it to CC on AC's reversal). */
#define AA_ALONE_SHARE 0.8      /* of the block's power in the 1800 Hz line */
#define AA_LEVEL_DB 3.0         /* the line under AC within this of AA's level alone */
#define AA_GAP_S 0.045          /* the AA last heard at most two blocks before */

#define AC_LINES_HOLD 0.5        /* AA's turn: AC's two lines keep this share while the 1800 Hz one dips */

static int v32_both_sides_kind(sq_wideband_lane *l, int kind, double start_s, double power)
{
    double mid = bin_power(l, BIN_1800), near = pow(10.0, AA_LEVEL_DB / 10.0);
    int after_aa = start_s - l->aa_heard_s <= AA_GAP_S;
    if (mid >= AA_ALONE_SHARE * power && kind == KIND_OTHER) {   /* AA alone */
        if (!after_aa) {
            l->aa_start_s = start_s;
            l->aa_turn_s = 0.0;
            l->aa_under_ac = 0;
        }
        l->aa_line_power = mid;
        l->aa_heard_s = start_s;
        return kind;
    }
    if (kind == KIND_S && after_aa && mid <= near * l->aa_line_power && mid >= l->aa_line_power / near) {
        l->aa_heard_s = start_s;
        l->aa_under_ac++;
        return KIND_AC;
    }
    /* AA turning into CC under AC: its line dips for the block, AC's hold; AC goes on */
    if (kind == KIND_OTHER && after_aa && l->aa_under_ac && l->aa_turn_s == 0.0 &&
        bin_power(l, BIN_600) + bin_power(l, BIN_3000) >= AC_LINES_HOLD * power) {
        l->aa_turn_s = start_s + BLOCK_S / 2.0;
        l->aa_heard_s = start_s;
        return KIND_AC;
    }
    return kind;
}

/* Both modems on one channel: the AA that AC was read under, named when the AC is (the tone
 * receiver does not name an 1800 Hz line with AC's two beside it). */
static void name_aa_under_ac(sq_decoder *d, sq_wideband_lane *l)
{
    if (!d->both_sides || !l->aa_under_ac)
        return;
    sq_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SQ_EVENT_V32_AA;
    ev.fsk_channel = 1;
    ev.start_s = l->aa_start_s;
    ev.end_s = l->aa_heard_s + BLOCK_S;
    ev.freq_hz = 1800.0;
    ev.level_dbm0 = sq_power_to_dbm0(l->aa_line_power);
    if (l->aa_turn_s > 0.0) {
        ev.n_reversals = 1;
        ev.reversals_s[0] = l->aa_turn_s;
    }
    sq_event_pool_queue(&d->pool, &ev, -1);
    l->aa_under_ac = 0;
}

/* L2's blocks [from, to): each tone's level against the tones' mean, as signed bytes of
 * RESPONSE_STEP_DB in out[], and the band's SNR. The bins between the tones hold the noise
 * (their median: a line of another signal in one of them, the far modem's tone A or B at
 * 2400 or 1200 Hz say, falls on the comb's omitted tones, not there). */
static double measure_line(const sq_wideband_lane *l, size_t from, size_t to, uint8_t *out)
{
    double tone[SQ_LINE_PROBE_TONES] = { 0.0 }, total = 0.0;
    float noise[SQ_WIDEBAND_NOISE_BINS];
    for (size_t b = 0; b < SQ_WIDEBAND_NOISE_BINS; b++)
        noise[b] = 0.0f;
    for (size_t i = from; i < to; i++) {
        for (size_t t = 0; t < SQ_LINE_PROBE_TONES; t++)
            tone[t] += l->probe_tones[i][t];
        for (size_t b = 0; b < SQ_WIDEBAND_NOISE_BINS; b++)
            noise[b] += l->probe_noise[i][b];
    }
    for (size_t t = 0; t < SQ_LINE_PROBE_TONES; t++)
        total += tone[t];
    double mean = total / SQ_LINE_PROBE_TONES;
    for (size_t t = 0; t < SQ_LINE_PROBE_TONES; t++) {
        double db = tone[t] > 0.0 && mean > 0.0 ? 10.0 * log10(tone[t] / mean) : -INFINITY;
        double steps = fmax(INT8_MIN, fmin(INT8_MAX, round(db / RESPONSE_STEP_DB)));
        out[t] = (uint8_t)(int8_t)steps;
    }
    double in_band = median_noise(noise) * BAND_BINS;
    return in_band > total * pow(10.0, -MAX_SNR_DB / 10.0) ? 10.0 * log10(total / in_band) : MAX_SNR_DB;
}

size_t sq_line_probe_response(const sq_event *ev, double *hz, double *db)
{
    if (!ev || ev->type != SQ_EVENT_LINE_PROBE || !ev->data || ev->data_len != SQ_LINE_PROBE_TONES || !hz || !db)
        return 0;
    size_t t = 0;
    for (int m = COMB_FIRST; m <= COMB_LAST; m++) {
        if (!is_probe_tone(m))
            continue;
        hz[t] = 150.0 * m;
        db[t] = RESPONSE_STEP_DB * (int8_t)ev->data[t];
        t++;
    }
    return t;
}

static void arm_transmission(sq_decoder *d, sq_wideband_lane *l, double start_s, int channel, sq_event_type type);

static void end_probe(sq_decoder *d, sq_wideband_lane *l)
{
    size_t n = l->probe_blocks;
    l->probe_blocks = 0;
    l->probe_gap = 0;
    if (n < PROBE_MIN_BLOCKS)
        return;
    sq_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SQ_EVENT_LINE_PROBE;
    ev.start_s = l->probe_start_s;
    ev.end_s = l->probe_start_s + (double)n * BLOCK_S;
    /* L1: the first blocks, louder than the rest by about 6 dB */
    size_t seen = n < SQ_WIDEBAND_MAX_PROBE ? n : SQ_WIDEBAND_MAX_PROBE;
    double first = l->probe_db[0], sum = 0.0;
    size_t l1 = 0;
    for (size_t i = 0; i < seen; i++)
        if (l->probe_db[i] < first - L1_STEP_DB) {
            l1 = i;
            break;
        }
    for (size_t i = l1; i < seen; i++)
        sum += l->probe_db[i];
    ev.on_s = (double)l1 * BLOCK_S;
    ev.fsk_channel = sq_phase2_lanes_own_side(d);
    ev.level_dbm0 = sum / (double)(seen - l1);
    /* the line, on L2 less its first and last blocks (either may hold a part of something
     * else: L1's end, what follows L2) */
    int buf = -1;
    if (seen - l1 >= RESPONSE_MIN_BLOCKS + 2 && (buf = sq_event_pool_acquire(&d->pool)) >= 0) {
        ev.snr_db = measure_line(l, l1 + 1, seen - 1, d->pool.bufs[buf]);
        ev.data_len = SQ_LINE_PROBE_TONES;
    }
    sq_event_pool_queue(&d->pool, &ev, buf);
    sq_phase2_lanes_note_span(d, ev.start_s, ev.end_s);
    /* This side's INFO1 and phase 3 follow: listened for from here too, so that a lost INFO1
     * (one frame, sent once) does not leave the rest unnamed. A V.34 modem's (or a V.90
     * analogue one's) phase 3 is found by the V.34 lane; a V.90 digital modem's by its Sd. */
    if (ev.fsk_channel == 0)
        return;
    if (!sq_phase2_lanes_digital_side(d)) {
        sq_v34_lane_arm_before_info1(d, ev.fsk_channel);
    } else if (!l->after_info1) {   /* from the next block: the first its reader is given */
        arm_transmission(d, l, (double)l->n / SQ_PROCESSING_RATE_HZ, ev.fsk_channel, SQ_EVENT_V90_DATA);
        l->from_probe = 1;
    }
}

/* The stretch heard since the last silence ends at end_s. */
static void end_stretch(sq_decoder *d, sq_wideband_lane *l, double end_s)
{
    int heard = l->heard;
    l->heard = 0;
    if (!heard || end_s - l->tx_start_s < MIN_STRETCH_S)
        return;
    double power = l->tx_power_sum / (double)(l->tx_blocks ? l->tx_blocks : 1);
    if (power < l->own_floor)
        return;   /* the far modem heard while this one was quiet */
    if ((l->tx_type == SQ_EVENT_V34_DATA || l->tx_type == SQ_EVENT_V32_DATA) &&
        sq_v34_lane_read_whole(d, l->tx_start_s, end_s))
        return;   /* phase 3, or V.32's training to R1, named segment by segment */
    /* this modem asked for cleardown (in this stretch, its S or V.32bis preamble the start of
     * it): no data of its follows (what is heard after, no lane says) */
    double cleardown_s = sq_v34_lane_cleardown_s(d);
    if ((l->tx_type == SQ_EVENT_V34_DATA || l->tx_type == SQ_EVENT_V32_DATA) && cleardown_s > 0.0 &&
        (l->tx_start_s >= cleardown_s || (l->from_renegotiation && cleardown_s > l->tx_start_s)))
        return;
    sq_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = l->tx_type;
    ev.start_s = l->tx_start_s;
    if (l->tx_type == SQ_EVENT_V90_DATA) {   /* Sd to Ri named where heard: the rest follows */
        int named = sq_v90_reader_name(d, l->tx_start_s, end_s, l->info1_channel, &ev.start_s);
        ev.snr_db = sq_v90_reader_data_snr_db(d);
        if (end_s - ev.start_s < MIN_STRETCH_S || (l->from_probe && !named))
            return;   /* too short, or no Sd after line probing alone: what INFO1 would have named */
        /* none of them found from the INFO1 on (Sd under the other modem's Ja, on one
         * channel): the digital modem's training is in there before its data */
        ev.training_inside = ev.start_s <= l->armed_s && l->tx_start_s <= l->armed_s;
    }
    ev.end_s = end_s;
    ev.level_dbm0 = sq_power_to_dbm0(power);
    ev.fsk_channel = l->info1_channel;
    /* phases 3 and 4 read to their E (v34_lane.c): this event is the data after them */
    double data_s, rate, carrier;
    if (ev.type == SQ_EVENT_V34_DATA || ev.type == SQ_EVENT_V32_DATA) {
        if (sq_v34_lane_data_since(d, ev.start_s, &data_s, &rate, &carrier) && data_s < end_s) {
            ev.start_s = data_s;
            ev.symbol_rate = rate;
            ev.freq_hz = carrier;
            ev.snr_db = sq_v34_lane_data_snr_db(d, data_s);
        } else if (l->from_renegotiation || !sq_v34_lane_data_since(d, l->armed_s, &data_s, &rate, &carrier)) {
            /* no E read in this transmission, or since its rate renegotiation began: the
             * stretch holds training before its data (a later one, after a dropout in data
             * that was read, is only data): after the last MP or CP read in it, when one was
             * (E lost after it: E, B1 and data follow; none after a cleardown's) */
            ev.training_inside = 1;
            double phase4_s = sq_v34_lane_phase4_to_s(d, &rate, &carrier);
            if (phase4_s > ev.start_s && phase4_s >= end_s - MIN_STRETCH_S)
                return;   /* read to its last MP or CP, which the stretch ends in (the file cut it) */
            if (phase4_s > ev.start_s) {
                ev.start_s = phase4_s;
                if (ev.type == SQ_EVENT_V34_DATA) {   /* the data after it: at that modulation */
                    ev.symbol_rate = rate;
                    ev.freq_hz = carrier;
                }
            }
        }
    }
    l->data_named |= !ev.training_inside;
    if (ev.type == SQ_EVENT_V32_DATA)
        l->v32_data_power = power;
    if (ev.type == SQ_EVENT_V90_DATA && d->v90.n_spans) {   /* cut by a renegotiation or cleardown */
        double snr_db = ev.snr_db;
        for (size_t i = 0; i < d->v90.n_spans; i++) {
            const sq_v90_span *span = &d->v90.spans[i];
            if (span->end_s - span->start_s < MIN_STRETCH_S)
                continue;
            ev.start_s = span->start_s;
            ev.end_s = span->end_s;
            ev.training_inside = span->training_inside;
            ev.snr_db = i == 0 ? snr_db : 0.0;   /* measured after phase 4 */
            sq_event_pool_queue(&d->pool, &ev, -1);
            sq_phase2_lanes_note_span(d, ev.start_s, ev.end_s);
        }
        return;
    }
    sq_event_pool_queue(&d->pool, &ev, -1);
    sq_phase2_lanes_note_span(d, ev.start_s, ev.end_s);
}

static void end_transmission(sq_decoder *d, sq_wideband_lane *l, double end_s)
{
    end_stretch(d, l, end_s);
    l->after_info1 = 0;
    sq_v90_reader_stop(d);
}

/* Both modems on one channel: the other modem's INFO1 this soon after the first one's ends
 * the same phase 2 (V.34 11.2.1.2.8-9: tone A until the caller's INFO1c, then INFO1a), and
 * what was heard between them is that phase's end (its tones and the other INFO1), not the
 * first modem's training. */
#define OTHER_INFO1_WITHIN_S 1.0

static void transmission_block(sq_decoder *d, sq_wideband_lane *l, double block_start_s, double power)
{
    if (!l->after_info1 || block_start_s < l->tx_last_s)
        return;
    if (l->from_probe && sq_v90_reader_in_phase3(d))
        l->from_probe = 0;   /* Sd: the digital modem's phase 3, as after its INFO1 */
    /* with both modems on the channel, the other one's tone A or B before its INFO1 is phase 2 */
    int side = d->both_sides && block_start_s - l->armed_s < OTHER_INFO1_WITHIN_S ? l->info1_channel : 0;
    double tone_power = 0.0, tone_s = sq_phase2_lanes_tone_since(d, l->tx_start_s, side, &tone_power);
    /* (a retrain's tone comes at the modem's own level: one under the floor its training
     * and data keep to is an echo, of its own INFO1 come back round a line with strong
     * echoes at both ends, or of the far modem's tone) */
    if (tone_s >= 0.0 && !l->from_probe && tone_power >= l->own_floor) {   /* a retrain: phase 2 again (after line probing, the
                                                rest of phase 2: an INFO1 may end in its tone) */
        end_transmission(d, l, fmin(l->tx_last_s, tone_s));
        return;
    }
    /* a rate renegotiation out of V.34 data (v34_lane.c) or V.32bis data (v32_renegotiation.c):
     * the data ends where its S or preamble began; the V.34 lane names that to E, and the
     * stretch from there on ends in the data at its new rates */
    double renegotiation_s = sq_v34_lane_renegotiation_s(d);
    if ((l->tx_type == SQ_EVENT_V34_DATA || l->tx_type == SQ_EVENT_V32_DATA) && l->heard &&
        renegotiation_s > l->tx_start_s + MIN_STRETCH_S) {
        end_stretch(d, l, renegotiation_s);
        l->heard = 1;
        l->from_renegotiation = 1;
        l->tx_start_s = renegotiation_s;
        l->tx_power_sum = 0.0;
        l->tx_blocks = 0;
    }
    if (power >= l->floor_power) {
        if (!l->heard) {   /* a new stretch: from here, or from the INFO1 for the first */
            l->from_renegotiation = 0;
            l->tx_start_s = l->quiet >= QUIET_BLOCKS ? block_start_s : l->tx_start_s;
            l->tx_power_sum = 0.0;
            l->tx_blocks = 0;
        }
        l->heard = 1;
        l->quiet = 0;
        l->tx_last_s = block_start_s + BLOCK_S;
        if (l->tx_blocks >= TENTATIVE_BLOCKS)
            l->tentative = 0;   /* half a second of it and no line probing: a transmission */
        l->tx_power_sum += power;
        l->tx_blocks++;
        return;
    }
    l->quiet++;
    int in_dil = l->tx_type == SQ_EVENT_V90_DATA && sq_v90_reader_in_phase3(d);
    if (l->heard && l->quiet >= QUIET_BLOCKS && !in_dil)
        end_stretch(d, l, l->tx_last_s);
    if (l->quiet >= (l->data_named ? DATA_GONE_BLOCKS : GIVE_UP_BLOCKS))
        end_transmission(d, l, l->tx_last_s);
}

/* tones[] and noise[]: a probing block's measures (is_probe_block) */
static void probe_step(sq_decoder *d, sq_wideband_lane *l, int probe, double start_s, double power,
                       const float *tones, const float *noise)
{
    if (probe && l->tentative) {   /* a full phase 2 after all: nothing was a transmission */
        l->after_info1 = 0;
        l->heard = 0;
        l->tentative = 0;
    }
    if (probe) {
        if (l->probe_blocks == 0)
            l->probe_start_s = start_s;
        for (size_t g = 0; g <= l->probe_gap; g++, l->probe_blocks++)   /* a gap counts as this block */
            if (l->probe_blocks < SQ_WIDEBAND_MAX_PROBE) {
                l->probe_db[l->probe_blocks] = sq_power_to_dbm0(power);
                memcpy(l->probe_tones[l->probe_blocks], tones, sizeof l->probe_tones[0]);
                memcpy(l->probe_noise[l->probe_blocks], noise, sizeof l->probe_noise[0]);
            }
        l->probe_gap = 0;
    } else if (l->probe_blocks && l->probe_gap < PROBE_GAP_BLOCKS) {
        l->probe_gap++;
    } else if (l->probe_blocks) {
        end_probe(d, l);
    }
}

/* Starts listening for the transmission that follows (a modem's training and data). */
static void arm_transmission(sq_decoder *d, sq_wideband_lane *l, double start_s, int channel, sq_event_type type)
{
    if (l->after_info1)
        end_transmission(d, l, fmin(l->tx_last_s, start_s));
    l->after_info1 = 1;
    l->heard = 0;
    l->quiet = 0;
    l->tx_start_s = start_s;
    l->armed_s = start_s;
    l->tx_last_s = start_s;
    l->tx_power_sum = 0.0;
    l->tx_blocks = 0;
    l->info1_channel = channel;
    l->tx_type = type;
    l->own_floor = 0.0;
    l->tentative = 0;
    l->from_probe = 0;
    l->data_named = 0;
    if (type == SQ_EVENT_V90_DATA)
        sq_v90_reader_start(d, start_s);
}

#define AC_MIN_BLOCKS 3   /* 60 ms: AC lasts 128T (53 ms) at least, then CA and AC again; in
                           * a retrain, AA too (it lasts until AC's reversal comes back: 256 T
                           * and more); a rate renegotiation's AA or AC (V.32bis 8: 56 T, then
                           * CC or CA for 8 T, 27 ms) fills one block at most */
#define S_MIN_BLOCKS 3    /* S is 256T, 107 ms */
#define AC_ECHO_RATIO 0.1 /* 10 dB */

/* Inside V.32 data this channel's modem sends (from its S on): a V.32bis retrain's AA or AC
 * can come only there. */
static int in_v32_data(const sq_decoder *d, const sq_wideband_lane *l, double start_s)
{
    /* (not with both modems on one channel: there the other modem's signal is under it, AA
     * goes on alone after AC and S, and what this transmission is, is not known) */
    return !d->both_sides && l->after_info1 && l->tx_type == SQ_EVENT_V32_DATA && start_s > l->armed_s;
}

/* A run of AC, S or (in V.32 data) AA blocks ended at end_s. */
static void end_v32_run(sq_decoder *d, sq_wideband_lane *l, double end_s)
{
    int kind = l->v32_kind;
    size_t n = l->v32_blocks;
    l->v32_kind = KIND_OTHER;
    l->v32_blocks = 0;
    if (kind == KIND_OTHER || n < (kind == KIND_S ? S_MIN_BLOCKS : AC_MIN_BLOCKS))
        return;
    double power = l->v32_power_sum / (double)n;
    /* AA or AC out of this modem's V.32 data: a retrain (V.32bis 7). The data ends where the
     * tone began; the start-up that follows (S on) is read as the first was. */
    /* It comes at the modem's own level, its data's: the stretch's so far when the data ran
     * into it, the last data's when a pause came between (the far modem's AA or AC heard
     * over that pause is its echo, 15-25 dB down) */
    double own = l->v32_start_s > l->tx_start_s && l->tx_blocks ? l->tx_power_sum / (double)l->tx_blocks
                                                                  : l->v32_data_power;
    int retrain = (kind == KIND_AA || kind == KIND_AC) && in_v32_data(d, l, l->v32_start_s) &&
                  power >= AC_ECHO_RATIO * own;
    if (kind == KIND_AA && !retrain)
        return;   /* (AA alone is looked for only in V.32 data) */
    if (retrain)
        end_transmission(d, l, fmin(l->tx_last_s, l->v32_start_s));
    /* AC 10 dB or more under the AA this channel's modem sent is the far answerer's echo
     * (15-25 dB down on a stereo recording; the two at one level with both sides on one
     * channel): this side stays the caller, whose rate signals are R2 and E */
    if (kind == KIND_AC && d->v32_side == 1 && power < AC_ECHO_RATIO * d->v32_aa_power)
        return;
    sq_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = kind == KIND_AC ? SQ_EVENT_V32_AC : kind == KIND_AA ? SQ_EVENT_V32_AA : SQ_EVENT_V32_S;
    if (kind == KIND_AC) {
        name_aa_under_ac(d, l);
        d->v32_side = 2;
        sq_v34_lane_arm_v32(d, 2);   /* S follows AC at once */
    }
    if (kind == KIND_AA) {   /* the caller: the answerer's S, then its own, follow */
        d->v32_side = 1;
        sq_v34_lane_arm_v32(d, 1);
    }
    ev.retrain = (uint8_t)retrain;
    ev.fsk_channel = d->v32_side;
    ev.start_s = l->v32_start_s;
    ev.end_s = end_s;
    ev.freq_hz = kind == KIND_AC ? 600.0 : 1800.0;
    ev.freq2_hz = kind == KIND_AC ? 3000.0 : 0.0;   /* S: the carrier, with 600 and 3000 Hz */
    ev.level_dbm0 = sq_power_to_dbm0(power);
    ev.n_reversals = l->v32_reversals;
    memcpy(ev.reversals_s, l->v32_reversal_s, sizeof ev.reversals_s);
    sq_event_pool_queue(&d->pool, &ev, -1);
    sq_phase2_lanes_note_span(d, ev.start_s, ev.end_s);
    if (kind == KIND_S) {   /* then S-bar, TRN, the rate signals and data */
        if (l->after_info1)   /* what went before (the other modem's, on one channel) ends where S begins */
            end_transmission(d, l, fmin(l->tx_last_s, ev.start_s));
        arm_transmission(d, l, end_s, d->v32_side, SQ_EVENT_V32_DATA);
    }
}

#define AA_TURN_POWER 0.8   /* of the tone's mean power */

/* The lines a run's tone has: AA its carrier's, AC (A and C in turn) the two 1200 Hz either
 * side. Each is a whole number of cycles in a block, so a steady tone's line keeps its phase
 * block to block, and a reversal turns it (all of them) half a turn. */
static int run_lines(int kind, int *bins)
{
    if (kind == KIND_AA) {
        bins[0] = BIN_1800;
        return 1;
    }
    bins[0] = BIN_600;
    bins[1] = BIN_3000;
    return 2;
}

/* A run's tone's lines in this block, kept for the next (run_turned). */
static void keep_run_lines(sq_wideband_lane *l, int kind)
{
    int bins[2], n = run_lines(kind, bins);
    for (int i = 0; i < n; i++) {
        l->run_line_re[i] = l->out[bins[i]][0];
        l->run_line_im[i] = l->out[bins[i]][1];
    }
}

/* A block of an AA or AC run after another (`apart` blocks on): are its lines turned half a
 * turn from the last one's, once the turn a carrier off frequency gives each block (up to 50
 * degrees at 7 Hz off, V.32bis 2) is taken out? That turn is learnt from the blocks with no
 * reversal between them. */
static int run_turned(sq_wideband_lane *l, int kind, int apart)
{
    int bins[2], n = run_lines(kind, bins);
    double step_re = 0.0, step_im = 0.0;   /* this block's lines times the last's conjugates */
    int had_last = 0;
    for (int i = 0; i < n; i++) {
        double re = l->out[bins[i]][0], im = l->out[bins[i]][1];
        double pre = l->run_line_re[i], pim = l->run_line_im[i];
        had_last |= pre != 0.0 || pim != 0.0;
        step_re += re * pre + im * pim;
        step_im += im * pre - re * pim;
    }
    keep_run_lines(l, kind);
    /* the drift expected over `apart` blocks: the learnt one's square across a gap */
    double dr = l->run_drift_re, di = l->run_drift_im;
    if (apart == 2) {
        double t = dr * dr - di * di;
        di = 2.0 * dr * di;
        dr = t;
    }
    double m = hypot(dr, di);
    if (m > 0.0) {
        dr /= m;
        di /= m;
    } else {
        dr = 1.0;
        di = 0.0;
    }
    if (!had_last)
        return 0;
    int turned = step_re * dr + step_im * di < 0.0;
    if (!turned && apart == 1) {
        double size = hypot(step_re, step_im);
        if (size > 0.0) {
            l->run_drift_re += step_re / size;
            l->run_drift_im += step_im / size;
        }
    }
    return turned;
}

static void v32_step(sq_decoder *d, sq_wideband_lane *l, int kind, double start_s, double power)
{
    /* AC turns into CA and back (a reversal of both lines), AA into CC: the block holding the
     * turn reads as neither, and the run goes on through it */
    if ((l->v32_kind == KIND_AC || l->v32_kind == KIND_AA) && kind == KIND_OTHER && !l->v32_gap) {
        l->v32_gap = 1;
        l->v32_gap_power = power;
        return;
    }
    /* ... and a retrain's AA, its CC too short to fill the next block (27 ms and more, V.32bis
     * 6.1), ends in the turn's: a block as loud as the tone, its 1800 Hz line spread by the
     * turn inside it (the tone ending in a block leaves it quieter, its line whole) */
    int aa_turned = l->v32_gap && l->v32_kind == KIND_AA && kind != KIND_AA && l->v32_blocks &&
                    l->v32_gap_power >= AA_TURN_POWER * l->v32_power_sum / (double)l->v32_blocks;
    /* a turn on a block's edge spreads no line: the lines' phase, block to block, says it
     * (and, for AA, whether a block that read as neither held a turn or a click) */
    int tone_run = (kind == KIND_AA || kind == KIND_AC) && kind == l->v32_kind;
    int flip = tone_run && run_turned(l, kind, l->v32_gap ? 2 : 1);
    int gap_turned = l->v32_gap && ((kind == l->v32_kind && (kind != KIND_AA || flip)) || aa_turned);
    if (gap_turned || (flip && !l->v32_gap)) {
        if (l->v32_reversals < SQ_EVENT_MAX_REVERSALS)
            l->v32_reversal_s[l->v32_reversals] = gap_turned ? start_s - BLOCK_S / 2.0 : start_s;
        l->v32_reversals++;
    }
    if (l->v32_gap && (kind == l->v32_kind || aa_turned))
        l->v32_blocks++;   /* the turn's block (or a click's) */
    double gap_s = l->v32_gap && kind != l->v32_kind && !aa_turned ? BLOCK_S : 0.0;
    l->v32_gap = 0;
    if (kind != l->v32_kind) {
        end_v32_run(d, l, start_s - gap_s);
        l->v32_kind = kind;
        l->v32_start_s = start_s;
        l->v32_power_sum = 0.0;
        l->v32_reversals = 0;
        if (kind == KIND_AA || kind == KIND_AC) {   /* its lines' phase from this block on */
            keep_run_lines(l, kind);
            l->run_drift_re = l->run_drift_im = 0.0;
        }
    }
    if (kind != KIND_OTHER) {
        l->v32_blocks++;
        l->v32_power_sum += power;
    }
}

void sq_wideband_lane_process(sq_decoder *d, const float *x, size_t n)
{
    sq_wideband_lane *l = &d->wideband;
    const double floor_power = l->floor_power;
    /* Inside V.22 data or plain FSK text no line probing, V.32 signal or V.34 / V.90
     * transmission can start, and what is loud there is covered by the data's event: the
     * blocks' spectra are not worked out, and count as holding none of those. (Not as soon
     * as FSK is keyed: line probing's L2, a comb repeating every two bits at 300 bit/s, reads
     * as keyed characters for a fraction of a second, and its end must be seen.) */
    int other_data = sq_qam_lanes_carrying(d) || sq_fsk_lanes_plain_data(d);
    for (size_t i = 0; i < n;) {
        size_t take = SQ_WIDEBAND_BLOCK - l->fill;
        take = n - i < take ? n - i : take;
        memcpy(l->in + l->fill, x + i, take * sizeof *x);
        l->fill += take;
        l->n += take;
        i += take;
        if (l->fill < SQ_WIDEBAND_BLOCK)
            continue;
        l->fill = 0;
        double start_s = (double)(l->n - SQ_WIDEBAND_BLOCK) / SQ_PROCESSING_RATE_HZ, power = 0.0;
        /* x is the decoder's, out of its DC blocker, which guards every sample it is given:
         * finite and within twice the guard's limit, so the sums need no guard of their own
         * (the one they had was 2 % of decoding an hour of V.21). The power summed four ways
         * so that it vectorises. */
        const float *in = l->in;
        double part[4] = { 0.0 };
        _Static_assert(SQ_WIDEBAND_BLOCK % 4 == 0, "the block sums in fours");
        for (int k = 0; k < SQ_WIDEBAND_BLOCK; k += 4)
            for (int j = 0; j < 4; j++)
                part[j] += (double)in[k + j] * in[k + j];
        power = ((part[0] + part[1]) + (part[2] + part[3])) / SQ_WIDEBAND_BLOCK;
        if (l->after_info1 && l->tx_type == SQ_EVENT_V90_DATA)
            sq_v90_reader_block(d, l->in, SQ_WIDEBAND_BLOCK, l->n - SQ_WIDEBAND_BLOCK);
        int probe = 0, v32 = KIND_OTHER;
        int looked_at = power >= floor_power && !other_data;
        float tones[SQ_LINE_PROBE_TONES], noise[SQ_WIDEBAND_NOISE_BINS];
        if (looked_at) {
            fftwf_execute(l->plan);
            probe = is_probe_block(l, power, tones, noise);
            v32 = probe ? KIND_OTHER : v32_block(l, power);
            /* (1800 Hz alone elsewhere is the tone receiver's: AA, or V.22's guard) */
            if (v32 == KIND_OTHER && in_v32_data(d, l, start_s) && bin_power(l, BIN_1800) >= AA_ALONE_SHARE * power)
                v32 = KIND_AA;
            if (d->both_sides)
                v32 = v32_both_sides_kind(l, v32, start_s, power);
        }
        sq_unnamed_lane_block(d, power, looked_at ? l->out : NULL);
        probe_step(d, l, probe, start_s, power, tones, noise);
        v32_step(d, l, v32, start_s, power);
        transmission_block(d, l, start_s, power);
    }
}

void sq_wideband_lane_info1(sq_decoder *d, double end_s, int channel, int digital, double info1_dbm0)
{
    sq_wideband_lane *l = &d->wideband;
    int other_soon = l->after_info1 && l->tx_type != SQ_EVENT_V32_DATA && channel != l->info1_channel &&
                     end_s - l->armed_s < OTHER_INFO1_WITHIN_S;
    /* ... but after a V.90 digital modem's INFO1 the analogue modem's phase 3 (S to Ja,
     * named by the V.34 lane) leaves room for the digital one's Sd, TRN1d, DIL and Ri,
     * which the transmission armed for it goes on reading */
    if (other_soon && l->tx_type == SQ_EVENT_V90_DATA && !digital)
        return;
    if (other_soon)
        l->heard = 0;
    arm_transmission(d, l, end_s, channel, digital ? SQ_EVENT_V90_DATA : SQ_EVENT_V34_DATA);
    l->own_floor = sq_dbm0_to_power(info1_dbm0 - MAX_POWER_REDUCTION_DB - ECHO_MARGIN_DB);
}

void sq_wideband_lane_phase3_found(sq_decoder *d, double s_start_s, int channel, double level_dbm0)
{
    sq_wideband_lane *l = &d->wideband;
    if (l->after_info1)
        return;
    arm_transmission(d, l, s_start_s, channel, SQ_EVENT_V34_DATA);
    l->own_floor = sq_dbm0_to_power(level_dbm0 - MAX_POWER_REDUCTION_DB - ECHO_MARGIN_DB);
}

void sq_wideband_lane_after_short_phase2(sq_decoder *d, double end_s, int channel)
{
    sq_wideband_lane *l = &d->wideband;
    if (l->after_info1)
        return;
    arm_transmission(d, l, end_s, channel, SQ_EVENT_V90_DATA);
    l->tentative = 1;
}

void sq_wideband_lane_finish(sq_decoder *d)
{
    sq_wideband_lane *l = &d->wideband;
    if (l->probe_blocks)
        end_probe(d, l);
    end_v32_run(d, l, (double)l->n / SQ_PROCESSING_RATE_HZ);
    if (l->after_info1)
        end_transmission(d, l, l->tx_last_s);
}

double sq_wideband_lane_horizon_s(const sq_decoder *d, double now_s)
{
    const sq_wideband_lane *l = &d->wideband;
    double h = now_s - BLOCK_S;
    if (l->probe_blocks)
        h = fmin(h, l->probe_start_s);
    if (l->v32_kind != KIND_OTHER)
        h = fmin(h, l->v32_start_s);
    if (l->after_info1 && l->heard)
        h = fmin(h, l->tx_start_s);
    return fmax(h, 0.0);
}

int sq_wideband_lane_cover(const sq_decoder *d, double start_s, double end_s)
{
    const sq_wideband_lane *l = &d->wideband;
    double covered = 0.0;
    if (l->probe_blocks)
        covered += fmax(0.0, end_s - fmax(start_s, l->probe_start_s));
    if (l->after_info1)   /* the stretches already reported are in the phase-2 lanes' spans */
        covered += fmax(0.0, end_s - fmax(start_s, l->heard ? l->tx_start_s : l->tx_last_s));
    return covered > 0.5 * (end_s - start_s);
}

int sq_wideband_lane_transmitting(const sq_decoder *d)
{
    const sq_wideband_lane *l = &d->wideband;
    return l->after_info1 && !l->from_probe && l->heard && l->quiet == 0;
}

int sq_wideband_lane_masks_phase2(const sq_decoder *d, int channel)
{
    const sq_wideband_lane *l = &d->wideband;
    double now_s = (double)d->samples / SQ_PROCESSING_RATE_HZ;
    return sq_wideband_lane_transmitting(d) &&
           !(d->both_sides && channel != l->info1_channel && now_s - l->armed_s < OTHER_INFO1_WITHIN_S);
}
