/* Internal to the timeline decoder: a V.90 digital modem's TRN1d and Jd read from the signs of
 * its PCM symbols (v90_jd.c). */
#ifndef SQ_DECODE_V90_JD_H
#define SQ_DECODE_V90_JD_H

#include <stddef.h>
#include <stdint.h>

#define SQ_V90_JD_BITS 72          /* V.90 Table 13 */
#define SQ_V90_JD_REACH 19         /* samples the equaliser reads on either side of a sign */
#define SQ_V90_JD_TAPS (2 * SQ_V90_JD_REACH + 1)

typedef struct sq_v90_jd_read {
    size_t trn_start, trn_end;     /* TRN1d's first sample and the one after its last (Jd's first) */
    size_t first_start, last_end;  /* the first Jd read (its frame sync's first sample) and
                                      the sample after the last one like it */
    size_t frames;                 /* Jd read alike, CRC good */
    double snr_db;                 /* the equaliser's fit to TRN1d's signs */
    float taps[SQ_V90_JD_TAPS];    /* its taps, the newest sample's first */
    uint8_t bits[SQ_V90_JD_BITS];  /* the Jd, bit 0 first */
} sq_v90_jd_read;

/* Reads x[0 .. n): TRN1d expected to start within `search` samples of x[guess] (Sd-bar's end
 * as heard); signs are read up to x[n - SQ_V90_JD_REACH]. 1 when a Jd was read (then *out
 * says where everything lies, in samples of x), else 0. */
int sq_v90_read_jd(const float *x, size_t n, size_t guess, size_t search, sq_v90_jd_read *out);

#endif
