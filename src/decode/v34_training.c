/* The V.34 / V.32 lane's equaliser training (src/decode/v34_lane.h): the known symbols of
 * each reading of the start-up (S, S-bar, PP, TRN from a zeroed scrambler in 4 or 16 points,
 * either scrambler; V.32's S, S-bar and TRN), the readings tried over the kept samples and the
 * one that trains chosen, then TRN followed while its decisions agree with it. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "dsp/cmplx.h"
#include "src/decode/v34_lane.h"
#include "squeal/level.h"

#define MIN_SNR_DB 8.0                   /* a wrong reading trains to about 0 dB */
#define TRAIN_FROM_R (-8)
/* A V.90 analogue modem silent during DIL sends CPt right after phase 4's S-bar: with no SCR
 * to train on, the equaliser learns on most of S (128 symbols) and S-bar, then follows its
 * own 4-point decisions, over the kept symbols UNKNOWN_PASSES times (S alone, three lines,
 * teaches it little of the band). Tried only when no reading of known symbols trains; its
 * score is the decisions' own error: 9 dB there is a symbol error in about a thousand at 4
 * points (the Conexant call's plain start reaches 12.4 dB, its phase 3 TRN 36.6 dB), and what
 * it reads counts only where a CRC checks. */
#define UNKNOWN_TRAIN_FROM_R (-112)
_Static_assert(2 * (DECIDE_R_LATEST + SQ_V34_EQ_DELAY - UNKNOWN_TRAIN_FROM_R + SQ_V34_EQ_TAPS) < SQ_V34_KEEP,
               "a reading chosen as late as DECIDE_R_LATEST still has all it trains on kept");
#define UNKNOWN_PASSES 5
#define UNKNOWN_MIN_SNR_DB 9.0
/* S teaches the equaliser the line at three frequencies only (the carrier and the carrier
 * +/- half the symbol rate). The same modem's phase 3 equaliser (read to its Ja) knows the
 * whole band, but at another timing: moved by the shift that best matches it to what S
 * taught at those three frequencies (in steps of UNKNOWN_SHIFT_STEP half-symbols), and by
 * that shift +/- 4 half-symbols (which the three lines cannot tell apart), it is trained as
 * the plain start is, and the start that trains best is kept. On the Conexant call: 27.3 dB
 * where the plain start gives 12.4; 21.3 where it gives 7.7 with a 200 ppm clock. */
#define UNKNOWN_SHIFT_STEP 0.125
#define UNKNOWN_SHIFT_ALIKE 4.0
#define TEST_SYMBOLS 48                  /* to tell 4- from 16-point TRN after J' */
#define TEST_MIN_CORR 0.6
#define TEST_LATEST 300                  /* symbols into TRN (512 T at least) a test may end */
#define TEST_SEARCH_MIN_CORR 0.75        /* TRN's start searched for: 48 random symbols reach
                                          * 0.14 rms against a sequence, 0.5 at most in 600 */
#define TRN_CHECK_AFTER 64
#define TRN_MISSES_4 20                  /* of the last 32 decisions off the known symbols: after */
#define TRN_MISSES_16 26                 /* TRN, 3 in 4 miss in 4 points, 15 in 16 in 16 */
#define MU_FAST 0.3f
#define MU_TRAIN 0.1f
#define MU_TRAIN_LIVE 0.06f                /* on TRN's first symbols after a reading is chosen */
#define TRN_FAST_SYMBOLS 1000
#define FAST_SYMBOLS 100

/* ---- the known symbols ---- */

