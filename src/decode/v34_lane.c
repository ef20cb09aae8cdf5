/* V.34 phases 3 and 4 (V.34 10.1.3, 11.3, 11.4), and V.32's training (V.32bis 5.2, 5.3), for
 * the timeline decoder: this file finds them and runs the receiver (src/decode/v34_lane.h).
 *
 * After a modem's INFO1 (or V.32's AA or AC; or, should that INFO1 be lost, what comes just
 * before it: the modem's line probing, a V.92 short phase 2's tone A) the lane looks, every
 * 4 ms where the power has just risen, for S: three lines, the carrier and the carrier
 * +/- half the symbol rate, which name the symbol rate and carrier among Table 1's eleven
 * pairs. The front end then gives baseband at two samples a symbol, from where S began; S
 * repeats every two symbols until S-bar turns it half a turn, and that reversal, against S
 * eight symbols back, fixes the symbol count. From there every symbol is known for a while,
 * and v34_training.c trains an equaliser on the readings of the start-up and follows TRN;
 * v34_sequences.c reads what comes after. Nothing is reported that a check has not confirmed. */
#include <limits.h>
#include <math.h>
#include <string.h>
#include "dsp/cmplx.h"
#include "dsp/vec4.h"
#include "src/decode/v34_lane.h"
#include "squeal/error.h"
#include "squeal/level.h"

#define FLOOR_DBM0 -43.0
#define POWER_SMOOTH (1.0 / 16.0)        /* ~2 ms */
#define QUIET_AFTER 560                  /* 70 ms of quiet ends a stretch: up to three packets
                                          * lost on a VoIP call are a gap, not an end */
#define LEVEL_SMOOTH (1.0 / 800.0)       /* the stretch's level, over ~100 ms */
#define SCAN_EVERY 32                    /* S is looked for every 4 ms ... */
#define RISE 4.0                         /* ... where the power rose 6 dB */
#define LOOK_AGAIN_S 1.0                 /* or anywhere, this long after a false start */
#define SCAN_FOR_S 8.0                   /* ... for this long after INFO1 or the last stretch read */
#define MEASURE_LEN SQ_V34_MEASURE         /* 32 ms: S lasts 37 ms or more */
#define S_SHARE 0.6                      /* of the window's power in one pair's three lines */
#define S_OUTER_SHARE 0.03               /* the two outer lines together, at least */
#define S_CENTRE_SHARE 0.1               /* the carrier's line, at least */
#define S_RHO 0.6                        /* S repeats every two symbols: correlation above this */
#define S_MIN_SYMBOLS 48                 /* of S (128 T) heard before a dip counts as S-bar */
#define S_MAX_WAIT 100                   /* symbols from the onset for S to show */
#define S_MAX_SYMBOLS 400                /* S lasts 128 T; a reversal later is not S-bar's */
#define S_MAX_SYMBOLS_V32 1500            /* V.32's caller sends S for a round trip, then 256 T */
/* a V.90 analogue modem after Ja sends S from Jd until Jd' comes (V.90 9.3.2.7-8): a round
 * trip and the digital modem's reply, 0.25-0.65 s on the real calls */
#define S_MAX_SYMBOLS_V90 3500
#define REV_LAG_HALVES 16                /* S-bar against S 8 symbols before */
#define REV_RHO -0.3
#define REV_MIN_DIP 3
/* A modem's training keeps its level; one 10 dB louder starting while the lane follows a
 * stretch is this channel's own modem, and the stretch was the far modem's echo (15-25 dB
 * down on real stereo calls, trained on where this side was quiet): look for S from here. */
#define TAKEOVER_RISE 10.0
/* A rate renegotiation's S (128 T, 37 ms at 3429 symbols/s) looked for every 8 ms inside
 * data: one window of MEASURE_LEN is then at least 92 % S */
#define RENEGOTIATION_EVERY 64
#define CARRIER_SHARE 0.2                /* S: 0.67 */
#define V32_AA_SHARE 0.5                 /* AA: 1 */
#define V32_AC_SHARE 0.4                 /* AC: its two lines together 1 */
#define V32_AC_LINE_SHARE 0.05           /* ... each at least (a line's tilt moves power from one
                                          * to the other) */
/* A renegotiation's preamble: its reversal after 56 T of AA or AC, some of which passed
 * before the watch saw two blocks of it; S's 48 are not to be waited for */
#define S_MIN_SYMBOLS_PREAMBLE 24
#define S_MAX_SYMBOLS_PREAMBLE 160

int sq_v34_lane_create(sq_decoder *d)
{
    sq_v34_lane *l = &d->v34;   /* zeroed with the decoder: its 94 kB are touched only as used */
    l->floor_power = sq_dbm0_to_power(FLOOR_DBM0);
    /* Table 1's pairs: both carriers of each symbol rate, one for 3429 (its two are the same) */
    int c = 0;
    for (int code = 0; code < SQ_V34_SYMBOL_RATES; code++)
        for (int high = 0; high < 2 && c < SQ_V34_CANDIDATES; high++) {
            if (high && sq_v34_carrier_hz(code, 0) == sq_v34_carrier_hz(code, 1))
                continue;
            l->cand_rate[c] = sq_v34_symbol_rate(code);
            l->cand_carrier[c++] = sq_v34_carrier_hz(code, high);
        }
    /* S's three lines for each pair, Hann-windowed and scaled so that |sum|^2 is a line's
     * power over two (measure_s) */
    double window[MEASURE_LEN], wsum = 0.0;
    for (int i = 0; i < MEASURE_LEN; i++) {
        window[i] = 0.5 - 0.5 * cos(2.0 * M_PI * (i + 0.5) / MEASURE_LEN);
        wsum += window[i];
    }
    for (c = 0; c < SQ_V34_CANDIDATES; c++)
        for (int k = 0; k < 3; k++) {
            double f = l->cand_carrier[c] + (k == 0 ? 0.0 : k == 1 ? -0.5 : 0.5) * l->cand_rate[c];
            /* the exponential turned a sample at a time (over 256 samples it drifts some
             * 1e-14, far under a float's precision) */
            double complex turn = 1.0, step = cexp(-2.0 * M_PI * I * f / SQ_PROCESSING_RATE_HZ);
            for (int i = 0; i < MEASURE_LEN; i++, turn *= step)
                l->lines[c][k][i] = CMPLXF((float)(window[i] / wsum * creal(turn)), (float)(window[i] / wsum * cimag(turn)));
        }
    for (c = 0; c < SQ_V34_CANDIDATES; c++) {
        int rc = sq_v34_front_create(l->cand_rate[c], l->cand_carrier[c], &l->fronts[c]);
        if (rc != SQ_OK)
            return rc;
    }
    /* two more for the data after E (v34_data.c), copies of whichever front was in use */
    if (sq_v34_front_create(l->cand_rate[0], l->cand_carrier[0], &l->data_front) != SQ_OK ||
        sq_v34_front_create(l->cand_rate[0], l->cand_carrier[0], &l->data_work) != SQ_OK)
        return SQ_ENOMEM;
    return SQ_OK;
}

