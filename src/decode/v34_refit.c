/* TRN's equaliser refitted at its end (src/decode/v34_lane.h): the last of TRN's known
 * symbols, up to REFIT_SYMBOLS, with the samples kept through TRN (v34_lane.c) and the known
 * symbol and carrier loop's turn at each (v34_training.c). Taps fitted to them by least
 * squares (dsp/ls_fit.h) on the first two thirds, each symbol turned by the loop's turn, are
 * scored against the taps NLMS reached on the last third, and the better go on. On the real
 * calls at 3429 symbols/s (rh56 and Banksia's, twice), the phase 3 TRNs read 33.5-35.3 dB where
 * NLMS's taps read 18.6-26.0 (line probing measured 38-41), the 16-point phase 4 TRNs
 * 25.9-31.4 where 19.7-26.1; with the turn held at its last value instead, the phase 3 fit read
 * 25-33: the carrier's phase wanders over TRN and the loop follows it.
 * The loop's turn is not the carrier's phase alone, though: it also follows the NLMS taps
 * while they still move, and where TRN starts afresh (an answer modem's phase 4: S, S-bar,
 * then TRN, with no PP before it) they move all through TRN. So the taps are fitted twice:
 * the first fit's output against each known symbol, summed over the PHASE_HALF symbols
 * each side (not the symbol itself), gives each symbol's phase as those taps see it, and
 * the second fit and its score take that phase in place of the loop's. gen's answer modem at
 * 3429 symbols/s through the real calls' band edges (sox lowpass 3300 lowpass 3300 highpass
 * 200, no noise): its phase 4 TRN read 28.0 dB with the loop's turn, 38.7 with the phase
 * re-estimated (phase 3: 40.1, 41.4); the real calls' TRNs 0.1-0.6 dB more. */
#include <string.h>
#include "dsp/cmplx.h"
#include "dsp/ls_fit.h"
#include "src/decode/v34_lane.h"

#define REFIT_SYMBOLS (3 * SQ_V34_REFIT_ROWS / 2)
#define REFIT_MIN_SYMBOLS 192
/* TRN's first symbols, where the reading was being settled: after J', the first 48 were only
 * tested (v34_training.c: counted from elsewhere and not trained on) */
#define REFIT_SKIP 48
#define REFIT_END_MARGIN 4    /* TRN's end is found to a symbol or two ... */
#define FOUND_WITHIN 32       /* ... and within 32 symbols of it (v34_training.c) */
#define PHASE_HALF 16         /* symbols each side whose outputs give a symbol's phase */
_Static_assert(REFIT_SYMBOLS + REFIT_END_MARGIN + FOUND_WITHIN < SQ_V34_TURNS, "the turns of the symbols refitted are held");
_Static_assert(2 * (REFIT_SYMBOLS + REFIT_END_MARGIN + FOUND_WITHIN) + SQ_V34_EQ_TAPS < SQ_V34_KEEP,
               "the samples of the symbols refitted are held");
_Static_assert(SQ_V34_EQ_TAPS <= SQ_LS_FIT_MAX_TAPS, "the fit has room for the taps");

/* The half-symbol sample symbol r was equalised with, the newest in the line */
static long newest_of(const sq_v34_lane *l, long r)
{
    return 2 * (r + SQ_V34_EQ_DELAY + l->k_rev) + 1;
}

/* Kept samples [from, to] still held and none spoilt by a gap */
static int kept_clean(const sq_v34_lane *l, long from, long to)
{
    if (from < 0 || (uint64_t)to >= l->half || l->half - (uint64_t)from > SQ_V34_KEEP)
        return 0;
    for (long h = from; h <= to; h++)
        if (l->keep_gap[(uint64_t)h % SQ_V34_KEEP])
            return 0;
    return 1;
}

/* The equaliser's line as it stood when symbol r was equalised (the newest first); 0 when it is
 * no longer held or a gap spoilt it. */
static int kept_line(const sq_v34_lane *l, long r, float complex line[SQ_V34_EQ_TAPS])
{
    long h = newest_of(l, r);
    if (!kept_clean(l, h - (SQ_V34_EQ_TAPS - 1), h))
        return 0;
    for (int i = 0; i < SQ_V34_EQ_TAPS; i++)
        line[i] = l->keep[(uint64_t)(h - i) % SQ_V34_KEEP];
    return 1;
}

static float complex turn_at(const sq_v34_lane *l, long r)
{
    return l->turn[r & (SQ_V34_TURNS - 1)];
}

static float complex known_at(const sq_v34_lane *l, long r)
{
    return l->known[r & (SQ_V34_TURNS - 1)];
}

/* The equaliser's output for line with taps, turned back by the loop's turn (in real
 * arithmetic: v34_rx.c says why) */
static float complex output_with(const float complex *taps, const float complex line[SQ_V34_EQ_TAPS], float complex turn)
{
    double re = 0.0, im = 0.0;
    for (int i = 0; i < SQ_V34_EQ_TAPS; i++) {
        double tr = crealf(taps[i]), ti = cimagf(taps[i]), lr = crealf(line[i]), li = cimagf(line[i]);
        re += tr * lr - ti * li;
        im += tr * li + ti * lr;
    }
    double ur = crealf(turn), ui = cimagf(turn);   /* times conj(turn) */
    return CMPLXF((float)(re * ur + im * ui), (float)(im * ur - re * ui));
}

