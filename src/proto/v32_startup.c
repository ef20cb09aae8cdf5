/* One V.32bis modem's start-up, data and renegotiation as audio (squeal/v32.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "dsp/cmplx.h"
#include "dsp/v34.h"
#include "src/proto/v32_constellations.h"
#include "src/proto/v32_train.h"
#include "squeal/error.h"
#include "squeal/v32.h"

#define AA_S 0.6
#define CC_SYMBOLS 64            /* 64 T +- 2 T (Figure 3) */
#define CALLER_WAITS_S 1.5       /* the caller's silence while the answerer trains */
#define AC_SYMBOLS 512           /* AC for 128 T at least, then CA for 64 T and AC for 16 T */
#define CA_SYMBOLS 64
#define AC_AGAIN_SYMBOLS 16
#define TRN_SYMBOLS 1280
#define R1_REPEATS 40
#define CALLER_TRAINS_S 0.9      /* the answerer's silence after R1 */
#define R_REPEATS 24             /* R2, R3 */
#define RENEGOTIATION_R_REPEATS 12
#define CLEARDOWN_E_REPEATS 8
#define DATA_AFTER_S 1.0

typedef struct symbols {
    float complex *x;
    size_t n, cap;
} symbols;

static int put(symbols *s, float complex z)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 8192;
        float complex *x = realloc(s->x, cap * sizeof *x);
        if (!x)
            return -1;
        s->x = x;
        s->cap = cap;
    }
    s->x[s->n++] = z;
    return 0;
}

static int put_state_run(symbols *s, int answerer, long from_r, long to_r)
{
    for (long r = from_r; r < to_r; r++)
        if (put(s, sq_v32_preamble_symbol(answerer, r)) != 0)
            return -1;
    return 0;
}

/* count copies of seq through diff, appended */
static int put_sequences(symbols *s, sq_v32_diff *diff, unsigned seq, int count)
{
    size_t n = (size_t)count * SQ_V32_RATE_BITS / 2;   /* (a first call to size it would move diff on) */
    for (size_t i = 0; i < n; i++)
        if (put(s, 0.0f) != 0)
            return -1;
    (void)sq_v32_sequence_symbols(diff, seq, count, s->x + s->n - n, n);
    return 0;
}

/* S, S-bar and TRN (5.2), then count copies of the rate sequence for `rates` (and one E naming
 * `chosen` when e_rates is set): the differential coder from TRN's last symbol. */
static int put_training(symbols *s, int answerer, unsigned rates, int count, int e, unsigned chosen)
{
    for (long r = -SQ_V32_S_SYMBOLS; r < 16; r++)
        if (put(s, sq_v32_s_symbol(r)) != 0)
            return -1;
    sq_v32_trn trn;
    sq_v32_trn_init(&trn, answerer);
    float complex last = 0.0f;
    for (int i = 0; i < TRN_SYMBOLS; i++)
        if (put(s, last = sq_v32_trn_next(&trn)) != 0)
            return -1;
    sq_v32_diff diff;
    sq_v32_diff_init(&diff, answerer, last);
    if (put_sequences(s, &diff, sq_v32_sequence(rates, 0), count) != 0)
        return -1;
    return e ? put_sequences(s, &diff, sq_v32_sequence(chosen, 1), 1) : 0;
}

/* seconds of random points of the constellation for rate_bps (V.32bis's: trellis coded at
 * 9600), at the 4-point set's power */
static int put_data(symbols *s, int rate_bps, double seconds, uint64_t *seed)
{
    float complex points[SQ_V32_MAX_POINTS];
    size_t n = sq_v32_data_points(rate_bps, 1, points);
    float scale = sqrtf(2.0f / (float)(sq_v32_data_mean_power(rate_bps, 1) / 20.0));
    for (long i = 0; i < lround(seconds * SQ_V32_SYMBOL_RATE); i++) {
        *seed = *seed * 6364136223846793005ull + 1442695040888963407ull;
        /* the standard's coordinates in the states' terms (v32_train.h: a point / (4 - 2i)) */
        if (put(s, scale * points[(*seed >> 33) % n] / CMPLXF(4.0f, -2.0f)) != 0)
            return -1;
    }
    return 0;
}

static int put_silence(symbols *s, double seconds)
{
    for (long i = 0; i < lround(seconds * SQ_V32_SYMBOL_RATE); i++)
        if (put(s, 0.0f) != 0)
            return -1;
    return 0;
}

/* the rates 4800..top as a mask of sq_v32_rates_of_bits (bit k: 2400 (k + 1) bit/s) */
static unsigned rates_to(int top_bps)
{
    unsigned mask = 0;
    for (int k = 1; k < 6; k++)
        if (2400 * (k + 1) <= top_bps)
            mask |= 1u << k;
    return mask;
}

static unsigned one_rate(int bps)
{
    return bps ? 1u << (bps / 2400 - 1) : 0u;
}

