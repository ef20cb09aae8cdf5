/* V.8 calling modem (V.8 8.1; spec 3.7, 3.11). */
#include <stdio.h>
#include "src/proto/v8_session_internal.h"

enum caller_state {
    C_START = 0,
    C_WAIT_ANSWER_TONE,   /* listening for ANS / ANSam, CT or CI optional */
    C_END_CI,             /* ANSam heard: the CI sequence on the line finishes */
    C_TE,                 /* silence after ANSam, before CM */
    C_SEND_CM,            /* CM until two identical JMs */
    C_SEND_CJ,            /* the octet in progress, then CJ */
    C_SILENCE_75,         /* 75 +/- 5 ms before the selected modem starts */
    C_V25_WAIT,           /* plain ANS heard: wait for the answerer's data carrier */
    C_END,
};

#define INITIAL_SILENCE SQ_MS(1000)     /* V.8 8.1.1: about 1 s (SPANDSP and LINMODEM: 1000 ms) */
#define TE SQ_MS(1000)                  /* V.8 8.1: Te >= 0.5 s, >= 1 s to disable echo control */
#define ANSWER_TONE_WAIT SQ_MS(15000)   /* how long a caller waits to be answered */
#define ANSAM_MIN_TONE_S 0.45        /* 2100 Hz heard this long, with AM: ANSam */
#define ANS_DECIDE_TONE_S 1.0        /* this long with no AM: plain ANS (V.25) */
#define AM_MIN_DEPTH 0.08            /* as the decoder (decoder.c) */
#define JM_TIMEOUT SQ_MS(5000)          /* SPANDSP: 5 s without a valid JM */
#define SILENCE_AFTER_CJ SQ_MS(75)      /* V.8 8.1: 75 +/- 5 ms */
#define V21_CARRIER_ON SQ_MS(300)       /* V.21 Table 2: 109 OFF->ON 300-700 ms */
#define V25_DATA_WAIT SQ_MS(10000)
#define PEEK_EVERY SQ_MS(50)
#define CI_PER_BURST 4               /* V.8 7.1: ON >= 3 sequences, <= 2 s (SPANDSP, LINMODEM: 4) */
#define CI_OFF SQ_MS(500)               /* V.8 7.1: OFF 0.4-2 s (SPANDSP, LINMODEM: 500 ms) */

static void check_answer_tone(sq_v8_session *s)
{
    if ((s->n - s->state_start) % PEEK_EVERY >= 40)
        return;
    sq_tone_segment seg;
    if (!sq_tonerx_peek(s->tones, 0, &seg) || seg.freq_hz < 2080.0 || seg.freq_hz > 2120.0)
        return;
    double heard = seg.end_s - seg.start_s;
    int am = seg.am_depth >= AM_MIN_DEPTH && seg.am_hz >= 13.5 && seg.am_hz <= 16.5;
    if (s->set.use_v8 && am && heard >= ANSAM_MIN_TONE_S) {
        v8s_note(s, "ANSam detected (AM %.1f Hz, depth %.2f, %zu reversals)", seg.am_hz,
                 seg.am_depth, seg.n_reversals);
        if (s->set.call_signal == SQ_CALL_SIGNAL_CI) {
            v8s_finish_sequence(s);   /* Te counts from the end of the call signal (8.1.1) */
            v8s_enter(s, C_END_CI);
        } else {
            v8s_send_silence(s);
            v8s_enter(s, C_TE);
        }
    } else if (heard >= ANS_DECIDE_TONE_S || (!s->set.use_v8 && heard >= ANSAM_MIN_TONE_S)) {
        v8s_note(s, "%s: answering as V.25", am ? "ANSam heard by a V.25-only caller" : "ANS without AM");
        v8s_send_silence(s);
        v8s_enter(s, C_V25_WAIT);
    }
}

/* CI in bursts of CI_PER_BURST sequences, CI_OFF apart, until the answer tone is heard. */
static void pace_ci(sq_v8_session *s)
{
    if (!v8s_tx_idle(s))
        return;
    if (s->tx != TX_SILENCE) {
        v8s_send_silence(s);
        s->ci_off_since = s->n;
    }
    if (s->n - s->ci_off_since >= CI_OFF || s->ci_bursts == 0) {
        sq_v8_msg ci;
        sq_v8_msg_init(&ci, SQ_V8_CI, 0);
        v8s_send_sequences(s, &ci, CI_PER_BURST);
        if (s->ci_bursts++ == 0)
            v8s_note(s, "CI sent (data call), %d per burst, %d ms apart", CI_PER_BURST,
                     (int)(CI_OFF / 8));
    }
}