static void ref_init(sq_v34_ref *f, int phase3, int points, int answer_poly, long first_r)
{
    f->phase3 = phase3;
    f->points = points;
    f->answer_poly = answer_poly;
    f->v32 = 0;
    f->unknown_after = 0;
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

void sq_v34_start_trn_test(sq_v34_lane *l, long r)
{
    sq_v34_search_trn(l, r, r);
}

void sq_v34_search_trn(sq_v34_lane *l, long r, long earliest)
{
    l->state = V34_TEST;
    l->test_r = r;
    l->test_trn_r = r;
    l->test_trn_lo = earliest;
    l->trn_start_r = r;
}

/* ---- per symbol, once a reading is chosen ---- */


void sq_v34_train_symbol(sq_decoder *d, float complex z, long r)
{
    sq_v34_lane *l = &d->v34;
    if (r == trn_start(&l->ref) && !l->poly_known) {
        sq_v34_start_trn_test(l, r);
        sq_v34_test_symbol(d, z, r);
        return;
    }
    float complex target = ref_next(&l->ref);
    l->known[r & (SQ_V34_TURNS - 1)] = target;   /* for TRN's refit at its end */
    l->turn[r & (SQ_V34_TURNS - 1)] = l->eq.rotation;
    int in_trn = r >= trn_start(&l->ref);
    float complex dec = sq_v34_decide(z, in_trn ? l->ref.points : 4);
    l->decided[r & 31] = dec;
    if (sq_v34_in_gap(l))
        return;
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
    sq_v34_start_deciding(d, r - end, r);
}

/* TRN has started where its reading is not settled: at phase 3's TRN, whose scrambler (the
 * modem's role is not known here); after J', 4 or 16 points (as the far end's J asked). The
 * first TEST_SYMBOLS are held up against each candidate and the best match is believed. */
void sq_v34_test_symbol(sq_decoder *d, float complex z, long r)
{
    sq_v34_lane *l = &d->v34;
    if (sq_v34_in_gap(l)) {   /* a lost packet: the test starts again after it, TRN being long */
        l->test_r = r + 1;
        if (r + 1 - l->test_trn_lo > TEST_LATEST)
            l->state = V34_IGNORE;
        return;
    }
    long i = r - l->test_r;
    l->test_z[i] = z;
    if (i + 1 < TEST_SYMBOLS)
        return;
    int phase3 = !l->after_j;
    double best = 0.0, zpow = 0.0;
    int best_points = 4, best_poly = l->ref.answer_poly;
    for (long k = 0; k < TEST_SYMBOLS; k++)
        zpow += crealf(l->test_z[k] * conjf(l->test_z[k]));
    long best_start = l->test_trn_r;
    int searched = l->test_trn_lo < l->test_trn_r;   /* TRN's start not known (J' lost) */
    for (long start = l->test_trn_lo; start <= (searched ? l->test_r : l->test_trn_r); start++)
        for (int c = 0; c < 2; c++) {
            int points = phase3 ? 4 : (c ? 16 : 4), poly = phase3 ? c : l->ref.answer_poly;
            sq_v34_trn trn;
            sq_v34_trn_init(&trn, poly, points);
            for (long k = start; k < l->test_r; k++)
                (void)sq_v34_trn_next(&trn);
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
                best_start = start;
            }
        }
    l->test_trn_r = best_start;
    /* many starts tried, the best of them matches by chance more often */
    if (best < (searched ? TEST_SEARCH_MIN_CORR : TEST_MIN_CORR)) {
        if (searched && l->j_open) {   /* no TRN after J: J ended with its last pattern */
            sq_v34_end_stretch(d, sq_v34_time_of_r(l, l->j_seen_r + 1));
            sq_v34_look_again(l);
        } else {
            l->state = V34_IGNORE;
        }
        return;
    }
    if (searched && l->j_open) {   /* J ended where its J' (16 bits), lost, began */
        long j_end = best_start - 16 / (l->points == 16 ? 4 : 2);
        sq_v34_emit(d, SQ_EVENT_V34_J, sq_v34_time_of_r(l, l->j_start_r),
                    sq_v34_time_of_r(l, j_end > l->j_start_r ? j_end : l->j_start_r + 1), l->j_points);
        l->j_open = 0;
    }
    if (!phase3) {
        /* count symbols from an origin where this TRN starts as phase 4's does, after S-bar */
        l->k_rev += l->test_trn_r - SQ_V34_S_BAR_SYMBOLS;
        l->r = r = SQ_V34_S_BAR_SYMBOLS + (r - l->test_trn_r);
        l->test_trn_r = SQ_V34_S_BAR_SYMBOLS;
        float scale = (float)sqrt((best_points == 16 ? 10.0 : 2.0) * TEST_SYMBOLS / (zpow + 1e-30));
        for (int t = 0; t < SQ_V34_EQ_TAPS; t++)
            l->eq.taps[t] *= scale;
    }
    ref_init(&l->ref, phase3, best_points, best_poly, l->test_trn_r);
    while (l->ref.next_r <= r)
        (void)ref_next(&l->ref);
    l->trn_start_r = l->test_trn_r;
    l->trn_err = l->trn_err_snap = l->trn_err_old = 0.1 * (best_points == 16 ? 5.0 : 1.0);
    l->poly_known = 1;
    l->misses = 0;
    l->state = V34_TRAIN;
}

