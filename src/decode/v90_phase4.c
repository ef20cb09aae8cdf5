/* A V.90 digital modem's phase 4 read from its PCM codes (src/decode/v90_phase4.h).
 *
 * After R-bar i the digital modem sends TRN2d (V.90 8.6.5): scrambled 1s through its encoder
 * (5.4) in the constellations the analogue modem's CPt named, then MP, MP' and Ed (8.6.2-3)
 * in the same, then B1d and data in CP's. A data frame is six codes carrying K + S bits: the
 * K in their magnitudes (a mixed-radix number, a digit a code), the S in their signs
 * (src/proto/v90_pcm.h). TRN2d's magnitudes are known from its first frame (the scrambler
 * starts at zero, its input all 1s); its signs are not (the spectral shaper chooses them). So:
 *   - where TRN2d starts: the equaliser fitted to TRN1d's signs (v90_jd.c) gives the line's
 *     codes up to a scale, and the start is where their magnitudes correlate best with the
 *     known ones, over ALIGN_SYMBOLS from TRN2d's 40th ms (its first ones may be in a lost
 *     packet, as R i's reversal itself), near R i's reversal or, lost, its end;
 *   - an equaliser of TAPS taps is fitted by least squares to FIT_SYMBOLS of TRN2d's codes
 *     from there, their magnitudes known and their signs as the last equaliser decided them, twice
 *     (TRN1d's taps read the Conexant call's TRN2d at 34 dB and the USR calls' at 26: too
 *     little for nine levels a sign; these read 59 and 45, where 39 taps read 33 and 23: the
 *     codec's filters ring for tens of samples);
 *   - every frame after is read (each code's nearest level in its interval, its sign),
 *     unmapped to its bits, descrambled (GPC, 5.3), and searched for MP's frame sync: an MP
 *     whose start bits and CRC check (V.34 10.1.2.3.2) starts on a frame, and its fill takes
 *     it to a whole frame; MPs alike in a row are one run. Ed (two frames of 0s) may follow
 *     the last. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "dsp/ls_fit.h"
#include "src/decode/v90_jd.h"
#include "src/decode/v90_phase4.h"
#include "src/proto/v34_train.h"

#define SKIP_SYMBOLS 320         /* TRN2d's first 40 ms are not used: a lost packet may hold them */
#define ALIGN_SYMBOLS 600
#define MIN_ALIGN_R 0.9          /* the magnitudes' correlation (0.99 on the real calls) */
#define BEFORE_GUESS 200         /* a reversal lost in a gap is placed where the line is heard again */
#define FIT_SYMBOLS 1600         /* 0.2 s: TRN2d lasts 1.3 to 1.8 s on the real calls; 2400 read them alike */
#define TAPS SQ_V90_PHASE4_TAPS
#define CENTRE (TAPS / 2)
#define FIT_PASSES 2
#define MAX_DELAY 32             /* samples: the long equaliser's centre tried about the short one's */
#define DELAY_STEP 8
#define DELAY_ROWS 300
#define MIN_FIT_SNR_DB 20.0      /* nine levels a sign want some 25 dB; every MP is CRC checked */
#define ED_FRAMES 2
#define READ_BLOCK_FRAMES 600    /* 450 ms */
#define READ_PAST_FRAMES 400     /* 300 ms */
#define ED_MIN_ZEROS 0.9

_Static_assert(TAPS <= SQ_LS_FIT_REAL_MAX_TAPS, "the fit's room");

/* An equaliser's output for the code at x[at] (n_taps taps about it, the newest first). */
static double equalise(const float *taps, int n_taps, const float *x, size_t at)
{
    return sq_ls_equalise_real(taps, n_taps, x, at);
}

/* TRN2d's first `symbols` magnitudes. */
static void trn2d_magnitudes(const sq_v90_mapping *m, size_t symbols, double *mag)
{
    sq_v34_scrambler scr;
    sq_v34_scrambler_init(&scr, 0);
    const int d = m->k_bits + m->s_bits;
    for (size_t at = 0; at < symbols; at += SQ_V90_INTERVALS) {
        uint8_t bits[SQ_V90_MAX_FRAME_BITS];
        int frame[SQ_V90_INTERVALS];
        for (int i = 0; i < d; i++)
            bits[i] = (uint8_t)sq_v34_scramble(&scr, 1);
        sq_v90_magnitudes(m, bits + m->s_bits, frame);
        for (size_t i = 0; i < SQ_V90_INTERVALS && at + i < symbols; i++)
            mag[at + i] = frame[i];
    }
}

/* Where TRN2d starts, from `lo` to `hi`: the best correlation of the heard magnitudes with
 * the known ones (*r). */