void sq_v32_startup_default_params(sq_v32_startup_params *p)
{
    memset(p, 0, sizeof *p);
    p->rate_bps = p->max_rate_bps = 14400;
    p->data_s = 2.0;
    p->level_dbm0 = -13.0;
}

static int valid(const sq_v32_startup_params *p)
{
    int reneg = p->renegotiate_bps;
    return p->rate_bps >= 4800 && p->rate_bps <= 14400 && p->rate_bps % 2400 == 0 && p->max_rate_bps >= p->rate_bps &&
           p->max_rate_bps <= 14400 && p->max_rate_bps % 2400 == 0 && p->data_s >= 0.5 && p->data_s <= 60.0 &&
           (reneg == 0 || reneg == SQ_V32_CLEARDOWN || (reneg >= 4800 && reneg <= 14400 && reneg % 2400 == 0)) &&
           fabs(p->offset_hz) <= 100.0 && p->level_dbm0 >= -60.0 && p->level_dbm0 <= 3.0 &&
           (p->retrain == 0 || (p->retrain == 1 && reneg == 0));
}

/* One side's start-up from its first tone to its E (6.1, 6.2; a retrain's too, 7). */
static int put_startup(symbols *s, int answerer, unsigned offered, unsigned chosen)
{
    if (answerer)   /* AC, CA, AC (AC ends on C, CA starts on it: sq_v32_preamble_symbol) */
        return put_state_run(s, 1, -AC_SYMBOLS, 0) != 0 || put_state_run(s, 1, 0, CA_SYMBOLS) != 0 ||
                       put_state_run(s, 1, -AC_AGAIN_SYMBOLS, 0) != 0 || put_training(s, 1, offered, R1_REPEATS, 0, 0) != 0 ||
                       put_silence(s, CALLER_TRAINS_S) != 0 || put_training(s, 1, chosen, R_REPEATS, 1, chosen) != 0
                   ? -1
                   : 0;
    return put_state_run(s, 0, -lround(AA_S * SQ_V32_SYMBOL_RATE), 0) != 0 || put_state_run(s, 0, 0, CC_SYMBOLS) != 0 ||
                   put_silence(s, CALLER_WAITS_S) != 0 || put_training(s, 0, offered, R_REPEATS, 1, chosen) != 0
               ? -1
               : 0;
}

static int build_symbols(const sq_v32_startup_params *p, symbols *s)
{
    uint64_t seed = p->seed * 0x9E3779B97F4A7C15ull + 7;
    int answerer = p->answer_modem != 0, cleardown = p->renegotiate_bps == SQ_V32_CLEARDOWN;
    unsigned offered = rates_to(p->max_rate_bps), chosen = one_rate(p->rate_bps);
    if (put_startup(s, answerer, offered, chosen) != 0 || put_data(s, p->rate_bps, p->data_s, &seed) != 0)
        return -1;
    if (p->retrain)   /* straight out of the data, the start-up again from its tone (7.1, 7.2) */
        return put_startup(s, answerer, offered, chosen) != 0 ? -1 : put_data(s, p->rate_bps, p->data_s, &seed);
    if (!p->renegotiate_bps)
        return 0;
    int to = cleardown ? 0 : p->renegotiate_bps;
    unsigned asked = rates_to(to);
    int e_count = cleardown ? CLEARDOWN_E_REPEATS : 1;
    size_t n = sq_v32_renegotiation_symbols(answerer, asked, RENEGOTIATION_R_REPEATS, one_rate(to), e_count, NULL, 0);
    for (size_t i = 0; i < n; i++)
        if (put(s, 0.0f) != 0)
            return -1;
    (void)sq_v32_renegotiation_symbols(answerer, asked, RENEGOTIATION_R_REPEATS, one_rate(to), e_count, s->x + s->n - n, n);
    return cleardown ? 0 : put_data(s, to, DATA_AFTER_S, &seed);
}

size_t sq_v32_startup_modulate(const sq_v32_startup_params *p, float *out, size_t max)
{
    if (!p || !valid(p))
        return 0;
    symbols s = { 0 };
    sq_v34_tx *tx = NULL;
    if (build_symbols(p, &s) != 0 ||
        sq_v34_tx_create(SQ_V32_SYMBOL_RATE, SQ_V32_CARRIER_HZ + p->offset_hz, p->level_dbm0, &tx) != SQ_OK) {
        free(s.x);
        return 0;
    }
    size_t n = 0;
    float chunk[64];
    for (size_t i = 0; i <= s.n; i++) {
        size_t got;
        if (i < s.n) {
            sq_v34_tx_symbol(tx, s.x[i]);
            got = sq_v34_tx_read(tx, chunk, sizeof chunk / sizeof chunk[0]);
        } else {
            got = sq_v34_tx_flush(tx, chunk, sizeof chunk / sizeof chunk[0]);
        }
        for (size_t k = 0; k < got; k++, n++)
            if (out && n < max)
                out[n] = chunk[k];
    }
    sq_v34_tx_destroy(tx);
    free(s.x);
    return n;
}
