/* V.8 bit-level receiver (include/squeal/v8.h): finds "ten ones + sync", collects framed
 * octets until the line returns to 1 where a start bit was due, and recognises CJ as zero
 * octets where a CM's next category would be. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "squeal/error.h"
#include "squeal/v8.h"

/* Ten 1s then the sync, oldest bit in bit 19 (spec 3.2). */
#define PREAMBLE_CM_JM 0xFFC0Fu   /* 1111111111 0000001111 */
#define PREAMBLE_CI 0xFFC01u      /* 1111111111 0000000001 */
#define CJ_ZERO_OCTETS 3
/* A 1, then three framed zero octets (start, eight 0s, stop), oldest bit highest: CJ, however
 * the CM before it was cut short (the caller stops CM at the next 10-bit boundary, which can
 * fall inside the preamble, so the zeros may follow ones or the sync rather than an octet). */
#define CJ_PATTERN ((1ull << 30) | (1ull << 20) | (1ull << 10) | 1ull)
#define CJ_PATTERN_MASK ((1ull << 31) - 1)
/* The same up to the third octet's last 0 (nine 0s, a stop bit, nine 0s, a stop bit, nine
 * 0s), whatever came before. Held one bit: CJ_PATTERN follows when the line is clean; a stop
 * bit without it means a receiver whose clock slipped at the cut from CM read one 0 too many
 * before the first octet; no stop bit, that the caller fell silent as it sent it. Both are
 * reported as CJ with valid 0: speech and music make these looser patterns now and then, so
 * only a listener that has just heard CMs should believe them. */
#define CJ_CUT_PATTERN ((1ull << 19) | (1ull << 9))
#define CJ_CUT_MASK ((1ull << 29) - 1)

enum rx_state { HUNT, OCTETS, CJ };

struct sq_v8_rx {
    sq_v8_msg_type sync_type;
    uint32_t history;
    uint64_t long_history;
    enum rx_state state;
    sq_v8_msg_type type;
    int frame_bits;          /* bits of the current 10-bit frame received */
    unsigned frame;
    uint8_t octets[SQ_V8_MAX_OCTETS];
    size_t n;
    int zeros;
    uint64_t start, last_end, cj_start;
    int cut_cj;              /* CJ_CUT_PATTERN has just matched: the next bit says which CJ */
    uint64_t cut_cj_start;
};

int sq_v8_rx_create(sq_v8_msg_type sync_type, sq_v8_rx **out)
{
    if (!out)
        return SQ_EINVAL;
    *out = NULL;
    if (sync_type != SQ_V8_CM && sync_type != SQ_V8_JM)
        return SQ_EINVAL;
    *out = calloc(1, sizeof **out);
    if (!*out)
        return SQ_ENOMEM;
    (*out)->sync_type = sync_type;
    return SQ_OK;
}

int sq_v8_rx_in_sequence(const sq_v8_rx *r, uint64_t *start_sample)
{
    if (r->state != OCTETS)
        return 0;
    *start_sample = r->start;
    return 1;
}

void sq_v8_rx_reset(sq_v8_rx *r)
{
    if (!r)
        return;
    sq_v8_msg_type t = r->sync_type;
    memset(r, 0, sizeof *r);
    r->sync_type = t;
}

void sq_v8_rx_destroy(sq_v8_rx *r)
{
    free(r);
}

static int finish(sq_v8_rx *r, sq_v8_rx_msg *out)
{
    memset(out, 0, sizeof *out);
    out->start_sample = r->start;
    out->end_sample = r->last_end;
    out->valid = sq_v8_decode(r->type, r->octets, r->n, &out->msg, out->why, sizeof out->why) == SQ_OK;
    r->state = HUNT;
    return 1;
}

static int finish_cj(sq_v8_rx *r, sq_v8_rx_msg *out)
{
    memset(out, 0, sizeof *out);
    out->msg.type = SQ_V8_CJ;
    out->start_sample = r->cj_start;
    out->end_sample = r->last_end;
    out->valid = 1;
    r->state = HUNT;
    r->cut_cj = 0;
    return 1;
}

