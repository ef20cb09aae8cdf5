/* V.34 phases 3 and 4 for the timeline decoder (V.34 10.1.3, 11.3, 11.4).
 *
 * After a modem's INFO1 the lane waits for each stretch of its transmission (an onset after
 * 20 ms of quiet). A stretch that starts with S is the start of phase 3 or 4: S's three lines
 * (the carrier and the carrier +/- half the symbol rate) name the symbol rate and carrier
 * among Table 1's eleven pairs. The front end then gives baseband at two samples a symbol,
 * where S repeats every two symbols until S-bar turns it half a turn: that reversal fixes
 * the symbol count. From there every symbol is known for a while (S-bar, then PP and 4-point
 * TRN in phase 3, or TRN at once in phase 4 in 4 or 16 points, from either modem's
 * scrambler): an equaliser is trained on each reading over the first 216 symbols kept, and
 * the one that fits (symbol SNR of 12 dB or more) is believed. It keeps training on TRN for
 * as long as its decisions agree with the known symbols; then it decides by itself, and the
 * bits, differentially decoded and descrambled, are J (phase 3), J' and the TRN of phase 4
 * (tried in 4 and 16 points), MP and MP' (CRC checked), and E, after which data begins.
 * Nothing is reported that a check has not confirmed. */
#include <math.h>
#include <string.h>
#include "dsp/cmplx.h"
#include "src/decode/decoder_internal.h"
#include "squeal/error.h"
#include "squeal/level.h"

enum { V34_IDLE = 0, V34_QUIET, V34_S, V34_KEEP, V34_TRAIN, V34_TEST, V34_DECIDE, V34_DONE, V34_IGNORE };

#define FLOOR_DBM0 -43.0
#define POWER_SMOOTH (1.0 / 16.0)        /* ~2 ms */
#define QUIET_AFTER 160                  /* 20 ms of quiet ends a stretch */
#define QUIET_DROP 0.05                  /* quiet: 13 dB under the stretch (or under the floor) */
#define LEVEL_SMOOTH (1.0 / 800.0)       /* the stretch's level, over ~100 ms */
#define SCAN_EVERY 32                    /* S is looked for every 4 ms ... */
#define RISE 4.0                         /* ... where the power rose 6 dB */
#define LOOK_AGAIN_S 1.0                 /* or anywhere, this long after a false start */
#define SCAN_FOR_S 8.0                   /* ... for this long after INFO1 or the last stretch read */
#define DECIDE_GIVE_UP 0.5               /* s after TRN with neither J nor MP (each follows TRN at once) */
#define MEASURE_LEN SQ_V34_MEASURE         /* 32 ms: S lasts 37 ms or more */
#define S_SHARE 0.6                      /* of the window's power in one pair's three lines */
#define S_OUTER_SHARE 0.03               /* the two outer lines together, at least */
#define S_CENTRE_SHARE 0.1               /* the carrier's line, at least */
#define S_RHO 0.6                        /* S repeats every two symbols: correlation above this */
#define S_MIN_SYMBOLS 48                 /* of S (128 T) heard before a dip counts as S-bar */
#define S_MAX_WAIT 100                   /* symbols from the onset for S to show */
#define S_MAX_SYMBOLS 400                /* S lasts 128 T; a reversal later is not S-bar's */
#define S_MAX_SYMBOLS_V32 1500            /* V.32's caller sends S for a round trip, then 256 T */
#define REV_LAG_HALVES 16                /* S-bar against S 8 symbols before */
#define REV_RHO -0.3
#define REV_MIN_DIP 3
#define DECIDE_R 400                     /* symbols after the reversal when a reading is chosen */
#define SCORE_SPAN 64                    /* over the last of them: in TRN, whichever phase */
_Static_assert(DECIDE_R - SCORE_SPAN >= SQ_V34_S_BAR_SYMBOLS + SQ_V34_PP_SYMBOLS, "the readings are scored on TRN");
#define MIN_SNR_DB 8.0                   /* a wrong reading trains to about 0 dB */
#define TRAIN_FROM_R (-8)
#define TEST_SYMBOLS 48                  /* to tell 4- from 16-point TRN after J' */
#define TEST_MIN_CORR 0.6
#define TRN_CHECK_AFTER 64
#define TRN_MISSES_4 20                  /* of the last 32 decisions off the known symbols: after */
#define TRN_MISSES_16 26                 /* TRN, 3 in 4 miss in 4 points, 15 in 16 in 16 */
#define MU_FAST 0.3f
#define MU_TRAIN 0.1f
#define MU_TRACK 0.03f
#define MU_TRAIN_LIVE 0.06f                /* on TRN's first symbols after a reading is chosen */
#define TRN_FAST_SYMBOLS 1000
#define FAST_SYMBOLS 100