/* ---- choosing a reading of the start-up ---- */

/* The first half-symbol sample the readings need: the equaliser's line full before S-bar's
 * first trained symbol. The kept samples are a ring, long enough from there on. */
static long train_from(const sq_v34_ref *f)
{
    return f->unknown_after ? UNKNOWN_TRAIN_FROM_R : TRAIN_FROM_R;
}

static uint64_t keep_from(const sq_v34_lane *l, const sq_v34_ref *f)
{
    long k = l->k_rev + train_from(f) - SQ_V34_EQ_TAPS;
    return k > 0 ? 2 * (uint64_t)k : 0;
}

int sq_v34_push_kept(const sq_v34_lane *l, sq_v34_eq *eq, uint64_t h, uint64_t *spoilt_until, long *r)
{
    sq_v34_eq_push(eq, l->keep[h % SQ_V34_KEEP]);
    if (l->keep_gap[h % SQ_V34_KEEP])
        *spoilt_until = h + SQ_V34_EQ_TAPS;
    if (!(h & 1))
        return 0;
    *r = (long)(h / 2) - SQ_V34_EQ_DELAY - l->k_rev;
    return 1;
}

/* One pass of training over the kept samples as reading f has them (f restarted); returns the
 * symbol SNR over those from DECIDE_R - SCORE_SPAN on, dB. Symbols a gap spoilt are left out. */
static double train_pass_to(sq_v34_lane *l, sq_v34_ref *f, sq_v34_eq *eq, int first, long to_r)
{
    int unknown = f->unknown_after;
    long from = train_from(f);
    if (f->v32)
        ref_init_v32(f, f->answer_poly, from);
    else
        ref_init(f, f->phase3, f->points, f->answer_poly, from);
    f->unknown_after = unknown;
    memset(eq->line, 0, sizeof eq->line);
    /* each pass over known symbols turns the carrier loop from where the last began, at the
     * frequency it has learnt: left where the last pass ended (DECIDE_R symbols on), a
     * carrier 3 Hz off came back half a turn wrong, and V.32's caller at 20 dB trained to
     * 6-9 dB. (Not where the equaliser follows its own decisions: a frequency learnt there,
     * with four points' quarter-turn ambiguity, may be the loop's wandering, 0.6 Hz over 1500
     * symbols on the Conexant HCF call's V.90 phase 4, and taking back what it turned lost
     * that call's upstream data.) */
    if (unknown)
        eq->freq_turn = 0.0;
    else
        sq_v34_eq_rewind(eq);
    double err = 0.0, pow_sum = 0.0;
    uint64_t spoilt_until = 0;   /* the line holds a sample spoilt by a gap before this */
    for (uint64_t h = keep_from(l, f); h < l->half; h++) {
        long r;
        if (!sq_v34_push_kept(l, eq, h, &spoilt_until, &r))
            continue;
        if (r < from)
            continue;
        if (r >= to_r)
            break;
        float complex z = sq_v34_eq_output(eq);
        float complex target = ref_next(f);
        if (eq == &l->eq) {   /* the lane's own: for TRN's refit at its end */
            l->known[r & (SQ_V34_TURNS - 1)] = target;
            l->turn[r & (SQ_V34_TURNS - 1)] = eq->rotation;
        }
        if (h < spoilt_until)
            continue;   /* the symbols a lost packet spoils teach nothing and are not scored */
        if (unknown && r >= SQ_V34_S_BAR_SYMBOLS)
            target = sq_v34_decide(z, 4);
        float mu = !first ? MU_TRACK : r - from < FAST_SYMBOLS ? MU_FAST : MU_TRAIN;
        sq_v34_eq_adapt(eq, target, mu);
        if (r >= DECIDE_R - SCORE_SPAN) {
            float complex e = z - target;
            err += crealf(e * conjf(e));
            pow_sum += ref_power(f, r);
        }
    }
    return 10.0 * log10(pow_sum / (err + 1e-30));
}

