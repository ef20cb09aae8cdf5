/* V.34 phases 3 and 4 as symbols and bits (src/proto/v34_train.h; V.34 7, 10.1.3). */
#include <math.h>
#include <string.h>
#include "dsp/cmplx.h"
#include "src/proto/v34_crc.h"
#include "src/proto/v34_train.h"

void sq_v34_scrambler_init(sq_v34_scrambler *s, int answer_modem)
{
    s->reg = 0;
    s->tap = answer_modem ? 5 : 18;
}

static int feedback(const sq_v34_scrambler *s)
{
    return (int)(((s->reg >> (s->tap - 1)) ^ (s->reg >> 22)) & 1u);
}

int sq_v34_scramble(sq_v34_scrambler *s, int bit)
{
    int out = (bit & 1) ^ feedback(s);
    s->reg = ((s->reg << 1) | (uint32_t)out) & 0x7FFFFFu;
    return out;
}

int sq_v34_descramble(sq_v34_scrambler *s, int line_bit)
{
    int out = (line_bit & 1) ^ feedback(s);
    s->reg = ((s->reg << 1) | (uint32_t)(line_bit & 1)) & 0x7FFFFFu;
    return out;
}

/* Figure 5's quarter-superconstellation: points 0 ... 3 */
static const float QUARTER[4][2] = { { 1, 1 }, { -3, 1 }, { 1, -3 }, { -3, -3 } };

static float complex turn_clockwise(float complex p, int z)
{
    for (int i = 0; i < (z & 3); i++)
        p = CMPLXF(cimagf(p), -crealf(p));
    return p;
}

float complex sq_v34_point(int q, int z)
{
    return turn_clockwise(CMPLXF(QUARTER[q & 3][0], QUARTER[q & 3][1]), z);
}

static float nearest_level(float v, int points)
{
    if (points == 4)
        return v >= 0.0f ? 1.0f : -1.0f;
    return v >= 2.0f ? 3.0f : v >= 0.0f ? 1.0f : v >= -2.0f ? -1.0f : -3.0f;
}

float complex sq_v34_decide(float complex y, int points)
{
    return CMPLXF(nearest_level(crealf(y), points), nearest_level(cimagf(y), points));
}

void sq_v34_point_index(float complex p, int *q, int *z)
{
    for (int r = 0; r < 4; r++) {
        /* undo r clockwise quarter-turns: r counter-clockwise ones */
        float complex u = turn_clockwise(p, 4 - r);
        float a = crealf(u), b = cimagf(u);
        if ((a == 1.0f || a == -3.0f) && (b == 1.0f || b == -3.0f)) {
            *q = (a == -3.0f) + 2 * (b == -3.0f);
            *z = r;
            return;
        }
    }
    *q = 0;
    *z = 0;
}

float complex sq_v34_s_symbol(long r)
{
    /* S alternates point 0 and point 0 a quarter-turn counter-clockwise, ending on the latter;
     * S-bar is the same turned half a turn, starting from point 0 so turned */
    float complex p = (r & 1) ? CMPLXF(-1.0f, 1.0f) : CMPLXF(1.0f, 1.0f);
    return r < 0 ? p : -p;
}

float complex sq_v34_pp_symbol(int i)
{
    int k = i / 4, m = i % 4;
    double angle = (k % 3 == 1) ? M_PI * (k * m + 4) / 6.0 : M_PI * k * m / 6.0;
    return (float)M_SQRT2 * CMPLXF((float)cos(angle), (float)sin(angle));
}

void sq_v34_trn_init(sq_v34_trn *t, int answer_modem, int points)
{
    sq_v34_scrambler_init(&t->scr, answer_modem);
    t->points = points;
}

float complex sq_v34_trn_next(sq_v34_trn *t)
{
    int i1 = sq_v34_scramble(&t->scr, 1), i2 = sq_v34_scramble(&t->scr, 1);
    int q = 0;
    if (t->points == 16) {
        int q1 = sq_v34_scramble(&t->scr, 1), q2 = sq_v34_scramble(&t->scr, 1);
        q = 2 * q2 + q1;
    }
    return sq_v34_point(q, 2 * i2 + i1);
}

void sq_v34_diff_init(sq_v34_diff *d, int answer_modem, int points, float complex last_trn)
{
    int q;
    sq_v34_scrambler_init(&d->scr, answer_modem);
    d->points = points;
    sq_v34_point_index(sq_v34_decide(last_trn, 16), &q, &d->z);
}