int sq_v34_lane_create(sq_decoder *d)
{
    sq_v34_lane *l = &d->v34;
    memset(l, 0, sizeof *l);
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
    double wsum = 0.0;
    for (int i = 0; i < MEASURE_LEN; i++)
        wsum += 0.5 - 0.5 * cos(2.0 * M_PI * (i + 0.5) / MEASURE_LEN);
    for (c = 0; c < SQ_V34_CANDIDATES; c++)
        for (int k = 0; k < 3; k++) {
            double f = l->cand_carrier[c] + (k == 0 ? 0.0 : k == 1 ? -0.5 : 0.5) * l->cand_rate[c];
            for (int i = 0; i < MEASURE_LEN; i++) {
                double w = (0.5 - 0.5 * cos(2.0 * M_PI * (i + 0.5) / MEASURE_LEN)) / wsum;
                double a = -2.0 * M_PI * f * i / SQ_PROCESSING_RATE_HZ;
                l->lines[c][k][i] = CMPLXF((float)(w * cos(a)), (float)(w * sin(a)));
            }
        }
    for (c = 0; c < SQ_V34_CANDIDATES; c++) {
        int rc = sq_v34_front_create(l->cand_rate[c], l->cand_carrier[c], &l->fronts[c]);
        if (rc != SQ_OK)
            return rc;
    }
    return SQ_OK;
}

void sq_v34_lane_destroy(sq_decoder *d)
{
    for (int c = 0; c < SQ_V34_CANDIDATES; c++)
        sq_v34_front_destroy(d->v34.fronts[c]);
}

void sq_v34_lane_arm(sq_decoder *d, double end_s, int channel)
{
    sq_v34_lane *l = &d->v34;
    l->v32 = 0;
    if (l->state != V34_IDLE && l->state != V34_QUIET && l->state != V34_DONE && l->state != V34_IGNORE)
        return;   /* a stretch is being read */
    l->armed = 1;
    l->armed_s = end_s;
    l->channel = channel;
    l->state = V34_QUIET;
    l->quiet = 0;
    l->level = 0.0;
    l->scan_until = l->n + (uint64_t)(SCAN_FOR_S * SQ_PROCESSING_RATE_HZ);
    l->after_j = 0;
}

void sq_v34_lane_arm_v32(sq_decoder *d, double end_s, int channel)
{
    sq_v34_lane *l = &d->v34;
    sq_v34_lane_arm(d, end_s, channel);
    l->v32 = 1;
    l->v32_sequences = 0;
    /* the answerer's S follows AC with no pause to find it by */
    l->scan_free_until = l->n + (uint64_t)(LOOK_AGAIN_S * SQ_PROCESSING_RATE_HZ);
}

/* ---- times and events ---- */

static double samples_per_symbol(const sq_v34_lane *l)
{
    return sq_v34_front_samples_per_symbol(l->fronts[l->cand]);
}

static double time_of_r(const sq_v34_lane *l, long r)
{
    return ((double)l->onset + (double)(l->k_rev + r) * samples_per_symbol(l)) / SQ_PROCESSING_RATE_HZ;
}

static void emit(sq_decoder *d, sq_event_type type, double start_s, double end_s, int points)
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
    if ((type == SQ_EVENT_V34_TRN || type == SQ_EVENT_V32_TRN) && l->trn_err_old > 0.0)
        ev.snr_db = 10.0 * log10((points == 16 ? 10.0 : 2.0) / l->trn_err_old);
    sq_event_pool_queue(&d->pool, &ev, -1);
}

static void close_mp(sq_decoder *d)
{
    sq_v34_lane *l = &d->v34;
    if (l->mp_open)
        sq_event_pool_queue(&d->pool, &l->mp_ev, -1);
    l->mp_open = 0;
}

/* The stretch ended (or the file): what is open ends with its last symbol. */
static void end_stretch(sq_decoder *d, double end_s)
{
    sq_v34_lane *l = &d->v34;
    if (l->state == V34_TRAIN && l->r > l->trn_start_r)
        emit(d, l->v32 ? SQ_EVENT_V32_TRN : SQ_EVENT_V34_TRN, time_of_r(l, l->trn_start_r), end_s, l->ref.points);
    if (l->j_open) {   /* a phase 3 read to its end: named from S to J */
        emit(d, SQ_EVENT_V34_J, time_of_r(l, l->j_start_r), end_s, l->j_points);
        l->read_from_s = (double)l->s_start / SQ_PROCESSING_RATE_HZ;
        l->read_to_s = end_s;
    }
    l->j_open = 0;
    close_mp(d);
    l->state = V34_QUIET;
    l->level = 0.0;
}

/* ---- the known symbols ---- */

static void ref_init(sq_v34_ref *f, int phase3, int points, int answer_poly, long first_r)
{
    f->phase3 = phase3;
    f->points = points;
    f->answer_poly = answer_poly;
    f->v32 = 0;
    sq_v34_trn_init(&f->trn, answer_poly, points);
    f->next_r = first_r;
}