static double train_pass(sq_v34_lane *l, sq_v34_ref *f, sq_v34_eq *eq, int first)
{
    return train_pass_to(l, f, eq, first, LONG_MAX);
}

static const int READINGS[SQ_V34_HYPOTHESES][3] = {   /* phase 3, points, GPA */
    { 1, 4, 1 }, { 1, 4, 0 }, { 0, 4, 1 }, { 0, 4, 0 }, { 0, 16, 1 }, { 0, 16, 0 },
};

static void reading_init(const sq_v34_lane *l, sq_v34_ref *f, int i)
{
    if (l->v32)   /* V.32: TRN from either scrambler */
        ref_init_v32(f, i, TRAIN_FROM_R);
    else
        ref_init(f, READINGS[i][0], READINGS[i][1], READINGS[i][2], TRAIN_FROM_R);
}

/* Whether reading i can be what follows S-bar: any, but in a rate renegotiation only TRN in
 * 4 points (V.34 11.6) and the modem's own scrambler, as its phase 4 had it. */
static int reading_may_be(const sq_v34_lane *l, int i)
{
    return l->v32 || !l->renegotiating ||
           (!READINGS[i][0] && READINGS[i][1] == 4 && READINGS[i][2] == l->renegotiation_poly);
}

/* S and S-bar, as found (their lines, and the reversal against S eight symbols back). */
void sq_v34_emit_s(sq_decoder *d)
{
    sq_v34_lane *l = &d->v34;
    double s_from = (double)l->s_start / SQ_PROCESSING_RATE_HZ;
    if (l->renegotiating) {   /* S straight out of data: 128 T before S-bar (V.34 11.6.1.1.1) */
        s_from = fmax(s_from, sq_v34_time_of_r(l, -SQ_V34_S_SYMBOLS));
        l->renegotiation_s = s_from;
    }
    sq_v34_emit(d, SQ_EVENT_V34_S, s_from, sq_v34_time_of_r(l, 0), 0);
    sq_v34_emit(d, SQ_EVENT_V34_S_BAR, sq_v34_time_of_r(l, 0), sq_v34_time_of_r(l, SQ_V34_S_BAR_SYMBOLS), 0);
}

void sq_v34_shifted_taps(const sq_v34_eq *from, double shift, float gain, sq_v34_eq *e)
{
    sq_v34_eq_init(e, gain);
    int whole = (int)floor(shift);
    float frac = (float)(shift - whole);
    for (int i = 0; i < SQ_V34_EQ_TAPS; i++) {
        int a = i - whole, b = a - 1;
        float complex ta = a >= 0 && a < SQ_V34_EQ_TAPS ? from->taps[a] : 0.0f;
        float complex tb = b >= 0 && b < SQ_V34_EQ_TAPS ? from->taps[b] : 0.0f;
        e->taps[i] = (1.0f - frac) * ta + frac * tb;
    }
}

/* Trains eq from its start on S, S-bar and its own decisions after (on the symbols before
 * to_r), `passes` times. */
