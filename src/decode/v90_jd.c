/* A V.90 digital modem's Jd read from the signs of its PCM symbols (src/decode/v90_jd.h).
 *
 * After Sd and S-bar d the digital modem sends TRN1d (V.90 8.4.5): one codeword (UINFO) per
 * 8 kHz sample, its signs the output of the GPC scrambler, zeroed, fed 1s; then Jd (8.4.2),
 * whose bits are scrambled, differentially coded (a 1 turns the sign) and sent as the same
 * codeword's signs, repeated until the analogue modem answers, then Jd' (12 0s). The line
 * (the codec's filters, the loop) spreads each sample over its neighbours, but TRN1d's signs
 * are known from its first symbol on, so an equaliser is fitted to them by least squares
 * (src/dsp/ls_fit.h) over FIT_SYMBOLS of it: the recorded samples in, the signs out, its
 * start tried every ALIGN_STEP samples about where Sd-bar ended (each by a fit over its first
 * ALIGN_SYMBOLS) and the best one fitted over FIT_SYMBOLS (the
 * strongest correlation with the signs alone had picked a start 50 samples early on the V.92
 * call, where the fit then read nothing). Its
 * outputs' signs then give TRN1d's scrambled 1s until Jd starts, where they stop descrambling
 * to 1s; from there each sign's change against the one before is a line bit, which the same
 * scrambler (going on from TRN1d) descrambles into Jd. A Jd is its frame sync (17 1s), a 0,
 * and 54 more bits whose start bits are 0 and whose CRC checks (V.34 10.1.2.3.2: over the
 * information bits, the start bits left out). The USR Sportster call: the fit reads 26 dB,
 * TRN1d descrambles to 1s for 4.1 s, then 30 Jd in a row alike, CRC good. */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "dsp/ls_fit.h"
#include "src/decode/v90_jd.h"
#include "src/proto/v34_crc.h"
#include "src/proto/v34_train.h"

#define FIT_SYMBOLS 1536        /* TRN1d is 2040 at least (8.4.5) */
#define TAPS SQ_V90_JD_TAPS     /* SQ_LS_FIT_REAL_MAX_TAPS at most; odd, about its centre */
#define CENTRE (TAPS / 2)
#define ALIGN_STEP 16           /* TRN1d's start tried this far apart: the taps reach either side */
#define ALIGN_SYMBOLS 384       /* ... each by a fit over this many of its first symbols */
#define MIN_FIT_SNR_DB 8.0      /* binary signs: one wrong in 160 at 8 dB (each Jd read is CRC checked) */
#define END_WINDOW 24           /* TRN1d ends where this many descrambled bits hold ... */
#define END_ZEROS 6             /* ... this many 0s (a wrong sign gives 3, 18 and 23 apart) */
#define END_EARLIER 12          /* (12 such 1s: one time in 4096) */
#define SIGNS_BACK 16000        /* 2 s */
#define SIGNS_WARM 48           /* the scrambler's 23 bits, then a whole END_WINDOW of them */
#define JD_SYNC_BITS 17
#define START_BITS_AT(i) ((i) == 17 || (i) == 34 || (i) == 51)

/* TRN1d's first n signs, 1 positive. */
static void trn1d_signs(int *s, size_t n)
{
    sq_v34_scrambler scr;
    sq_v34_scrambler_init(&scr, 0);   /* GPC (8.4), zeroed */
    for (size_t k = 0; k < n; k++)
        s[k] = sq_v34_scramble(&scr, 1);
}

/* The equaliser's output for the sample at `at` (its taps about it, the newest first). */
static float equalise(const float *taps, const float *x, size_t at)
{
    return sq_ls_equalise_real(taps, TAPS, x, at);
}

/* The taps that fit `rows` of TRN1d's signs from x[at] best (into taps), and the fit's SNR;
 * -INFINITY when they cannot be had. */
static double fit_at(const float *x, size_t at, size_t rows, const double *want, float *taps)
{
    double err = sq_ls_fit_real(x, at, rows, TAPS, want, taps, NULL);
    return err < 0.0 ? -INFINITY : 10.0 * log10((double)rows / (err + 1e-30));
}

/* Whether Jd's frame sync and start bit read from signs[0] on (signs[-1] the last of TRN1d),
 * through a copy of the scrambler as TRN1d left it. */
static int jd_sync_from(const sq_v34_scrambler *left, const uint8_t *signs, size_t n)
{
    sq_v34_scrambler scr = *left;
    for (size_t i = 0; i <= JD_SYNC_BITS; i++)
        if (i >= n || sq_v34_descramble(&scr, signs[i] ^ signs[(ptrdiff_t)i - 1]) != (i < JD_SYNC_BITS))
            return 0;
    return 1;
}

static int jd_crc_ok(const uint8_t *b)
{
    uint16_t crc = SQ_V34_CRC_PRESET;
    for (int i = JD_SYNC_BITS + 1; i < 52; i++)
        if (!START_BITS_AT(i))
            crc = sq_v34_crc_bit(crc, b[i]);
    uint16_t got = 0;
    for (int i = 0; i < 16; i++)
        got |= (uint16_t)(b[52 + i] << i);
    return crc == got;
}

