/* One V.32bis modem's start-up as audio (V.32bis 5), its data and a rate renegotiation or
 * cleardown out of that data (V.32bis 8), for tests and demonstrations (gen's
 * v32bis_startup). (API 2.22) */
#ifndef SQUEAL_V32_H
#define SQUEAL_V32_H

#include <stddef.h>
#include <stdint.h>
#include "squeal/export.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SQ_V32_CLEARDOWN (-1)

/* The caller: AA for 0.6 s (as long as it would take to hear the answerer's AC turn into CA)
 * and CC for 64 T, 1.5 s of silence while the answerer trains, then S, S-bar, TRN, R2
 * offering every rate from 4800 to max_rate_bps, and E naming rate_bps. The answerer: AC, CA and AC again (Figure 3), S, S-bar, TRN and R1
 * offering its rates; 0.9 s of silence while the caller trains; S, S-bar, TRN, R3 naming
 * rate_bps, and E. Then data_s of data, standing for it: points of rate_bps's constellation
 * drawn at random from seed (the 128-point cross at 14400, the 64-point square at 12000,
 * 32 points at 9600, 16 at 7200, the four states at 4800: Figures 2-1 to 2-5; no trellis
 * coder behind them), at the training's power. With
 * renegotiate_bps, a renegotiation after that data: the preamble (AA for 56 T then CC for
 * 8 T, or AC then CA), R4 offering every rate up to it, E naming it, and 1 s of data again
 * at that rate (API 2.23; at 12000 under 14400 before); with SQ_V32_CLEARDOWN, R4 and E naming no rate (B4 clear
 * too), E sent for 64 T, then nothing. With retrain, straight out of the data the whole
 * start-up again from its first tone (V.32bis 7: a retrain asked by this side; give the other
 * side's file retrain too and a longer data_s, as it hears the tone 128 T and more before it
 * answers), then data_s of data again (API 2.23). */
typedef struct sq_v32_startup_params {
    int answer_modem;
    int rate_bps;            /* 4800..14400, a multiple of 2400 (API 2.23: 12000 or 14400 before) */
    int max_rate_bps;        /* 4800..14400, a multiple of 2400, rate_bps or more */
    double data_s;           /* 0.5..60 */
    int renegotiate_bps;     /* 0 none, 4800..14400 (a multiple of 2400), or SQ_V32_CLEARDOWN */
    double level_dbm0;       /* the training's mean power */
    double offset_hz;        /* the carrier's, -100..100 */
    uint64_t seed;
    int retrain;             /* 1: a retrain after the data (V.32bis 7), not with renegotiate_bps (API 2.23) */
    uint8_t reserved[28];
} sq_v32_startup_params;

/* The caller, 14400 bit/s offered and chosen, 2 s of data, no renegotiation, -13 dBm0. */
SQ_API void sq_v32_startup_default_params(sq_v32_startup_params *p);
/* Writes up to max samples at 8 kHz to out; returns how many there are (0 when p is not
 * valid or memory ran out), so a first call with max 0 sizes the buffer. */
SQ_API size_t sq_v32_startup_modulate(const sq_v32_startup_params *p, float *out, size_t max);

#ifdef __cplusplus
}
#endif

#endif
