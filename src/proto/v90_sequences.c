/* A V.90 analogue modem's sequences (squeal/v90.h): Ja, the DIL descriptor (V.90 8.3.1,
 * Table 12), and CP, its constellation parameters (8.5.2, Table 14). After the frame sync
 * every field sits in a 16-bit block behind a start bit 0, as in V.34's MP, and the CRC
 * (V.34 10.1.2.3.2) covers the blocks' 16 bits. Ja: N and LSP, LTP first, then the sign and
 * training patterns (as many blocks as their lengths need), H1..H8 and REF1..REF8 two to a
 * block, the segments' Ucodes two to a block. CP: its rates and codec, the spectral shaping,
 * which constellation each of the six data frame intervals uses, then the constellations as
 * 128-bit masks of the Ucodes they hold (and the codec's, when they differ). */
#include <math.h>
#include <string.h>
#include "squeal/v90.h"
#include "src/proto/v34_crc.h"
#include "src/proto/v90_pcm.h"

#define SYNC_BITS 17
#define BLOCK 17                 /* a start bit and 16 bits */
#define FIELDS_PER_PAIR_BLOCK 2  /* H, REF and the Ucodes: 7 bits and a reserved bit each */

static unsigned get_field(const uint8_t *bits, size_t first, size_t width)
{
    unsigned v = 0;
    for (size_t i = 0; i < width; i++)
        v |= (unsigned)(bits[first + i] & 1u) << i;
    return v;
}

static void put_field(uint8_t *bits, size_t first, size_t width, unsigned v)
{
    for (size_t i = 0; i < width; i++)
        bits[first + i] = (uint8_t)((v >> i) & 1u);
}

static size_t blocks_for(size_t n_bits)
{
    return (n_bits + 15) / 16;
}

/* Information blocks before the CRC's, for these lengths. */
static size_t info_blocks(int segments, int lsp, int ltp)
{
    return 2 + blocks_for((size_t)lsp) + blocks_for((size_t)ltp) + 4 + 4 + ((size_t)segments + 1) / 2;
}

/* The whole descriptor in bits: sync, the blocks, the CRC's block, fill to an even count. */
static size_t total_bits(size_t blocks)
{
    size_t n = SYNC_BITS + (blocks + 1) * BLOCK + 1;
    return n + (n & 1u);
}

static size_t data_bit(size_t block, size_t i)
{
    return SYNC_BITS + block * BLOCK + 1 + i;
}

static uint16_t crc_of(const uint8_t *bits, size_t blocks)
{
    uint16_t crc = SQ_V34_CRC_PRESET;
    for (size_t b = 0; b < blocks; b++)
        for (size_t i = 0; i < 16; i++)
            crc = sq_v34_crc_bit(crc, bits[data_bit(b, i)]);
    return crc;
}

/* A pattern of len bits, from block `first` on. */
static void put_pattern(uint8_t *bits, size_t first, const uint8_t *pattern, int len)
{
    for (int i = 0; i < len; i++)
        bits[data_bit(first + (size_t)i / 16, (size_t)i % 16)] = (pattern[i / 8] >> (i % 8)) & 1u;
}

static void get_pattern(const uint8_t *bits, size_t first, uint8_t *pattern, int len)
{
    memset(pattern, 0, 16);
    for (int i = 0; i < len; i++)
        pattern[i / 8] |= (uint8_t)(bits[data_bit(first + (size_t)i / 16, (size_t)i % 16)] << (i % 8));
}

/* Seven-bit fields two to a block (each followed by a reserved 0), from block `first` on. */
static void put_pairs(uint8_t *bits, size_t first, const uint8_t *v, int count)
{
    for (int i = 0; i < count; i++)
        put_field(bits, data_bit(first + (size_t)i / FIELDS_PER_PAIR_BLOCK, (size_t)(i % FIELDS_PER_PAIR_BLOCK) * 8), 7, v[i]);
}

static void get_pairs(const uint8_t *bits, size_t first, uint8_t *v, int count)
{
    for (int i = 0; i < count; i++)
        v[i] = (uint8_t)get_field(bits, data_bit(first + (size_t)i / FIELDS_PER_PAIR_BLOCK, (size_t)(i % FIELDS_PER_PAIR_BLOCK) * 8), 7);
}

