/* A V.90 digital modem's phases 3 and 4 as PCM codewords (squeal/v90.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "squeal/v90.h"
#include "squeal/time_base.h"
#include "src/proto/v34_crc.h"
#include "src/proto/v34_train.h"
#include "src/proto/v90_pcm.h"

#define SD_PERIODS 64
#define SD_BAR_PERIODS 8
#define TRN1D_SYMBOLS 2040
#define JD_BITS 72
#define JD_PRIME_BITS 12
#define DIL_SEGMENT 12             /* (H + 1) * 6 with H = 1 */
#define DIL_SIGNS 0x2Du            /* SP, 6 bits, bit 0 first: + - + + - + */
#define DIL_SIGN_BITS 6
#define DIL_TRAINING 0xBu          /* TP, 4 bits: training, training, reference, training */
#define DIL_TRAINING_BITS 4
#define DIL_STEP 6                 /* each segment's training Ucode this far under the last */
#define RI_BAR_PERIODS 4

typedef struct pcm_out {
    float *out;
    size_t max, at;
} pcm_out;

/* G.711 mu-law's linear values (V.90 Table 1) with full scale 1.0: the codec's largest
 * magnitude is 8031 of 8192 steps. */
#define LINEAR_FULL_SCALE 32768.0f

/* Ucode u (0..127) as a linear sample. */
static float ucode_level(int u)
{
    return (float)sq_v90_ucode_linear(u, 0) / LINEAR_FULL_SCALE;
}

static void put(pcm_out *o, int u, int positive)
{
    if (o->at < o->max)
        o->out[o->at] = positive ? ucode_level(u) : -ucode_level(u);
    o->at++;
}

/* Jd's 72 bits (Table 13), bit 0 first. */
static void jd_bits(uint8_t bits[JD_BITS])
{
    memset(bits, 0, JD_BITS);
    for (int i = 0; i <= 16; i++)
        bits[i] = 1;                                /* frame sync */
    for (int i = 18; i <= 33; i++)
        bits[i] = 1;                                /* 28000 ... 48000 bit/s */
    for (int i = 35; i <= 40; i++)
        bits[i] = 1;                                /* ... 49333 ... 56000 bit/s */
    bits[49] = 1;                                   /* lookahead 1 */
    uint16_t crc = SQ_V34_CRC_PRESET;
    for (int i = 17; i < 52; i++)                   /* from the first start bit (10.1.2.3.2) */
        if (i != 17 && i != 34 && i != 51)
            crc = sq_v34_crc_bit(crc, bits[i]);
    for (int i = 0; i < 16; i++)
        bits[52 + i] = (uint8_t)((crc >> i) & 1u);
}

static int valid(const sq_v90_startup_params *p)
{
    return p->u_info >= 1 && p->u_info <= 110 && p->dil_segments >= 0 && p->dil_segments <= 255 &&
           p->jd_s >= 0.0 && p->jd_s <= 5.0 && p->dil_s >= 0.0 && p->dil_s <= 5.0 && p->ri_s >= 0.024 &&
           p->ri_s <= 5.0 && p->data_s >= 0.0 && p->data_s <= 60.0 &&
           (!p->cpt || (p->trn2d_s >= 0.1 && p->trn2d_s <= 2.0 && p->mp_max_upstream_bps >= 4800 &&
                        p->mp_max_upstream_bps <= 33600 && p->mp_max_upstream_bps % 2400 == 0 &&
                        p->mp_repeats >= 1 && p->mp_repeats <= 200));
}

#define ED_FRAMES 2

/* Phase 4's bits (8.6.5, 8.6.3, 8.6.2), scrambled, a frame's worth each: TRN2d's 1s, the MPs
 * and MP's, each filled to a whole frame, and Ed's 0s; returns how many frames (0: more than
 * max_frames). */