void sq_v34_lane_destroy(sq_decoder *d)
{
    for (int c = 0; c < SQ_V34_CANDIDATES; c++)
        sq_v34_front_destroy(d->v34.fronts[c]);
    sq_v34_front_destroy(d->v34.data_front);
    sq_v34_front_destroy(d->v34.data_work);
}

/* Listening from now (a modem's INFO1, or V.32's AA or AC, has just ended): 0 when a
 * stretch is being read and goes on. A stretch taken for S after line probing but before
 * any INFO1 was read is not phase 3 if an INFO1 follows it: that one arms the lane afresh. */
static int arm(sq_decoder *d, int channel, int v32)
{
    sq_v34_lane *l = &d->v34;
    if (l->state != V34_IDLE && l->state != V34_QUIET && l->state != V34_DONE && l->state != V34_IGNORE &&
        l->state != V34_DATA && !l->without_info1)
        return 0;
    sq_v34_data_cut(l);
    l->renegotiation_watch = l->renegotiating = 0;
    l->cleardown_s = 0.0;   /* a start-up: a call again */
    l->have_far_precoder = 0;
    l->v32 = v32;
    l->v90_analogue = 0;
    l->without_info1 = l->maybe_v90 = 0;
    l->armed_n = l->n;
    l->channel = channel;
    l->state = V34_QUIET;
    l->quiet = 0;
    l->level = 0.0;
    l->scan_until = l->n + (uint64_t)(SCAN_FOR_S * SQ_PROCESSING_RATE_HZ);
    l->after_j = 0;
    l->ja_seen = 0;
    l->have_eq_phase3 = 0;
    return 1;
}

void sq_v34_lane_arm(sq_decoder *d, int channel)
{
    (void)arm(d, channel, 0);
}

/* what armed the lane this recently (an INFO1 read before the event that comes before it was
 * let out) still holds */
#define ARMED_RECENTLY_S 1.0

void sq_v34_lane_arm_before_info1(sq_decoder *d, int channel)
{
    sq_v34_lane *l = &d->v34;
    if (l->state == V34_QUIET && !l->without_info1 && l->n - l->armed_n < ARMED_RECENTLY_S * SQ_PROCESSING_RATE_HZ)
        return;
    if (arm(d, channel, 0))
        l->without_info1 = l->maybe_v90 = 1;
}

void sq_v34_lane_arm_v90(sq_decoder *d)
{
    d->v34.v90_analogue = 1;
}

sq_event_type sq_v34_trn_type(const sq_v34_lane *l)
{
    if (l->v32)
        return SQ_EVENT_V32_TRN;
    return l->v90_analogue && !l->ref.phase3 ? SQ_EVENT_V90_SCR : SQ_EVENT_V34_TRN;
}

void sq_v34_lane_arm_v32(sq_decoder *d, int channel)
{
    sq_v34_lane *l = &d->v34;
    /* a retrain's AA or AC (V.32bis 7), 60 ms and more, that the watch took for a rate
     * renegotiation's preamble (27 ms) and is still reading (no R named): a start-up
     * follows, not R4 */
    if (l->v32 && l->renegotiating && !l->v32_reneg_named) {
        l->renegotiating = 0;
        l->mp_open = 0;
        l->state = V34_DONE;
    }
    if (!arm(d, channel, 1))
        return;
    l->v32_sequences = 0;
    /* the answerer's S follows AC with no pause to find it by */
    l->scan_free_until = l->n + (uint64_t)(LOOK_AGAIN_S * SQ_PROCESSING_RATE_HZ);
}

/* ---- times and events ---- */

double sq_v34_samples_per_symbol(const sq_v34_lane *l)
{
    return sq_v34_front_samples_per_symbol(l->fronts[l->cand]);
}

double sq_v34_time_of_r(const sq_v34_lane *l, long r)
{
    return ((double)l->onset + (double)(l->k_rev + r) * sq_v34_samples_per_symbol(l)) / SQ_PROCESSING_RATE_HZ;
}

void sq_v34_emit(sq_decoder *d, sq_event_type type, double start_s, double end_s, int points)
{
    const sq_v34_lane *l = &d->v34;
    double snr_db = 0.0;
    if ((type == SQ_EVENT_V34_TRN || type == SQ_EVENT_V32_TRN || type == SQ_EVENT_V90_SCR) && l->trn_err_old > 0.0)
        snr_db = 10.0 * log10((points == 16 ? 10.0 : 2.0) / l->trn_err_old);
    sq_v34_emit_with_snr(d, type, start_s, end_s, points, snr_db);
}

void sq_v34_emit_with_snr(sq_decoder *d, sq_event_type type, double start_s, double end_s, int points, double snr_db)
{
    sq_v34_lane *l = &d->v34;
    sq_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = type;
    ev.start_s = start_s;
    ev.end_s = end_s;
    ev.fsk_channel = l->channel;
    ev.level_dbm0 = sq_power_to_dbm0(l->level);
    ev.symbol_rate = l->cand_rate[l->cand];
    ev.freq_hz = l->cand_carrier[l->cand];
    ev.points = (uint8_t)points;
    ev.snr_db = snr_db;
    ev.renegotiation = type == SQ_EVENT_V34_S && l->renegotiating;
    sq_event_pool_queue(&d->pool, &ev, -1);
}

