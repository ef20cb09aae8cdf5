/* A V.90 digital modem's start-up as heard on the analogue line, for tests and
 * demonstrations (gen's v90_startup): the PCM codewords it sends in phases 3 and 4, one per
 * 8 kHz sample, decoded by a mu-law codec (G.711) to the line. */
#ifndef SQUEAL_V90_H
#define SQUEAL_V90_H

#include <stddef.h>
#include <stdint.h>
#include "squeal/export.h"
#include "squeal/v34_info.h"

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
 * standing for TRN2d, MP, Ed, B1d and data (not their real coding). With cpt set (API 2.18),
 * phase 4 itself comes before the data: TRN2d for trn2d_s, mp_repeats MPs and as many MP's
 * (Table 16: type 0, a 16-state trellis, every upstream rate from 4800 to mp_max_upstream_bps,
 * which they name as the highest), Ed (8.6.2-5), all in the constellations of cpt, the CPt
 * (sq_v90_cp_to_bits makes its bits), through the encoder of 5.4 with its spectral shaping. */
struct sq_v90_cp;
typedef struct sq_v90_startup_params {
    int u_info;            /* 1..110: the codeword of the 2-point training (INFO1a's UINFO) */
    int dil_segments;      /* 0..255 */
    double jd_s, dil_s, ri_s, data_s;
    const struct sq_v90_cp *cpt;   /* NULL: no phase 4 (API 2.18) */
    double trn2d_s;        /* 0.1..2 */
    int mp_max_upstream_bps;       /* 4800..33600, a multiple of 2400 */
    int mp_repeats;        /* 1..200 */
    const struct sq_v90_cp *cp;    /* with cpt: B1d (8.6.1) and data_s of random data in its
                                      constellations, where its rate fits them, instead of
                                      random codewords (API 2.18) */
} sq_v90_startup_params;

/* u_info 76, 8 DIL segments; Jd 0.5 s, DIL 1 s, Ri 0.3 s, data 0.5 s; no phase 4 (for one:
 * TRN2d 0.5 s, 8 MPs and 8 MP's at most 28800 bit/s upstream). */
SQ_API void sq_v90_startup_default_params(sq_v90_startup_params *p);
/* Writes up to max samples at 8 kHz to out; returns how many the start-up has (0 when p is
 * not valid), so a first call with max 0 sizes the buffer. */
SQ_API size_t sq_v90_startup_modulate(const sq_v90_startup_params *p, float *out, size_t max);
/* The same, with phase 4 and data (cpt and cp set), then, after data_s of it, `count` rate
 * renegotiations in turn (V.90 9.6.1.1), each followed by data_s of data: Rd for 384 T and
 * R-bar d for 24 T (8.6.4, the largest codeword of each interval of cp's constellations),
 * TRN2d for trn2d_s (0.1 to 2 s, or 0: none, as 9.6.1.1.1 allows), mp_repeats MPs and MP's
 * offering at most renegotiate_bps[i] upstream (4800..33600, a multiple of 2400), Ed, in cpt's
 * constellations, then B1d and data; SQ_V34_CLEARDOWN, only last, a cleardown (9.7): the MPs
 * ask 0 bit/s and nothing follows Ed. count 0 is sq_v90_startup_modulate; at most
 * SQ_V90_MAX_RENEGOTIATIONS. (API 2.21) */
#define SQ_V90_MAX_RENEGOTIATIONS 4
SQ_API size_t sq_v90_startup_modulate_renegotiating(const sq_v90_startup_params *p, const int *renegotiate_bps,
                                                    size_t count, double trn2d_s, float *out, size_t max);

/* The DIL descriptor a V.90 analogue modem sends, repeated, as its Ja at the end of phase 3
 * (V.90 8.3.1, Table 12): what DIL the digital modem is to send it (8.4.1). */
typedef struct sq_v90_dil_descriptor {
    int segments;          /* N, 0..255 (0: no DIL) */
    int sp_length;         /* LSP, 1..128: the sign pattern's length in symbols */
    int tp_length;         /* LTP, 1..128: the training pattern's */
    uint8_t sp[16], tp[16];    /* the patterns, bit i (its symbol i) at [i / 8] bit i % 8 */
    uint8_t h[8];          /* Hc, 0..127: a segment of Uchord c lasts (Hc + 1) * 6 symbols */
    uint8_t ref[8];        /* REFc, 0..127: the Ucode of the reference symbols of Uchord c */
    uint8_t ucode[255];    /* the training symbol's Ucode of each segment */
} sq_v90_dil_descriptor;

