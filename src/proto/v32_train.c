/* V.32 / V.32bis training as symbols and bits (src/proto/v32_train.h; V.32bis 5.2, 5.3). */
#include "dsp/cmplx.h"
#include "src/proto/v32_train.h"

float complex sq_v32_state(int state)
{
    static const float XY[4][2] = { { -1, -1 }, { 1, -1 }, { 1, 1 }, { -1, 1 } };
    return CMPLXF(XY[state & 3][0], XY[state & 3][1]);
}

float complex sq_v32_s_symbol(long r)
{
    if (r < 0)
        return sq_v32_state((r & 1) ? SQ_V32_B : SQ_V32_A);
    return sq_v32_state((r & 1) ? SQ_V32_D : SQ_V32_C);
}

void sq_v32_trn_init(sq_v32_trn *t, int answer_modem)
{
    sq_v34_scrambler_init(&t->scr, answer_modem);
    t->i = 0;
}

float complex sq_v32_trn_next(sq_v32_trn *t)
{
    int b1 = sq_v34_scramble(&t->scr, 1), b2 = sq_v34_scramble(&t->scr, 1);
    if (t->i++ < SQ_V32_TRN_TWO_STATES)
        return sq_v32_state(b1 ? SQ_V32_C : SQ_V32_A);
    /* 00 A, 01 B, 11 C, 10 D */
    static const int STATE[2][2] = { { SQ_V32_A, SQ_V32_B }, { SQ_V32_D, SQ_V32_C } };
    return sq_v32_state(STATE[b1][b2]);
}

/* A state's quarter-turns counter-clockwise from A (A 0, B 1, C 2, D 3). */
static int turns_of(float complex p)
{
    float a = crealf(p), b = cimagf(p);
    return a < 0 ? (b < 0 ? 0 : 3) : (b < 0 ? 1 : 2);
}

void sq_v32_diff_init(sq_v32_diff *d, int answer_modem, float complex last_trn)
{
    sq_v34_scrambler_init(&d->scr, answer_modem);
    d->last = turns_of(last_trn);
}

/* Table 2: Q1 Q2 = 00 a quarter-turn, 01 none, 10 a half, 11 three quarters */
static const int TURNS[2][2] = { { 1, 0 }, { 2, 3 } };

float complex sq_v32_diff_encode(sq_v32_diff *d, int q1, int q2)
{
    int s1 = sq_v34_scramble(&d->scr, q1), s2 = sq_v34_scramble(&d->scr, q2);
    d->last = (d->last + TURNS[s1][s2]) & 3;
    return sq_v32_state(d->last);
}

void sq_v32_diff_decode(sq_v32_diff *d, float complex decided, int *q1, int *q2)
{
    int now = turns_of(decided), step = (now - d->last) & 3;
    d->last = now;
    int s1 = step >= 2, s2 = step == 0 || step == 3;
    *q1 = sq_v34_descramble(&d->scr, s1);
    *q2 = sq_v34_descramble(&d->scr, s2);
}

int sq_v32_sequence_kind(unsigned bits)
{
    unsigned sync = bits & 0xFu;
    int marks = ((bits >> 7) & 1u) && ((bits >> 11) & 1u) && ((bits >> 15) & 1u);
    if (!marks)
        return 0;
    return sync == 0 ? 1 : sync == 0xFu ? 2 : 0;
}

/* bit positions of 4800, 7200, 9600, 12000, 14400 (Table 5) */
static const int RATE_BIT[5] = { 5, 9, 6, 10, 12 };

unsigned sq_v32_rates_of_bits(unsigned bits)
{
    unsigned mask = 0;
    for (int k = 0; k < 5; k++)
        if ((bits >> RATE_BIT[k]) & 1u)
            mask |= 1u << (k + 1);
    return mask;
}