void sq_v34_close_mp(sq_decoder *d)
{
    sq_v34_lane *l = &d->v34;
    if (l->mp_open) {
        sq_event_pool_queue(&d->pool, &l->mp_ev, -1);
        sq_v90_cp cp = { 0 };
        if (l->mp_ev.type == SQ_EVENT_V90_CP)
            sq_v90_cp_unpack(l->mp_ev.info_bits, &cp);
        if ((l->mp_ev.type == SQ_EVENT_MP && !l->mp_ev.mp.rate_call_to_answer && !l->mp_ev.mp.rate_answer_to_call) ||
            (l->mp_ev.type == SQ_EVENT_V90_CP && l->mp_ev.crc_ok && cp.drn == 0))
            l->cleardown_s = l->mp_ev.start_s;   /* V.34 11.7, V.90 9.7: no data follows */
        if ((l->mp_ev.type == SQ_EVENT_MP || l->mp_ev.type == SQ_EVENT_V90_CP) && l->mp_ev.end_s > l->phase4_to_s) {
            l->phase4_to_s = l->mp_ev.end_s;
            l->phase4_rate = l->mp_ev.symbol_rate;
            l->phase4_carrier = l->mp_ev.freq_hz;
        }
    }
    l->mp_open = 0;
}

double sq_v34_lane_phase4_to_s(const sq_decoder *d, double *symbol_rate, double *carrier_hz)
{
    const sq_v34_lane *l = &d->v34;
    int phase4 = l->mp_open && (l->mp_ev.type == SQ_EVENT_MP || l->mp_ev.type == SQ_EVENT_V90_CP);
    int open_later = phase4 && l->mp_ev.end_s > l->phase4_to_s;
    *symbol_rate = open_later ? l->mp_ev.symbol_rate : l->phase4_rate;
    *carrier_hz = open_later ? l->mp_ev.freq_hz : l->phase4_carrier;
    return open_later ? l->mp_ev.end_s : l->phase4_to_s;
}

void sq_v34_end_stretch(sq_decoder *d, double end_s)
{
    sq_v34_lane *l = &d->v34;
    if (l->state == V34_TRAIN && l->r > l->trn_start_r)
        sq_v34_emit(d, sq_v34_trn_type(l), sq_v34_time_of_r(l, l->trn_start_r), end_s, l->ref.points);
    /* V.32: S, TRN and a rate signal the stretch ends in (after R1 the answerer falls
     * silent while the caller trains, V.32bis 5.3.2) */
    int v32_rate_last = l->v32 && l->mp_open && l->mp_ev.type == SQ_EVENT_V32_RATE;
    int named_whole = l->j_open || (l->mp_open && l->mp_ev.type == SQ_EVENT_V90_JA) || v32_rate_last;
    if (l->mp_open && l->mp_ev.type == SQ_EVENT_V90_JA && end_s > l->mp_ev.end_s &&
        end_s - l->mp_ev.end_s < (l->mp_ev.end_s - l->mp_ev.start_s) / l->mp_ev.repeats)
        l->mp_ev.end_s = end_s;   /* Ja is sent until Sd's reversal is heard (V.90 9.3.2.4): its last copy is cut */
    if (l->state == V34_KEEP && l->v90_analogue && l->ja_seen && !l->v32) {
        sq_v34_emit_s(d);   /* S, S-bar, then silence while DIL comes (V.90 9.3.2.7-8) */
        named_whole = 1;
    }
    if (l->j_open)   /* a phase 3 read to its end: named from S to J */
        sq_v34_emit(d, SQ_EVENT_V34_J, sq_v34_time_of_r(l, l->j_start_r), end_s, l->j_points);
    if (named_whole) {   /* from S to J, to Ja, to S-bar or to V.32's rate signal */
        l->read_from_s = (double)l->s_start / SQ_PROCESSING_RATE_HZ;
        l->read_to_s = end_s;
        l->read_to_quiet = l->ending_quiet;
    }
    l->j_open = 0;
    l->renegotiating = 0;
    l->data_snr_left = 0;   /* a measurement of data cut short says nothing */
    sq_v34_close_mp(d);
    l->state = V34_QUIET;
    l->level = 0.0;
}

/* What looked like S led nowhere: look for S again, for a while without waiting for the power
 * to rise (after MD, S follows without a pause). */
void sq_v34_look_again(sq_v34_lane *l)
{
    if (l->renegotiating) {   /* no S-bar, or nothing read after it: the data goes on */
        l->renegotiating = 0;
        if (l->v32)
            sq_v34_watch_renegotiation(l);   /* its blocks counted afresh */
        l->renegotiation_watch = 1;
        l->state = V34_DONE;
        return;
    }
    l->state = V34_QUIET;
    l->scan_free_until = l->n + (uint64_t)(LOOK_AGAIN_S * SQ_PROCESSING_RATE_HZ);
    l->scan_until = l->n + (uint64_t)(SCAN_FOR_S * SQ_PROCESSING_RATE_HZ);
}

/* ---- per sample ---- */

/* The measuring window from `first`, into x; its mean power. */
static double window_of(const sq_v34_lane *l, uint64_t first, float *x)
{
    double total = 0.0;
    for (int i = 0; i < MEASURE_LEN; i++) {
        x[i] = l->raw[(first + (uint64_t)i) % SQ_V34_RAW];
        total += (double)x[i] * x[i];
    }
    return total / MEASURE_LEN;
}

/* The power of candidate c's line k in the window, from the windowed DFT at its frequency. */
static double line_power(const sq_v34_lane *l, const float *x, int c, int k)
{
    const float complex *e = l->lines[c][k];
    float complex acc = 0.0f;
    for (int i = 0; i < MEASURE_LEN; i++)
        acc += x[i] * e[i];
    return 2.0 * (double)crealf(acc * conjf(acc));
}

/* The share of the window's power in candidate c's three lines, when it has all three as S
 * does (AC, V.32's, has the outer two alone, AA the carrier alone); 0 when not. The carrier's
 * line first: without it, the others need not be measured. */
static double s_share(const sq_v34_lane *l, const float *x, double total, int c)
{
    double centre = line_power(l, x, c, 0);
    if (centre < S_CENTRE_SHARE * total)
        return 0.0;
    double outer = line_power(l, x, c, 1) + line_power(l, x, c, 2);
    return outer >= S_OUTER_SHARE * total ? (centre + outer) / (total + 1e-30) : 0.0;
}

