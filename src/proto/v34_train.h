/* Internal: V.34 phases 3 and 4 (10.1.3) as 2D symbols, for the transmitter that gen uses
 * and for the timeline decoder's receiver, which trains on the same known sequences.
 *
 * Points are on the grid of Figure 5 (+/-1, +/-3). Point 0 of the quarter-superconstellation
 * is (1, 1); "clockwise by z quarter-turns" is a multiplication by (-j)^z. The 4-point
 * signals use the four rotations of point 0 (power 2), the 16-point ones all of the grid
 * (power 10). */
#ifndef SQ_PROTO_V34_TRAIN_H
#define SQ_PROTO_V34_TRAIN_H

#include <complex.h>
#include <stddef.h>
#include <stdint.h>
#include "squeal/v34_info.h"

#define SQ_V34_S_SYMBOLS 128        /* 10.1.3.7 (phases 3 and 4, and a renegotiation) */
#define SQ_V34_S_BAR_SYMBOLS 16
#define SQ_V34_PP_SYMBOLS 288       /* 10.1.3.6: six periods of 48 */
#define SQ_V34_PP_PERIOD 48
#define SQ_V34_TRN_MIN_SYMBOLS 512  /* 11.3.1, 11.4.1 */
#define SQ_V34_J_BITS 16
#define SQ_V34_E_BITS 20
#define SQ_V34_MP_SYNC_BITS 17
#define SQ_V34_MP0_BITS 88
#define SQ_V34_MP1_BITS 188

/* The J patterns of Tables 18 and 19, bit 0 first in time (bit 0 of the value). */
#define SQ_V34_J4 0x8990u            /* 0000100110010001: the far end's phase 4 in 4 points */
#define SQ_V34_J16 0x89B0u           /* 0000110110010001: ... in 16 points */
#define SQ_V34_J_PRIME 0x899Fu       /* 1111100110010001: the end of J */

/* The self-synchronising scrambler of clause 7: the call modem's GPC (1 + x^-18 + x^-23) or
 * the answer modem's GPA (1 + x^-5 + x^-23). Starting at zero is TRN's start (10.1.3.8). */
typedef struct sq_v34_scrambler {
    uint32_t reg;                    /* the last 23 line bits, the latest at bit 0 */
    int tap;                         /* 18 or 5 */
} sq_v34_scrambler;

void sq_v34_scrambler_init(sq_v34_scrambler *s, int answer_modem);
int sq_v34_scramble(sq_v34_scrambler *s, int bit);
int sq_v34_descramble(sq_v34_scrambler *s, int line_bit);

/* Quarter point q (0..3: (1,1), (-3,1), (1,-3), (-3,-3)) turned clockwise z quarter-turns. */
float complex sq_v34_point(int q, int z);
/* The nearest point of the 4-point (the rotations of point 0) or the 16-point set. */
float complex sq_v34_decide(float complex y, int points);
/* Inverse of sq_v34_point for a point of the grid. */
void sq_v34_point_index(float complex p, int *q, int *z);

/* S (r < 0: r = -1 is its last symbol) and S-bar (r = 0 ... 15), 10.1.3.7. */
float complex sq_v34_s_symbol(long r);
/* PP(i), i = 0 ... 287 (10.1.3.6), scaled to the 4-point signals' power. */
float complex sq_v34_pp_symbol(int i);

/* TRN (10.1.3.8): scrambled 1s from a zeroed scrambler, 4 or 16 points, no differential code. */
typedef struct sq_v34_trn {
    sq_v34_scrambler scr;
    int points;
} sq_v34_trn;
void sq_v34_trn_init(sq_v34_trn *t, int answer_modem, int points);
float complex sq_v34_trn_next(sq_v34_trn *t);

/* J, J', MP and E (10.1.3.2-4, 10.1.3.9): scrambled bits, differentially coded quarter-turns
 * (and, for 16 points, the quarter point from the next two bits), the coder starting from the
 * last TRN symbol. */
typedef struct sq_v34_diff {
    sq_v34_scrambler scr;
    int points;
    int z;                           /* the quarter-turns of the last symbol */
} sq_v34_diff;
void sq_v34_diff_init(sq_v34_diff *d, int answer_modem, int points, float complex last_trn);
/* Transmitter: the next symbol from the next 2 or 4 bits (bits[0] first). */
float complex sq_v34_diff_encode(sq_v34_diff *d, const int *bits);
/* Receiver: a decided point to its 2 or 4 descrambled bits; returns how many. */
int sq_v34_diff_decode(sq_v34_diff *d, float complex decided, int *bits);

/* An MP sequence as bits, one per byte, from its frame sync to its fill: returns 88 or 188. */
size_t sq_v34_mp_to_bits(const sq_v34_mp *mp, uint8_t *bits);
/* Reads an MP whose frame sync starts bits[0] and whose n >= 88 bits are at hand. Returns
 * its length when its CRC checks (88 or 188; crc_alt set when only the variant checks), 0
 * when it does not, and -1 when a type 1 needs more bits than n. */
int sq_v34_mp_from_bits(const uint8_t *bits, size_t n, sq_v34_mp *mp);

/* Table 1: the symbol rates by code (0 = 2400 ... 5 = 3429, rounded: 2400 * a / c exactly),
 * their low and high carriers, and the code of a rate given within 1 symbol/s (-1 if none). */
#define SQ_V34_SYMBOL_RATES 6
double sq_v34_symbol_rate(int code);
double sq_v34_carrier_hz(int code, int high);
int sq_v34_symbol_rate_code(double symbols_per_s);

#endif
