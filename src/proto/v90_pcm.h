/* Internal: a V.90 digital modem's PCM encoder (V.90 5.4) and its inverse: how the D bits of a
 * data frame become six signed PCM codes, for phase 4's TRN2d, MP and Ed (gen's v90_startup
 * sends them; decode reads them back from the line, src/decode/v90_phase4.c).
 *
 * A frame's first S bits are signs; the other K make an integer the modulus encoder spreads
 * over the six intervals (K_i = R_i mod M_i), each K_i the label of a code in that interval's
 * constellation, 0 its largest. The signs pass two differential codes and, when the analogue
 * modem asked for spectral shaping (Sr > 0 of the six signs spent on it), a shaper that may
 * invert all, the even or the odd signs of each shaping frame (6 / Sr symbols), as a two-state
 * trellis allows, to keep a filtered power low (5.4.5.5). The trellis (Figure 2, not in the
 * text copy): from state 0 the rules A (nothing) and B (all), from state 1 C (even) and D
 * (odd); the next state is 1 after B and D, the rules that invert the odd signs. So an odd
 * sign's inversion always comes with the even signs' of that frame or the next, and a receiver
 * needs none of the shaper's choices: they cancel in the differences between neighbouring
 * frames' signs, where the bits are (sq_v90_unmap). Real digital modems agree: their TRN2d,
 * read so, descrambles to 1s (the Conexant, Sportster and V.92 calls). */
#ifndef SQ_PROTO_V90_PCM_H
#define SQ_PROTO_V90_PCM_H

#include <stddef.h>
#include <stdint.h>

#define SQ_V90_INTERVALS 6          /* symbols in a data frame */
#define SQ_V90_UCODES 128
#define SQ_V90_MAX_FRAME_BITS 45    /* D: K up to 39 (Table 2) and S up to 6 */

typedef struct sq_v90_mapping {
    int k_bits, s_bits, redundancy; /* K, S and Sr: a frame carries K + S bits */
    int a_law;                      /* the codec: 1 A-law, 0 mu-law */
    int size[SQ_V90_INTERVALS];     /* M_i */
    int level[SQ_V90_INTERVALS][SQ_V90_UCODES];   /* each interval's codes as Table 1's linear
                                                     values, largest (label 0) first */
    double a1, a2, b1, b2;          /* the spectral shape filter (5.4.5.6) */
    int lookahead;                  /* ld: shaping frames looked ahead */
} sq_v90_mapping;

/* Table 1's linear value of Ucode u (0..127). */
int sq_v90_ucode_linear(int ucode, int a_law);

/* The mapping a CP names (its bits as sq_v90_cp_from_bits took them, n of them): a CPt's is
 * phase 4's (K from Table 17's rate), a CP's the data's (Table 2); with `heard`, from the
 * constellations the codec puts on the line where the CP gives them (bit 128), else from the
 * transmitter's. 0, or -1 when its rate does not fit its constellations (2^K > prod M_i). */
int sq_v90_mapping_from_cp(const uint8_t *bits, size_t n, int heard, sq_v90_mapping *m);

/* The modulus encoder and the mappers (5.4.3, 5.4.4): a frame's six magnitudes (linear
 * values) from its K bits (k_bits[0] first). */
void sq_v90_magnitudes(const sq_v90_mapping *m, const uint8_t *k_bits, int *mag);

/* Encodes `frames` data frames of K + S bits each (bits[0] first in time) into 6 * frames
 * signed linear values, from the state TRN2d starts in (everything zeroed, 8.6.5); the shaper
 * looks ahead within the frames given. */
void sq_v90_encode(const sq_v90_mapping *m, const uint8_t *bits, size_t frames, int *pcm);

/* Phase 4 as gen's digital modem sends it (src/proto/v90_startup.c): TRN2d for trn2d_s, then
 * `repeats` MPs and as many MP's letting the analogue modem send at most max_upstream_bps
 * (type 0, every rate from 4800 up to it), then Ed, encoded in m into pcm; how many codes (0
 * when more than max). */
size_t sq_v90_phase4_codes(const sq_v90_mapping *m, double trn2d_s, int max_upstream_bps, int repeats, int *pcm,
                           size_t max);

/* The receiver's side: each frame's bits (still scrambled) from its six labels and signs. */
typedef struct sq_v90_unmapper {
    const sq_v90_mapping *m;
    int prev_sign[SQ_V90_INTERVALS];   /* the last shaping frame's signs by position (Sr = 0:
                                          the last frame's, of which the sixth is used) */
    int prev_last_odd;                 /* its last odd position's sign change */
} sq_v90_unmapper;

void sq_v90_unmapper_init(sq_v90_unmapper *u, const sq_v90_mapping *m);
/* A frame's K + S bits from its labels (0: the interval's largest code) and signs (1:
 * positive). A label past its interval's size (a misread) counts as the largest label. */
void sq_v90_unmap(sq_v90_unmapper *u, const int *label, const int *positive, uint8_t *bits);

#endif