static void ref_init_v32(sq_v34_ref *f, int answer_poly, long first_r)
{
    ref_init(f, 0, 4, answer_poly, first_r);
    f->v32 = 1;
    sq_v32_trn_init(&f->trn32, answer_poly);
}

static long trn_start(const sq_v34_ref *f)
{
    return SQ_V34_S_BAR_SYMBOLS + (f->phase3 ? SQ_V34_PP_SYMBOLS : 0);
}

/* The symbol f->next_r, and on to the next. */
static float complex ref_next(sq_v34_ref *f)
{
    long r = f->next_r++;
    if (f->v32)
        return r < SQ_V34_S_BAR_SYMBOLS ? sq_v32_s_symbol(r) : sq_v32_trn_next(&f->trn32);
    if (r < SQ_V34_S_BAR_SYMBOLS)
        return sq_v34_s_symbol(r);
    if (r < trn_start(f))
        return sq_v34_pp_symbol((int)(r - SQ_V34_S_BAR_SYMBOLS));
    return sq_v34_trn_next(&f->trn);
}

static double ref_power(const sq_v34_ref *f, long r)
{
    return r >= trn_start(f) && f->points == 16 ? 10.0 : 2.0;
}

/* ---- the bits after TRN ---- */

static double bits_per_symbol(const sq_v34_lane *l)
{
    return l->points == 16 ? 4.0 : 2.0;
}

static void start_trn_test(sq_v34_lane *l, long r)
{
    l->state = V34_TEST;
    l->test_r = r;
    l->trn_start_r = r;
}

static void found_mp(sq_decoder *d, const sq_v34_mp *mp, long start_r, long end_r)
{
    sq_v34_lane *l = &d->v34;
    if (l->mp_open && memcmp(&l->mp_ev.mp, mp, sizeof *mp) == 0) {
        l->mp_ev.end_s = time_of_r(l, end_r);
        l->mp_ev.repeats++;
        return;
    }
    close_mp(d);
    memset(&l->mp_ev, 0, sizeof l->mp_ev);
    l->mp_ev.type = SQ_EVENT_MP;
    l->mp_ev.fsk_channel = l->channel;
    l->mp_ev.level_dbm0 = sq_power_to_dbm0(l->level);
    l->mp_ev.start_s = time_of_r(l, start_r);
    l->mp_ev.end_s = time_of_r(l, end_r);
    l->mp_ev.symbol_rate = l->cand_rate[l->cand];
    l->mp_ev.freq_hz = l->cand_carrier[l->cand];
    l->mp_ev.points = (uint8_t)l->points;
    l->mp_ev.mp = *mp;
    l->mp_ev.crc_ok = 1;
    l->mp_ev.repeats = 1;
    l->mp_open = 1;
    l->mp_ack_seen |= mp->acknowledge;
}

static void mp_bit(sq_decoder *d, int b, long r)
{
    sq_v34_lane *l = &d->v34;
    if (!l->mp_collecting) {
        if (b == 0 && l->ones >= SQ_V34_MP_SYNC_BITS) {
            memset(l->mp_bits, 1, SQ_V34_MP_SYNC_BITS);
            l->mp_bits[SQ_V34_MP_SYNC_BITS] = 0;
            l->mp_fill = SQ_V34_MP_SYNC_BITS + 1;
            l->mp_collecting = 1;
            l->mp_start_r = r - (long)((SQ_V34_MP_SYNC_BITS + 1) / bits_per_symbol(l));
        }
        return;
    }
    l->mp_bits[l->mp_fill++] = (uint8_t)b;
    sq_v34_mp mp;
    int got = sq_v34_mp_from_bits(l->mp_bits, l->mp_fill, &mp);
    if (got < 0 && l->mp_fill < SQ_V34_MP_BUF)
        return;
    l->mp_collecting = 0;
    if (got > 0)
        found_mp(d, &mp, l->mp_start_r, r + 1);
}

static void bit_in(sq_decoder *d, int b, long r)
{
    sq_v34_lane *l = &d->v34;
    l->last_bits = (l->last_bits >> 1) | ((uint32_t)b << 31);
    l->bits_seen++;
    unsigned last16 = l->last_bits >> 16, before = l->last_bits & 0xFFFFu;
    double bps = bits_per_symbol(l);
    if (!l->j_open && l->bits_seen >= 32 && last16 == before && (last16 == SQ_V34_J4 || last16 == SQ_V34_J16)) {
        l->j_open = 1;
        l->j_points = last16 == SQ_V34_J16 ? 16 : 4;
        l->j_start_r = r + 1 - (long)(32 / bps);
    } else if (l->j_open && last16 == SQ_V34_J_PRIME) {
        long jp_start = r + 1 - (long)(16 / bps);
        emit(d, SQ_EVENT_V34_J, time_of_r(l, l->j_start_r), time_of_r(l, jp_start), l->j_points);
        emit(d, SQ_EVENT_V34_J_PRIME, time_of_r(l, jp_start), time_of_r(l, r + 1), 0);
        l->j_open = 0;
        l->after_j = 1;
        start_trn_test(l, r + 1);
        return;
    }
    if (l->mp_ack_seen && b && l->ones + 1 >= SQ_V34_E_BITS) {
        close_mp(d);
        emit(d, SQ_EVENT_V34_E, time_of_r(l, r + 1 - (long)(SQ_V34_E_BITS / bps)), time_of_r(l, r + 1), l->points);
        l->state = V34_DONE;
        l->data_from_s = time_of_r(l, r + 1);   /* B1, then data */
        return;
    }
    if (!l->j_open)
        mp_bit(d, b, r);
    l->ones = b ? l->ones + 1 : 0;
}

