/* A V.32bis rate renegotiation out of data (V.32bis 8), read by the V.34 / V.32 lane
 * (src/decode/v34_lane.h).
 *
 * Either modem may ask for another rate in the middle of its data: the caller sends AA for
 * 56 T and CC for 8 T, the answerer AC and CA, then the rate signal, R4 from the one that
 * asks (its wanted rate and those under it) and R5 from the other once it has heard R4, then E
 * naming the highest rate both allow, B1 and the data at that rate. R4 or R5 with no rate (B4-B6,
 * B9, B10 and B12 all 0) asks for a cleardown: E then names none, repeats for 64 T at least, and
 * the modems hang up.
 *
 * v34_lane.c's watch found the preamble in the data, and its reversal as it finds S-bar's.
 * What is left is an equaliser for R, with no TRN to learn one on: but the line is the one the
 * data crossed, and the data's equaliser (eq_phase3, as the watch fired) knows its band. Only
 * the front end has started again: on the far clock, but at another phase of its symbols, and
 * at another turn of its carrier. So the data's taps are moved by each eighth of a symbol
 * (then each thirty-second near the best), turned and scaled onto the preamble's first known
 * symbols, and trained over the preamble and R's first symbols (4 points, steered by their own
 * decisions), for each reversal within REV_SEARCH symbols of the one found; the one whose
 * decisions on R hold best is trained further and reads R and E from the reversal on, if they
 * hold by MIN_SNR_DB (a symbol error in about a thousand).
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "src/decode/v34_lane.h"
#include "src/proto/v32_train.h"
#include "squeal/level.h"

#define FROM_R (-52)      /* AA or AC (the 56 T before the reversal) is trained on from here */
#define ALIGN_SYMBOLS 16  /* the turn and scale fitted on these first */
#define SCORE_FROM_R 16   /* R's decisions scored from here to SQ_V32_RENEGOTIATION_DECIDE_R */
#define REV_SEARCH 2
#define SHIFTS 8          /* a symbol's timings tried (then four times finer near the best) */
#define PASSES 4
#define MU_PASS 0.1f
#define MU_SCORE 0.01f
#define MIN_SNR_DB 9.0
_Static_assert(2 * (SQ_V32_RENEGOTIATION_DECIDE_R + REV_SEARCH + SQ_V34_EQ_DELAY - FROM_R + REV_SEARCH +
                    SQ_V34_EQ_TAPS) < SQ_V34_KEEP,
               "every reversal tried has its samples kept");

/* What symbol r is known or decided to be: the preamble's, then R's 4-point decisions. */
static float complex target(const sq_v34_lane *l, long r, float complex z)
{
    if (r < SQ_V32_PREAMBLE_REVERSED_SYMBOLS)
        return sq_v32_preamble_symbol(l->v32_reneg_answerer, r);
    return sq_v34_decide(z, 4);
}

/* eq over the kept symbols from FROM_R to before to_r, the reversal at l->k_rev, steered at mu
 * (0: not at all); from out_from on each target goes into out[r - out_from] (when out is
 * given). With fit given (and mu 0), the first ALIGN_SYMBOLS outputs are fitted onto the known
 * symbols by a complex gain, put in *fit and applied to the outputs after. Returns the SNR of
 * the decisions from SCORE_FROM_R on, dB. */