/* S's lines for the eleven pairs, over the measuring window: the pair that holds most of it. */
static int measure_s(sq_v34_lane *l, uint64_t first)
{
    float x[MEASURE_LEN];
    double total = window_of(l, first, x);
    int best = -1;
    double best_share = 0.0;
    for (int c = 0; c < SQ_V34_CANDIDATES; c++) {
        if (l->v32 && (l->cand_rate[c] != SQ_V32_SYMBOL_RATE || l->cand_carrier[c] != SQ_V32_CARRIER_HZ))
            continue;
        double share = s_share(l, x, total, c);
        if (share > best_share) {
            best_share = share;
            best = c;
        }
    }
    return best_share >= S_SHARE ? best : -1;
}

static void start_receiver(sq_decoder *d)
{
    sq_v34_lane *l = &d->v34;
    sq_v34_front_reset(l->fronts[l->cand]);
    l->half = 0;
    l->s_symbols = 0;
    l->s_run_start = l->s_best_start = l->s_best_len = 0;
    l->dip_start = 0;
    l->s_gap_k = -1;
    l->s_gap_over = 0;
    l->s_after_gap_k = l->s_after_gap_rev = -1;
    l->s_after_gap_repeats = 0;
    l->rev_lo = l->rev_hi = 0;
    l->gap_r = LONG_MIN;
    l->s_power = 0.0;
    l->j_open = 0;
    l->mp_open = 0;
    l->mp_ack_seen = 0;
    l->mp_collecting = 0;
    l->after_j = 0;
    l->timing_on = 0;
    l->data_snr_left = 0;
    l->renegotiation_watch = l->renegotiating = 0;
    memset(l->hist, 0, sizeof l->hist);
    l->state = V34_S;
}

void sq_v34_follow_timing(sq_v34_lane *l)
{
    l->timing_on = 1;
    l->timing_integ = 0.0;
    l->eq.want_timing = 1;   /* (the readings' trial equalisers over the kept samples need none) */
}

/* The correlation of the newest symbol's two half-symbol samples with those lag halves back,
 * normalised: 1 for a signal that repeats with that period, -1 for one turned half a turn. */
static double lag_correlation(const float complex *hist, int lag)
{
    float complex a = hist[0] * conjf(hist[lag]) + hist[1] * conjf(hist[lag + 1]);
    double norm = cabsf(hist[0]) * cabsf(hist[lag]) + cabsf(hist[1]) * cabsf(hist[lag + 1]);
    return norm > 0.0 ? crealf(a) / norm : 0.0;
}

/* S-bar starts on symbol `latest` or, when earliest < latest, on one from `earliest` on (the
 * readings of the start-up then try each, REV_SEARCH_MAX at most: a gap ends the stretch after
 * 70 ms, some 240 symbols): the samples are kept from here to choose one. */
#define REV_SEARCH_CUT 4
#define REV_SEARCH_MAX 400
_Static_assert(2 * (REV_SEARCH_MAX + DECIDE_R_LATEST + SQ_V34_EQ_DELAY + SQ_V34_EQ_TAPS + 8) < SQ_V34_KEEP,
               "every start searched for has its samples kept");

static void reversal_found(sq_v34_lane *l, long latest, long earliest)
{
    l->k_rev = latest;
    l->rev_lo = earliest < latest - REV_SEARCH_MAX ? latest - REV_SEARCH_MAX : earliest < latest ? earliest : latest;
    l->rev_hi = latest;
    /* where S's run of two-symbol repeats began (the correlation spans 2 symbols): after MD, S
     * starts with no rise in power to find it by */
    if (l->s_best_start > 2)
        l->s_start = l->onset + (uint64_t)llround((double)(l->s_best_start - 2) * sq_v34_samples_per_symbol(l));
    l->gain = (float)sqrt(2.0 * l->s_symbols / (l->s_power + 1e-30));
    l->state = V34_KEEP;
}

/* A symbol 10 dB or more under S's mean power is not S-bar's: S-bar comes at S's level (its
 * reversal's own symbols at half of it and more), but a lost packet's zeros reach the front
 * end's output before the lane's 2 ms power has told the gap, and the correlation of those
 * near-zero symbols with S eight symbols back wanders below REV_RHO (the USR V.92 call with
 * 20 ms lost ending 7 ms into its phase 4 S-bar: symbols at 1 % of S's power dipped 30
 * symbols before S-bar, were taken for it, and phase 4 was lost). */
#define FADED 0.1

static int faded(const sq_v34_lane *l)
{
    double now = crealf(l->hist[0] * conjf(l->hist[0]) + l->hist[1] * conjf(l->hist[1])) / 2.0;
    return l->s_symbols > 0 && now < FADED * l->s_power / l->s_symbols;
}

static int s_min_symbols(const sq_v34_lane *l)
{
    return l->v32 && l->renegotiating ? S_MIN_SYMBOLS_PREAMBLE : S_MIN_SYMBOLS;
}

/* S-bar against S eight symbols before: a dip of eight symbols, smeared alike at both ends by
 * the line, so its middle is 3.5 symbols after the reversal. Returns the symbol S-bar starts
 * on when a dip has just ended, -1 otherwise. */
static long dip_step(sq_v34_lane *l, long k, double rho8)
{
    if (l->s_symbols >= s_min_symbols(l) && rho8 < REV_RHO && !faded(l)) {
        if (!l->dip_start)
            l->dip_start = k;
        return -1;
    }
    if (!l->dip_start)
        return -1;
    long first = l->dip_start, last = k - 1;
    l->dip_start = 0;
    return last - first + 1 >= REV_MIN_DIP ? (long)floor(0.5 * (double)(first + last) - 3.5 + 0.5) : -1;
}

/* After a gap in S: do S's repeats go on (S-bar is still to come), or did S-bar go by in the
 * gap? The first AFTER_GAP_VOTE symbols after it vote: one symbol's correlation is no answer,
 * as PP's and TRN's come over S_RHO by chance (the 3Com call with S-bar and the start of PP
 * lost: the lane went on as in S, took a dip in PP for S-bar 70 symbols late, and lost phase
 * 3), nor is a dip while they vote (PP's against S make them too: the rh56 call so lost its
 * phase 3). A dip that ends meanwhile is held: S-bar's, if S goes on; if not, the search for
 * S-bar reaches to it. Returns 1 once the lane has gone on to find S-bar. */