/* V.32's rate sequences (5.3): R repeated (two alike with their sync bits make one), then E
 * with the rate chosen. The answerer's first is R1 and its second R3, the caller's R2. */
static void v32_bit_in(sq_decoder *d, int b, long r)
{
    sq_v34_lane *l = &d->v34;
    l->last_bits = (l->last_bits >> 1) | ((uint32_t)b << 31);
    l->bits_seen++;
    unsigned last16 = l->last_bits >> 16, before = l->last_bits & 0xFFFFu;
    if (l->bits_seen < 32)
        return;
    int kind = sq_v32_sequence_kind(last16);
    if (l->mp_open && last16 == l->v32_last) {   /* the open R once more */
        l->mp_ev.end_s = time_of_r(l, r + 1);
        l->mp_ev.repeats++;
    } else if (kind == 1 && last16 == before && (!l->mp_open || last16 != l->v32_last)) {
        close_mp(d);
        memset(&l->mp_ev, 0, sizeof l->mp_ev);
        l->mp_ev.type = SQ_EVENT_V32_RATE;
        l->mp_ev.fsk_channel = l->channel;
        l->mp_ev.level_dbm0 = sq_power_to_dbm0(l->level);
        l->mp_ev.symbol_rate = SQ_V32_SYMBOL_RATE;
        l->mp_ev.freq_hz = SQ_V32_CARRIER_HZ;
        l->mp_ev.start_s = time_of_r(l, r + 1 - 16);
        l->mp_ev.end_s = time_of_r(l, r + 1);
        l->mp_ev.repeats = 2;
        l->mp_ev.info_bits[0] = (uint8_t)(last16 & 0xFFu);
        l->mp_ev.info_bits[1] = (uint8_t)(last16 >> 8);
        l->v32_sequences++;
        l->mp_ev.info_kind = (uint8_t)(l->channel == 1 ? 2 : l->v32_sequences > 1 ? 3 : 1);
        l->mp_ev.crc_ok = 1;
        l->mp_open = 1;
        l->v32_last = last16;
    } else if (kind == 2 && l->mp_open) {
        close_mp(d);
        unsigned rates = sq_v32_rates_of_bits(last16);
        sq_event ev;
        memset(&ev, 0, sizeof ev);
        ev.type = SQ_EVENT_V32_E;
        ev.fsk_channel = l->channel;
        ev.level_dbm0 = sq_power_to_dbm0(l->level);
        ev.symbol_rate = SQ_V32_SYMBOL_RATE;
        ev.freq_hz = SQ_V32_CARRIER_HZ;
        ev.start_s = time_of_r(l, r + 1 - 8);
        ev.end_s = time_of_r(l, r + 1);
        ev.rate = rates ? 2400 * (32 - __builtin_clz(rates)) : 0;   /* its one rate */
        ev.info_bits[0] = (uint8_t)(last16 & 0xFFu);
        ev.info_bits[1] = (uint8_t)(last16 >> 8);
        sq_event_pool_queue(&d->pool, &ev, -1);
        l->state = V34_DONE;
        l->data_from_s = ev.end_s;   /* B1, then data */
    }
}

static void v32_symbol_bits(sq_decoder *d, float complex decided, long r)
{
    int q1, q2;
    sq_v32_diff_decode(&d->v34.diff32, decided, &q1, &q2);
    v32_bit_in(d, q1, r);
    if (d->v34.state == V34_DECIDE)
        v32_bit_in(d, q2, r);
}

