/* V.22bis session, receive: data bits from the receiver's symbols, and the held-character
 * guard (what is decoded is handed over only once it is old enough to be trusted). */
#include "src/proto/v22bis_internal.h"

/* Hands over the held characters decoded before `before`. */
void v22s_release_held(sq_v22_session *s, uint64_t before)
{
    while (s->held_n && s->held[s->held_first].sample < before) {
        /* the user reads far faster than 2400 bit/s, so rxq has room */
        (void)sq_byte_queue_push(&s->rxq, &s->held[s->held_first].byte, 1);
        s->held_first = (s->held_first + 1) % HELD_MAX;
        s->held_n--;
    }
}

static void deliver(sq_v22_session *s, uint8_t bit, uint64_t sample)
{
    if (s->set.put_bit) {   /* the layer above checks its frames itself */
        s->set.put_bit(s->set.bit_user, bit);
        return;
    }
    sq_async_char c;
    if (!sq_async_rx_put_bit(s->arx, bit, sample, &c))
        return;
    if (c.framing_error || c.parity_error) {
        s->st.char_errors++;
        return;
    }
    /* 16 points below 18 dB make errors every few hundred bits: a character decoded then
     * (a receiver not yet settled after a retrain, a fault too gentle to be called one) is
     * not trusted. A line that carries 2400 at all is at 20 dB or more. */
    if (s->st.rate == 2400 && s->rx_rate == 2400 && sq_qam_rx_snr_db(s->qrx) < UNTRUSTED_SNR_DB) {
        s->st.char_errors++;
        return;
    }
    if (s->held_n == HELD_MAX)
        v22s_release_held(s, UINT64_MAX);
    s->held[(s->held_first + s->held_n++) % HELD_MAX] = (struct held_char){ c.byte, sample };
}

/* Characters decoded from `good_before` on are not trusted: they are dropped, and the
 * start-stop receiver waits for a mark again. */
void v22s_drop_held_since(sq_v22_session *s, uint64_t good_before)
{
    v22s_release_held(s, good_before);
    if (s->held_n)
        v22s_note(s, "%zu characters decoded since then dropped", s->held_n);
    s->held_n = 0;
    sq_async_rx_reset(s->arx);
}

/* In a retrain, the far end's descrambled dibits after its S1: 01 or 10 again and again
 * ask for 1200 (V.22bis 6.6). */
static void watch_rate_request(sq_v22_session *s, const uint8_t *data)
{
    int dibit = data[0] << 1 | data[1];
    if (dibit == 1 || dibit == 2)
        s->rate_dibits = dibit == s->last_dibit ? s->rate_dibits + 1 : 1;
    else
        s->rate_dibits = 0;
    s->last_dibit = dibit;
    if (s->rate_dibits >= RATE_REQUEST_DIBITS && !s->far_1200) {
        s->far_1200 = 1;
        v22s_note(s, "the far end asks for 1200 bit/s");
    }
}

/* Data bits once decisions are coherent: demap, descramble, deliver after 109 ON. */
static void receive_bits(sq_v22_session *s, const sq_qam_symbol *sym)
{
    if (v22s_training_2400(s->state) && s->rx_rate == 1200 && s->n >= s->s1_end + DECIDE16_AFTER_S1) {
        if (sq_v22_watch_2400(&s->rate_hits, sym->decision)) {
            s->rx_rate = 2400;
            v22s_note(s, "far end at 2400 bit/s");
        }
    }
    uint8_t bits[4];
    int nb = sq_v22_follow_symbol(&s->det, &s->dem, s->rx_rate, sym->decision, bits, NULL);
    if (s->state == ST_RETRAIN_2400 && s->rx_rate == 1200)
        watch_rate_request(s, bits);
    for (int i = 0; i < nb; i++) {
        uint8_t b = bits[i];
        if (s->rx_ready) {
            /* data is clamped to 1 until the line has idled on 1s a while: the first
             * coherent decisions after the handshake are not the far end's data */
            if (s->marks_seen < IDLE_BEFORE_DATA) {
                s->marks_seen = b ? s->marks_seen + 1 : 0;
                continue;
            }
            deliver(s, b, sym->sample);
        } else if (v22s_training_2400(s->state) && s->rx_rate == 2400) {
            s->ones_run = b ? s->ones_run + 1 : 0;
            if (s->ones_run >= SQ_V22_ONES_BEFORE_DATA) {
                s->rx_ready = 1;
                v22s_note(s, "32 ones at 2400 bit/s received: receiver ready");
            }
        }
    }
}

void v22s_on_symbol(sq_v22_session *s, const sq_qam_symbol *sym)
{
    if (s->state == ST_ENDED)
        return;
    int coherent = v22s_training_2400(s->state) || s->state == ST_DATA ||
                   (v22s_training_1200(s->state) && s->rx_rate);
    if (!coherent) {
        sq_v22_detector_symbol(&s->det, sym->z, sq_qam_rx_level_dbm0(s->qrx) > SQ_V22_CARRIER_ON_DBM0);
        return;
    }
    receive_bits(s, sym);
    if (s->state == ST_DATA)
        v22s_monitor_symbol(s, sym);
}
