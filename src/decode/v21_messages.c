/* Messages on the V.21 lanes that are not start-stop text (fsk_lane.c hands them every bit
 * and every character): V.8bis messages in HDLC framing (V.8bis 7.2) and V.92's quick-connect
 * sequences (V.92 8.2-8.3). A stretch that carried either is not reported as text. */
#include <math.h>
#include <string.h>
#include "src/decode/decoder_internal.h"
#include "squeal/level.h"
#include "squeal/v8bis.h"

static double to_s(uint64_t sample)
{
    return (double)sample / SQ_PROCESSING_RATE_HZ;
}

/* A message is followed by one to three flags (V.8bis 7.2.5), and then by whatever the modem
 * sends until its carrier stops: flags or marks (the rh56 call's answerer, 180 ms after its
 * MS, once "not identified"). So the last message is held, and where only flags and marks
 * came after it, it lasts to the carrier's end. Anything else (start-stop characters, a
 * frame with a bad FCS) shows as NOT_IDLE_BITS bits in a row that neither end a flag nor
 * end seven 1s. */
#define NOT_IDLE_BITS 16

static void release_held(sq_decoder *d, sq_fsk_lane *l)
{
    if (l->v8bis_holding)
        sq_event_pool_queue(&d->pool, &l->v8bis_held, -1);
    l->v8bis_holding = 0;
}

void sq_v21_messages_end(sq_decoder *d, sq_fsk_lane *l, double end_s)
{
    if (l->v8bis_holding && l->v8bis_tail_idle && end_s > l->v8bis_held.end_s) {
        l->v8bis_held.end_s = end_s;
        l->msg_end_s = end_s;
    }
    release_held(d, l);
}

/* What a V.92 QC sequence tells of the modem that sent it: a digital one's QTS and ANSpcm
 * follow (qts_watch.c, classify_tone); an analogue one is a PCM modem. */
static void note_qc(sq_decoder *d, const sq_fsk_lane *l, int digital, double end_s)
{
    if (digital) {
        d->qc_digital_end_s = end_s;
        d->qc_digital_channel = l->channel;
    } else {
        d->pcm_analogue = 1;
    }
}

/* V.92's QC2a, QCA2a, QC2d and QCA2d (8.2.2, 8.2.4, 8.3.3, 8.3.5, Tables 3, 5, 12, 14): V.8bis
 * frames whose identification field is two octets, message type 1011 (bit positions 0 to 3,
 * the first in time first: 0xD, which V.8bis leaves reserved) and a revision; the second octet
 * holds, bit 8 first, UQTS (an analogue modem's, bits 8-11) or ANSpcm's level (a digital one's,
 * bits 8-9), reserved 0s to bit 12, LAPM, QC or QCA, digital. */
#define QC2_TYPE 0xDu
static int is_qc2(const uint8_t *frame, size_t n)
{
    if (n != 2 || (frame[0] & 0x0Fu) != QC2_TYPE || (frame[0] >> 4) == 0)
        return 0;
    uint8_t reserved = frame[1] & 0x80u ? 0x1Cu : 0x10u;
    return (frame[1] & reserved) == 0;
}

/* V.8bis 7.2: a message is an HDLC frame on V.21 after 100 ms of marks; one whose first
 * octet names a message type (reserved types are not V.8bis) and whose FCS checks. A V.92 QC2
 * sequence comes in the same framing. */