#define SQ_V90_JA_MAX_BITS 2670   /* a descriptor of 255 segments and 128-symbol patterns */

/* The descriptor as Ja's bits (frame sync, 16-bit blocks each after a start bit 0, the CRC
 * of V.34 10.1.2.3.2, fill to an even count), bit 0 first; returns the count (at most
 * SQ_V90_JA_MAX_BITS), 0 when a field is out of range. */
SQ_API size_t sq_v90_ja_to_bits(const sq_v90_dil_descriptor *d, uint8_t *bits);
/* Reads a descriptor from bits[0..n), which start with its frame sync: the bits it took
 * (its fill included); 0 when they are not one (a start bit or the CRC wrong); -1 when more
 * bits are needed to tell. */
SQ_API int sq_v90_ja_from_bits(const uint8_t *bits, size_t n, sq_v90_dil_descriptor *d);
/* v90_ja events carry the descriptor's N, LSP, LTP and H1..H8 in info_bits; these fields
 * name them (as sq_info_fields does for INFO frames). */
SQ_API const sq_info_field *sq_v90_ja_fields(size_t *n);
/* Packs those into info_bits (SQ_INFO_BYTES bytes). */
SQ_API void sq_v90_ja_pack(const sq_v90_dil_descriptor *d, uint8_t *info_bits);

/* A V.90 analogue modem's CP (V.90 8.5.2, Table 14): the constellation parameters it asks
 * the digital modem to use, CPt for phase 4's training, CP for data, CP' acknowledging the
 * digital modem's MP. The masks themselves are not kept. */
typedef struct sq_v90_cp {
    int training;          /* CPt (bit 19 clear) */
    int drn;               /* 0..22: the downstream rate (sq_v90_cp_rate_bps); 0 clears down */
    int silence;           /* a silent period asked for (rate renegotiation) */
    int sign_bits;         /* Sr: sign bits spent on spectral shaping, 0..3 */
    int acknowledge;       /* CP': the digital modem's MP has been received */
    int a_law;             /* the codec: 0 mu-law, 1 A-law */
    uint16_t upstream_mask;    /* the rates the analogue modem can send: bit i for 4800 + 2400 i,
                                * 4800 to 33600 bit/s */
    int lookahead;         /* ld: look-ahead frames asked for spectral shaping */
    int constellations;    /* 1..6 */
    int codec_differs;     /* the codec's constellations are sent too */
} sq_v90_cp;

#define SQ_V90_CP_MAX_BITS 1788    /* six constellations, and the codec's six */

/* Reads a CP from bits[0..n), which start with its frame sync: the bits it took (its three
 * fill bits included); 0 when they are not one; -1 when more bits are needed to tell. */
SQ_API int sq_v90_cp_from_bits(const uint8_t *bits, size_t n, sq_v90_cp *cp);
/* A CP's bits, bit 0 first, for tests: each of CPt's constellations eight codes (Ucodes 40,
 * 58, 68, 75, 80, 84, 88, 92), each of CP's 32 codes from Ucode 35 to 111 (mu-law's linear
 * values mostly about 500 apart); spectral shaping toward a null at
 * DC (a1 = 1) when sign_bits is not 0; a TRN1d ratio of 1.0. 0 when a field is out of range. */
SQ_API size_t sq_v90_cp_to_bits(const sq_v90_cp *cp, uint8_t *bits);
/* The phase 4 training rate gen's analogue modem asks for in its CPt: (10 + 8) * 8000 / 6 =
 * 24000 bit/s, 18 bits a frame, which its eight codes a symbol carry with every Sr (API 2.18) */
#define SQ_V90_GEN_CPT_DRN 10
/* The downstream data rate it names: (drn + 20) * 8000 / 6 bit/s in CP, (drn + 8) * 8000 / 6
 * in CPt, rounded down as V.90's rates are given (45333); 0 for cleardown. */
SQ_API int sq_v90_cp_rate_bps(const sq_v90_cp *cp);
/* v90_cp events carry their CP in info_bits: these pack and unpack it. */
SQ_API void sq_v90_cp_pack(const sq_v90_cp *cp, uint8_t *info_bits);
SQ_API void sq_v90_cp_unpack(const uint8_t *info_bits, sq_v90_cp *cp);

#ifdef __cplusplus
}
#endif

#endif
