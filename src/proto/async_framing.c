/* Start-stop character framing (include/squeal/async.h). */
#include <stdlib.h>
#include "squeal/async.h"
#include "squeal/error.h"

const sq_async_format SQ_ASYNC_8N1 = { 8, SQ_PARITY_NONE, 1 };

int sq_async_format_check(const sq_async_format *f)
{
    if (!f || f->data_bits < 5 || f->data_bits > 8 || f->stop_bits < 1 || f->stop_bits > 2 ||
        (unsigned)f->parity > (unsigned)SQ_PARITY_SPACE)
        return SQ_EINVAL;
    return SQ_OK;
}

int sq_async_bits_per_char(const sq_async_format *f)
{
    return 1 + f->data_bits + (f->parity != SQ_PARITY_NONE) + f->stop_bits;
}

static int parity_bit(const sq_async_format *f, unsigned value)
{
    if (f->parity == SQ_PARITY_MARK || f->parity == SQ_PARITY_SPACE)
        return f->parity == SQ_PARITY_MARK;
    int ones = 0;
    for (int i = 0; i < f->data_bits; i++)
        ones += (value >> i) & 1u;
    return f->parity == SQ_PARITY_EVEN ? (ones & 1) : !(ones & 1);
}

int sq_async_frame_byte(const sq_async_format *f, uint8_t byte, uint8_t *bits)
{
    int k = 0;
    bits[k++] = 0;
    for (int i = 0; i < f->data_bits; i++)
        bits[k++] = (byte >> i) & 1u;
    if (f->parity != SQ_PARITY_NONE)
        bits[k++] = (uint8_t)parity_bit(f, byte);
    for (int i = 0; i < f->stop_bits; i++)
        bits[k++] = 1;
    return k;
}

enum rx_state { RX_WAIT_MARK, RX_IDLE, RX_DATA };

struct sq_async_rx {
    sq_async_format f;
    enum rx_state state;
    int count;           /* bits of the character received after the start bit */
    unsigned value;
    int parity_ok;
    uint64_t start_sample;
    int v14;                 /* accept deleted stop bits */
    int since_deletion;      /* characters since the last one (V.14: at most 1 in 8) */
};

#define V14_MIN_GAP 7            /* characters between two deletions: 1 in any 8 */

int sq_async_rx_create(const sq_async_format *f, sq_async_rx **out)
{
    if (!out)
        return SQ_EINVAL;
    *out = NULL;
    if (sq_async_format_check(f) != SQ_OK)
        return SQ_EINVAL;
    sq_async_rx *r = calloc(1, sizeof *r);
    if (!r)
        return SQ_ENOMEM;
    r->f = *f;
    sq_async_rx_reset(r);
    *out = r;
    return SQ_OK;
}

void sq_async_rx_reset(sq_async_rx *r)
{
    if (r) {
        r->state = RX_WAIT_MARK;
        r->since_deletion = V14_MIN_GAP;
    }
}

void sq_async_rx_accept_deleted_stops(sq_async_rx *r, int on)
{
    r->v14 = on != 0;
}

static void begin_char(sq_async_rx *r, uint64_t sample)
{
    r->state = RX_DATA;
    r->count = 0;
    r->value = 0;
    r->parity_ok = 1;
    r->start_sample = sample;
}

int sq_async_rx_put_bit(sq_async_rx *r, uint8_t bit, uint64_t sample, sq_async_char *c)
{
    const sq_async_format *f = &r->f;
    switch (r->state) {
    case RX_WAIT_MARK:
        /* After power-up or a framing error, a start bit only counts after the line has
         * been seen at mark, as a UART does. */
        if (bit)
            r->state = RX_IDLE;
        return 0;
    case RX_IDLE:
        if (!bit)
            begin_char(r, sample);
        return 0;
    case RX_DATA:
        break;
    }
    int n = r->count++;
    int has_parity = f->parity != SQ_PARITY_NONE;
    if (n < f->data_bits) {
        r->value |= (unsigned)(bit & 1u) << n;
        return 0;
    }
    if (has_parity && n == f->data_bits) {
        r->parity_ok = (int)bit == parity_bit(f, r->value);
        return 0;
    }
    /* Stop bit(s). A receiver only needs the first: V.14 lets a transmitter running fast
     * delete stop bits, and the second stop bit of a 2-stop format reads like idle. */
    c->byte = (uint8_t)r->value;
    c->start_sample = r->start_sample;
    c->end_sample = sample;
    c->parity_error = !r->parity_ok;
    c->stop_deleted = !bit && r->v14 && r->since_deletion >= V14_MIN_GAP;
    c->framing_error = !bit && !c->stop_deleted;
    r->since_deletion = c->stop_deleted ? 0 : r->since_deletion + 1;
    if (c->stop_deleted)
        begin_char(r, sample);   /* that 0 was the next start bit */
    else
        r->state = bit ? RX_IDLE : RX_WAIT_MARK;
    return 1;
}

void sq_async_rx_destroy(sq_async_rx *r)
{
    free(r);
}