static double run(const sq_v34_lane *l, sq_v34_eq *eq, long to_r, float mu, float complex *out, long out_from,
                  float complex *fit)
{
    memset(eq->line, 0, sizeof eq->line);
    eq->rotation = 1.0f;   /* the carrier loop from the first symbol's turn again, each pass */
    uint64_t spoilt_until = 0;
    long first = l->k_rev + FROM_R - SQ_V34_EQ_TAPS;
    double err = 0.0, power = 0.0, zz = 0.0;
    double complex cross = 0.0;
    float complex gain = 1.0f;
    for (uint64_t h = first > 0 ? 2 * (uint64_t)first : 0; h < l->half; h++) {
        long r;
        if (!sq_v34_push_kept(l, eq, h, &spoilt_until, &r) || r < FROM_R)
            continue;
        if (r >= to_r)
            break;
        if (fit && r == FROM_R + ALIGN_SYMBOLS)
            *fit = gain = zz > 0.0 ? (float complex)(cross / zz) : 0.0f;
        float complex z = gain * sq_v34_eq_output(eq), t = target(l, r, z);
        if (out && r >= out_from)
            out[r - out_from] = t;
        if (h < spoilt_until)
            continue;   /* a lost packet's: teaches nothing */
        if (fit && r < FROM_R + ALIGN_SYMBOLS) {
            cross += t * conjf(z);
            zz += crealf(z * conjf(z));
        }
        if (mu > 0.0f)
            sq_v34_eq_adapt(eq, t, mu);
        if (r >= SCORE_FROM_R) {
            float complex e = z - t;
            err += crealf(e * conjf(e));
            power += 2.0;
        }
    }
    return power > 0.0 ? 10.0 * log10(power / (err + 1e-30)) : -1e9;
}

/* e: the taps of from moved `shift` half-symbols later, band-limited (a Hann-windowed sinc
 * over SINC_HALF taps each side: the taps, at two a symbol, hold the band up to 0.3 of their
 * rate, where a straight line between neighbours loses 4 dB at half a tap). */
#define SINC_HALF 6
static void sinc_shifted_taps(const sq_v34_eq *from, double shift, float gain, sq_v34_eq *e)
{
    sq_v34_eq_init(e, gain);
    int whole = (int)floor(shift);
    double frac = shift - whole;
    float kernel[2 * SINC_HALF + 2];   /* for tap i, from tap i - whole + SINC_HALF - m */
    for (int m = 0; m < 2 * SINC_HALF + 2; m++) {
        double x = (double)(m - SINC_HALF) - frac;   /* how far tap i lies from where j's value goes */
        double w = fabs(x) < SINC_HALF + 1 ? 0.5 + 0.5 * cos(M_PI * x / (SINC_HALF + 1)) : 0.0;
        kernel[m] = (float)(w * (fabs(x) < 1e-9 ? 1.0 : sin(M_PI * x) / (M_PI * x)));
    }
    for (int i = 0; i < SQ_V34_EQ_TAPS; i++) {
        float complex sum = 0.0f;
        for (int m = 0; m < 2 * SINC_HALF + 2; m++) {
            int j = i - whole + SINC_HALF - m;
            if (j >= 0 && j < SQ_V34_EQ_TAPS)
                sum += from->taps[j] * kernel[m];
        }
        e->taps[i] = sum;
    }
}

/* The data's taps moved by `shift` half-symbols, turned and scaled onto the preamble's first
 * symbols, then trained in one pass: its SNR. */
static double try_start(const sq_v34_lane *l, double shift, sq_v34_eq *eq)
{
    sinc_shifted_taps(&l->eq_phase3, shift, l->gain, eq);
    eq->freq = l->eq_phase3.freq;   /* the far carrier's offset, as the data had it */
    float complex fit = 0.0f;
    (void)run(l, eq, FROM_R + ALIGN_SYMBOLS + 1, 0.0f, NULL, 0, &fit);
    for (int i = 0; i < SQ_V34_EQ_TAPS; i++)
        eq->taps[i] *= fit;
    return run(l, eq, SQ_V32_RENEGOTIATION_DECIDE_R, MU_PASS, NULL, 0, NULL);
}

/* ... and the one chosen trained on, in passes at shrinking steps: the SNR of one more. */
static double train_more(const sq_v34_lane *l, sq_v34_eq *eq)
{
    for (int p = 1; p < PASSES; p++)
        (void)run(l, eq, SQ_V32_RENEGOTIATION_DECIDE_R, MU_PASS / (float)(1 << p), NULL, 0, NULL);
    return run(l, eq, SQ_V32_RENEGOTIATION_DECIDE_R, MU_SCORE, NULL, 0, NULL);
}