float complex sq_v34_diff_encode(sq_v34_diff *d, const int *bits)
{
    int i1 = sq_v34_scramble(&d->scr, bits[0]), i2 = sq_v34_scramble(&d->scr, bits[1]);
    int q = 0;
    if (d->points == 16) {
        int q1 = sq_v34_scramble(&d->scr, bits[2]), q2 = sq_v34_scramble(&d->scr, bits[3]);
        q = 2 * q2 + q1;
    }
    d->z = (d->z + 2 * i2 + i1) & 3;
    return sq_v34_point(q, d->z);
}

int sq_v34_diff_decode(sq_v34_diff *d, float complex decided, int *bits)
{
    int q, z;
    sq_v34_point_index(decided, &q, &z);
    int turns = (z - d->z) & 3;
    d->z = z;
    bits[0] = sq_v34_descramble(&d->scr, turns & 1);
    bits[1] = sq_v34_descramble(&d->scr, turns >> 1);
    if (d->points != 16)
        return 2;
    bits[2] = sq_v34_descramble(&d->scr, q & 1);
    bits[3] = sq_v34_descramble(&d->scr, q >> 1);
    return 4;
}

/* ---- MP (Tables 20 and 21): 16-bit blocks, each after a start bit 0 ---- */

#define MP_TYPE_BIT 18
#define MP_FIRST_START 17
#define MP_BLOCK 17                  /* a start bit and 16 bits */

static void put_field(uint8_t *bits, size_t first, size_t width, unsigned v)
{
    for (size_t i = 0; i < width; i++)
        bits[first + i] = (uint8_t)((v >> i) & 1u);
}

static unsigned get_field(const uint8_t *bits, size_t first, size_t width)
{
    unsigned v = 0;
    for (size_t i = 0; i < width; i++)
        v |= (unsigned)(bits[first + i] & 1u) << i;
    return v;
}

/* Blocks of information before the CRC's: 3 in type 0, 9 in type 1. */
static size_t info_blocks(int type)
{
    return type ? 9 : 3;
}

/* The CRC over the information blocks: as the clause reads, each block's 16 bits after its
 * start bit; or, in the variant, each 16 bits from the start bit on. */
static uint16_t mp_crc(const uint8_t *bits, int type, int variant)
{
    uint16_t crc = SQ_V34_CRC_PRESET;
    for (size_t b = 0; b < info_blocks(type); b++) {
        size_t first = MP_FIRST_START + b * MP_BLOCK + (variant ? 0 : 1);
        for (size_t i = 0; i < 16; i++)
            crc = sq_v34_crc_bit(crc, bits[first + i]);
    }
    return crc;
}

static size_t crc_position(int type)
{
    return MP_FIRST_START + info_blocks(type) * MP_BLOCK + 1;
}

size_t sq_v34_mp_to_bits(const sq_v34_mp *mp, uint8_t *bits)
{
    int type = mp->type ? 1 : 0;
    size_t n = type ? SQ_V34_MP1_BITS : SQ_V34_MP0_BITS;
    memset(bits, 0, n);
    memset(bits, 1, SQ_V34_MP_SYNC_BITS);
    bits[MP_TYPE_BIT] = (uint8_t)type;
    put_field(bits, 20, 4, mp->rate_call_to_answer);
    put_field(bits, 24, 4, mp->rate_answer_to_call);
    bits[28] = mp->aux_channel & 1u;
    put_field(bits, 29, 2, mp->trellis);
    bits[31] = mp->nonlinear & 1u;
    bits[32] = mp->shaping & 1u;
    bits[33] = mp->acknowledge & 1u;
    put_field(bits, 35, 14, mp->rate_mask);
    bits[50] = mp->asymmetric & 1u;
    if (type)
        for (size_t c = 0; c < 6; c++)
            put_field(bits, 52 + c * MP_BLOCK, 16, (uint16_t)mp->precoder[c]);
    put_field(bits, crc_position(type), 16, mp_crc(bits, type, 0));
    return n;
}