static void train_unknown_to(sq_v34_lane *l, sq_v34_ref *f, sq_v34_eq *eq, int passes, long to_r)
{
    /* a V.90 analogue modem scrambles with GPA whatever its role (V.90 8.3); a V.34 modem
     * replying to a cleardown with its own, as its phase 4 had it (V.34 7) */
    ref_init(f, 0, 4, l->v90_analogue ? 1 : l->renegotiation_poly, UNKNOWN_TRAIN_FROM_R);
    f->unknown_after = 1;
    for (int pass = 0; pass < passes; pass++)
        (void)train_pass_to(l, f, eq, 1, to_r);
}

/* ... on all the kept symbols; returns the score of one more pass. */
static double train_unknown(sq_v34_lane *l, sq_v34_ref *f, sq_v34_eq *eq, int passes)
{
    train_unknown_to(l, f, eq, passes, LONG_MAX);
    return train_pass(l, f, eq, 0);
}

/* The equaliser's response at the carrier + k/2 the symbol rate, k = -1, 0, 1: line[i] lags
 * the newest by i half-symbols, so a line at that frequency turns by -k pi/2 a tap. */
static void three_lines(const sq_v34_eq *e, float complex h[3])
{
    static const float complex TURN[3] = { I, 1.0f, -I };
    for (int k = 0; k < 3; k++) {
        float complex w = 1.0f, sum = 0.0f;
        for (int i = 0; i < SQ_V34_EQ_TAPS; i++, w *= TURN[k])
            sum += e->taps[i] * w;
        h[k] = sum;
    }
}

/* How far from fitting want (up to a gain and a turn) e's three lines are: 0 when exactly. */
static double misfit(const sq_v34_eq *e, const float complex want[3])
{
    float complex h[3], cross = 0.0f;
    double hp = 0.0, wp = 0.0, err = 0.0;
    three_lines(e, h);
    for (int k = 0; k < 3; k++) {
        cross += want[k] * conjf(h[k]);
        hp += crealf(h[k] * conjf(h[k]));
        wp += crealf(want[k] * conjf(want[k]));
    }
    float complex c = hp > 0.0 ? cross / (float)hp : 0.0f;
    for (int k = 0; k < 3; k++) {
        float complex r = want[k] - c * h[k];
        err += crealf(r * conjf(r));
    }
    return wp > 0.0 ? err / wp : 1.0;
}

/* The 4-point decisions through eq (trained to the present, its taps kept, tracking as it
 * goes) over the kept symbols from S-bar's last to r_now: what choose_unknown_after's reading
 * reads from S-bar on, not only from where it was chosen (some 400 symbols later: a CPt or MP
 * or two). NULL when there is no room. */
static float complex *replay_decisions(const sq_v34_lane *l, const sq_v34_ref *f, const sq_v34_eq *trained, long r_now)
{
    const long first = SQ_V34_S_BAR_SYMBOLS - 1;
    if (r_now < first)
        return NULL;
    float complex *out = malloc((size_t)(r_now - first + 1) * sizeof *out);
    if (!out)
        return NULL;
    sq_v34_eq eq = *trained;
    memset(eq.line, 0, sizeof eq.line);
    eq.freq_turn = 0.0;   /* (decisions steer it: train_pass_to) */
    uint64_t spoilt_until = 0;
    for (long r = first; r <= r_now; r++)
        out[r - first] = CMPLXF(1.0f, 1.0f);
    for (uint64_t h = keep_from(l, f); h < l->half; h++) {
        long r;
        if (!sq_v34_push_kept(l, &eq, h, &spoilt_until, &r))
            continue;
        if (r < first)
            continue;
        if (r > r_now)
            break;
        float complex dec = sq_v34_decide(sq_v34_eq_output(&eq), 4);
        out[r - first] = dec;
        if (h >= spoilt_until)
            sq_v34_eq_adapt(&eq, dec, MU_TRACK);
    }
    return out;
}

/* A V.90 analogue modem's phase 4 with no SCR (UNKNOWN_TRAIN_FROM_R), or a V.34 modem's
 * reply to a cleardown (V.34 11.7.2.1: S, S-bar, then MP at once): 1 when the equaliser
 * learns S and S-bar and then its decisions hold; the lane then names S and S-bar and reads
 * CPt or MP from the present on. */