static size_t phase4_bits(const sq_v90_mapping *m, double trn2d_s, int max_upstream_bps, int repeats, uint8_t *bits,
                          size_t max_frames)
{
    const size_t d = (size_t)(m->k_bits + m->s_bits);
    size_t trn = (size_t)ceil(trn2d_s * SQ_PROCESSING_RATE_HZ / SQ_V90_INTERVALS) * d;
    sq_v34_mp mp = { .rate_answer_to_call = (uint8_t)(max_upstream_bps / 2400) };
    mp.rate_mask = (uint16_t)(((1u << mp.rate_answer_to_call) - 1u) & ~1u);   /* 4800 up: bit 35 is V.90's reserved */
    uint8_t one[SQ_V34_MP1_BITS];
    size_t mp_bits = sq_v34_mp_to_bits(&mp, one), mp_len = (mp_bits + d - 1) / d * d;
    size_t total = trn + 2 * (size_t)repeats * mp_len + ED_FRAMES * d;
    if (total > max_frames * d)
        return 0;
    memset(bits, 0, total);
    memset(bits, 1, trn);
    for (int i = 0; i < 2 * repeats; i++) {
        mp.acknowledge = i >= repeats;
        sq_v34_mp_to_bits(&mp, bits + trn + (size_t)i * mp_len);
    }
    sq_v34_scrambler scr;
    sq_v34_scrambler_init(&scr, 0);   /* GPC (5.3), zeroed as TRN2d starts */
    for (size_t i = 0; i < total; i++)
        bits[i] = (uint8_t)sq_v34_scramble(&scr, bits[i]);
    return total / d;
}

size_t sq_v90_phase4_codes(const sq_v90_mapping *m, double trn2d_s, int max_upstream_bps, int repeats, int *pcm,
                           size_t max)
{
    size_t d = (size_t)(m->k_bits + m->s_bits);
    size_t frames = (size_t)ceil(trn2d_s * SQ_PROCESSING_RATE_HZ / SQ_V90_INTERVALS) +
                    2 * (size_t)repeats * ((SQ_V34_MP0_BITS + d - 1) / d) + ED_FRAMES;
    uint8_t *bits = frames * SQ_V90_INTERVALS <= max ? malloc(frames * d) : NULL;
    frames = bits ? phase4_bits(m, trn2d_s, max_upstream_bps, repeats, bits, frames) : 0;
    if (frames)
        sq_v90_encode(m, bits, frames, pcm);
    free(bits);
    return frames * SQ_V90_INTERVALS;
}

/* The mapping of a CP (as its bits say it); 0, or -1 when its rate does not fit it. */
static int mapping_of(const sq_v90_cp *cp, sq_v90_mapping *m)
{
    uint8_t bits[SQ_V90_CP_MAX_BITS];
    size_t len = sq_v90_cp_to_bits(cp, bits);
    return len ? sq_v90_mapping_from_cp(bits, len, 0, m) : -1;
}

static void put_codes(pcm_out *o, const int *pcm, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (o->at < o->max)
            o->out[o->at] = (float)pcm[i] / LINEAR_FULL_SCALE;
        o->at++;
    }
}

/* Phase 4 after R-bar i, as linear samples into o. 0 when the CPt has no mapping. */
static int phase4(pcm_out *o, const sq_v90_startup_params *p)
{
    sq_v90_mapping m;
    if (mapping_of(p->cpt, &m) != 0)
        return 0;
    size_t max = (size_t)(2.5 * SQ_PROCESSING_RATE_HZ) + 2 * 200 * SQ_V34_MP0_BITS * SQ_V90_INTERVALS;
    int *pcm = malloc(max * sizeof *pcm);
    size_t n = pcm ? sq_v90_phase4_codes(&m, p->trn2d_s, p->mp_max_upstream_bps, p->mp_repeats, pcm, max) : 0;
    put_codes(o, pcm, n);
    free(pcm);
    return n > 0;
}

#define B1D_FRAMES 48

/* B1d (8.6.1: scrambled 1s) and data_s of random bits, in CP's constellations, the scrambler
 * and encoder started afresh as B1d begins: into o. 0 when CP's rate does not fit its
 * constellations (then the data is random codewords). */