size_t sq_v90_ja_to_bits(const sq_v90_dil_descriptor *d, uint8_t *bits)
{
    if (d->segments < 0 || d->segments > 255 || d->sp_length < 1 || d->sp_length > 128 || d->tp_length < 1 ||
        d->tp_length > 128)
        return 0;
    for (int c = 0; c < 8; c++)
        if (d->h[c] > 127 || d->ref[c] > 127)
            return 0;
    for (int s = 0; s < d->segments; s++)
        if (d->ucode[s] > 127)
            return 0;
    size_t blocks = info_blocks(d->segments, d->sp_length, d->tp_length), n = total_bits(blocks);
    memset(bits, 0, n);   /* start bits, reserved bits, padding and fill are 0s */
    memset(bits, 1, SYNC_BITS);
    put_field(bits, data_bit(0, 0), 8, (unsigned)d->segments);
    put_field(bits, data_bit(1, 0), 7, (unsigned)d->sp_length - 1);
    put_field(bits, data_bit(1, 8), 7, (unsigned)d->tp_length - 1);
    size_t tp_block = 2 + blocks_for((size_t)d->sp_length), h_block = tp_block + blocks_for((size_t)d->tp_length);
    put_pattern(bits, 2, d->sp, d->sp_length);
    put_pattern(bits, tp_block, d->tp, d->tp_length);
    put_pairs(bits, h_block, d->h, 8);
    put_pairs(bits, h_block + 4, d->ref, 8);
    put_pairs(bits, h_block + 8, d->ucode, d->segments);
    put_field(bits, data_bit(blocks, 0), 16, crc_of(bits, blocks));
    return n;
}

int sq_v90_ja_from_bits(const uint8_t *bits, size_t n, sq_v90_dil_descriptor *d)
{
    if (n < SYNC_BITS + 2 * BLOCK)
        return -1;
    for (size_t i = 0; i < SYNC_BITS; i++)
        if (!bits[i])
            return 0;
    if (bits[SYNC_BITS] || bits[SYNC_BITS + BLOCK])
        return 0;
    int segments = (int)get_field(bits, data_bit(0, 0), 8);
    int lsp = (int)get_field(bits, data_bit(1, 0), 7) + 1, ltp = (int)get_field(bits, data_bit(1, 8), 7) + 1;
    size_t blocks = info_blocks(segments, lsp, ltp), len = total_bits(blocks);
    if (n < len)
        return -1;
    for (size_t b = 0; b <= blocks; b++)   /* the CRC's start bit too */
        if (bits[SYNC_BITS + b * BLOCK])
            return 0;
    if (get_field(bits, data_bit(blocks, 0), 16) != crc_of(bits, blocks))
        return 0;
    if (bits[SYNC_BITS + (blocks + 1) * BLOCK])   /* the fill bit (a second one, when there is one, may be anything) */
        return 0;
    memset(d, 0, sizeof *d);
    d->segments = segments;
    d->sp_length = lsp;
    d->tp_length = ltp;
    size_t tp_block = 2 + blocks_for((size_t)lsp), h_block = tp_block + blocks_for((size_t)ltp);
    get_pattern(bits, 2, d->sp, lsp);
    get_pattern(bits, tp_block, d->tp, ltp);
    get_pairs(bits, h_block, d->h, 8);
    get_pairs(bits, h_block + 4, d->ref, 8);
    get_pairs(bits, h_block + 8, d->ucode, segments);
    return (int)len;
}

/* ---- what a v90_ja event keeps of it ---- */

#define PACK_SEGMENT_BITS 10   /* (127 + 1) * 6 = 768 symbols at most */

static const sq_info_field JA_FIELDS[] = {
    { "dil_segments", 0, 8, SQ_INFO_COUNT, 0.0, 0.0 },
    { "sign_pattern_symbols", 8, 8, SQ_INFO_COUNT, 0.0, 0.0 },
    { "training_pattern_symbols", 16, 8, SQ_INFO_COUNT, 0.0, 0.0 },
    { "segment_symbols_1", 24, PACK_SEGMENT_BITS, SQ_INFO_COUNT, 0.0, 0.0 },
    { "segment_symbols_2", 34, PACK_SEGMENT_BITS, SQ_INFO_COUNT, 0.0, 0.0 },
    { "segment_symbols_3", 44, PACK_SEGMENT_BITS, SQ_INFO_COUNT, 0.0, 0.0 },
    { "segment_symbols_4", 54, PACK_SEGMENT_BITS, SQ_INFO_COUNT, 0.0, 0.0 },
    { "segment_symbols_5", 64, PACK_SEGMENT_BITS, SQ_INFO_COUNT, 0.0, 0.0 },
    { "segment_symbols_6", 74, PACK_SEGMENT_BITS, SQ_INFO_COUNT, 0.0, 0.0 },
    { "segment_symbols_7", 84, PACK_SEGMENT_BITS, SQ_INFO_COUNT, 0.0, 0.0 },
    { "segment_symbols_8", 94, PACK_SEGMENT_BITS, SQ_INFO_COUNT, 0.0, 0.0 },
};