static size_t align(const float *x, size_t lo, size_t hi, const float *taps, const double *mag, double *r)
{
    size_t n = hi - lo + SKIP_SYMBOLS + ALIGN_SYMBOLS, best_at = lo;
    double *heard = malloc(n * sizeof *heard), mm = 0.0;
    *r = 0.0;
    if (!heard)
        return lo;
    for (size_t k = 0; k < n; k++)
        heard[k] = fabs(equalise(taps, SQ_V90_JD_TAPS, x, lo + k));
    for (size_t k = SKIP_SYMBOLS; k < SKIP_SYMBOLS + ALIGN_SYMBOLS; k++)
        mm += mag[k] * mag[k];
    for (size_t at = lo; at <= hi; at++) {
        double hm = 0.0, hh = 0.0;
        for (size_t k = SKIP_SYMBOLS; k < SKIP_SYMBOLS + ALIGN_SYMBOLS; k++) {
            hm += heard[at - lo + k] * mag[k];
            hh += heard[at - lo + k] * heard[at - lo + k];
        }
        double c = hh > 0.0 ? hm / sqrt(hh * mm) : 0.0;
        if (c > *r) {
            *r = c;
            best_at = at;
        }
    }
    free(heard);
    return best_at;
}

/* Fits taps (TAPS) and a constant added to their output (*bias: x is off zero by the offset
 * the decoder's DC blocker held where it starts, sq_dc_block_undo) to TRN2d's first
 * FIT_SYMBOLS codes from x[start]: their known magnitudes, the signs `signs_from` (n_from
 * taps) gives them. Returns the fit's SNR. */
static double fit(const float *x, size_t start, size_t rows, const double *mag, const float *signs_from, int n_from,
                  long signs_delay, long delay, float *taps, double *want, float *bias)
{
    double power = 0.0;
    for (size_t k = 0; k < rows; k++) {
        want[k] = equalise(signs_from, n_from, x, (size_t)((long)(start + k) + signs_delay)) > 0.0 ? mag[k] : -mag[k];
        power += mag[k] * mag[k];
    }
    double err = sq_ls_fit_real(x, (size_t)((long)start + delay), rows, TAPS, want, taps, bias);
    return err < 0.0 ? -INFINITY : 10.0 * log10(power / (err + 1e-30));
}

/* Where the long equaliser's centre sits against the code it reads: the TRN1d equaliser's is
 * where 39 taps fit best, and a line whose response reaches further one way wants more of the
 * 99 on that side (the Sportster call's TRN1d, fitted with 99 taps, 48 dB, centres 21 samples
 * later than with 39). Fits over DELAY_ROWS, every DELAY_STEP in +-MAX_DELAY, then each
 * sample about the best. */
static long best_delay(const float *x, size_t start, const double *mag, const float *trn1d_taps, float *taps,
                       double *want)
{
    float bias = 0.0f;
    long best = 0;
    double best_snr = -INFINITY;
    for (long delay = -MAX_DELAY; delay <= MAX_DELAY; delay += DELAY_STEP) {
        double snr = fit(x, start, DELAY_ROWS, mag, trn1d_taps, SQ_V90_JD_TAPS, 0, delay, taps, want, &bias);
        if (snr > best_snr) {
            best_snr = snr;
            best = delay;
        }
    }
    long coarse = best;
    for (long delay = coarse - DELAY_STEP / 2; delay <= coarse + DELAY_STEP / 2; delay += 2) {
        if (delay == coarse || delay < -MAX_DELAY || delay > MAX_DELAY)
            continue;
        double snr = fit(x, start, DELAY_ROWS, mag, trn1d_taps, SQ_V90_JD_TAPS, 0, delay, taps, want, &bias);
        if (snr > best_snr) {
            best_snr = snr;
            best = delay;
        }
    }
    return best;
}

/* The nearest level of an interval's constellation to |y| (levels largest first). */
static int nearest_label(const sq_v90_mapping *m, int interval, double y)
{
    double a = fabs(y), best = INFINITY;
    int label = 0;
    for (int l = 0; l < m->size[interval]; l++) {
        double e = fabs(a - m->level[interval][l]);
        if (e < best) {
            best = e;
            label = l;
        }
    }
    return label;
}

/* The frame reader: the unmapper and descrambler as the frames so far left them. */
typedef struct frame_reader {
    sq_v90_unmapper u;
    sq_v34_scrambler scr;
    size_t at, got;           /* the next frame's first code in x; bits so far */
    long delay;               /* the equaliser's centre against the code it reads */
} frame_reader;

/* Up to `frames` more whole frames of x, read, unmapped and descrambled onto bits; returns how
 * many were read. */