static int data(pcm_out *o, const sq_v90_startup_params *p)
{
    sq_v90_mapping m;
    if (mapping_of(p->cp, &m) != 0)
        return 0;
    const size_t d = (size_t)(m.k_bits + m.s_bits);
    size_t frames = B1D_FRAMES + (size_t)ceil(p->data_s * SQ_PROCESSING_RATE_HZ / SQ_V90_INTERVALS);
    uint8_t *bits = malloc(frames * d);
    int *pcm = malloc(frames * SQ_V90_INTERVALS * sizeof *pcm);
    if (bits && pcm) {
        sq_v34_scrambler scr;
        sq_v34_scrambler_init(&scr, 0);
        uint32_t lcg = 12345u;
        for (size_t i = 0; i < frames * d; i++) {
            lcg = lcg * 1664525u + 1013904223u;
            bits[i] = (uint8_t)sq_v34_scramble(&scr, i < B1D_FRAMES * d ? 1 : (int)(lcg >> 31));
        }
        sq_v90_encode(&m, bits, frames, pcm);
        put_codes(o, pcm, frames * SQ_V90_INTERVALS);
    }
    free(bits);
    free(pcm);
    return bits && pcm;
}

static void dil(pcm_out *o, const sq_v90_startup_params *p)
{
    size_t total = (size_t)(p->dil_s * SQ_PROCESSING_RATE_HZ), one = (size_t)p->dil_segments * DIL_SEGMENT;
    if (one == 0)
        return;
    total = (total + one - 1) / one * one;          /* ended on a segment boundary */
    for (size_t i = 0; i < total; i++) {
        size_t segment = i % one / DIL_SEGMENT, k = i % DIL_SEGMENT;
        int training = (DIL_TRAINING >> (k % DIL_TRAINING_BITS)) & 1u;
        int u = training ? p->u_info - DIL_STEP * (int)(segment % 8) : p->u_info;
        put(o, u < 1 ? 1 : u, (DIL_SIGNS >> (k % DIL_SIGN_BITS)) & 1u);
    }
}

#define RD_PERIODS 64               /* Rd 384 T, then R-bar d 24 T (V.90 9.6.1.1.1) */
#define RD_BAR_PERIODS 4

/* A rate renegotiation out of data (V.90 9.6.1.1), or a cleardown (9.7) with renegotiate_bps
 * SQ_V34_CLEARDOWN: Rd (8.6.4: R in the largest codeword of each interval of CP's data
 * constellations) for 384 T and R-bar d for 24 T from a frame's start, then TRN2d (trn2d_s,
 * none when 0: it is optional there), MPs and
 * MP's offering renegotiate_bps upstream at most (0 to clear down) and Ed, in CPt's
 * constellations (8.6); then B1d and data again, or nothing after a cleardown's. 0 when a
 * mapping cannot be made. */
static int renegotiation(pcm_out *o, const sq_v90_startup_params *p, int renegotiate_bps, double trn2d_s)
{
    sq_v90_mapping data_map, train_map;
    if (mapping_of(p->cp, &data_map) != 0 || mapping_of(p->cpt, &train_map) != 0)
        return 0;
    for (int i = 0; i < 6 * (RD_PERIODS + RD_BAR_PERIODS); i++) {
        int positive = (i % 6 < 3) == (i < 6 * RD_PERIODS);
        int level = data_map.level[i % SQ_V90_INTERVALS][0];
        put_codes(o, &(int){ positive ? level : -level }, 1);
    }
    int cleardown = renegotiate_bps == SQ_V34_CLEARDOWN;
    size_t max = (size_t)(2.5 * SQ_PROCESSING_RATE_HZ) + 2 * 200 * SQ_V34_MP0_BITS * SQ_V90_INTERVALS;
    int *pcm = malloc(max * sizeof *pcm);
    size_t n = pcm ? sq_v90_phase4_codes(&train_map, trn2d_s, cleardown ? 0 : renegotiate_bps, p->mp_repeats, pcm, max)
                   : 0;
    put_codes(o, pcm, n);
    free(pcm);
    return n > 0 && (cleardown || data(o, p));
}

size_t sq_v90_startup_modulate(const sq_v90_startup_params *p, float *out, size_t max)
{
    return sq_v90_startup_modulate_renegotiating(p, NULL, 0, 0.0, out, max);
}