const sq_info_field *sq_v90_ja_fields(size_t *n)
{
    *n = sizeof JA_FIELDS / sizeof JA_FIELDS[0];
    return JA_FIELDS;
}

static void pack(uint8_t *info_bits, size_t first, size_t width, unsigned v)
{
    for (size_t i = 0; i < width; i++)
        if ((v >> i) & 1u)
            info_bits[(first + i) / 8] |= (uint8_t)(1u << ((first + i) % 8));
}

void sq_v90_ja_pack(const sq_v90_dil_descriptor *d, uint8_t *info_bits)
{
    memset(info_bits, 0, SQ_INFO_BYTES);
    pack(info_bits, JA_FIELDS[0].first, 8, (unsigned)d->segments);
    pack(info_bits, JA_FIELDS[1].first, 8, (unsigned)d->sp_length);
    pack(info_bits, JA_FIELDS[2].first, 8, (unsigned)d->tp_length);
    for (int c = 0; c < 8; c++)
        pack(info_bits, JA_FIELDS[3 + c].first, PACK_SEGMENT_BITS, (unsigned)(d->h[c] + 1) * 6u);
}

/* ---- CP ---- */

#define CP_INTERVALS 6
#define CP_MASK_BITS 136            /* a constellation: eight blocks of 16 */
#define CP_FIRST_MASK 136           /* bit of the first constellation's first start bit */
#define CP_FILL 3

/* The bits of a CP whose fixed part is in bits[0 .. 136). */
static size_t cp_length(const uint8_t *bits)
{
    unsigned top = 0;
    for (int k = 0; k < CP_INTERVALS; k++) {
        size_t at = 103 + 4 * (size_t)k + (k >= 4);   /* a start bit at 119 */
        unsigned idx = get_field(bits, at, 4);
        top = idx > top ? idx : top;
    }
    size_t gamma = CP_MASK_BITS * top, delta = bits[128] ? 2 * gamma + CP_MASK_BITS : gamma;
    return CP_FIRST_MASK + CP_MASK_BITS + delta + BLOCK + CP_FILL;
}

int sq_v90_cp_from_bits(const uint8_t *bits, size_t n, sq_v90_cp *cp)
{
    if (n < CP_FIRST_MASK)
        return -1;
    for (size_t i = 0; i < SYNC_BITS; i++)
        if (!bits[i])
            return 0;
    for (size_t b = 0; b < (CP_FIRST_MASK - SYNC_BITS) / BLOCK; b++)
        if (bits[SYNC_BITS + b * BLOCK])
            return 0;
    for (int k = 0; k < CP_INTERVALS; k++)
        if (get_field(bits, 103 + 4 * (size_t)k + (k >= 4), 4) > 5)
            return 0;
    size_t len = cp_length(bits), blocks = (len - CP_FILL - SYNC_BITS) / BLOCK - 1;
    if (n < len)
        return -1;
    for (size_t b = 0; b <= blocks; b++)
        if (bits[SYNC_BITS + b * BLOCK])
            return 0;
    if (get_field(bits, data_bit(blocks, 0), 16) != crc_of(bits, blocks))
        return 0;
    memset(cp, 0, sizeof *cp);
    cp->training = !bits[19];
    cp->drn = (int)get_field(bits, 20, 5);
    cp->silence = bits[30];
    cp->sign_bits = (int)get_field(bits, 31, 2);
    cp->acknowledge = bits[33];
    cp->a_law = bits[35];
    cp->upstream_mask = (uint16_t)get_field(bits, 36, 13);
    cp->lookahead = (int)get_field(bits, 49, 2);
    for (int k = 0; k < CP_INTERVALS; k++) {
        int idx = (int)get_field(bits, 103 + 4 * (size_t)k + (k >= 4), 4);
        cp->constellations = idx + 1 > cp->constellations ? idx + 1 : cp->constellations;
    }
    cp->codec_differs = bits[128];
    return (int)len;
}

