/* V.22bis session, retrains and rate changes (V.22bis 6.4, 6.6). */

#include "src/proto/v22bis_internal.h"

/* Both ends of a retrain (V.22bis 6.4): the characters not yet handed over may hold
 * garbage, so the ones decoded after `good_before` are dropped; the receiver's data path
 * starts again (clamped to 1s until 32 ones at 2400 bit/s, then idle marks); the character
 * we were sending goes again whole once data resumes; and S1 then SB1 at 1200 go out. */
void v22s_begin_retrain(sq_v22_session *s, uint64_t good_before, const char *why)
{
    if (!s->retrained_at || s->n - s->retrained_at >= RETRAIN_TOO_SOON)
        s->settled_err = s->slow_err;
    v22s_note(s, "retrain: %s", why);
    v22s_drop_held_since(s, good_before);
    s->rx_ready = s->tx_ready = 0;
    s->marks_seen = s->rate_hits = s->ones_run = 0;
    s->retrain_1200 = s->far_1200 = s->rate_dibits = 0;
    s->rate_before = s->st.rate;
    s->fault_at = 0;
    if (s->char_pos < s->char_len)
        s->char_pos = 0;
    s->st.retrains++;
    s->s1_sent_at = s->n;
    v22s_send_signal(s, TX_S1, 1200);
    v22s_note(s, "S1 sent");
}

/* This side retrains on its own: its receiver starts over and waits for S1 back. */
void v22s_start_own_retrain(sq_v22_session *s, uint64_t good_before, const char *why)
{
    v22s_begin_retrain(s, good_before, why);
    sq_qam_rx_reset(s->qrx);
    sq_v22_detector_init(&s->det);
    s->retrain_attempts = 1;
    v22s_enter(s, ST_RETRAIN_WAIT_S1);
}

/* A retrain where either end asked for 1200: at the moment 16-way decisions would start,
 * both stay with the four points; SB1 (marks) until data resumes when it would have at
 * 2400. */
void v22s_retrain_to_1200(sq_v22_session *s)
{
    s->st.rate = 1200;
    s->rx_rate = 1200;
    v22s_send_signal(s, TX_SB1, 1200);
    s->tx_ready_at = s->n + RATE2400_AFTER_S1 + SB1_2400 - DECIDE16_AFTER_S1;
    v22s_note(s, "%s: 1200 bit/s", s->retrain_1200 ? "we asked for 1200" : "the far end asked for 1200");
    if (s->far_1200 && s->rate_before == 1200)
        s->upgrade_tries = UPGRADE_TRIES;   /* it wants 1200: not asked again */
    v22s_enter(s, ST_RETRAIN_1200);
}

/* Our own retrain: S1 back from the far end, or S1 sent again. */
void v22s_retrain_step(sq_v22_session *s, uint64_t in_state)
{
    if (s->det.s1_run >= SQ_V22_S1_DETECT_SYMBOLS) {
        if (s->n - s->s1_sent_at > REPLY_AFTER) {
            s->s1_sent_at = s->n;
            v22s_send_signal(s, TX_S1, 1200);
            v22s_note(s, "S1 sent in reply");
        }
        v22s_enter(s, ST_RETRAIN_S1_HEARD);
    } else if (in_state >= (s->set.role == SQ_ROLE_CALLER ? RETRAIN_REPEAT_CALLER : RETRAIN_REPEAT_ANSWERER)) {
        if (++s->retrain_attempts > RETRAIN_ATTEMPTS) {
            v22s_end_call(s, "retrain failed: no S1 back from the far end");
            return;
        }
        s->s1_sent_at = s->n;
        v22s_send_signal(s, TX_S1, 1200);
        v22s_note(s, "S1 sent again");
        v22s_enter(s, ST_RETRAIN_WAIT_S1);
    }
}

/* The end of the far end's S1 in a retrain: a line now too poor for 2400, or a modem set
 * to 1200, asks for 1200 (V.22bis 6.6) with its dibits after S1. */
void v22s_retrain_rate_choice(sq_v22_session *s)
{
    if (s->set.max_rate != 2400 && !s->retrain_1200) {
        s->retrain_1200 = 1;
        v22s_note(s, "asking for 1200 bit/s: this modem is set to 1200");
        if (s->tx == TX_SB1)
            v22s_send_signal(s, TX_RATE_1200, 1200);
    } else if (s->det.quality_db < RETRAIN_MIN_2400_DB && !s->retrain_1200) {
        s->retrain_1200 = 1;
        v22s_note(s, "S1 at symbol SNR %.1f dB: too poor for 2400, asking for 1200", s->det.quality_db);
        if (s->tx == TX_SB1)
            v22s_send_signal(s, TX_RATE_1200, 1200);
    }
}