static size_t read_frames(frame_reader *r, const float *x, size_t n, size_t frames, const float *taps, float bias,
                          const sq_v90_mapping *m, uint8_t *bits)
{
    const size_t d = (size_t)(m->k_bits + m->s_bits);
    size_t k = 0;
    for (; k < frames && (long)(r->at + SQ_V90_INTERVALS + CENTRE) + r->delay <= (long)n;
         k++, r->at += SQ_V90_INTERVALS) {
        int label[SQ_V90_INTERVALS], positive[SQ_V90_INTERVALS];
        for (int i = 0; i < SQ_V90_INTERVALS; i++) {
            double y = equalise(taps, TAPS, x, (size_t)((long)(r->at + (size_t)i) + r->delay)) + bias;
            label[i] = nearest_label(m, i, y);
            positive[i] = y > 0.0;
        }
        sq_v90_unmap(&r->u, label, positive, bits + r->got);
        for (size_t i = 0; i < d; i++)
            bits[r->got + i] = (uint8_t)sq_v34_descramble(&r->scr, bits[r->got + i]);
        r->got += d;
    }
    return k;
}

/* The MPs in bits[0 .. n): each one's frame sync on a frame's first bit, its start bits and
 * CRC good; runs of like ones in a row. Returns the bit after the last one (0: none). */
static size_t find_mps(const uint8_t *bits, size_t n, size_t d, size_t start, sq_v90_phase4_read *out)
{
    size_t ones = 0, last_end = 0;   /* bits */
    out->n_runs = 0;
    out->ed_end = 0;
    for (size_t p = 0; p < n; p++) {
        if (bits[p]) {
            ones++;
            continue;
        }
        size_t at = p - (ones < SQ_V34_MP_SYNC_BITS ? 0 : SQ_V34_MP_SYNC_BITS);
        ones = 0;
        sq_v34_mp mp;
        int len;
        if (p - at != SQ_V34_MP_SYNC_BITS || at % d || (len = sq_v34_mp_from_bits(bits + at, n - at, &mp)) <= 0)
            continue;
        size_t end = at + ((size_t)len + d - 1) / d * d;   /* its fill to a whole frame */
        /* one alike, after the last or after a lost one or two, is more of the same run */
        sq_v90_mp_run *run = out->n_runs ? &out->runs[out->n_runs - 1] : NULL;
        if (run && memcmp(&run->mp, &mp, sizeof mp) == 0) {
            run->repeats++;
            run->end = start + end / d * SQ_V90_INTERVALS;
        } else if (out->n_runs < SQ_V90_MP_RUNS) {
            out->runs[out->n_runs++] = (sq_v90_mp_run){ .start = start + at / d * SQ_V90_INTERVALS,
                                                        .end = start + end / d * SQ_V90_INTERVALS,
                                                        .repeats = 1, .mp = mp };
        } else {
            break;
        }
        last_end = end;
        p = end - 1;
    }
    if (out->n_runs && last_end + ED_FRAMES * d <= n) {
        size_t zeros = 0;
        for (size_t i = 0; i < ED_FRAMES * d; i++)
            zeros += !bits[last_end + i];
        if ((double)zeros >= ED_MIN_ZEROS * (double)(ED_FRAMES * d))
            out->ed_end = start + (last_end / d + ED_FRAMES) * SQ_V90_INTERVALS;
    }
    return last_end;
}

/* Every frame from x[start] read through p's equaliser (taps, delay, bias), unmapped and
 * descrambled, a block at a time, until MP' has been followed by READ_PAST_FRAMES without one
 * (Ed, B1d, data): not the rest of the seconds kept. The MPs into p; 1 when there is one. */
static int read_mps(const float *x, size_t n, size_t start, sq_v90_phase4_read *p, const sq_v90_mapping *m,
                    uint8_t *bits)
{
    const size_t d = (size_t)(m->k_bits + m->s_bits);
    frame_reader reader = { .at = start, .delay = p->delay };
    sq_v90_unmapper_init(&reader.u, m);
    sq_v34_scrambler_init(&reader.scr, 0);
    while (read_frames(&reader, x, n, READ_BLOCK_FRAMES, p->taps, p->bias, m, bits) > 0) {
        size_t last = find_mps(bits, reader.got, d, start, p);
        if (p->n_runs && p->runs[p->n_runs - 1].mp.acknowledge && reader.got - last >= READ_PAST_FRAMES * d)
            break;
    }
    return p->n_runs > 0;
}