/* Decisions from r_from on go through the differential decoder and the descrambler. */
static void start_deciding(sq_decoder *d, long r_from, long r_now)
{
    sq_v34_lane *l = &d->v34;
    emit(d, l->v32 ? SQ_EVENT_V32_TRN : SQ_EVENT_V34_TRN, time_of_r(l, l->trn_start_r), time_of_r(l, r_from),
         l->ref.points);
    l->points = l->ref.phase3 ? 4 : l->ref.points;
    l->state = V34_DECIDE;
    l->idle_symbols = 0;
    l->ones = 0;
    l->mp_collecting = 0;
    l->bits_seen = 0;
    if (l->v32) {
        sq_v32_diff_init(&l->diff32, l->ref.answer_poly, l->decided[(r_from - 1) & 31]);
        for (long r = r_from; r <= r_now && l->state == V34_DECIDE; r++)
            v32_symbol_bits(d, l->decided[r & 31], r);
        return;
    }
    sq_v34_diff_init(&l->diff, l->ref.answer_poly, l->points, l->decided[(r_from - 1) & 31]);
    for (long r = r_from; r <= r_now && l->state == V34_DECIDE; r++) {
        int bits[4];
        int nb = sq_v34_diff_decode(&l->diff, l->decided[r & 31], bits);
        for (int i = 0; i < nb && l->state == V34_DECIDE; i++)
            bit_in(d, bits[i], r);
    }
}

/* ---- per symbol, once a reading is chosen ---- */

static void test_symbol(sq_decoder *d, float complex z, long r);

static void train_symbol(sq_decoder *d, float complex z, long r)
{
    sq_v34_lane *l = &d->v34;
    if (r == trn_start(&l->ref) && !l->poly_known) {
        start_trn_test(l, r);
        test_symbol(d, z, r);
        return;
    }
    float complex target = ref_next(&l->ref);
    int in_trn = r >= trn_start(&l->ref);
    float complex dec = sq_v34_decide(z, in_trn ? l->ref.points : 4);
    l->decided[r & 31] = dec;
    int miss = in_trn && (crealf(dec) != crealf(target) || cimagf(dec) != cimagf(target));
    /* past TRN's end the known symbols are wrong: steer by the decisions where most miss */
    int recent = __builtin_popcount((l->misses << 1 | (uint32_t)miss) & 0xFFu);
    sq_v34_eq_adapt(&l->eq, recent >= 4 ? dec : target, r - l->trn_start_r < TRN_FAST_SYMBOLS ? MU_TRAIN_LIVE : MU_TRACK);
    if (in_trn && recent < 4) {   /* TRN's SNR: the error against the known symbols */
        float complex e = z - target;
        l->trn_err += 0.02 * ((double)crealf(e * conjf(e)) - l->trn_err);
    }
    if (!in_trn)
        return;
    if (r == trn_start(&l->ref))
        l->trn_start_r = r;
    if ((r & 31) == 0) {   /* what TRN's SNR was before the window in which its end is found */
        l->trn_err_old = l->trn_err_snap;
        l->trn_err_snap = l->trn_err;
    }
    l->misses = (l->misses << 1) | (uint32_t)miss;
    if (r < l->trn_start_r + TRN_CHECK_AFTER ||
        __builtin_popcount(l->misses) < (l->ref.points == 16 ? TRN_MISSES_16 : TRN_MISSES_4))
        return;
    /* TRN ended where the misses thicken: the longest recent run in which most decisions miss */
    int end = 0;
    for (int j = 31, count = __builtin_popcount(l->misses); j >= 0; j--) {
        if (((l->misses >> j) & 1u) && count * 5 >= (j + 1) * 3) {
            end = j;
            break;
        }
        count -= (int)((l->misses >> j) & 1u);
    }
    start_deciding(d, r - end, r);
}

static void decide_symbol(sq_decoder *d, float complex z, long r)
{
    sq_v34_lane *l = &d->v34;
    /* a V.90 analogue modem's Ja and CP, say: V.34's modulation, not its sequences */
    if (!l->j_open && !l->mp_open && ++l->idle_symbols > (long)(DECIDE_GIVE_UP * l->cand_rate[l->cand])) {
        l->state = V34_IGNORE;
        return;
    }
    float complex dec = sq_v34_decide(z, l->points);
    l->decided[r & 31] = dec;
    sq_v34_eq_adapt(&l->eq, dec, MU_TRACK);
    if (l->v32) {
        v32_symbol_bits(d, dec, r);
        return;
    }
    int bits[4];
    int nb = sq_v34_diff_decode(&l->diff, dec, bits);
    for (int i = 0; i < nb && l->state == V34_DECIDE; i++)
        bit_in(d, bits[i], r);
}

/* TRN has started where its reading is not settled: at phase 3's TRN, whose scrambler (the
 * modem's role is not known here); after J', 4 or 16 points (as the far end's J asked). The
 * first TEST_SYMBOLS are held up against each candidate and the best match is believed. */
