/* Internal: HDLC framing on a synchronous bit stream, as V.42 LAPM uses it (ISO 3309):
 * frames between 0x7E flags, a 0 stuffed after five 1s in a row inside a frame so that no
 * data looks like a flag, and a 16-bit frame check sequence (CRC-CCITT, sent complemented,
 * low octet first). Octets go LSB first. Between frames the transmitter sends flags.
 * The receiver hands over only frames whose FCS checks: a frame hit by a line error, a
 * retrain or a gap in the audio is counted and dropped, never delivered. */
#ifndef SQ_HDLC_H
#define SQ_HDLC_H

#include <stddef.h>
#include <stdint.h>

/* Address, control and information octets of the largest frame: LAPM's default N401 of 128
 * information octets, one address octet and two control octets. */
#define SQ_HDLC_MAX_FRAME 131

/* The FCS of n octets (the value sent, already complemented). */
uint16_t sq_hdlc_fcs(const uint8_t *data, size_t n);

typedef struct sq_hdlc_tx {
    uint8_t buf[SQ_HDLC_MAX_FRAME + 2];   /* the frame being sent, FCS appended */
    size_t len, pos;                      /* octets in buf; next octet */
    int bit;                              /* next bit of buf[pos] */
    int ones;                             /* 1s in a row sent inside the frame */
    int stuff;                            /* a stuffed 0 is due */
    int flag_bits;                        /* bits of a flag still to send */
    int flag_done;                        /* a whole flag went out since the last frame bit */
} sq_hdlc_tx;

void sq_hdlc_tx_init(sq_hdlc_tx *t);
/* 1 while a frame is still going out (the next one has to wait). */
int sq_hdlc_tx_busy(const sq_hdlc_tx *t);
/* Queues a frame of n octets (1..SQ_HDLC_MAX_FRAME) once the transmitter is not busy;
 * returns 0, or -1 when busy or n is out of range. */
int sq_hdlc_tx_frame(sq_hdlc_tx *t, const uint8_t *frame, size_t n);
/* The next line bit: the frame's, or flags when there is none. */
uint8_t sq_hdlc_tx_bit(sq_hdlc_tx *t);

typedef struct sq_hdlc_rx {
    uint8_t buf[SQ_HDLC_MAX_FRAME + 3];   /* frame and FCS, plus the flag's bits */
    size_t nbits;                         /* bits gathered since the last flag */
    int ones;                             /* 1s in a row on the line */
    int hunting;                          /* after an abort or an overlong frame: wait for a flag */
    size_t min_frame;                     /* octets before the FCS, at least (2: LAPM's address and
                                           * control; V.8bis's ACK and NAK are 1) */
    uint64_t good, bad_fcs, bad_length, aborts;   /* what was seen, for the status lines */
} sq_hdlc_rx;

void sq_hdlc_rx_init(sq_hdlc_rx *r);
/* Feeds one line bit. Returns the length of a frame that has just ended with a good FCS
 * (address, control and information, FCS removed, in frame[]), else 0. frame needs room
 * for SQ_HDLC_MAX_FRAME octets. */
size_t sq_hdlc_rx_bit(sq_hdlc_rx *r, uint8_t bit, uint8_t *frame);

#endif