static int choose_unknown_after(sq_decoder *d)
{
    sq_v34_lane *l = &d->v34;
    sq_v34_ref f = { 0 };
    sq_v34_eq eq;
    sq_v34_eq_init(&eq, l->gain);
    /* a reply to cleardown: phase 4's equaliser (below) knows the band, and the plain start,
     * taught by S alone, is not tried (on the 3Com call: 7.2 dB against 30.0) */
    double best = l->renegotiating && l->have_eq_phase3 ? -1e9 : train_unknown(l, &f, &eq, UNKNOWN_PASSES);
    if (l->have_eq_phase3) {
        /* what S alone teaches, from the plain start */
        float complex taught[3];
        sq_v34_ref fs;
        sq_v34_eq es;
        sq_v34_eq_init(&es, l->gain);
        train_unknown_to(l, &fs, &es, UNKNOWN_PASSES, 0);
        three_lines(&es, taught);
        double shift = 0.0, least = 2.0;
        for (double s = -UNKNOWN_SHIFT_ALIKE / 2; s < UNKNOWN_SHIFT_ALIKE / 2; s += UNKNOWN_SHIFT_STEP) {
            sq_v34_eq e2;
            sq_v34_shifted_taps(&l->eq_phase3, s, l->gain, &e2);
            double m = misfit(&e2, taught);
            if (m < least) {
                least = m;
                shift = s;
            }
        }
        for (int a = -1; a <= 1; a++) {
            sq_v34_ref f2;
            sq_v34_eq e2;
            sq_v34_shifted_taps(&l->eq_phase3, shift + a * UNKNOWN_SHIFT_ALIKE, l->gain, &e2);
            double score = train_unknown(l, &f2, &e2, UNKNOWN_PASSES);
            if (score > best) {
                best = score;
                f = f2;
                eq = e2;
            }
        }
    }
    if (best < UNKNOWN_MIN_SNR_DB)
        return 0;
    l->ref = f;
    l->eq = eq;
    l->r = (long)(l->half / 2) - 1 - SQ_V34_EQ_DELAY - l->k_rev;
    l->poly_known = 1;
    sq_v34_follow_timing(l);
    sq_v34_emit_s(d);
    l->trn_start_r = SQ_V34_S_BAR_SYMBOLS;
    float complex *replay = replay_decisions(l, &f, &eq, l->r);
    if (replay)
        sq_v34_start_deciding_replayed(d, SQ_V34_S_BAR_SYMBOLS, l->r, replay);
    else
        sq_v34_start_deciding(d, l->r + 1, l->r);
    free(replay);
    return 1;
}

/* The reading that trains best, each training a fresh equaliser in one fast pass over the
 * kept samples (a wrong one stays near 0 dB): its SNR, and its known symbols and equaliser into
 * ref, eq. */
static double best_reading(sq_v34_lane *l, sq_v34_ref *ref, sq_v34_eq *eq)
{
    double best_snr = -1e9;
    int readings = l->v32 ? 2 : SQ_V34_HYPOTHESES;
    for (int i = 0; i < readings; i++) {
        if (!reading_may_be(l, i))
            continue;
        sq_v34_ref f;
        sq_v34_eq e;
        reading_init(l, &f, i);
        sq_v34_eq_init(&e, l->gain);
        double snr = train_pass(l, &f, &e, 1);
        if (snr > best_snr) {
            best_snr = snr;
            *ref = f;
            *eq = e;
        }
    }
    return best_snr;
}

/* Where a gap hid S-bar, or cut its reversal short: the readings at every REV_SEARCH_STEP-th
 * start in [rev_lo, rev_hi], then at the starts next to the best; the start whose reading
 * trains best is kept. The equaliser's span (20 symbols) can absorb a start up to ten symbols
 * off by moving its weight to one end, and then trains nearly as well, so each start is marked
 * down OFF_CENTRE_DB for every symbol its equaliser's weight sits off the middle tap. */