static void test_symbol(sq_decoder *d, float complex z, long r)
{
    sq_v34_lane *l = &d->v34;
    long i = r - l->test_r;
    l->test_z[i] = z;
    if (i + 1 < TEST_SYMBOLS)
        return;
    int phase3 = !l->after_j;
    double best = 0.0, zpow = 0.0;
    int best_points = 4, best_poly = l->ref.answer_poly;
    for (long k = 0; k < TEST_SYMBOLS; k++)
        zpow += crealf(l->test_z[k] * conjf(l->test_z[k]));
    for (int c = 0; c < 2; c++) {
        int points = phase3 ? 4 : (c ? 16 : 4), poly = phase3 ? c : l->ref.answer_poly;
        sq_v34_trn trn;
        sq_v34_trn_init(&trn, poly, points);
        double complex acc = 0.0;
        double rpow = 0.0;
        for (long k = 0; k < TEST_SYMBOLS; k++) {
            float complex t = sq_v34_trn_next(&trn);
            acc += l->test_z[k] * conjf(t);
            rpow += crealf(t * conjf(t));
        }
        double corr = cabs(acc) / sqrt(zpow * rpow + 1e-30);
        if (corr > best) {
            best = corr;
            best_points = points;
            best_poly = poly;
        }
    }
    if (best < TEST_MIN_CORR) {
        l->state = V34_IGNORE;
        return;
    }
    if (!phase3) {
        /* count symbols from an origin where this TRN starts as phase 4's does, after S-bar */
        l->k_rev += l->test_r - SQ_V34_S_BAR_SYMBOLS;
        l->r = r = SQ_V34_S_BAR_SYMBOLS + TEST_SYMBOLS - 1;
        l->test_r = SQ_V34_S_BAR_SYMBOLS;
        float scale = (float)sqrt((best_points == 16 ? 10.0 : 2.0) * TEST_SYMBOLS / (zpow + 1e-30));
        for (int t = 0; t < SQ_V34_EQ_TAPS; t++)
            l->eq.taps[t] *= scale;
    }
    ref_init(&l->ref, phase3, best_points, best_poly, l->test_r);
    for (long k = 0; k < TEST_SYMBOLS; k++)
        (void)ref_next(&l->ref);
    l->trn_start_r = l->test_r;
    l->trn_err = l->trn_err_snap = l->trn_err_old = 0.1 * (best_points == 16 ? 5.0 : 1.0);
    l->poly_known = 1;
    l->misses = 0;
    l->state = V34_TRAIN;
}

/* ---- choosing a reading of the start-up ---- */

/* What looked like S led nowhere: look for S again, for a while without waiting for the power
 * to rise (after MD, S follows without a pause). */
static void look_again(sq_v34_lane *l)
{
    l->state = V34_QUIET;
    l->scan_free_until = l->n + (uint64_t)(LOOK_AGAIN_S * SQ_PROCESSING_RATE_HZ);
    l->scan_until = l->n + (uint64_t)(SCAN_FOR_S * SQ_PROCESSING_RATE_HZ);
}

/* The first half-symbol sample the readings need: the equaliser's line full before S-bar's
 * first trained symbol. The kept samples are a ring, long enough from there on. */
static uint64_t keep_from(const sq_v34_lane *l)
{
    long k = l->k_rev + TRAIN_FROM_R - SQ_V34_EQ_TAPS;
    return k > 0 ? 2 * (uint64_t)k : 0;
}

/* One pass of training over the kept samples as reading f has them (f restarted); returns the
 * symbol SNR over the last SCORE_SPAN symbols, dB. */
static double train_pass(sq_v34_lane *l, sq_v34_ref *f, sq_v34_eq *eq, int first)
{
    if (f->v32)
        ref_init_v32(f, f->answer_poly, TRAIN_FROM_R);
    else
        ref_init(f, f->phase3, f->points, f->answer_poly, TRAIN_FROM_R);
    memset(eq->line, 0, sizeof eq->line);
    double err = 0.0, pow_sum = 0.0;
    for (uint64_t h = keep_from(l); h < l->half; h++) {
        sq_v34_eq_push(eq, l->keep[h % SQ_V34_KEEP]);
        if (!(h & 1))
            continue;
        long r = (long)(h / 2) - SQ_V34_EQ_DELAY - l->k_rev;
        if (r < TRAIN_FROM_R)
            continue;
        float complex z = sq_v34_eq_output(eq);
        float complex target = ref_next(f);
        float mu = !first ? MU_TRACK : r - TRAIN_FROM_R < FAST_SYMBOLS ? MU_FAST : MU_TRAIN;
        sq_v34_eq_adapt(eq, target, mu);
        if (r >= DECIDE_R - SCORE_SPAN) {
            float complex e = z - target;
            err += crealf(e * conjf(e));
            pow_sum += ref_power(f, r);
        }
    }
    return 10.0 * log10(pow_sum / (err + 1e-30));
}

/* Trains a fresh equaliser as reading f has it: fast passes to converge, then a slow one over
 * the same symbols whose errors are the score. */
static double try_reading(sq_v34_lane *l, sq_v34_ref *f, sq_v34_eq *eq)
{
    sq_v34_eq_init(eq, l->gain);
    (void)train_pass(l, f, eq, 1);
    (void)train_pass(l, f, eq, 1);
    return train_pass(l, f, eq, 0);
}