unsigned sq_v32_sequence(unsigned rates, int e)
{
    /* B4 and B8 say V.32bis; with no rate, B4 is 0 too: a cleardown (Table 5, note 3) */
    unsigned bits = (e ? 0xFu : 0u) | (rates ? 1u << 4 : 0u) | 1u << 7 | 1u << 8 | 1u << 11 | 1u << 15;
    for (int k = 0; k < 5; k++)
        if (rates & (1u << (k + 1)))
            bits |= 1u << RATE_BIT[k];
    return bits;
}

static void put(float complex *out, size_t max, size_t *n, float complex z)
{
    if (*n < max)
        out[*n] = z;
    (*n)++;
}

/* count copies of 16-bit sequence seq through the differential coder */
static void put_sequence(float complex *out, size_t max, size_t *n, sq_v32_diff *diff, unsigned seq, int count)
{
    for (int c = 0; c < count; c++)
        for (int b = 0; b < SQ_V32_RATE_BITS; b += 2)
            put(out, max, n, sq_v32_diff_encode(diff, (int)(seq >> b) & 1, (int)(seq >> (b + 1)) & 1));
}

size_t sq_v32_sequence_symbols(sq_v32_diff *diff, unsigned seq, int count, float complex *out, size_t max)
{
    size_t n = 0;
    put_sequence(out, out ? max : 0, &n, diff, seq, count);
    return n;
}

size_t sq_v32_training_symbols(int answer_modem, int trn_symbols, unsigned offered, int r_count, unsigned chosen,
                               int r3_count, int tail_symbols, float complex *out, size_t max)
{
    size_t n = 0;
    if (!out)
        max = 0;
    for (long r = -SQ_V32_S_SYMBOLS; r < 16; r++)
        put(out, max, &n, sq_v32_s_symbol(r));
    sq_v32_trn trn;
    sq_v32_trn_init(&trn, answer_modem);
    float complex last = 0.0f;
    for (int i = 0; i < trn_symbols; i++)
        put(out, max, &n, last = sq_v32_trn_next(&trn));
    sq_v32_diff diff;
    sq_v32_diff_init(&diff, answer_modem, last);
    put_sequence(out, max, &n, &diff, sq_v32_sequence(offered, 0), r_count);
    put_sequence(out, max, &n, &diff, sq_v32_sequence(chosen, 0), r3_count);
    put_sequence(out, max, &n, &diff, sq_v32_sequence(chosen, 1), 1);
    sq_v32_trn_init(&trn, answer_modem);
    for (int i = 0; i < tail_symbols; i++)
        put(out, max, &n, sq_v32_trn_next(&trn));
    return n;
}

float complex sq_v32_preamble_symbol(int answer_modem, long r)
{
    if (!answer_modem)   /* AA, then CC */
        return sq_v32_state(r < 0 ? SQ_V32_A : SQ_V32_C);
    int odd = (int)(r & 1);   /* AC ends on C (r = -1), CA starts on it */
    return sq_v32_state((r < 0) == odd ? SQ_V32_C : SQ_V32_A);
}

size_t sq_v32_renegotiation_symbols(int answer_modem, unsigned rates, int r_count, unsigned chosen, int e_count,
                                    float complex *out, size_t max)
{
    size_t n = 0;
    if (!out)
        max = 0;
    for (long r = -SQ_V32_PREAMBLE_TONE_SYMBOLS; r < SQ_V32_PREAMBLE_REVERSED_SYMBOLS; r++)
        put(out, max, &n, sq_v32_preamble_symbol(answer_modem, r));
    sq_v32_diff diff;   /* from the preamble's last symbol, the scrambler zeroed (V.32bis 5.3) */
    sq_v32_diff_init(&diff, answer_modem, sq_v32_preamble_symbol(answer_modem, SQ_V32_PREAMBLE_REVERSED_SYMBOLS - 1));
    put_sequence(out, max, &n, &diff, sq_v32_sequence(rates, 0), r_count);
    put_sequence(out, max, &n, &diff, sq_v32_sequence(chosen, 1), e_count);
    return n;
}
