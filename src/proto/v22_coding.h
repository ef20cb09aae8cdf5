/* Internal: V.22 / V.22bis bit coding (kept out of the public headers: its points are C99
 * float complex, which a C++ caller cannot read, and only the sessions use it): the scrambler, and bits to and from signal points
 * (spec 4.2-4.4). Points are on the V.22bis grid (+/-1, +/-3); quadrants are numbered 0..3
 * anticlockwise from (+, +).
 *   600 bit/s:  one bit per symbol, 0 -> +90 degrees, 1 -> +270 degrees
 *   1200 bit/s: a dibit turns the quadrant (00 +90, 01 0, 11 +270, 10 +180); the point is
 *               always (3, 1) of the quadrant (V.22bis 2.5.2.2)
 *   2400 bit/s: the first two of four bits turn the quadrant as above, the last two pick
 *               the point inside it, absolutely (00 (1,1), 01 (3,1), 10 (1,3), 11 (3,3)). */
#ifndef SQ_PROTO_V22_CODING_H
#define SQ_PROTO_V22_CODING_H

#include <complex.h>
#include <stdint.h>

/* Self-synchronising scrambler 1 + x^-14 + x^-17 with the 64-ones guard (V.22bis 5). The
 * same state type serves both directions. */
typedef struct sq_v22_scrambler {
    uint32_t reg;    /* past line bits, newest in bit 0 */
    int ones;        /* consecutive 1s on the line */
} sq_v22_scrambler;

void sq_v22_scrambler_init(sq_v22_scrambler *s);
uint8_t sq_v22_scramble(sq_v22_scrambler *s, uint8_t bit);
/* Inline: it runs on every received bit of every V.22 lane. */
static inline uint8_t sq_v22_descramble(sq_v22_scrambler *s, uint8_t line_bit)
{
    line_bit &= 1u;
    uint8_t out = (uint8_t)((line_bit ^ (s->reg >> 13) ^ (s->reg >> 16)) & 1u);
    if (s->ones >= 64) {
        out ^= 1u;
        s->ones = 0;
    }
    s->reg = (s->reg << 1) | line_bit;
    s->ones = (s->ones + 1) & -(int)line_bit;
    return out;
}

/* Bits per symbol at a rate: 1, 2 or 4; 0 for a rate V.22/V.22bis lacks. */
int sq_v22_bits_per_symbol(int rate);

/* The transmitter's quadrant, carried from symbol to symbol. */
typedef struct sq_v22_mapper {
    int quadrant;
} sq_v22_mapper;

/* bits[0] is first in time. */
float complex sq_v22_map(sq_v22_mapper *m, int rate, const uint8_t *bits);

/* The receiver's side: the last quadrant decided. */
typedef struct sq_v22_demapper {
    int quadrant;
} sq_v22_demapper;

/* Bits from a decided point (coherent detection); writes bits_per_symbol bits. */
void sq_v22_demap(sq_v22_demapper *d, int rate, float complex point, uint8_t *bits);
/* The quadrant turn between two received samples, 0..3 (differential detection), and the
 * dibit it stands for. */
int sq_v22_turn(float complex now, float complex before);
void sq_v22_turn_to_dibit(int turn, uint8_t *bits);

#endif
