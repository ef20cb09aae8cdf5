/* A V.90 analogue modem's Ja: the DIL descriptor's framing (V.90 8.3.1, Table 12;
 * squeal/v90.h). After the frame sync every field sits in a 16-bit block behind a start bit
 * 0, as in V.34's MP: N and LSP, LTP first, then the sign and training patterns (as many
 * blocks as their lengths need), H1..H8 and REF1..REF8 two to a block, the segments' Ucodes
 * two to a block, and the CRC (V.34 10.1.2.3.2) over the blocks' 16 bits. */
#include <string.h>
#include "squeal/v90.h"
#include "src/proto/v34_crc.h"

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