#define AFTER_GAP_VOTE 8
/* S repeats on nearly every symbol, its correlation two symbols apart near 1 (0.96 and over
 * on the real calls). Random 4-point symbols (TRN) come over 0.9 about one time in four, and
 * so pass 6 of 8 well under once in a hundred (4 of 8 over 0.6 about once in five: the
 * Banksia call lost its phase 4 so, 20 ms lost from 5 ms before S-bar); PP's phases turn
 * slowly, over 0.6 in runs (the Conexant HCF call's phase 3: 6 of 8), over 0.9 seldom. */
#define AFTER_GAP_S_RHO 0.9
#define AFTER_GAP_S_REPEATS 6

static int after_gap_vote(sq_v34_lane *l, long k, double rho2, long dip_rev)
{
    if (l->s_after_gap_k < 0)
        l->s_after_gap_k = k;
    if (dip_rev >= 0)
        l->s_after_gap_rev = dip_rev;
    l->s_after_gap_repeats += rho2 > AFTER_GAP_S_RHO;
    if (k + 1 - l->s_after_gap_k < AFTER_GAP_VOTE)
        return 0;
    l->s_gap_over = 1;
    long held = l->s_after_gap_rev;
    if (l->s_after_gap_repeats >= AFTER_GAP_S_REPEATS) {   /* S went on */
        if (held < 0)
            return 0;
        reversal_found(l, held + REV_SEARCH_CUT, held - REV_SEARCH_CUT);
        return 1;
    }
    long latest = l->s_after_gap_k - SQ_V34_S_BAR_SYMBOLS + 2;
    reversal_found(l, held + REV_SEARCH_CUT > latest ? held + REV_SEARCH_CUT : latest,
                   l->s_gap_k - sq_v34_gap_lead_symbols(l) - SQ_V34_S_BAR_SYMBOLS - 2);
    return 1;
}

/* A half-symbol sample from the front end. */
static void half_sample(sq_decoder *d, float complex y)
{
    sq_v34_lane *l = &d->v34;
    memmove(l->hist + 1, l->hist, (SQ_V34_HIST - 1) * sizeof l->hist[0]);
    l->hist[0] = y;
    uint64_t h = l->half++;
    /* kept through TRN too, for its refit at the end (v34_training.c) */
    if (l->state == V34_S || l->state == V34_KEEP || l->state == V34_TRAIN || l->state == V34_TEST)
        sq_v34_keep_half_sample(l, h, y);
    if (!(h & 1))
        return;
    long k = (long)(h / 2);
    if (l->state == V34_S) {
        if (h < REV_LAG_HALVES + 1)
            return;
        double rho2 = lag_correlation(l->hist, 4), rho8 = lag_correlation(l->hist, REV_LAG_HALVES);
        if (rho2 <= S_RHO && !l->dip_start)
            l->s_run_start = k + 1;   /* S, if this is S, starts after here */
        else if (!l->dip_start && k + 1 - l->s_run_start > l->s_best_len) {   /* the longest run is S */
            l->s_best_len = k + 1 - l->s_run_start;
            l->s_best_start = l->s_run_start;
        }
        if (rho2 > S_RHO && !l->dip_start) {
            l->s_symbols++;
            l->s_power += crealf(l->hist[0] * conjf(l->hist[0]) + l->hist[1] * conjf(l->hist[1])) / 2.0;
        }
        if (sq_v34_in_gap(l)) {
            l->dip_start = 0;   /* a lost packet's zeros (and the line settling after) are no reversal */
            if (l->s_gap_k < 0 && l->s_symbols >= S_MIN_SYMBOLS / 2 && sq_v34_gap_inside(l, GAP_SETTLE))
                l->s_gap_k = k;
        } else {
            long dip_rev = dip_step(l, k, rho8);
            if (l->s_gap_k >= 0 && !l->s_gap_over) {
                if (after_gap_vote(l, k, rho2, dip_rev))
                    return;
            } else if (dip_rev >= 0) {   /* after a gap in S the dip may be cut short: its middle is no sure guide */
                reversal_found(l, l->s_gap_k >= 0 ? dip_rev + REV_SEARCH_CUT : dip_rev,
                               l->s_gap_k >= 0 ? dip_rev - REV_SEARCH_CUT : dip_rev);
            }
        }
        long s_max = l->v32 && l->renegotiating ? S_MAX_SYMBOLS_PREAMBLE
                     : l->v32                      ? S_MAX_SYMBOLS_V32
                     : l->v90_analogue && l->ja_seen ? S_MAX_SYMBOLS_V90
                                                     : S_MAX_SYMBOLS;
        if ((l->s_symbols < s_min_symbols(l) && k > S_MAX_WAIT) || k > s_max)
            sq_v34_look_again(l);
        return;
    }
    if (l->state == V34_KEEP) {
        long r = k - SQ_V34_EQ_DELAY - l->k_rev;
        /* a V.90 analogue modem's phase 4 has CPt, not TRN, after S-bar (V.90 9.4.2.1): no
         * reading of known symbols is to be scored there, and CPt is read from the choice on */
        int cpt_follows = l->v90_analogue && l->ja_seen && !l->v32;
        if (l->v32 && l->renegotiating) {   /* R4 or R5 follows the preamble: v32_renegotiation.c */
            if (r >= SQ_V32_RENEGOTIATION_DECIDE_R)
                sq_v32_read_renegotiation(d);
        } else if (r >= DECIDE_R_LATEST ||
                   (r >= DECIDE_R && (cpt_follows || (!sq_v34_gap_may_be_starting(l) && sq_v34_clean_scored(l) >= SCORE_SPAN)))) {
            sq_v34_choose_reading(d);
        }
        return;
    }
    if (l->state != V34_TRAIN && l->state != V34_DECIDE && l->state != V34_TEST)
        return;
    sq_v34_eq_push(&l->eq, l->hist[1]);
    sq_v34_eq_push(&l->eq, l->hist[0]);
    float complex z = sq_v34_eq_output(&l->eq);
    long r = ++l->r;
    if (l->state == V34_TRAIN)
        sq_v34_train_symbol(d, z, r);
    else if (l->state == V34_DECIDE)
        sq_v34_decide_symbol(d, z, r);
    else
        sq_v34_test_symbol(d, z, r);
    /* (TRN's first symbols under test adapt nothing: no new estimate; nor do those in a gap,
     * whose last estimate, taken as the line emptied, is not to be repeated) */
    if (sq_v34_in_gap(l))
        l->eq.timing = 0.0;
    if (l->timing_on && l->state != V34_TEST) {
        double step = l->eq.timing * 0.5 * sq_v34_samples_per_symbol(l);   /* samples */
        l->timing_integ += SQ_V34_TIMING_KI * step;
        sq_v34_front_shift(l->fronts[l->cand], SQ_V34_TIMING_GAIN * step + l->timing_integ);
    }
}

