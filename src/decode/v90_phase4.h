/* Internal to the timeline decoder: a V.90 digital modem's phase 4 read from its PCM codes
 * (v90_phase4.c): TRN2d, its MP and MP' sequences, Ed. */
#ifndef SQ_DECODE_V90_PHASE4_H
#define SQ_DECODE_V90_PHASE4_H

#include <stddef.h>
#include "squeal/v34_info.h"
#include "src/proto/v90_pcm.h"

#define SQ_V90_MP_RUNS 4

/* A run of like MPs: MP, or MP' (V.90 Table 16, which keeps the places of V.34's MP: mp holds
 * it so, the analogue modem's highest rate in rate_answer_to_call's place, bits 24:27). */
typedef struct sq_v90_mp_run {
    size_t start, end;       /* samples: its first MP's first symbol; after its last one */
    size_t repeats;
    sq_v34_mp mp;
} sq_v90_mp_run;

typedef struct sq_v90_phase4_read {
    size_t trn2d_start;      /* TRN2d's first symbol: R-bar i's end */
    double snr_db;           /* the equaliser's fit to TRN2d's codes */
    sq_v90_mp_run runs[SQ_V90_MP_RUNS];
    size_t n_runs;
    size_t ed_end;           /* after Ed, when its 0s were read (else 0) */
    float taps[99];          /* the equaliser fitted to TRN2d (SQ_V90_PHASE4_TAPS) ... */
    long delay;              /* ... and where its centre sits against the code it reads, */
    float bias;              /* ... and the constant its output is off by (added to it) */
} sq_v90_phase4_read;

#define SQ_V90_PHASE4_TAPS 99

/* Reads x[0 .. n), in which TRN2d is expected to start within `search` samples after
 * x[guess] (R i's reversal as heard): its codes' magnitudes (known from m, CPt's mapping) find
 * where, an equaliser fitted to TRN1d's signs (trn1d_taps, SQ_V90_JD_TAPS of them, about its
 * centre) gives their signs, and an equaliser fitted to both then reads every frame. 1 when
 * an MP was read (then *out says where everything lies, in samples of x), else 0. */
int sq_v90_read_phase4(const float *x, size_t n, size_t guess, size_t search, const float *trn1d_taps,
                       const sq_v90_mapping *m, sq_v90_phase4_read *out);

/* With no TRN2d to fit to (optional in a rate renegotiation, V.90 9.6.1.1.1): every frame from
 * x[first] (a frame's first code) read through the equaliser out already holds (taps, delay,
 * bias: phase 4's), m CPt's mapping; its MPs into out. 1 when an MP was read. */
int sq_v90_read_mps_through(const float *x, size_t n, size_t first, const sq_v90_mapping *m, sq_v90_phase4_read *out);

/* The symbol SNR of the codes from x[start] (B1d and the data after it, in data's
 * constellations, m: CP's) through the equaliser phase 4 was read with (taps, centred `delay`
 * from the code it reads): each code
 * against the nearest level of its interval, over SQ_V90_DATA_SYMBOLS of them (fewer where x
 * ends first, down to SQ_V90_DATA_MIN_SYMBOLS; x's last 100 ms left out). 1 with *snr_db when
 * the codes lie near enough their levels for the decisions to be right (a tenth or fewer off
 * by more than a quarter of the way to the next level), else 0. */
#define SQ_V90_DATA_SYMBOLS 2400
#define SQ_V90_DATA_MIN_SYMBOLS 1200
int sq_v90_data_snr(const float *x, size_t n, size_t start, const sq_v90_phase4_read *p4, const sq_v90_mapping *m,
                    double *snr_db);

#endif