/* Whether each of the `count` renegotiations can be made (a cleardown only last). */
static int renegotiations_valid(const sq_v90_startup_params *p, const int *bps, size_t count, double trn2d_s)
{
    if (!count)
        return 1;
    if (!bps || count > SQ_V90_MAX_RENEGOTIATIONS || !p->cpt || !p->cp || !(trn2d_s == 0.0 || (trn2d_s >= 0.1 && trn2d_s <= 2.0)))
        return 0;
    for (size_t i = 0; i < count; i++)
        if (bps[i] == SQ_V34_CLEARDOWN ? i + 1 < count : bps[i] < 4800 || bps[i] > 33600 || bps[i] % 2400)
            return 0;
    return 1;
}

size_t sq_v90_startup_modulate_renegotiating(const sq_v90_startup_params *p, const int *renegotiate_bps, size_t count,
                                             double trn2d_s, float *out, size_t max)
{
    if (!p || !valid(p) || !renegotiations_valid(p, renegotiate_bps, count, trn2d_s))
        return 0;
    pcm_out o = { out, out ? max : 0, 0 };
    static const int sd_shape[6] = { 1, 0, 1, -1, 0, -1 };   /* +W +0 +W -W -0 -W */
    int w = 16 + p->u_info;
    for (int i = 0; i < 6 * (SD_PERIODS + SD_BAR_PERIODS); i++) {
        int s = sd_shape[i % 6] * (i < 6 * SD_PERIODS ? 1 : -1);
        put(&o, s ? w : 0, s > 0);
    }
    sq_v34_scrambler scr;
    sq_v34_scrambler_init(&scr, 0);                 /* GPC, zeroed */
    int sign = 1;
    for (int i = 0; i < TRN1D_SYMBOLS; i++) {
        sign = sq_v34_scramble(&scr, 1);
        put(&o, p->u_info, sign);
    }
    uint8_t bits[JD_BITS];
    jd_bits(bits);
    size_t jd_frames = (size_t)ceil(p->jd_s * SQ_PROCESSING_RATE_HZ / JD_BITS);
    for (size_t i = 0; i < (jd_frames ? jd_frames : 1) * JD_BITS + JD_PRIME_BITS; i++) {
        int bit = i < (jd_frames ? jd_frames : 1) * JD_BITS ? bits[i % JD_BITS] : 0;
        sign ^= sq_v34_scramble(&scr, bit);         /* differential: a 1 turns the sign */
        put(&o, p->u_info, sign);
    }
    dil(&o, p);
    size_t ri_periods = (size_t)ceil(p->ri_s * SQ_PROCESSING_RATE_HZ / 6);
    for (size_t i = 0; i < 6 * (ri_periods + RI_BAR_PERIODS); i++)
        put(&o, p->u_info, (i % 6 < 3) == (i < 6 * ri_periods));
    if (p->cpt && !phase4(&o, p))
        return 0;
    if (p->cpt && p->cp && data(&o, p))
    {
        for (size_t i = 0; i < count; i++)
            if (!renegotiation(&o, p, renegotiate_bps[i], trn2d_s))
                return 0;
        return o.at;
    }
    if (count)   /* no data in CP's constellations to renegotiate out of */
        return 0;
    uint32_t lcg = 12345u;                          /* data: random codewords and signs */
    for (size_t i = 0; i < (size_t)(p->data_s * SQ_PROCESSING_RATE_HZ); i++) {
        lcg = lcg * 1664525u + 1013904223u;
        put(&o, (int)(lcg >> 25), (lcg >> 24) & 1u);
    }
    return o.at;
}

void sq_v90_startup_default_params(sq_v90_startup_params *p)
{
    memset(p, 0, sizeof *p);
    p->u_info = 76;
    p->dil_segments = 8;
    p->jd_s = 0.5;
    p->dil_s = 1.0;
    p->ri_s = 0.3;
    p->data_s = 0.5;
    p->trn2d_s = 0.5;
    p->mp_max_upstream_bps = 28800;
    p->mp_repeats = 8;
}
