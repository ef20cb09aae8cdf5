/* V.8bis messages (include/squeal/v8bis.h). */
#include <string.h>
#include "src/proto/hdlc.h"
#include "squeal/v8bis.h"

#define LAST_OF_LEVEL1 0x80u   /* bit 8: the last octet of {NPar(1)}, {SPar(1)} or a Par(2) block */
#define LAST_OF_LEVEL2 0x40u   /* bit 7: the last octet of {NPar(2)}, {SPar(2)}, {NPar(3)} */

const char *sq_v8bis_msg_type_to_str(sq_v8bis_msg_type t)
{
    static const char *const NAMES[] = { "unknown", "ms", "cl", "clr", "ack1", "ack2", "nak1", "nak2", "nak3", "nak4" };
    return (int)t >= 0 && (size_t)t < sizeof NAMES / sizeof NAMES[0] ? NAMES[t] : "unknown";
}

const char *sq_v8bis_mode_to_str(unsigned mode)
{
    static const char *const NAMES[SQ_V8BIS_MODE_COUNT] = {
        "v34", "v32bis", "v32", "v22bis", "v22", "v21", "v42", "v42bis", "transparent", "v14", "t120", "v80",
    };
    for (int i = 0; i < SQ_V8BIS_MODE_COUNT; i++)
        if (mode == 1u << i)
            return NAMES[i];
    return "unknown";
}

sq_v8bis_msg_type sq_v8bis_msg_type_of(uint8_t first_octet)
{
    switch (first_octet & 0x0Fu) {
    case 0x1: return SQ_V8BIS_MS;
    case 0x2: return SQ_V8BIS_CL;
    case 0x3: return SQ_V8BIS_CLR;
    case 0x4: return SQ_V8BIS_ACK1;
    case 0x5: return SQ_V8BIS_ACK2;
    case 0x8: return SQ_V8BIS_NAK1;
    case 0x9: return SQ_V8BIS_NAK2;
    case 0xA: return SQ_V8BIS_NAK3;
    case 0xB: return SQ_V8BIS_NAK4;
    default: return SQ_V8BIS_UNKNOWN;
    }
}

typedef struct reader {
    const uint8_t *p;
    size_t n, pos;
    int overrun;
} reader;

/* The octets of one level-1 block ({NPar(1)} or {SPar(1)}): up to and with bit 8 set. Their
 * parameter bits (1-7 of each octet) go into bits, octet after octet. Returns the count. */
static size_t level1_block(reader *r, uint32_t *bits)
{
    size_t k = 0;
    *bits = 0;
    while (r->pos < r->n) {
        uint8_t o = r->p[r->pos++];
        if (k < 4)
            *bits |= (uint32_t)(o & 0x7Fu) << (7 * k);
        k++;
        if (o & LAST_OF_LEVEL1)
            return k;
    }
    r->overrun = 1;
    return k;
}

/* One Par(2) block: its {NPar(2)} octets (bits 1-6 of each, up to bit 7) into npar2, and
 * the rest of the block skipped to the octet with bit 8 set. */
static void par2_block(reader *r, uint8_t npar2[4], size_t *n_npar2)
{
    *n_npar2 = 0;
    int in_npar2 = 1;
    while (r->pos < r->n) {
        uint8_t o = r->p[r->pos++];
        if (in_npar2 && *n_npar2 < 4)
            npar2[(*n_npar2)++] = (uint8_t)(o & 0x3Fu);
        if (o & LAST_OF_LEVEL2)
            in_npar2 = 0;
        if (o & LAST_OF_LEVEL1)
            return;
    }
    r->overrun = 1;
}