/* Where S began: the first moment in the window whose 2 ms power reaches a quarter of the
 * window's (the window may start in the quiet before it). */
static uint64_t s_onset(const sq_v34_lane *l, uint64_t first)
{
    double total = 0.0;
    for (uint64_t m = first; m < first + MEASURE_LEN; m++)
        total += (double)l->raw[m % SQ_V34_RAW] * l->raw[m % SQ_V34_RAW];
    double run = 0.0, want = 0.25 * total / MEASURE_LEN * 16.0;
    for (uint64_t m = first; m < first + MEASURE_LEN; m++) {
        run += (double)l->raw[m % SQ_V34_RAW] * l->raw[m % SQ_V34_RAW];
        if (m >= first + 16)
            run -= (double)l->raw[(m - 16) % SQ_V34_RAW] * l->raw[(m - 16) % SQ_V34_RAW];
        if (run >= want)
            return m >= first + 8 ? m - 8 : first;   /* the middle of the 2 ms that got there */
    }
    return first;
}

void sq_v34_look_back(sq_v34_lane *l)
{
    l->look_back = 1;
}

static int receiving(const sq_v34_lane *l)
{
    return l->state == V34_S || l->state == V34_KEEP || l->state == V34_TRAIN || l->state == V34_DECIDE ||
           l->state == V34_TEST;
}

/* The look back asked for (sq_v34_look_back), once the symbol that asked is done: the windows
 * of the samples held, every half scan step from the oldest, are looked at for S; the
 * first that is S starts the receiver, and every sample since its onset is given to it. (The
 * 3Com call on one channel, the caller 10 dB up: its S began 110 ms before the answerer's J
 * was over, under it, and by then had gone by; the caller's phases 3 and 4 went unread.) */
static void look_back_now(sq_decoder *d)
{
    sq_v34_lane *l = &d->v34;
    l->look_back = 0;
    for (uint64_t first = l->n > SQ_V34_RAW ? l->n - SQ_V34_RAW : 0; first + MEASURE_LEN <= l->n;
         first += SCAN_EVERY / 2) {
        int cand = measure_s(l, first);
        if (cand < 0)
            continue;
        l->cand = cand;
        l->s_start = s_onset(l, first);
        l->onset = l->s_start;
        l->level = l->power;
        start_receiver(d);
        for (uint64_t m = l->onset; m < l->n && receiving(l); m++) {
            float complex y;
            double t;
            if (sq_v34_front_push(l->fronts[l->cand], l->raw[m % SQ_V34_RAW], &y, &t))
                half_sample(d, y);
        }
        return;
    }
}

void sq_v34_watch_renegotiation(sq_v34_lane *l)
{
    l->renegotiation_watch = 1;
    l->goertzel_coeff = 2.0 * cos(2.0 * M_PI * l->cand_carrier[l->cand] / SQ_PROCESSING_RATE_HZ);
    l->goertzel_s1 = l->goertzel_s2 = l->goertzel_energy = 0.0;
    l->goertzel_count = 0;
    for (int k = 0; k < 4; k++) {   /* the carrier, then it -+ half the symbol rate */
        double hz = l->cand_carrier[l->cand] + (k == 1 ? -0.5 : k == 2 ? 0.5 : 0.0) * l->cand_rate[l->cand];
        l->preamble_coeff[k] = (float)(2.0 * cos(2.0 * M_PI * hz / SQ_PROCESSING_RATE_HZ));
        l->preamble_s1[k] = l->preamble_s2[k] = 0.0f;
    }
    l->preamble_blocks = l->preamble_kind = 0;
}

/* The power a Goertzel filter found at its line over RENEGOTIATION_EVERY samples, as a share
 * of the block's (1 for that line alone). */
static double goertzel_share(double coeff, double s1, double s2, double energy)
{
    double p = s1 * s1 + s2 * s2 - coeff * s1 * s2;
    return energy > 0.0 ? 2.0 * p / (RENEGOTIATION_EVERY * energy) : 0.0;
}

/* Inside V.32bis data, every RENEGOTIATION_EVERY samples: a rate renegotiation's preamble
 * (V.32bis 8), straight out of the data at its level: the caller's AA (the carrier alone, 56 T)
 * or the answerer's AC (A and C in turn: the lines 1200 Hz either side of it, 600 and 3000 Hz,
 * half the power each where the line is flat). Scrambled data puts some 5 % of its power into
 * the 125 Hz a block resolves at 1800 Hz and less at 600 and 3000 Hz, where its band rolls
 * off; eight to ten times that in one block comes about once in 5 000-20 000 blocks, two in a
 * row about once in 10^8-10^9 (days of data). Two blocks in a row of the same start the
 * receiver from the block before them (the preamble began in it or in the first of them); it
 * finds the reversal (CC or CA after 56 T) as it finds S-bar's, and v32_renegotiation.c reads
 * the rest. */
__attribute__((noinline)) static void preamble_block(sq_decoder *d, uint64_t n)
{
    sq_v34_lane *l = &d->v34;
    double share[3];
    for (int k = 0; k < 3; k++)
        share[k] = goertzel_share(l->preamble_coeff[k], l->preamble_s1[k], l->preamble_s2[k], l->goertzel_energy);
    memset(l->preamble_s1, 0, sizeof l->preamble_s1);
    memset(l->preamble_s2, 0, sizeof l->preamble_s2);
    l->goertzel_energy = 0.0;
    l->goertzel_count = 0;
    int ac = share[1] + share[2] >= V32_AC_SHARE && fmin(share[1], share[2]) >= V32_AC_LINE_SHARE;
    int kind = share[0] >= V32_AA_SHARE ? 1 : ac ? 2 : 0;
    l->preamble_blocks = kind && kind == l->preamble_kind ? l->preamble_blocks + 1 : kind ? 1 : 0;
    l->preamble_kind = kind;
    if (l->preamble_blocks < 2 || n + 1 < 3 * RENEGOTIATION_EVERY)
        return;
    uint64_t first = n + 1 - 3 * RENEGOTIATION_EVERY;
    /* the data's equaliser (E's, or the one its first symbols steered) knows the band */
    l->eq_phase3 = l->eq;
    l->have_eq_phase3 = 1;
    l->s_start = l->onset = first;
    l->level = l->power;
    start_receiver(d);
    l->renegotiating = 1;
    l->v32_reneg_answerer = kind == 2;
    l->v32_reneg_named = 0;
    for (uint64_t m = first; m <= n && l->state == V34_S; m++) {
        float complex y;
        double t;
        if (sq_v34_front_push(l->fronts[l->cand], l->raw[m % SQ_V34_RAW], &y, &t))
            half_sample(d, y);
    }
}

