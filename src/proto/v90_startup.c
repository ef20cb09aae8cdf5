/* A V.90 digital modem's phases 3 and 4 as PCM codewords (squeal/v90.h). */
#include <math.h>
#include <string.h>
#include "squeal/v90.h"
#include "squeal/time_base.h"
#include "src/proto/v34_crc.h"
#include "src/proto/v34_train.h"

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

/* G.711 mu-law: Ucode u (0..127, 16 chords of 16 steps from the smallest magnitude) as a
 * linear sample, full scale 1.0 (the codec's largest magnitude is 8031 of 8192 steps). */
static float ucode_level(int u)
{
    if (u <= 0)
        return 0.0f;
    int chord = u >> 4, step = u & 15;
    return (float)((((2 * step + 33) << chord) - 33) / 8192.0);
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
           p->ri_s <= 5.0 && p->data_s >= 0.0 && p->data_s <= 60.0;
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

size_t sq_v90_startup_modulate(const sq_v90_startup_params *p, float *out, size_t max)
{
    if (!p || !valid(p))
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
}