int sq_v90_read_phase4(const float *x, size_t n, size_t guess, size_t search, const float *trn1d_taps,
                       const sq_v90_mapping *m, sq_v90_phase4_read *out)
{
    memset(out, 0, sizeof *out);
    size_t lo = guess > BEFORE_GUESS + CENTRE + MAX_DELAY ? guess - BEFORE_GUESS : CENTRE + MAX_DELAY;
    size_t hi = guess + search;
    if (n < hi + SKIP_SYMBOLS + FIT_SYMBOLS + ALIGN_SYMBOLS + TAPS + MAX_DELAY)
        return 0;
    double *mag = malloc((SKIP_SYMBOLS + FIT_SYMBOLS) * sizeof *mag);
    double *want = malloc(FIT_SYMBOLS * sizeof *want);
    const size_t d = (size_t)(m->k_bits + m->s_bits);
    uint8_t *bits = malloc(n / SQ_V90_INTERVALS * d + 1);
    int ok = 0;
    if (!mag || !want || !bits)
        goto done;
    trn2d_magnitudes(m, SKIP_SYMBOLS + FIT_SYMBOLS, mag);
    double r;
    size_t start = align(x, lo, hi, trn1d_taps, mag, &r);
    if (!(r >= MIN_ALIGN_R))
        goto done;
    float taps[TAPS];
    const size_t from = start + SKIP_SYMBOLS;
    long delay = best_delay(x, from, mag + SKIP_SYMBOLS, trn1d_taps, taps, want);
    float bias = 0.0f;
    double snr_db = fit(x, from, FIT_SYMBOLS, mag + SKIP_SYMBOLS, trn1d_taps, SQ_V90_JD_TAPS, 0, delay, taps, want, &bias);
    for (int pass = 1; pass < FIT_PASSES; pass++) {
        float before[TAPS];
        memcpy(before, taps, sizeof before);
        snr_db = fit(x, from, FIT_SYMBOLS, mag + SKIP_SYMBOLS, before, TAPS, delay, delay, taps, want, &bias);
    }
    if (!(snr_db >= MIN_FIT_SNR_DB))
        goto done;
    out->trn2d_start = start;
    out->snr_db = snr_db;
    memcpy(out->taps, taps, sizeof out->taps);
    out->delay = delay;
    out->bias = bias;
    ok = read_mps(x, n, start, out, m, bits);
done:
    free(mag);
    free(want);
    free(bits);
    return ok;
}

int sq_v90_read_mps_through(const float *x, size_t n, size_t first, const sq_v90_mapping *m, sq_v90_phase4_read *out)
{
    out->n_runs = 0;
    out->ed_end = 0;
    out->trn2d_start = first;
    uint8_t *bits = malloc(n / SQ_V90_INTERVALS * (size_t)(m->k_bits + m->s_bits) + 1);
    int ok = bits && (long)first + out->delay >= CENTRE && read_mps(x, n, first, out, m, bits);
    free(bits);
    return ok;
}

#define DATA_TAIL 800         /* 100 ms */
#define FAR_OFF 0.25          /* of the way to the next level: an error past it ... */
#define MAX_FAR_SHARE 0.1     /* ... in more than this share of the codes, and the decisions
                                 are not to be trusted (a Gaussian error is past a quarter of
                                 the way 3 % of the time when 1 in 10^5 codes is decided
                                 wrong, 20 % when 1 in 100 is) */

/* The slicer over `count` codes from x[start] (interval 0 first) through taps: its signal and
 * error powers, and how many codes lie far off their level. Returns how many codes there were. */
static size_t slice(const float *x, size_t n, size_t start, size_t count, const float *taps, long delay, float bias,
                    const sq_v90_mapping *m, double *signal, double *noise, size_t *far)
{
    size_t k = 0;
    *signal = *noise = 0.0;
    *far = 0;
    for (; k < count && (long)(start + k + CENTRE) + delay < (long)n; k++) {
        int interval = (int)(k % SQ_V90_INTERVALS);
        double y = equalise(taps, TAPS, x, (size_t)((long)(start + k) + delay)) + bias;
        int label = nearest_label(m, interval, y);
        double level = m->level[interval][label], e = fabs(y) - level;
        /* the way to the next level on the side the error lies (the levels run largest first) */
        int next = e > 0.0 ? label - 1 : label + 1;
        double gap = next >= 0 && next < m->size[interval] ? fabs(m->level[interval][next] - level) : 2.0 * level;
        *far += fabs(e) > FAR_OFF * gap;
        *signal += level * level;
        *noise += e * e;
    }
    return k;
}

int sq_v90_data_snr(const float *x, size_t n, size_t start, const sq_v90_phase4_read *p4, const sq_v90_mapping *m,
                    double *snr_db)
{
    double signal, noise;
    size_t far;
    /* x's last DATA_TAIL may be the quiet after the transmission, whose codes are no level */
    size_t room = n > start + DATA_TAIL ? n - start - DATA_TAIL : 0;
    size_t count = slice(x, n, start, room < SQ_V90_DATA_SYMBOLS ? room : SQ_V90_DATA_SYMBOLS, p4->taps, p4->delay, p4->bias, m,
                         &signal, &noise, &far);
    if (count < SQ_V90_DATA_MIN_SYMBOLS || !(noise > 0.0) || (double)far > MAX_FAR_SHARE * (double)count)
        return 0;
    *snr_db = 10.0 * log10(signal / noise);
    return 1;
}