/* Inside V.34 data, every RENEGOTIATION_EVERY samples: is the window just heard S, at the
 * data's symbol rate and carrier? A rate renegotiation (11.6.1) starts so, straight out of
 * the data and at its level (no rise in power to look for): S puts nearly all its power in
 * the three lines (two thirds of it in the carrier's), scrambled data a few percent. First,
 * cheaply, the carrier's share of the last RENEGOTIATION_EVERY samples (a Goertzel filter:
 * 125 Hz wide, some 4 % of data's power, seldom over CARRIER_SHARE); then the three lines
 * over the whole window, as scan_for_s has them. The receiver then reads it as phase 4:
 * S-bar, TRN, MP, E and the data again. */
__attribute__((noinline)) static void renegotiation_block(sq_decoder *d, uint64_t n)
{
    sq_v34_lane *l = &d->v34;
    double carrier = l->goertzel_s1 * l->goertzel_s1 + l->goertzel_s2 * l->goertzel_s2 -
                     l->goertzel_coeff * l->goertzel_s1 * l->goertzel_s2;
    int may_be_s = 2.0 * carrier >= CARRIER_SHARE * RENEGOTIATION_EVERY * l->goertzel_energy;
    l->goertzel_s1 = l->goertzel_s2 = l->goertzel_energy = 0.0;
    l->goertzel_count = 0;
    if (!may_be_s || n + 1 < MEASURE_LEN)
        return;
    uint64_t first = n + 1 - MEASURE_LEN;
    float w[MEASURE_LEN];
    double total = window_of(l, first, w);
    if (total < l->floor_power || s_share(l, w, total, l->cand) < S_SHARE)
        return;
    sq_v34_data_cut(l);
    /* phase 4's equaliser, at its E, knows the band: a reply to cleardown sends no TRN to
     * learn it again (v34_training.c, choose_unknown_after) */
    l->eq_phase3 = l->eq;
    l->have_eq_phase3 = 1;
    l->s_start = l->onset = first;   /* S may have begun after the window did: its S-bar places it */
    l->level = l->power;
    start_receiver(d);
    l->renegotiating = 1;
    l->renegotiation_poly = l->ref.answer_poly;
    for (uint64_t m = first; m <= n && l->state == V34_S; m++) {
        float complex y;
        double t;
        if (sq_v34_front_push(l->fronts[l->cand], l->raw[m % SQ_V34_RAW], &y, &t))
            half_sample(d, y);
    }
}

/* The watch, per sample: small enough to be inlined where it is called, the rest called once a
 * block. */
static inline void watch_renegotiation(sq_decoder *d, uint64_t n, float x)
{
    sq_v34_lane *l = &d->v34;
    l->goertzel_energy += (double)x * x;
    if (l->v32) {
        sq_v4f s1 = sq_v4f_load(l->preamble_s1);
        sq_v4f_store(l->preamble_s1, x + sq_v4f_load(l->preamble_coeff) * s1 - sq_v4f_load(l->preamble_s2));
        sq_v4f_store(l->preamble_s2, s1);
        if (++l->goertzel_count == RENEGOTIATION_EVERY)
            preamble_block(d, n);
        return;
    }
    double s0 = x + l->goertzel_coeff * l->goertzel_s1 - l->goertzel_s2;
    l->goertzel_s2 = l->goertzel_s1;
    l->goertzel_s1 = s0;
    if (++l->goertzel_count == RENEGOTIATION_EVERY)
        renegotiation_block(d, n);
}

/* Every few ms while a start-up may come: is the last MEASURE_LEN samples S? */
static void scan_for_s(sq_decoder *d, uint64_t n)
{
    sq_v34_lane *l = &d->v34;
    if (n % SCAN_EVERY)
        return;
    /* S begins a stretch: look only where the power rose 6 dB or more on 32-64 ms before */
    double before = l->scan_power[0];
    for (int i = 1; i < SQ_V34_SCAN_HISTORY / 2; i++)
        before = fmin(before, l->scan_power[i]);
    memmove(l->scan_power, l->scan_power + 1, (SQ_V34_SCAN_HISTORY - 1) * sizeof l->scan_power[0]);
    l->scan_power[SQ_V34_SCAN_HISTORY - 1] = l->power;
    if (n + 1 < MEASURE_LEN || n > l->scan_until || l->power < l->floor_power ||
        (l->power < RISE * before && n > l->scan_free_until))
        return;
    uint64_t first = n + 1 - MEASURE_LEN;
    int cand = measure_s(l, first);
    if (cand < 0)
        return;
    l->cand = cand;
    l->s_start = s_onset(l, first);
    l->onset = l->s_start;   /* the receiver from S on: what came before S could pass for it */
    l->level = l->power;
    start_receiver(d);
    for (uint64_t m = l->onset; m <= n && l->state == V34_S; m++) {
        float complex y;
        double t;
        if (sq_v34_front_push(l->fronts[l->cand], l->raw[m % SQ_V34_RAW], &y, &t))
            half_sample(d, y);
    }
}