/* The phase symbol r is fitted with: the loop's turn, or once the phases are re-estimated
 * (phased), the phase its neighbours gave it (fit_phase, from first). */
static float complex phase_at(const sq_v34_lane *l, long r, long first, int phased)
{
    return phased ? l->fit_phase[r - first] : turn_at(l, r);
}

/* Fits taps to symbols [first, split); 0 or -1. */
static int fit_taps(sq_v34_lane *l, long first, long split, int phased, float complex taps[SQ_V34_EQ_TAPS])
{
    long oldest = newest_of(l, first) - (SQ_V34_EQ_TAPS - 1), newest = newest_of(l, split - 1);
    size_t rows = (size_t)(split - first);
    if (kept_clean(l, oldest, newest)) {   /* all the rows: summed as one sliding line */
        for (long h = oldest; h <= newest; h++)
            l->fit_samples[h - oldest] = l->keep[(uint64_t)h % SQ_V34_KEEP];
        for (size_t m = 0; m < rows; m++)
            l->fit_want[m] = (double complex)known_at(l, first + (long)m) * phase_at(l, first + (long)m, first, phased);
        sq_ls_fit_sliding(&l->fit, SQ_V34_EQ_TAPS, l->fit_samples, rows, 2, l->fit_want);
    } else {   /* a gap among them: the rows it did not spoil, one by one */
        float complex line[SQ_V34_EQ_TAPS];
        sq_ls_fit_start(&l->fit, SQ_V34_EQ_TAPS);
        for (long r = first; r < split; r++)
            if (kept_line(l, r, line))
                sq_ls_fit_add(&l->fit, line, (double complex)known_at(l, r) * phase_at(l, r, first, phased));
    }
    return sq_ls_fit_solve(&l->fit, taps);
}

/* Each symbol of [first, last)'s phase as taps see it: their output against the known
 * symbol, summed over the PHASE_HALF symbols each side of it (not itself: its own noise is
 * not in its reference), as a unit phasor in fit_phase. */
static void reestimate_phases(sq_v34_lane *l, const float complex taps[SQ_V34_EQ_TAPS], long first, long last)
{
    float complex line[SQ_V34_EQ_TAPS];
    long n = last - first;
    for (long i = 0; i < n; i++)
        l->fit_against[i] = kept_line(l, first + i, line) ? output_with(taps, line, 1.0f) * conjf(known_at(l, first + i)) : 0.0f;
    double complex window = 0.0;   /* the sum over [i - PHASE_HALF, i + PHASE_HALF] */
    for (long i = 0; i < PHASE_HALF && i < n; i++)
        window += l->fit_against[i];
    for (long i = 0; i < n; i++) {
        if (i + PHASE_HALF < n)
            window += l->fit_against[i + PHASE_HALF];
        if (i - PHASE_HALF - 1 >= 0)
            window -= l->fit_against[i - PHASE_HALF - 1];
        double complex others = window - l->fit_against[i];
        double size = cabs(others);
        l->fit_phase[i] = size > 0.0 ? (float complex)(others / size) : 1.0f;
    }
}

void sq_v34_refit_trn(sq_v34_lane *l, long end_r)
{
    if (l->ref.unknown_after || l->v32)
        return;
    long t0 = l->trn_start_r, last = end_r - REFIT_END_MARGIN;
    long first = t0 + REFIT_SKIP > last - REFIT_SYMBOLS ? t0 + REFIT_SKIP : last - REFIT_SYMBOLS;
    if (last - first < REFIT_MIN_SYMBOLS || l->r - first >= SQ_V34_TURNS)
        return;
    long split = first + (last - first) * 2 / 3;
    float complex taps[SQ_V34_EQ_TAPS], line[SQ_V34_EQ_TAPS];
    if (fit_taps(l, first, split, 0, taps) != 0)
        return;
    reestimate_phases(l, taps, first, last);
    if (fit_taps(l, first, split, 1, taps) != 0)
        return;
    double err_nlms = 0.0, err_fit = 0.0, power = 0.0;
    long scored = 0;
    for (long r = split; r < last; r++) {
        float complex want = known_at(l, r);
        if (!kept_line(l, r, line))
            continue;
        float complex a = output_with(l->eq.taps, line, turn_at(l, r)) - want,
                      b = output_with(taps, line, phase_at(l, r, first, 1)) - want;
        err_nlms += crealf(a * conjf(a));
        err_fit += crealf(b * conjf(b));
        power += crealf(want * conjf(want));
        scored++;
    }
    if (scored < REFIT_MIN_SYMBOLS / 3 || !(err_fit < err_nlms) || !(power > 0.0))
        return;
    memcpy(l->eq.taps, taps, sizeof taps);
    /* the taps expect the re-estimated phase: the loop goes on from it, moved by where the
     * two stood apart at the last symbol fitted */
    float complex apart = phase_at(l, last - 1, first, 1) * conjf(turn_at(l, last - 1));
    l->eq.rotation *= apart / cabsf(apart);
    /* TRN's SNR, as the event gives it (v34_lane.c): against the points' mean power */
    l->trn_err_old = (l->ref.points == 16 ? 10.0 : 2.0) * err_fit / power;
}
