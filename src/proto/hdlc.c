/* HDLC framing for V.42 LAPM (src/proto/hdlc.h). */
#include <string.h>
#include "src/proto/hdlc.h"

#define FLAG 0x7E
#define GOOD_FCS_RESIDUE 0xF0B8   /* the register after a frame and its own FCS */
#define MIN_FRAME 2               /* address and control (a U frame) */

static uint16_t crc_update(uint16_t crc, const uint8_t *data, size_t n)
{
    /* CRC-CCITT, x^16 + x^12 + x^5 + 1, bit-reversed as the octets go LSB first */
    for (size_t i = 0; i < n; i++) {
        crc ^= data[i];
        for (int b = 0; b < 8; b++)
            crc = (crc & 1u) ? (uint16_t)((crc >> 1) ^ 0x8408u) : (uint16_t)(crc >> 1);
    }
    return crc;
}

uint16_t sq_hdlc_fcs(const uint8_t *data, size_t n)
{
    return (uint16_t)~crc_update(0xFFFF, data, n);
}

void sq_hdlc_tx_init(sq_hdlc_tx *t)
{
    memset(t, 0, sizeof *t);
}

int sq_hdlc_tx_busy(const sq_hdlc_tx *t)
{
    return t->pos < t->len;
}

int sq_hdlc_tx_frame(sq_hdlc_tx *t, const uint8_t *frame, size_t n)
{
    if (sq_hdlc_tx_busy(t) || n < 1 || n > SQ_HDLC_MAX_FRAME)
        return -1;
    memcpy(t->buf, frame, n);
    uint16_t fcs = sq_hdlc_fcs(frame, n);
    t->buf[n] = (uint8_t)(fcs & 0xFF);
    t->buf[n + 1] = (uint8_t)(fcs >> 8);
    t->len = n + 2;
    t->pos = 0;
    t->bit = 0;
    t->ones = 0;
    return 0;
}

uint8_t sq_hdlc_tx_bit(sq_hdlc_tx *t)
{
    if (t->stuff) {
        t->stuff = 0;
        t->ones = 0;
        return 0;
    }
    /* a frame starts only after a whole flag: the one closing the frame before will do */
    int frame_start = t->pos == 0 && t->bit == 0;
    if (!t->flag_bits && (!sq_hdlc_tx_busy(t) || (frame_start && !t->flag_done)))
        t->flag_bits = 8;
    if (t->flag_bits) {
        uint8_t b = (FLAG >> (8 - t->flag_bits)) & 1u;
        t->flag_done = --t->flag_bits == 0;
        return b;
    }
    uint8_t b = (t->buf[t->pos] >> t->bit) & 1u;
    if (++t->bit == 8) {
        t->bit = 0;
        t->pos++;
    }
    t->flag_done = 0;
    if (b && ++t->ones == 5)
        t->stuff = 1;
    else if (!b)
        t->ones = 0;
    return b;
}

void sq_hdlc_rx_init(sq_hdlc_rx *r)
{
    memset(r, 0, sizeof *r);
    r->hunting = 1;
    r->min_frame = MIN_FRAME;
}

/* The bits since the last flag, now that another has ended them: the flag's own first 7
 * bits (0111111) went in too. */
static size_t frame_ended(sq_hdlc_rx *r, uint8_t *frame)
{
    size_t bits = r->nbits >= 7 ? r->nbits - 7 : 0;
    r->nbits = 0;
    if (bits == 0)
        return 0;                    /* flags back to back */
    if (bits % 8 || bits / 8 < r->min_frame + 2) {
        r->bad_length++;
        return 0;
    }
    size_t n = bits / 8;
    if (crc_update(0xFFFF, r->buf, n) != GOOD_FCS_RESIDUE) {
        r->bad_fcs++;
        return 0;
    }
    r->good++;
    memcpy(frame, r->buf, n - 2);
    return n - 2;
}

static void keep_bit(sq_hdlc_rx *r, uint8_t bit)
{
    if (r->nbits >= 8 * sizeof r->buf) {   /* longer than any frame: wait for a flag */
        r->bad_length++;
        r->hunting = 1;
        r->nbits = 0;
        return;
    }
    size_t i = r->nbits / 8;
    int k = (int)(r->nbits % 8);
    if (k == 0)
        r->buf[i] = 0;
    r->buf[i] |= (uint8_t)(bit << k);
    r->nbits++;
}

size_t sq_hdlc_rx_bit(sq_hdlc_rx *r, uint8_t bit, uint8_t *frame)
{
    /* Most bits are neither a sixth 1 nor a 0 after five: they only count a 1 or end a run,
     * done here with selects (the bits of data are random, a branch on them a coin toss). */
    int ones = r->ones, one = bit != 0;
    if (!((one & (ones == 6)) | (!one & (ones >= 5)))) {
        r->ones = (ones + (ones < 8)) & -one;   /* held at 8 on an idle line: 5, 6 and 7 are what matter */
        if (!r->hunting)
            keep_bit(r, (uint8_t)one);
        return 0;
    }
    if (bit) {
        if (++r->ones == 7) {         /* abort (or an idle line): no frame until a flag */
            if (!r->hunting && r->nbits > 7)
                r->aborts++;
            r->hunting = 1;
            r->nbits = 0;
        }
        if (!r->hunting)
            keep_bit(r, 1);
        return 0;
    }
    r->ones = 0;
    if (ones == 5)                   /* a stuffed 0 */
        return 0;
    if (ones == 6) {                 /* a flag */
        size_t n = r->hunting ? 0 : frame_ended(r, frame);
        r->hunting = 0;
        r->nbits = 0;
        return n;
    }
    if (!r->hunting)
        keep_bit(r, 0);
    return 0;
}