static void sample(sq_decoder *d, float x)
{
    sq_v34_lane *l = &d->v34;
    l->raw[l->n % SQ_V34_RAW] = x;
    l->power += POWER_SMOOTH * ((double)x * x - l->power);
    uint64_t n = l->n++;
    /* quiet: under the floor, or well under the stretch's own level (a noisy line) */
    int loud = l->power >= l->floor_power && l->power >= QUIET_DROP * l->level;
    if (loud && l->quiet >= GAP_MIN) {
        l->gap_settled_at = n + GAP_SETTLE;
        l->gap_began = n - l->quiet;
    }
    l->quiet = loud ? 0 : l->quiet + 1;
    if (loud) {
        l->last_loud = n;
        l->level += LEVEL_SMOOTH * (l->power - l->level);
    }
    switch (l->state) {
    case V34_QUIET:
        scan_for_s(d, n);
        break;
    case V34_DATA:   /* kept to be read when the far end's MP is known; then as done */
        if (l->quiet >= QUIET_AFTER) {
            sq_v34_data_cut(l);
            l->state = V34_QUIET;
            l->level = 0.0;
            l->renegotiation_watch = 0;
        } else {
            sq_v34_data_keep(l, x, sq_v34_in_gap(l));
            if (l->renegotiation_watch)
                watch_renegotiation(d, n, x);
        }
        break;
    case V34_S: case V34_KEEP: case V34_TRAIN: case V34_DECIDE: case V34_TEST: {
        if (l->quiet >= QUIET_AFTER) {
            l->ending_quiet = 1;
            sq_v34_end_stretch(d, (double)(l->last_loud + 1) / SQ_PROCESSING_RATE_HZ);
            l->ending_quiet = 0;
            l->scan_until = n + (uint64_t)(SCAN_FOR_S * SQ_PROCESSING_RATE_HZ);
            break;
        }
        if (l->state >= V34_TRAIN && l->state <= V34_DECIDE && l->data_snr_left == 0 && l->power > TAKEOVER_RISE * l->level) {
            sq_v34_end_stretch(d, (double)n / SQ_PROCESSING_RATE_HZ);
            sq_v34_look_again(l);
            sq_v34_look_back(l);   /* the louder one's S began as its power rose */
            look_back_now(d);
            break;
        }
        if (l->renegotiation_watch && l->data_snr_left > 0) {
            /* V.32bis data in its first second, being measured, is watched as well (a
             * renegotiation may come that soon); a preamble found starts the receiver on it,
             * this sample included */
            watch_renegotiation(d, n, x);
            if (l->renegotiating)
                break;
        }
        float complex y;
        double t;
        if (sq_v34_front_push(l->fronts[l->cand], x, &y, &t))
            half_sample(d, y);
        if (l->look_back)
            look_back_now(d);
        break;
    }
    default:   /* done, or not V.34: wait for the stretch to end */
        if (l->quiet >= QUIET_AFTER) {
            l->state = V34_QUIET;
            l->level = 0.0;
            l->renegotiation_watch = 0;
        } else if (l->renegotiation_watch) {
            watch_renegotiation(d, n, x);
        } else if (l->state == V34_IGNORE && l->v90_analogue && l->ja_seen) {
            /* a V.90 analogue modem after Ja: its phase 4's S comes after DIL, maybe with no
             * quiet before it to end the stretch (the far modem's echo fills it) */
            scan_for_s(d, n);
        }
        break;
    }
}

void sq_v34_lane_process(sq_decoder *d, const float *x, size_t n)
{
    if (d->v34.state == V34_IDLE) {
        d->v34.n += n;   /* the sample count is the decoder's time */
        return;
    }
    for (size_t i = 0; i < n; i++)
        sample(d, x[i]);
}

void sq_v34_lane_finish(sq_decoder *d)
{
    sq_v34_lane *l = &d->v34;
    sq_v34_data_cut(l);   /* the file ended in the data kept after E */
    if (l->state == V34_S || l->state == V34_KEEP || l->state == V34_TRAIN || l->state == V34_DECIDE ||
        l->state == V34_TEST)
        sq_v34_end_stretch(d, (double)(l->last_loud + 1) / SQ_PROCESSING_RATE_HZ);
}

double sq_v34_lane_renegotiation_s(const sq_decoder *d)
{
    return d->v34.renegotiation_s;
}

double sq_v34_lane_cleardown_s(const sq_decoder *d)
{
    return d->v34.cleardown_s;
}

int sq_v34_lane_data_since(const sq_decoder *d, double start_s, double *data_s, double *symbol_rate, double *carrier_hz)
{
    const sq_v34_lane *l = &d->v34;
    if (!(l->data_from_s > start_s))
        return 0;
    *data_s = l->data_from_s;
    *symbol_rate = l->cand_rate[l->cand];
    *carrier_hz = l->cand_carrier[l->cand];
    return 1;
}

double sq_v34_lane_data_snr_db(const sq_decoder *d, double data_s)
{
    const sq_v34_lane *l = &d->v34;
    return l->data_from_s == data_s && l->data_snr_left == 0 ? l->data_snr_db : 0.0;
}

int sq_v34_lane_read_whole(const sq_decoder *d, double start_s, double end_s)
{
    const sq_v34_lane *l = &d->v34;
    /* read from the stretch's start (or before it: V.32's wideband stretch begins after S,
     * which the lane reads from its onset) to its end; or, for V.32's answerer, to its rate
     * signal, after which the lane heard its level drop 13 dB while the stretch went on over
     * the line's noise (the answerer falls silent after R1 while the caller trains: with
     * noise 25 dB under it, S to R1 and the silence after had been named as training, then
     * data) */
    int from_start = l->read_to_s > 0.0 && l->read_from_s - start_s < 0.1 && l->read_from_s > start_s - 0.3;
    return from_start && (fabs(l->read_to_s - end_s) < 0.1 || (l->v32 && l->read_to_quiet && l->read_to_s < end_s));
}

double sq_v34_lane_horizon_s(const sq_decoder *d, double now_s)
{
    const sq_v34_lane *l = &d->v34;
    switch (l->state) {
    case V34_S: case V34_KEEP: case V34_TRAIN: case V34_DECIDE: case V34_TEST:
        return fmin(now_s, (double)l->s_start / SQ_PROCESSING_RATE_HZ);
    case V34_QUIET:   /* an S found now may have begun a window back */
        return fmin(now_s, fmax(0.0, now_s - (double)(MEASURE_LEN + SCAN_EVERY) / SQ_PROCESSING_RATE_HZ));
    case V34_DATA: case V34_DONE:   /* so may a rate renegotiation's */
        return l->renegotiation_watch ? fmin(now_s, fmax(0.0, now_s - (double)(MEASURE_LEN + RENEGOTIATION_EVERY) /
                                                                      SQ_PROCESSING_RATE_HZ))
                                      : now_s;
    default:
        return now_s;
    }
}