static uint64_t back(uint64_t sample, double bits, double spb)
{
    double d = bits * spb;
    return (double)sample > d ? sample - (uint64_t)d : 0;
}

int sq_v8_rx_put_bit(sq_v8_rx *r, uint8_t bit, uint64_t sample, double spb, sq_v8_rx_msg *out)
{
    r->history = ((r->history << 1) | (bit & 1u)) & 0xFFFFFu;
    r->long_history = (r->long_history << 1) | (bit & 1u);
    if (r->cut_cj && (r->long_history & CJ_PATTERN_MASK) != CJ_PATTERN) {
        /* the bit after the third octet's zeros, and not the strict pattern's stop */
        r->cut_cj = 0;
        r->frame_bits = 0;
        r->state = HUNT;
        memset(out, 0, sizeof *out);
        out->msg.type = SQ_V8_CJ;
        out->start_sample = r->cut_cj_start;
        out->end_sample = sample;
        out->valid = 0;
        snprintf(out->why, sizeof out->why, bit & 1u ? "CJ after a tenth 0" : "CJ without its last stop bit");
        return 1;
    }
    if (r->sync_type == SQ_V8_CM && !r->cut_cj && (r->long_history & CJ_CUT_MASK) == CJ_CUT_PATTERN) {
        r->cut_cj = 1;
        r->cut_cj_start = back(sample, 29.0, spb);
    }
    if (r->sync_type == SQ_V8_CM && (r->long_history & CJ_PATTERN_MASK) == CJ_PATTERN) {
        /* No CM or CI octet is zero, so nothing else has nine 0s after a 1. */
        r->cj_start = back(sample, 30.0, spb);   /* the three octets are where the pattern is */
        r->last_end = sample;
        r->frame_bits = 0;
        return finish_cj(r, out);
    }
    if (r->state == HUNT) {
        if (r->history == PREAMBLE_CM_JM || r->history == PREAMBLE_CI) {
            r->type = r->history == PREAMBLE_CI ? SQ_V8_CI : r->sync_type;
            r->state = OCTETS;
            r->n = 0;
            r->frame_bits = 0;
            r->start = back(sample, 20.0, spb);
            r->last_end = sample;
        }
        return 0;
    }
    if (r->frame_bits == 0) {
        if (bit) {   /* no start bit: the sequence is over (the next preamble or idle) */
            if (r->state == CJ)
                r->state = HUNT;   /* a lone zero octet or two: not a CJ */
            return r->state == OCTETS ? finish(r, out) : 0;
        }
        r->frame = 0;
        r->frame_bits = 1;
        return 0;
    }
    if (r->frame_bits <= 8) {
        r->frame |= (unsigned)(bit & 1u) << (r->frame_bits - 1);
        r->frame_bits++;
        return 0;
    }
    r->frame_bits = 0;   /* the stop bit */
    uint8_t octet = (uint8_t)r->frame;
    if (!bit) {   /* framing error: whatever came so far is reported as it stands */
        if (r->state == OCTETS)
            return finish(r, out);
        r->state = HUNT;
        return 0;
    }
    if (r->state == CJ) {
        r->last_end = sample;
        if (octet != 0) {
            r->state = HUNT;
            return 0;
        }
        return ++r->zeros == CJ_ZERO_OCTETS ? finish_cj(r, out) : 0;
    }
    if (octet == 0 && r->type == SQ_V8_CM && r->n > 0) {
        /* No category octet is zero: this is CJ. The CM before it ends here. */
        r->cj_start = back(sample, 10.0, spb);
        r->zeros = 1;
        int done = finish(r, out);
        r->state = CJ;
        r->last_end = sample;
        return done;
    }
    if (r->n == SQ_V8_MAX_OCTETS)
        return finish(r, out);
    r->octets[r->n++] = octet;
    r->last_end = sample;
    return 0;
}
