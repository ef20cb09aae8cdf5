/* Internal: V.42 LAPM error control above a synchronous data modem. The user's bytes go in
 * numbered I frames (modulo 128, up to 128 octets, at most 15 unacknowledged: V.42's
 * default N401 and k) protected by the HDLC FCS. A frame the far end did not receive (a
 * line error, a retrain, a gap in the audio) is sent again: the receiver asks with REJ when
 * a number is skipped, and the sender polls with RR after T401 without an acknowledgement.
 * Bytes are handed over in order, each once, only from frames whose FCS checked.
 *
 * What it does: link set-up (SABME / UA, the caller originates), information transfer with
 * go-back-N recovery (REJ, and RR polls in timer recovery), acknowledgements piggybacked
 * on I frames or sent as RR, DISC and DM answered. What it leaves out: XID parameter
 * negotiation (both ends use the defaults), SREJ, RNR flow control (a full receive queue
 * simply does not take the frame, and the sender's poll recovers it), the V.42 detection
 * phase (V.8's CM/JM agree on LAPM instead), and V.42bis compression. Only tested against
 * itself: no other V.42 implementation has been at the far end. */
#ifndef SQ_LAPM_H
#define SQ_LAPM_H

#include <stddef.h>
#include <stdint.h>
#include "squeal/session.h"

typedef enum sq_lapm_state {
    SQ_LAPM_SETUP = 0,       /* waiting for SABME (answerer) or its UA (originator) */
    SQ_LAPM_UP,              /* information transfer */
    SQ_LAPM_RELEASED,        /* the far end sent DISC */
    SQ_LAPM_FAILED,          /* reason says why */
} sq_lapm_state;

typedef struct sq_lapm_stats {
    sq_lapm_state state;
    uint64_t frames_sent;    /* I frames, first sendings */
    uint64_t frames_resent;  /* I frames sent again */
    uint64_t frames_bad;     /* received with a bad FCS or length (dropped) */
    uint64_t rejects;        /* REJ sent: a frame was missed */
    uint64_t polls;          /* T401 ran out: RR polls sent */
    char reason[96];
} sq_lapm_stats;

typedef struct sq_lapm sq_lapm;

/* originator: the caller's side. bit_rate sets T401 (a few frame times and a second). */
/* What a frame with a good FCS is to LAPM, by its address and control fields (V.42 8.1):
 * not LAPM (a DLCI other than 0), an I frame (then *ns is its N(S) and the information
 * starts at octet 3), an S frame or a U frame. Shared by the link and the timeline decoder. */
typedef enum sq_lapm_frame_kind { SQ_LAPM_NOT_OURS = 0, SQ_LAPM_I_FRAME, SQ_LAPM_S_FRAME, SQ_LAPM_U_FRAME } sq_lapm_frame_kind;
sq_lapm_frame_kind sq_lapm_frame_kind_of(const uint8_t *f, size_t n, int *ns);

int sq_lapm_create(int originator, int bit_rate, sq_lapm **out);
void sq_lapm_destroy(sq_lapm *l);
/* The modem's rate, once training has settled it: T401 follows. */
void sq_lapm_set_bit_rate(sq_lapm *l, int bit_rate);
/* The modem is in data mode from `now` (samples at 8 kHz): the originator sends SABME. */
void sq_lapm_start(sq_lapm *l, uint64_t now);
/* Timers; call as time passes, with samples at 8 kHz. */
void sq_lapm_tick(sq_lapm *l, uint64_t now);
/* The modem's line bits: the next one to send, and each one received. */
uint8_t sq_lapm_tx_bit(sq_lapm *l);
void sq_lapm_rx_bit(sq_lapm *l, uint8_t bit);
/* The user's side: queue bytes to send (returns how many fitted); bytes queued or not yet
 * acknowledged by the far end; take bytes received. */
size_t sq_lapm_send(sq_lapm *l, const uint8_t *data, size_t n);
size_t sq_lapm_pending(const sq_lapm *l);
size_t sq_lapm_receive(sq_lapm *l, uint8_t *out, size_t max);
const sq_lapm_stats *sq_lapm_stats_get(const sq_lapm *l);
/* SQ_OK and a milestone ("V.42 LAPM link up"), or SQ_EAGAIN. */
int sq_lapm_next_note(sq_lapm *l, sq_v8_note *note);

#endif