static void choose_reading(sq_decoder *d)
{
    sq_v34_lane *l = &d->v34;
    static const int READINGS[SQ_V34_HYPOTHESES][3] = {   /* phase 3, points, GPA */
        { 1, 4, 1 }, { 1, 4, 0 }, { 0, 4, 1 }, { 0, 4, 0 }, { 0, 16, 1 }, { 0, 16, 0 },
    };
    double best_snr = -1e9;
    int best = -1;
    int readings = l->v32 ? 2 : SQ_V34_HYPOTHESES;   /* V.32: TRN from either scrambler */
    for (int i = 0; i < readings; i++) {
        sq_v34_ref f;
        sq_v34_eq eq;
        if (l->v32)
            ref_init_v32(&f, i, TRAIN_FROM_R);
        else
            ref_init(&f, READINGS[i][0], READINGS[i][1], READINGS[i][2], TRAIN_FROM_R);
        double snr = try_reading(l, &f, &eq);
        if (snr > best_snr) {
            best_snr = snr;
            best = i;
        }
    }
    if (best_snr < MIN_SNR_DB) {   /* MD (10.1.3.5), say: another S follows in this stretch */
        look_again(l);
        return;
    }
    /* again for its state (the readings are cheap: a few hundred symbols each) */
    if (l->v32)
        ref_init_v32(&l->ref, best, TRAIN_FROM_R);
    else
        ref_init(&l->ref, READINGS[best][0], READINGS[best][1], READINGS[best][2], TRAIN_FROM_R);
    (void)try_reading(l, &l->ref, &l->eq);
    l->r = (long)(l->half / 2) - 1 - SQ_V34_EQ_DELAY - l->k_rev;
    l->misses = 0;
    l->trn_start_r = trn_start(&l->ref);
    l->trn_err = l->trn_err_snap = l->trn_err_old = 0.1;
    l->poly_known = 1;   /* the readings scored TRN's start too: whose scrambler is known */
    if (!l->v32) {   /* V.32's S and S-bar are named by the wideband lane from their lines */
        emit(d, SQ_EVENT_V34_S, (double)l->s_start / SQ_PROCESSING_RATE_HZ, time_of_r(l, 0), 0);
        emit(d, SQ_EVENT_V34_S_BAR, time_of_r(l, 0), time_of_r(l, SQ_V34_S_BAR_SYMBOLS), 0);
    }
    if (l->ref.phase3)   /* the reading, chosen in TRN, has it from S-bar to TRN */
        emit(d, SQ_EVENT_V34_PP, time_of_r(l, SQ_V34_S_BAR_SYMBOLS), time_of_r(l, trn_start(&l->ref)), 0);
    l->state = V34_TRAIN;
}

/* ---- per sample ---- */