/* A constellation's Ucodes (its mask from bit `at`, Table 14) as linear values, largest first. */
static int constellation(const uint8_t *bits, size_t at, int a_law, int *level)
{
    int n = 0;
    for (int u = SQ_V90_UCODES - 1; u >= 0; u--)
        if (bits[at + (size_t)(u / 16) * BLOCK + 1 + (size_t)(u % 16)])
            level[n++] = sq_v90_ucode_linear(u, a_law);
    return n;
}

static double q1_6(unsigned v)
{
    return (double)(int8_t)(uint8_t)v / 64.0;
}

int sq_v90_mapping_from_cp(const uint8_t *bits, size_t n, int heard, sq_v90_mapping *m)
{
    if (n < CP_FIRST_MASK || n < cp_length(bits))
        return -1;
    memset(m, 0, sizeof *m);
    int training = !bits[19], drn = (int)get_field(bits, 20, 5);
    m->redundancy = (int)get_field(bits, 31, 2);
    m->s_bits = CP_INTERVALS - m->redundancy;
    m->k_bits = drn + (training ? 8 : 20) - m->s_bits;   /* D = rate * 6 / 8000 (Tables 2, 17) */
    m->a_law = bits[35];
    m->lookahead = (int)get_field(bits, 49, 2);
    m->a1 = q1_6(get_field(bits, 69, 8));
    m->a2 = q1_6(get_field(bits, 77, 8));
    m->b1 = q1_6(get_field(bits, 86, 8));
    m->b2 = q1_6(get_field(bits, 94, 8));
    unsigned top = 0, idx[CP_INTERVALS];
    for (int k = 0; k < CP_INTERVALS; k++) {
        idx[k] = get_field(bits, 103 + 4 * (size_t)k + (k >= 4), 4);
        top = idx[k] > top ? idx[k] : top;
    }
    /* the codec's constellations follow the transmitter's (bits 272 + gamma on) */
    size_t base = heard && bits[128] ? CP_FIRST_MASK + CP_MASK_BITS * (top + 1) : CP_FIRST_MASK;
    double combinations = 1.0;
    for (int k = 0; k < CP_INTERVALS; k++) {
        m->size[k] = constellation(bits, base + CP_MASK_BITS * idx[k], m->a_law, m->level[k]);
        combinations *= m->size[k];
    }
    return drn > 0 && m->k_bits >= 1 && m->k_bits <= 39 && ldexp(1.0, m->k_bits) <= combinations ? 0 : -1;
}

int sq_v90_cp_rate_bps(const sq_v90_cp *cp)
{
    if (cp->drn == 0)
        return 0;
    return (cp->drn + (cp->training ? 8 : 20)) * 8000 / 6;
}

size_t sq_v90_cp_to_bits(const sq_v90_cp *cp, uint8_t *bits)
{
    if (cp->drn < 0 || cp->drn > 22 || cp->sign_bits < 0 || cp->sign_bits > 3 || cp->lookahead < 0 ||
        cp->lookahead > 3 || cp->constellations < 1 || cp->constellations > 6 || (cp->upstream_mask >> 13))
        return 0;
    memset(bits, 0, SQ_V90_CP_MAX_BITS);
    memset(bits, 1, SYNC_BITS);
    bits[19] = (uint8_t)!cp->training;
    put_field(bits, 20, 5, (unsigned)cp->drn);
    bits[30] = (uint8_t)(cp->silence != 0);
    put_field(bits, 31, 2, (unsigned)cp->sign_bits);
    bits[33] = (uint8_t)(cp->acknowledge != 0);
    bits[35] = (uint8_t)(cp->a_law != 0);
    put_field(bits, 36, 13, cp->upstream_mask);
    put_field(bits, 49, 2, (unsigned)cp->lookahead);
    put_field(bits, 52, 16, 1u << 13);   /* TRN1d's RMS ratio 1.0 in Q3.13 */
    if (cp->sign_bits)   /* shaping toward a null at DC: T(z) = 1 - z^-1 (a1 = 1.0 in Q1.6) */
        put_field(bits, 69, 8, 64u);
    for (int k = 0; k < CP_INTERVALS; k++)   /* interval k uses constellation k, up to the last */
        put_field(bits, 103 + 4 * (size_t)k + (k >= 4), 4, (unsigned)(k < cp->constellations ? k : cp->constellations - 1));
    bits[128] = (uint8_t)(cp->codec_differs != 0);
    size_t len = cp_length(bits), blocks = (len - CP_FILL - SYNC_BITS) / BLOCK - 1;
    /* each mask: CPt's eight codes, Ucodes 40, 58, 68, 75, 80, 84, 88 and 92 (mu-law's linear
     * values 650 to 900 apart; 2^18 ways to fill a frame); CP's 32, Ucode 35 to 111 (492 to
     * 15484, mostly about 500 apart; 2^30 ways) */
    static const uint16_t CPT_CHORDS[8] = { 0, 0, 0x0100u, 0x0400u, 0x0810u, 0x1111u, 0, 0 };
    static const uint16_t CP_CHORDS[8] = { 0, 0, 0x0008u, 0x8102u, 0x8888u, 0x55AAu, 0xFFFFu, 0 };
    for (size_t b = (CP_FIRST_MASK - SYNC_BITS) / BLOCK, chord = 0; b < blocks; b++, chord = (chord + 1) % 8)
        put_field(bits, data_bit(b, 0), 16, cp->training ? CPT_CHORDS[chord] : CP_CHORDS[chord]);
    put_field(bits, data_bit(blocks, 0), 16, crc_of(bits, blocks));
    return len;
}