#define REV_SEARCH_STEP 2
#define OFF_CENTRE_DB 0.5

static double off_centre_symbols(const sq_v34_eq *e)
{
    double sum = 0.0, moment = 0.0;
    for (int i = 0; i < SQ_V34_EQ_TAPS; i++) {
        double p = (double)crealf(e->taps[i] * conjf(e->taps[i]));
        sum += p;
        moment += p * i;
    }
    return sum > 0.0 ? fabs(moment / sum - 2.0 * SQ_V34_EQ_DELAY) / 2.0 : 0.0;
}

static void search_reversal(sq_v34_lane *l)
{
    double best_score = -1e9;
    long best_k = l->rev_hi;
    for (int pass = 0; pass < 2; pass++) {
        long lo = pass ? best_k - REV_SEARCH_STEP + 1 : l->rev_lo, hi = pass ? best_k + REV_SEARCH_STEP - 1 : l->rev_hi;
        for (long k = lo; k <= hi; k += pass ? 1 : REV_SEARCH_STEP) {
            if (pass && k == best_k)
                continue;
            sq_v34_ref f;
            sq_v34_eq eq;
            l->k_rev = k;
            double score = best_reading(l, &f, &eq) - OFF_CENTRE_DB * off_centre_symbols(&eq);
            if (score > best_score) {
                best_score = score;
                best_k = k;
                l->ref = f;
                l->eq = eq;
            }
        }
    }
    l->k_rev = best_k;
}

/* The best reading (at the best start, where S-bar was not seen whole) gets another fast pass
 * and a slow one over the same symbols, whose errors are its score. */
void sq_v34_choose_reading(sq_decoder *d)
{
    sq_v34_lane *l = &d->v34;
    if (l->rev_lo < l->rev_hi)
        search_reversal(l);
    else
        (void)best_reading(l, &l->ref, &l->eq);
    (void)train_pass(l, &l->ref, &l->eq, 1);
    if (train_pass(l, &l->ref, &l->eq, 0) < MIN_SNR_DB) {   /* MD (10.1.3.5), say: another S follows */
        if (l->renegotiating && choose_unknown_after(d))
            return;
        if (l->v90_analogue && l->ja_seen && !l->v32) {
            if (choose_unknown_after(d))
                return;
            /* S until Jd' comes, then S-bar (V.90 9.3.2.7-8), then silence while DIL comes:
             * the three lines and their reversal were heard */
            sq_v34_emit_s(d);
        }
        sq_v34_look_again(l);
        return;
    }
    l->r = (long)(l->half / 2) - 1 - SQ_V34_EQ_DELAY - l->k_rev;
    l->misses = 0;
    l->trn_start_r = trn_start(&l->ref);
    /* both modems on the channel: whose start-up this is, the reading says by its scrambler
     * (V.34 7: the call modem's GPC, the answer modem's GPA), not the INFO1 last read (the
     * caller's S found after the answerer's J, say: J' and what follows are the caller's) */
    if (d->both_sides && !l->v32)
        l->channel = l->ref.answer_poly ? 2 : 1;
    l->trn_err = l->trn_err_snap = l->trn_err_old = 0.1;
    l->poly_known = 1;   /* the readings scored TRN's start too: whose scrambler is known */
    sq_v34_follow_timing(l);
    if (l->without_info1) {
        sq_wideband_lane_phase3_found(d, (double)l->s_start / SQ_PROCESSING_RATE_HZ, l->channel,
                                      sq_power_to_dbm0(l->level));
        l->without_info1 = 0;
    }
    if (!l->v32)   /* V.32's S and S-bar are named by the wideband lane from their lines */
        sq_v34_emit_s(d);
    if (l->ref.phase3)   /* the reading, chosen in TRN, has it from S-bar to TRN */
        sq_v34_emit(d, SQ_EVENT_V34_PP, sq_v34_time_of_r(l, SQ_V34_S_BAR_SYMBOLS), sq_v34_time_of_r(l, trn_start(&l->ref)), 0);
    l->state = V34_TRAIN;
}