int sq_v34_mp_from_bits(const uint8_t *bits, size_t n, sq_v34_mp *mp)
{
    if (n < SQ_V34_MP0_BITS)
        return -1;
    for (size_t i = 0; i < SQ_V34_MP_SYNC_BITS; i++)
        if (!bits[i])
            return 0;
    int type = bits[MP_TYPE_BIT] & 1;
    size_t len = type ? SQ_V34_MP1_BITS : SQ_V34_MP0_BITS;
    if (n < len)
        return -1;
    for (size_t b = 0; b <= info_blocks(type); b++)   /* start bits, the CRC's too */
        if (bits[MP_FIRST_START + b * MP_BLOCK])
            return 0;
    unsigned crc = get_field(bits, crc_position(type), 16);
    int alt = 0;
    if (crc != mp_crc(bits, type, 0)) {
        if (crc != mp_crc(bits, type, 1))
            return 0;
        alt = 1;
    }
    memset(mp, 0, sizeof *mp);
    mp->type = (uint8_t)type;
    mp->rate_call_to_answer = (uint8_t)get_field(bits, 20, 4);
    mp->rate_answer_to_call = (uint8_t)get_field(bits, 24, 4);
    mp->aux_channel = bits[28] & 1u;
    mp->trellis = (uint8_t)get_field(bits, 29, 2);
    mp->nonlinear = bits[31] & 1u;
    mp->shaping = bits[32] & 1u;
    mp->acknowledge = bits[33] & 1u;
    mp->rate_mask = (uint16_t)get_field(bits, 35, 14);
    mp->asymmetric = bits[50] & 1u;
    mp->crc_alt = (uint8_t)alt;
    if (type)
        for (size_t c = 0; c < 6; c++)
            mp->precoder[c] = (int16_t)get_field(bits, 52 + c * MP_BLOCK, 16);
    return (int)len;
}

/* The highest rate (in 2400 bit/s steps) both masks hold at or under limit, 0 if none. */
static int highest_common(unsigned mask, int limit)
{
    for (int n = limit; n >= 1; n--)
        if (mask & (1u << (n - 1)))
            return n;
    return 0;
}

static int min4(int a, int b, int c, int d)
{
    int m = a < b ? a : b;
    m = m < c ? m : c;
    return m < d ? m : d;
}

void sq_v34_mp_rates(const sq_v34_mp *a, const sq_v34_mp *b, int *call_to_answer_bps, int *answer_to_call_bps)
{
    unsigned mask = (unsigned)(a->rate_mask & b->rate_mask);
    int up, down;
    if (a->asymmetric && b->asymmetric) {
        up = highest_common(mask, a->rate_call_to_answer < b->rate_call_to_answer ? a->rate_call_to_answer : b->rate_call_to_answer);
        down = highest_common(mask, a->rate_answer_to_call < b->rate_answer_to_call ? a->rate_answer_to_call : b->rate_answer_to_call);
    } else {
        up = down = highest_common(mask, min4(a->rate_call_to_answer, b->rate_call_to_answer, a->rate_answer_to_call,
                                              b->rate_answer_to_call));
    }
    *call_to_answer_bps = 2400 * up;
    *answer_to_call_bps = 2400 * down;
}

/* ---- symbol rates and carriers (Table 1) ---- */

static const struct { int a, c, low_d, low_e, high_d, high_e; } TABLE1[SQ_V34_SYMBOL_RATES] = {
    { 1, 1, 2, 3, 3, 4 }, { 8, 7, 3, 5, 2, 3 }, { 7, 6, 3, 5, 2, 3 },
    { 5, 4, 3, 5, 2, 3 }, { 4, 3, 4, 7, 3, 5 }, { 10, 7, 4, 7, 4, 7 },
};

double sq_v34_symbol_rate(int code)
{
    return code >= 0 && code < SQ_V34_SYMBOL_RATES ? 2400.0 * TABLE1[code].a / TABLE1[code].c : 0.0;
}

double sq_v34_carrier_hz(int code, int high)
{
    if (code < 0 || code >= SQ_V34_SYMBOL_RATES)
        return 0.0;
    return high ? sq_v34_symbol_rate(code) * TABLE1[code].high_d / TABLE1[code].high_e
                : sq_v34_symbol_rate(code) * TABLE1[code].low_d / TABLE1[code].low_e;
}

int sq_v34_symbol_rate_code(double symbols_per_s)
{
    for (int k = 0; k < SQ_V34_SYMBOL_RATES; k++)
        if (fabs(sq_v34_symbol_rate(k) - symbols_per_s) < 1.0)
            return k;
    return -1;
}