/* S's lines for the eleven pairs, over the measuring window: the pair that holds most of it. */
static int measure_s(sq_v34_lane *l, uint64_t first)
{
    float x[MEASURE_LEN];
    double total = 0.0;
    for (int i = 0; i < MEASURE_LEN; i++) {
        x[i] = l->raw[(first + (uint64_t)i) % SQ_V34_RAW];
        total += (double)x[i] * x[i];
    }
    total /= MEASURE_LEN;
    int best = -1;
    double best_share = 0.0;
    for (int c = 0; c < SQ_V34_CANDIDATES; c++) {
        double p[3];
        for (int k = 0; k < 3; k++) {   /* the line's power from the windowed DFT at its frequency */
            const float complex *e = l->lines[c][k];
            float complex acc = 0.0f;
            for (int i = 0; i < MEASURE_LEN; i++)
                acc += x[i] * e[i];
            p[k] = 2.0 * (double)crealf(acc * conjf(acc));
        }
        double share = (p[0] + p[1] + p[2]) / (total + 1e-30);
        if (l->v32 && (l->cand_rate[c] != SQ_V32_SYMBOL_RATE || l->cand_carrier[c] != SQ_V32_CARRIER_HZ))
            continue;
        /* S has all three lines: AC (V.32) has the outer two alone, AA the carrier alone */
        if (share > best_share && (p[1] + p[2]) >= S_OUTER_SHARE * total && p[0] >= S_CENTRE_SHARE * total) {
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
    l->s_power = 0.0;
    l->j_open = 0;
    l->mp_open = 0;
    l->mp_ack_seen = 0;
    l->mp_collecting = 0;
    l->after_j = 0;
    memset(l->hist, 0, sizeof l->hist);
    l->state = V34_S;
}

/* The correlation of the newest symbol's two half-symbol samples with those lag halves back,
 * normalised: 1 for a signal that repeats with that period, -1 for one turned half a turn. */
static double lag_correlation(const float complex *hist, int lag)
{
    float complex a = hist[0] * conjf(hist[lag]) + hist[1] * conjf(hist[lag + 1]);
    double norm = cabsf(hist[0]) * cabsf(hist[lag]) + cabsf(hist[1]) * cabsf(hist[lag + 1]);
    return norm > 0.0 ? crealf(a) / norm : 0.0;
}

/* A half-symbol sample from the front end. */
static void half_sample(sq_decoder *d, float complex y)
{
    sq_v34_lane *l = &d->v34;
    memmove(l->hist + 1, l->hist, (SQ_V34_HIST - 1) * sizeof l->hist[0]);
    l->hist[0] = y;
    uint64_t h = l->half++;
    if (l->state == V34_S || l->state == V34_KEEP)
        l->keep[h % SQ_V34_KEEP] = y;
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
        /* S-bar against S eight symbols before: a dip of eight symbols, smeared alike at both
         * ends by the line, so its middle is 3.5 symbols after the reversal */
        if (l->s_symbols >= S_MIN_SYMBOLS && rho8 < REV_RHO) {
            if (!l->dip_start)
                l->dip_start = k;
        } else if (l->dip_start) {
            long first = l->dip_start, last = k - 1;
            l->dip_start = 0;
            if (last - first + 1 >= REV_MIN_DIP) {
                l->k_rev = (long)floor(0.5 * (double)(first + last) - 3.5 + 0.5);
                /* where S's run of two-symbol repeats began (the correlation spans 2 symbols):
                 * after MD, S starts with no rise in power to find it by */
                if (l->s_best_start > 2)
                    l->s_start = l->onset + (uint64_t)llround((double)(l->s_best_start - 2) * samples_per_symbol(l));
                l->gain = (float)sqrt(2.0 * l->s_symbols / (l->s_power + 1e-30));
                l->state = V34_KEEP;
            }
        }
        if ((l->s_symbols < S_MIN_SYMBOLS && k > S_MAX_WAIT) || k > (l->v32 ? S_MAX_SYMBOLS_V32 : S_MAX_SYMBOLS))
            look_again(l);
        return;
    }
    if (l->state == V34_KEEP) {
        if (k - SQ_V34_EQ_DELAY - l->k_rev >= DECIDE_R)
            choose_reading(d);
        return;
    }
    if (l->state != V34_TRAIN && l->state != V34_DECIDE && l->state != V34_TEST)
        return;
    sq_v34_eq_push(&l->eq, l->hist[1]);
    sq_v34_eq_push(&l->eq, l->hist[0]);
    float complex z = sq_v34_eq_output(&l->eq);
    long r = ++l->r;
    if (l->state == V34_TRAIN)
        train_symbol(d, z, r);
    else if (l->state == V34_DECIDE)
        decide_symbol(d, z, r);
    else
        test_symbol(d, z, r);
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
    l->quiet = loud ? 0 : l->quiet + 1;
    if (loud) {
        l->last_loud = n;
        l->level += LEVEL_SMOOTH * (l->power - l->level);
    }
    switch (l->state) {
    case V34_QUIET:
        scan_for_s(d, n);
        break;
    case V34_S: case V34_KEEP: case V34_TRAIN: case V34_DECIDE: case V34_TEST: {
        if (l->quiet >= QUIET_AFTER) {
            end_stretch(d, (double)(l->last_loud + 1) / SQ_PROCESSING_RATE_HZ);
            l->scan_until = n + (uint64_t)(SCAN_FOR_S * SQ_PROCESSING_RATE_HZ);
            break;
        }
        float complex y;
        double t;
        if (sq_v34_front_push(l->fronts[l->cand], x, &y, &t))
            half_sample(d, y);
        break;
    }
    default:   /* done, or not V.34: wait for the stretch to end */
        if (l->quiet >= QUIET_AFTER) {
            l->state = V34_QUIET;
            l->level = 0.0;
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
    if (l->state == V34_S || l->state == V34_KEEP || l->state == V34_TRAIN || l->state == V34_DECIDE ||
        l->state == V34_TEST)
        end_stretch(d, (double)(l->last_loud + 1) / SQ_PROCESSING_RATE_HZ);
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

int sq_v34_lane_read_whole(const sq_decoder *d, double start_s, double end_s)
{
    const sq_v34_lane *l = &d->v34;
    return l->read_to_s > 0.0 && fabs(l->read_from_s - start_s) < 0.1 && fabs(l->read_to_s - end_s) < 0.1;
}

double sq_v34_lane_horizon_s(const sq_decoder *d, double now_s)
{
    const sq_v34_lane *l = &d->v34;
    switch (l->state) {
    case V34_S: case V34_KEEP: case V34_TRAIN: case V34_DECIDE: case V34_TEST:
        return fmin(now_s, (double)l->s_start / SQ_PROCESSING_RATE_HZ);
    case V34_QUIET:   /* an S found now may have begun a window back */
        return fmin(now_s, fmax(0.0, now_s - (double)(MEASURE_LEN + SCAN_EVERY) / SQ_PROCESSING_RATE_HZ));
    default:
        return now_s;
    }
}