/* The data application's NPar(2) octets as modes (Table 6-3). */
static unsigned data_modes(const uint8_t *o, size_t n)
{
    static const struct { size_t octet; unsigned bit, mode; } MAP[] = {
        { 0, 0x01, SQ_V8BIS_TRANSPARENT }, { 0, 0x02, SQ_V8BIS_V42 }, { 0, 0x04, SQ_V8BIS_V42BIS },
        { 0, 0x08, SQ_V8BIS_V14 }, { 0, 0x10, SQ_V8BIS_T120 }, { 1, 0x04, SQ_V8BIS_V80 },
        { 1, 0x10, SQ_V8BIS_V34 }, { 1, 0x20, SQ_V8BIS_V32BIS }, { 2, 0x01, SQ_V8BIS_V32 },
        { 2, 0x02, SQ_V8BIS_V22BIS }, { 2, 0x04, SQ_V8BIS_V22 }, { 2, 0x08, SQ_V8BIS_V21 },
    };
    unsigned m = 0;
    for (size_t i = 0; i < sizeof MAP / sizeof MAP[0]; i++)
        if (MAP[i].octet < n && (o[MAP[i].octet] & MAP[i].bit))
            m |= MAP[i].mode;
    return m;
}

/* The Par(2) blocks that follow a {SPar(1)}: one per bit set, in bit order. */
static void par2_blocks(reader *r, uint32_t spar1, unsigned *data)
{
    for (int bit = 0; bit < 28 && !r->overrun; bit++) {
        if (!(spar1 & (1u << bit)))
            continue;
        uint8_t npar2[4];
        size_t n;
        par2_block(r, npar2, &n);
        if (bit == 0 && data)
            *data = data_modes(npar2, n);
    }
}

void sq_v8bis_parse(const uint8_t *octets, size_t n, sq_v8bis_info *out)
{
    memset(out, 0, sizeof *out);
    if (n == 0)
        return;
    out->type = sq_v8bis_msg_type_of(octets[0]);
    out->revision = octets[0] >> 4;
    out->parsed = 1;
    /* ACK and NAK carry the first octet alone (8.3.3, 8.4.1) */
    if (out->type != SQ_V8BIS_MS && out->type != SQ_V8BIS_CL && out->type != SQ_V8BIS_CLR)
        return;
    reader r = { .p = octets, .n = n, .pos = 1 };
    uint32_t npar1, spar1;
    level1_block(&r, &npar1);
    out->v8_start_up = npar1 & 1u;
    out->short_v8 = (npar1 >> 1) & 1u;
    out->more_info = (npar1 >> 2) & 1u;
    out->ack1_requested = (npar1 >> 3) & 1u;
    out->non_standard = (npar1 >> 6) & 1u;
    level1_block(&r, &spar1);
    par2_blocks(&r, spar1, NULL);
    /* the standard information field */
    if (!r.overrun && r.pos < r.n) {
        uint32_t s_npar1, s_spar1;
        level1_block(&r, &s_npar1);
        level1_block(&r, &s_spar1);
        out->applications = s_spar1 & 0x7Fu;
        par2_blocks(&r, s_spar1, &out->data_modes);
    }
    out->parsed = !r.overrun;
}

#define PREAMBLE_BITS 30      /* 100 ms at 300 bit/s */
#define MAX_INFO 64           /* octets (8.6) */

size_t sq_v8bis_message_bits(const uint8_t *octets, size_t n, uint8_t *bits, size_t max)
{
    if (n < 1 || n > MAX_INFO || !octets || !bits)
        return 0;
    /* the frame, its FCS low octet first, bit-stuffed, between flags */
    uint8_t frame[MAX_INFO + 2];
    memcpy(frame, octets, n);
    uint16_t fcs = sq_hdlc_fcs(octets, n);
    frame[n] = (uint8_t)(fcs & 0xFF);
    frame[n + 1] = (uint8_t)(fcs >> 8);
    size_t k = 0;
#define PUT(b) do { if (k == max) return 0; bits[k++] = (uint8_t)(b); } while (0)
    for (int i = 0; i < PREAMBLE_BITS; i++)
        PUT(1);
    for (int f = 0; f < 2; f++)
        for (int i = 0; i < 8; i++)
            PUT((0x7Eu >> i) & 1u);
    int ones = 0;
    for (size_t o = 0; o < n + 2; o++)
        for (int i = 0; i < 8; i++) {
            int b = (frame[o] >> i) & 1;
            PUT(b);
            ones = b ? ones + 1 : 0;
            if (ones == 5) {
                PUT(0);
                ones = 0;
            }
        }
    for (int i = 0; i < 8; i++)
        PUT((0x7Eu >> i) & 1u);
#undef PUT
    return k;
}