/* a v90_cp event's info_bits */
#define CP_PACK_TRAINING 0
#define CP_PACK_DRN 1          /* 5 bits */
#define CP_PACK_ACK 6
#define CP_PACK_SILENCE 7
#define CP_PACK_A_LAW 8
#define CP_PACK_MASK 9         /* 13 bits */
#define CP_PACK_CONSTELLATIONS 22   /* 3 bits */
#define CP_PACK_CODEC 25
#define CP_PACK_SIGN_BITS 26   /* 2 bits */
#define CP_PACK_LOOKAHEAD 28   /* 2 bits */

static unsigned unpack(const uint8_t *info_bits, size_t first, size_t width)
{
    unsigned v = 0;
    for (size_t i = 0; i < width; i++)
        v |= (unsigned)((info_bits[(first + i) / 8] >> ((first + i) % 8)) & 1u) << i;
    return v;
}

void sq_v90_cp_pack(const sq_v90_cp *cp, uint8_t *info_bits)
{
    memset(info_bits, 0, SQ_INFO_BYTES);
    pack(info_bits, CP_PACK_TRAINING, 1, (unsigned)(cp->training != 0));
    pack(info_bits, CP_PACK_DRN, 5, (unsigned)cp->drn);
    pack(info_bits, CP_PACK_ACK, 1, (unsigned)(cp->acknowledge != 0));
    pack(info_bits, CP_PACK_SILENCE, 1, (unsigned)(cp->silence != 0));
    pack(info_bits, CP_PACK_A_LAW, 1, (unsigned)(cp->a_law != 0));
    pack(info_bits, CP_PACK_MASK, 13, cp->upstream_mask);
    pack(info_bits, CP_PACK_CONSTELLATIONS, 3, (unsigned)cp->constellations);
    pack(info_bits, CP_PACK_CODEC, 1, (unsigned)(cp->codec_differs != 0));
    pack(info_bits, CP_PACK_SIGN_BITS, 2, (unsigned)cp->sign_bits);
    pack(info_bits, CP_PACK_LOOKAHEAD, 2, (unsigned)cp->lookahead);
}

void sq_v90_cp_unpack(const uint8_t *info_bits, sq_v90_cp *cp)
{
    memset(cp, 0, sizeof *cp);
    cp->training = (int)unpack(info_bits, CP_PACK_TRAINING, 1);
    cp->drn = (int)unpack(info_bits, CP_PACK_DRN, 5);
    cp->acknowledge = (int)unpack(info_bits, CP_PACK_ACK, 1);
    cp->silence = (int)unpack(info_bits, CP_PACK_SILENCE, 1);
    cp->a_law = (int)unpack(info_bits, CP_PACK_A_LAW, 1);
    cp->upstream_mask = (uint16_t)unpack(info_bits, CP_PACK_MASK, 13);
    cp->constellations = (int)unpack(info_bits, CP_PACK_CONSTELLATIONS, 3);
    cp->codec_differs = (int)unpack(info_bits, CP_PACK_CODEC, 1);
    cp->sign_bits = (int)unpack(info_bits, CP_PACK_SIGN_BITS, 2);
    cp->lookahead = (int)unpack(info_bits, CP_PACK_LOOKAHEAD, 2);
}
