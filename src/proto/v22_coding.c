/* V.22 / V.22bis scrambler and signal-point coding (v22_coding.h). */
#include <math.h>
#include "src/proto/v22_coding.h"

void sq_v22_scrambler_init(sq_v22_scrambler *s)
{
    s->reg = 0;
    s->ones = 0;
}

/* V.22bis 5: after 64 consecutive 1s on the line, the next input bit is inverted. */
uint8_t sq_v22_scramble(sq_v22_scrambler *s, uint8_t bit)
{
    if (s->ones >= 64) {
        bit ^= 1u;
        s->ones = 0;
    }
    uint8_t out = (uint8_t)((bit ^ (s->reg >> 13) ^ (s->reg >> 16)) & 1u);
    s->reg = (s->reg << 1) | out;
    s->ones = out ? s->ones + 1 : 0;
    return out;
}

int sq_v22_bits_per_symbol(int rate)
{
    return rate == 600 ? 1 : rate == 1200 ? 2 : rate == 2400 ? 4 : 0;
}

/* Quarter turns for a dibit (first bit in time is the high bit): 00 +1, 01 0, 10 +2, 11 +3. */
static const int DIBIT_TURN[4] = { 1, 0, 2, 3 };
static const uint8_t TURN_DIBIT[4] = { 1, 0, 2, 3 };   /* inverse: turn -> dibit */
/* Point inside quadrant 0 for Q3Q4. */
static const float complex IN_QUADRANT[4] = { 1.0f + 1.0f * I, 3.0f + 1.0f * I, 1.0f + 3.0f * I,
                                              3.0f + 3.0f * I };
static const float complex QUARTER[4] = { 1.0f, 1.0f * I, -1.0f, -1.0f * I };

float complex sq_v22_map(sq_v22_mapper *m, int rate, const uint8_t *bits)
{
    int turn;
    int point = 1;   /* (3, 1) */
    if (rate == 600) {
        turn = bits[0] ? 3 : 1;
    } else {
        turn = DIBIT_TURN[(bits[0] & 1) << 1 | (bits[1] & 1)];
        if (rate == 2400)
            point = (bits[2] & 1) << 1 | (bits[3] & 1);
    }
    m->quadrant = (m->quadrant + turn) & 3;
    return IN_QUADRANT[point] * QUARTER[m->quadrant];
}

/* Selects, not branches: a decided point's quadrant changes at random in data. The three
 * conditions exclude each other; none holds for a NaN, which lands in quadrant 3. */
static int quadrant_of(float complex p)
{
    float re = crealf(p), im = cimagf(p);
    int q0 = (re > 0.0f) & (im >= 0.0f), q1 = (re <= 0.0f) & (im > 0.0f), q2 = (re < 0.0f) & (im <= 0.0f);
    return 3 - 3 * q0 - 2 * q1 - q2;
}

void sq_v22_demap(sq_v22_demapper *d, int rate, float complex point, uint8_t *bits)
{
    int q = quadrant_of(point);
    int turn = (q - d->quadrant) & 3;
    d->quadrant = q;
    if (rate == 600) {
        bits[0] = turn >= 2;   /* +270 (or anything past +180) is a 1 */
        return;
    }
    sq_v22_turn_to_dibit(turn, bits);
    if (rate == 2400) {
        float complex in0 = point * conjf(QUARTER[q]);
        bits[2] = cimagf(in0) > 2.0f;
        bits[3] = crealf(in0) > 2.0f;
    }
}

/* The quarter turn nearest the angle between them, as lround(angle / 90 degrees) & 3 would
 * give it (a tie at 45 degrees goes to the larger turn, at -45 to turn 3, at -135 to turn
 * 2), without the arctangent: the quadrant from the signs and the larger part. It runs
 * on every symbol of every V.22 lane. */
int sq_v22_turn(float complex now, float complex before)
{
    float complex d = now * conjf(before);
    float re = crealf(d), im = cimagf(d);
    /* each test only where the ones before it failed, as selects: turns are random in data */
    int t1 = (im > 0.0f) & (im >= re) & (im > -re);
    int t2 = !t1 & (re < 0.0f) & (-re >= fabsf(im));
    int t3 = !t1 & !t2 & (im < 0.0f) & (-im >= re) & (-im > -re);
    int turn = t1 + 2 * t2 + 3 * t3;
    /* atan2 gives pi for a negative real part, -0 among them (silence) */
    return im == 0.0f ? 2 * (signbit(re) != 0) : turn;
}

void sq_v22_turn_to_dibit(int turn, uint8_t *bits)
{
    uint8_t dibit = TURN_DIBIT[turn & 3];
    bits[0] = dibit >> 1;
    bits[1] = dibit & 1u;
}