int sq_v90_read_jd(const float *x, size_t n, size_t guess, size_t search, sq_v90_jd_read *out)
{
    memset(out, 0, sizeof *out);
    if (n < guess + search + FIT_SYMBOLS + TAPS)
        return 0;
    int *s = malloc(FIT_SYMBOLS * sizeof *s);
    double *want = malloc(FIT_SYMBOLS * sizeof *want);
    uint8_t *signs = NULL;
    int ok = 0;
    if (!s || !want)
        goto done;
    trn1d_signs(s, FIT_SYMBOLS);
    for (size_t k = 0; k < FIT_SYMBOLS; k++)
        want[k] = s[k] ? 1.0 : -1.0;
    float taps[TAPS];
    size_t a = 0;
    double best = -INFINITY;
    for (size_t at = guess > search ? guess - search : CENTRE; at <= guess + search; at += ALIGN_STEP) {
        if (at < CENTRE || at + FIT_SYMBOLS + TAPS > n)
            continue;
        double snr_db = fit_at(x, at, ALIGN_SYMBOLS, want, taps);
        if (snr_db > best) {
            best = snr_db;
            a = at;
        }
    }
    if (best == -INFINITY)
        goto done;
    size_t coarse = a;
    for (size_t at = coarse - ALIGN_STEP / 2; at <= coarse + ALIGN_STEP / 2; at += ALIGN_STEP) {   /* halfway either side */
        if (at == coarse || at < CENTRE || at + FIT_SYMBOLS + TAPS > n)
            continue;
        double snr_db = fit_at(x, at, ALIGN_SYMBOLS, want, taps);
        if (snr_db > best) {
            best = snr_db;
            a = at;
        }
    }
    out->snr_db = fit_at(x, a, FIT_SYMBOLS, want, taps);
    if (!(out->snr_db >= MIN_FIT_SNR_DB))
        goto done;
    out->trn_start = a;
    memcpy(out->taps, taps, sizeof out->taps);
    /* the signs, once: only for the last SIGNS_BACK before `last` (Jd lasts tenths of a second;
     * TRN1d's 1s are known again SIGNS_WARM signs into them, the scrambler's 23 bits filled) */
    size_t last = n - CENTRE;
    size_t s0 = last > a + FIT_SYMBOLS + SIGNS_BACK ? last - SIGNS_BACK : a;
    signs = malloc(last - s0);
    if (!signs)
        goto done;
    for (size_t j = s0; j < last; j++)
        signs[j - s0] = equalise(taps, x, j) > 0.0;
    /* TRN1d's signs descramble to 1s; where they stop, Jd begins */
    sq_v34_scrambler scr;
    sq_v34_scrambler_init(&scr, 0);
    uint32_t zeros = 0;   /* the last END_WINDOW descrambled bits' 0s, as a mask */
    size_t k = s0, ones_from = s0 == a ? a + FIT_SYMBOLS : s0 + SIGNS_WARM;
    for (; k < last; k++) {
        zeros = ((zeros << 1) | (uint32_t)!sq_v34_descramble(&scr, signs[k - s0])) & ((1u << END_WINDOW) - 1u);
        if (k >= ones_from && __builtin_popcount(zeros) >= END_ZEROS)
            break;
    }
    if (k == last)
        goto done;
    size_t end = k + 1 - END_WINDOW;   /* the window's first 0: where the 1s stopped */
    while (end < k && !((zeros >> (k - end)) & 1u))
        end++;
    /* ... or up to END_EARLIER before it, where Jd's first bits descrambled to 1s by chance: the
     * place from which Jd's frame sync (17 1s and a 0) reads; with none, the first 0 */
    sq_v34_scrambler_init(&scr, 0);
    size_t from = end > s0 + END_EARLIER ? end - END_EARLIER : s0 + 1;
    for (size_t j = s0; j < from; j++)
        (void)sq_v34_descramble(&scr, signs[j - s0]);
    for (size_t e = from; e <= end; e++) {
        if (jd_sync_from(&scr, signs + (e - s0), last - e)) {
            end = e;
            break;
        }
        (void)sq_v34_descramble(&scr, signs[e - s0]);
    }
    out->trn_end = end;
    /* from there each sign's change is a line bit, through the scrambler as TRN1d left it */
    sq_v34_scrambler_init(&scr, 0);
    for (size_t j = s0; j < end; j++)
        (void)sq_v34_descramble(&scr, signs[j - s0]);
    uint8_t bits[SQ_V90_JD_BITS];
    size_t fill = 0, ones = 0;
    int collecting = 0;
    for (size_t j = end; j < last; j++) {
        int bit = sq_v34_descramble(&scr, signs[j - s0] ^ signs[j - 1 - s0]);
        if (!collecting) {
            if (bit == 0 && ones >= JD_SYNC_BITS) {
                memset(bits, 1, JD_SYNC_BITS);
                bits[JD_SYNC_BITS] = 0;
                fill = JD_SYNC_BITS + 1;
                collecting = 1;
            }
            ones = bit ? ones + 1 : 0;
            continue;
        }
        bits[fill++] = (uint8_t)bit;
        if (fill < SQ_V90_JD_BITS)
            continue;
        collecting = 0;
        ones = 0;
        if (bits[34] || bits[51] || !jd_crc_ok(bits))
            continue;
        if (out->frames && memcmp(out->bits, bits, sizeof bits) != 0)
            continue;   /* the first good one stands; later ones alike are its repeats */
        if (!out->frames)
            out->first_start = j + 1 - SQ_V90_JD_BITS;
        memcpy(out->bits, bits, sizeof bits);
        out->frames++;
        out->last_end = j + 1;
    }
    ok = out->frames > 0;
    /* Jd starts at the first one read, or whole Jds before it where the 1s stopped (the first
     * ones spoilt); where they stopped early (signs gone wrong as the far clock drifted from
     * the fit: a 200 ppm one stopped them 0.3 s into TRN1d), at the first one read */
    if (ok && !(out->first_start >= out->trn_end && (out->first_start - out->trn_end) % SQ_V90_JD_BITS == 0))
        out->trn_end = out->first_start;
done:
    free(signs);
    free(s);
    free(want);
    return ok;
}