static void send_cm(sq_v8_session *s)
{
    sq_v8_msg cm;
    sq_v8_msg_init(&cm, SQ_V8_CM, s->set.modes);
    cm.protocols = s->set.lapm ? 1 : 0;   /* the category stays, "none" without LAPM */
    s->result.offered = s->set.modes;
    v8s_note_modes(s, "CM sent, offering", s->set.modes);
    v8s_send_menu(s, &cm);
    v8s_enter(s, C_SEND_CM);
}

static void on_jm(sq_v8_session *s)
{
    s->result.joint = s->heard.modulations;
    s->result.lapm = s->set.lapm && s->heard.has_protocols && s->heard.protocols == 1;
    v8s_note_modes(s, "JM received twice:", s->heard.modulations);
    v8s_finish_octet_then_cj(s);
    v8s_enter(s, C_SEND_CJ);
}

static void done_after_cj(sq_v8_session *s)
{
    uint32_t mode = sq_v8_best_mode(s->result.joint & s->set.modes);
    if (!mode) {
        v8s_finish(s, SQ_V8_FAILED, 0, "no modulation in common (JM offered none we can run)");
        return;
    }
    char why[96];
    snprintf(why, sizeof why, "V.8 complete, %s selected%s", sq_v8_mod_to_str(mode),
             s->result.lapm ? ", V.42 LAPM agreed" : s->set.lapm ? ", no V.42 LAPM (the other side did not offer it)" : "");
    v8s_finish(s, SQ_V8_DONE, mode, why);
}

static void wait_v25_data(sq_v8_session *s)
{
    sq_tone_segment seg;
    int tone_on = sq_tonerx_peek(s->tones, 0, &seg);
    if (!tone_on && (s->set.modes & SQ_V8_V22BIS) && s->n - s->state_start >= SQ_MS(200)) {
        /* V.32bis Annex A automode: a V.22bis caller goes on after the answer tone and waits
         * for the answerer's USB1 (the V.22bis session does). A V.21-only V.25 answerer is
         * then missed: squeal's caller offers V.21 only when V.22bis is left out. */
        v8s_finish(s, SQ_V8_FALLBACK, SQ_V8_V22BIS, "no V.8: the answer tone ended; V.22bis automode");
    } else if (!tone_on && s->carrier_since && s->n - s->carrier_since >= V21_CARRIER_ON) {
        if (s->set.modes & SQ_V8_V21)
            v8s_finish(s, SQ_V8_FALLBACK, SQ_V8_V21, "no V.8: V.21 carrier heard after the answer tone");
        else
            v8s_finish(s, SQ_V8_FAILED, 0, "no V.8, and the answerer's V.21 is not among our modes");
    } else if (s->n - s->state_start > V25_DATA_WAIT) {
        v8s_finish(s, SQ_V8_FAILED, 0, "no data carrier after the answer tone");
    }
}

void v8_caller_step(sq_v8_session *s)
{
    uint64_t in_state = s->n - s->state_start;
    switch ((enum caller_state)s->state) {
    case C_START:
        if (in_state >= INITIAL_SILENCE) {
            if (s->set.call_signal == SQ_CALL_SIGNAL_CT)
                v8s_send_tone(s);
            v8s_enter(s, C_WAIT_ANSWER_TONE);
        }
        break;
    case C_WAIT_ANSWER_TONE:
        if (s->set.call_signal == SQ_CALL_SIGNAL_CI)
            pace_ci(s);
        check_answer_tone(s);
        if (s->state == C_WAIT_ANSWER_TONE && in_state > ANSWER_TONE_WAIT)
            v8s_finish(s, SQ_V8_FAILED, 0, "no answer tone");
        break;
    case C_END_CI:
        if (v8s_tx_idle(s)) {
            v8s_send_silence(s);
            v8s_enter(s, C_TE);
        }
        break;
    case C_TE:
        if (in_state >= TE)
            send_cm(s);
        break;
    case C_SEND_CM:
        if (s->accepted)
            on_jm(s);
        else if (in_state > JM_TIMEOUT)
            v8s_finish(s, SQ_V8_FAILED, 0, "no JM received in answer to CM");
        break;
    case C_SEND_CJ:
        if (v8s_tx_idle(s)) {
            v8s_note(s, "CJ sent");
            v8s_send_silence(s);
            v8s_enter(s, C_SILENCE_75);
        }
        break;
    case C_SILENCE_75:
        if (in_state >= SILENCE_AFTER_CJ) {
            done_after_cj(s);
            v8s_enter(s, C_END);
        }
        break;
    case C_V25_WAIT:
        wait_v25_data(s);
        break;
    case C_END:
        break;
    }
}