void sq_v32_read_renegotiation(sq_decoder *d)
{
    sq_v34_lane *l = &d->v34;
    long found = l->k_rev, best_k = found;
    double best = -1e9, best_shift = 0.0;
    sq_v34_eq best_eq;
    sq_v34_eq_init(&best_eq, l->gain);
    /* every reversal near the one found at eighths of a symbol, then the best one and those
     * next to it at thirty-seconds around the best shift (the eighths leave up to a
     * sixteenth of a symbol, and R then holds at 21-30 dB on a line of 40), each scored by
     * its first pass; the best is trained on further */
    for (int fine = 0; fine < 2; fine++) {
        long k_lo = (fine ? best_k - 1 : found - REV_SEARCH), k_hi = (fine ? best_k + 1 : found + REV_SEARCH);
        double centre = best_shift;
        for (long k = k_lo; k <= k_hi; k++) {
            l->k_rev = k;
            for (int s = 0; s < SHIFTS; s++) {
                double shift = fine ? centre + 2.0 * (s - SHIFTS / 2) / (4 * SHIFTS) : -1.0 + 2.0 * s / SHIFTS;
                sq_v34_eq eq;
                double snr = try_start(l, shift, &eq);
                if (snr > best) {
                    best = snr;
                    best_k = k;
                    best_shift = shift;
                    best_eq = eq;
                }
            }
        }
    }
    l->k_rev = best_k;
    best = train_more(l, &best_eq);
    if (best < MIN_SNR_DB) {   /* not a preamble the data's line carried: the data goes on */
        sq_v34_look_again(l);
        return;
    }
    memset(&l->ref, 0, sizeof l->ref);
    l->ref.v32 = 1;
    l->ref.points = 4;
    l->ref.unknown_after = 1;   /* no TRN: R is read by the decisions that steer */
    l->ref.answer_poly = l->v32_reneg_answerer;
    l->poly_known = 1;
    l->r = (long)(l->half / 2) - 1 - SQ_V34_EQ_DELAY - l->k_rev;
    l->trn_start_r = SQ_V32_PREAMBLE_REVERSED_SYMBOLS;
    /* the decisions from the preamble's last symbol (which starts the differential decoder)
     * to the present, the chosen equaliser tracking as it goes: its line is then the lane's */
    long out_from = SQ_V32_PREAMBLE_REVERSED_SYMBOLS - 1;
    float complex *replay = l->r >= out_from ? malloc((size_t)(l->r - out_from + 1) * sizeof *replay) : NULL;
    sq_v34_eq eq = best_eq;
    (void)run(l, &eq, LONG_MAX, MU_SCORE, replay, out_from, NULL);
    l->eq = eq;
    sq_v34_follow_timing(l);
    if (replay)
        sq_v34_start_deciding_replayed(d, SQ_V32_PREAMBLE_REVERSED_SYMBOLS, l->r, replay);
    else
        sq_v34_start_deciding(d, l->r + 1, l->r);
    free(replay);
}

void sq_v32_name_preamble(sq_decoder *d)
{
    sq_v34_lane *l = &d->v34;
    if (l->v32_reneg_named)
        return;
    l->v32_reneg_named = 1;
    sq_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = l->v32_reneg_answerer ? SQ_EVENT_V32_AC : SQ_EVENT_V32_AA;
    /* the watch started the front end up to a block before the preamble */
    ev.start_s = fmax((double)l->s_start / SQ_PROCESSING_RATE_HZ, sq_v34_time_of_r(l, -SQ_V32_PREAMBLE_TONE_SYMBOLS));
    ev.end_s = sq_v34_time_of_r(l, SQ_V32_PREAMBLE_REVERSED_SYMBOLS);
    ev.fsk_channel = l->v32_reneg_answerer ? 2 : 1;
    ev.level_dbm0 = sq_power_to_dbm0(l->level);
    ev.freq_hz = l->v32_reneg_answerer ? SQ_V32_CARRIER_HZ - SQ_V32_SYMBOL_RATE / 2.0 : SQ_V32_CARRIER_HZ;
    ev.freq2_hz = l->v32_reneg_answerer ? SQ_V32_CARRIER_HZ + SQ_V32_SYMBOL_RATE / 2.0 : 0.0;
    ev.n_reversals = 1;
    ev.reversals_s[0] = sq_v34_time_of_r(l, 0);
    ev.renegotiation = 1;
    l->renegotiation_s = ev.start_s;
    sq_event_pool_queue(&d->pool, &ev, -1);
}
