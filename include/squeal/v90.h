/* A V.90 digital modem's start-up as heard on the analogue line, for tests and
 * demonstrations (gen's v90_startup): the PCM codewords it sends in phases 3 and 4, one per
 * 8 kHz sample, decoded by a mu-law codec (G.711) to the line. */
#ifndef SQUEAL_V90_H
#define SQUEAL_V90_H

#include <stddef.h>
#include <stdint.h>
#include "squeal/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Sd (64 periods of {+W, +0, +W, -W, -0, -W}, W the codeword of Ucode 16 + u_info) and its 8
 * negated periods (V.90 8.4.4); TRN1d, 2040 signs of the u_info codeword from the GPC
 * scrambler fed 1s (8.4.5); Jd, its 72 bits (Table 13, every rate enabled, a good CRC)
 * scrambled and differentially coded as signs, repeated for jd_s, then Jd' (8.4.2-3); DIL,
 * dil_segments segments of 12 samples (H = 1) with training Ucodes stepping down from u_info
 * and u_info as reference, a 6-bit sign pattern and a 4-bit training pattern, the whole
 * sequence repeated for dil_s (8.4.1; no DIL when dil_segments is 0); Ri, the u_info codeword
 * as + + + - - - for ri_s, then 4 periods negated (8.6.4); then data_s of random codewords
 * standing for TRN2d, MP, Ed, B1d and data (not their real coding). */
typedef struct sq_v90_startup_params {
    int u_info;            /* 1..110: the codeword of the 2-point training (INFO1a's UINFO) */
    int dil_segments;      /* 0..255 */
    double jd_s, dil_s, ri_s, data_s;
    uint8_t reserved[32];
} sq_v90_startup_params;

/* u_info 76, 8 DIL segments; Jd 0.5 s, DIL 1 s, Ri 0.3 s, data 0.5 s. */
SQ_API void sq_v90_startup_default_params(sq_v90_startup_params *p);
/* Writes up to max samples at 8 kHz to out; returns how many the start-up has (0 when p is
 * not valid), so a first call with max 0 sizes the buffer. */
SQ_API size_t sq_v90_startup_modulate(const sq_v90_startup_params *p, float *out, size_t max);

#ifdef __cplusplus
}
#endif

#endif