void sq_v21_hdlc_bit(sq_decoder *d, sq_fsk_lane *l, const sq_fsk_bit *b)
{
    size_t n = sq_hdlc_rx_bit(&l->hdlc, b->bit, l->hdlc_frame);
    l->v8bis_tail_bits = (uint8_t)((l->v8bis_tail_bits << 1) | b->bit);
    int idle = l->v8bis_tail_bits == 0x7E || (l->v8bis_tail_bits & 0x7F) == 0x7F;
    l->v8bis_not_idle = idle ? 0 : l->v8bis_not_idle + 1;
    if (l->v8bis_not_idle >= NOT_IDLE_BITS || l->hdlc.bad_fcs != l->v8bis_bad_fcs)
        l->v8bis_tail_idle = 0;
    int qc2 = n && is_qc2(l->hdlc_frame, n);
    if (n == 0 || !l->open || (!qc2 && (sq_v8bis_msg_type_of(l->hdlc_frame[0]) == SQ_V8BIS_UNKNOWN ||
                                        (l->hdlc_frame[0] >> 4) == 0)))
        return;
    sq_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = qc2 ? SQ_EVENT_V92_QC : SQ_EVENT_V8BIS_MSG;
    ev.fsk_channel = l->channel;
    ev.end_s = to_s(b->sample);
    /* the frame with its FCS and two flags; the first one starts with the stretch */
    double framed_s = (double)(n + 4) * 8.0 / l->params->baud;
    ev.start_s = l->v8bis_seen ? fmax(l->v8bis_last_end_s, ev.end_s - framed_s) : l->ev.start_s;
    ev.level_dbm0 = sq_fskdemod_level_dbm0(l->demod);
    ev.v8.n_octets = n < SQ_V8_MAX_OCTETS ? n : SQ_V8_MAX_OCTETS;
    memcpy(ev.v8.octets, l->hdlc_frame, ev.v8.n_octets);
    ev.repeats = 1;
    release_held(d, l);
    l->v8bis_held = ev;
    l->v8bis_holding = 1;
    l->v8bis_tail_idle = 1;
    l->v8bis_not_idle = 0;
    l->v8bis_bad_fcs = l->hdlc.bad_fcs;
    if (!l->v8bis_seen)
        l->msg_start_s = ev.start_s;
    l->msg_end_s = ev.end_s;
    l->v8bis_seen = 1;
    l->v8bis_last_end_s = ev.end_s;
    if (qc2)
        note_qc(d, l, (l->hdlc_frame[1] & 0x80u) != 0, ev.end_s);
}

/* V.92 8.2-8.3: QC1x / QCA1x are ten 1s, the sync 0101010101 (the character 0x55) and one
 * information octet, all twice; V.8-type framing is start-stop framing, so they arrive as
 * the characters 55 X 55 X. X's bit 4 is always 0, and its bits 3-7 hold either a UQTS code
 * (W 0 X Y Z) or, from a digital modem (bit 0), 0 0 L M. */
void sq_v21_watch_qc(sq_decoder *d, sq_fsk_lane *l, const sq_async_char *c)
{
    memmove(l->qc_chars, l->qc_chars + 1, 3 * sizeof l->qc_chars[0]);
    l->qc_chars[3] = *c;
    if (++l->qc_seen < 4)
        return;
    const sq_async_char *q = l->qc_chars;
    uint8_t x = q[1].byte;
    int digital_ok = !(x & 1u) || (x & 0x28u) == 0;   /* a digital modem's bits 3 and 5 are 0 */
    if (q[0].byte != 0x55 || q[2].byte != 0x55 || q[3].byte != x || (x & 0x10u) || !digital_ok)
        return;
    sq_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SQ_EVENT_V92_QC;
    ev.fsk_channel = l->channel;
    /* from the ten 1s before the first sync character */
    ev.start_s = fmax(0.0, to_s(q[0].start_sample) - 11.0 / l->params->baud);
    ev.end_s = to_s(q[3].end_sample);
    ev.level_dbm0 = sq_fskdemod_level_dbm0(l->demod);
    ev.v8.octets[0] = x;
    ev.v8.n_octets = 1;
    ev.repeats = 2;
    sq_event_pool_queue(&d->pool, &ev, -1);
    note_qc(d, l, x & 1u, ev.end_s);
    l->v8bis_seen = 1;   /* the stretch's characters were this, not text */
    if (ev.start_s < l->msg_start_s || l->msg_end_s < ev.start_s)
        l->msg_start_s = ev.start_s;
    l->msg_end_s = ev.end_s;
    l->qc_seen = 0;
}
