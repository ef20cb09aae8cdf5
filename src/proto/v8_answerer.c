/* V.8 answering modem (V.8 8.2; spec 3.8, 3.9, 3.11). */
#include <stdio.h>
#include "src/proto/v8_session_internal.h"

enum answerer_state {
    A_START = 0,
    A_ANSWER_TONE,    /* ANSam (or ANS), listening for CM */
    A_PRE_JM,         /* silence between ANSam and JM, as SPANDSP */
    A_SEND_JM,        /* JM until CJ */
    A_SILENCE_75,     /* 75 +/- 5 ms before the selected modem starts */
    A_V25,            /* no CM: V.25 automode */
    A_END,
};

#define INITIAL_SILENCE SQ_MS(200)    /* V.8 8.2: at least 0.2 s */
#define GAP_BEFORE_JM SQ_MS(75)
#define CJ_TIMEOUT SQ_MS(5000)        /* SPANDSP: 5 s waiting for CJ */
/* V.8 8.2 allows other criteria than CJ for stopping JM. A caller sends CM until JM has come
 * and then CJ, and nothing after it on V.21: CM stopped this long is a CJ that was lost (a
 * burst of noise, a sound server's skip: seen in tests/loopback_test.sh). */
#define CM_STOPPED SQ_MS(300)
#define SILENCE_AFTER_CJ SQ_MS(75)    /* V.8 8.2: 75 +/- 5 ms */
#define SILENCE_AFTER_TONE SQ_MS(75)  /* V.25: 75 +/- 20 ms before the data signal */

static void start_answer_tone(sq_v8_session *s)
{
    v8s_send_tone(s);
    v8s_note(s, "%s sent", sq_tone_kind_to_str(s->set.use_v8 ? s->set.answer_tone : SQ_TONE_ANS));
    v8s_enter(s, A_ANSWER_TONE);
}

/* JM: the caller's offer AND what we can do, with as many modulation octets as the CM
 * (V.8 8.2.3); the call function is echoed; LAPM only if both have it. */
static void send_jm(sq_v8_session *s)
{
    const sq_v8_msg *cm = &s->heard;
    sq_v8_msg jm;
    sq_v8_msg_init(&jm, SQ_V8_JM, cm->modulations & s->set.modes);
    jm.mod_octets = cm->mod_octets;
    jm.call_function = cm->call_function;
    jm.has_protocols = cm->has_protocols;
    jm.protocols = cm->has_protocols && cm->protocols == 1 && s->set.lapm ? 1 : 0;
    s->result.joint = jm.modulations;
    s->result.lapm = jm.protocols == 1;
    v8s_note_modes(s, "JM sent:", jm.modulations);
    v8s_send_menu(s, &jm);
    v8s_enter(s, A_SEND_JM);
}

static void on_cm(sq_v8_session *s)
{
    s->result.offered = s->heard.modulations;
    v8s_note_modes(s, "CM received twice:", s->heard.modulations);
    v8s_send_silence(s);
    v8s_enter(s, A_PRE_JM);
}

static void done_after_cj(sq_v8_session *s)
{
    uint32_t mode = sq_v8_best_mode(s->result.joint);
    if (!mode) {
        v8s_finish(s, SQ_V8_FAILED, 0, "no modulation in common with the caller's CM");
        return;
    }
    char why[96];
    snprintf(why, sizeof why, "V.8 complete, %s selected%s", sq_v8_mod_to_str(mode),
             s->result.lapm ? ", V.42 LAPM agreed" : s->set.lapm ? ", no V.42 LAPM (the other side did not offer it)" : "");
    v8s_finish(s, SQ_V8_DONE, mode, why);
}

/* V.25 automode without V.8 (3.11): a V.22bis answerer goes on with USB1 (the V.22bis
 * session sends it); one with V.21 alone raises its V.21 carrier. */
static void start_v25_data(sq_v8_session *s)
{
    if (s->set.modes & SQ_V8_V22BIS) {
        v8s_send_silence(s);
        v8s_finish(s, SQ_V8_FALLBACK, SQ_V8_V22BIS, "no V.8: the caller sent no CM during the answer tone");
        return;
    }
    if (!(s->set.modes & SQ_V8_V21)) {
        v8s_finish(s, SQ_V8_FAILED, 0, "no CM, and V.21 is not among our modes");
        return;
    }
    v8s_send_mark(s);
    v8s_note(s, "no CM: V.21 carrier sent");
    v8s_finish(s, SQ_V8_FALLBACK, SQ_V8_V21, "no V.8: the caller sent no CM during the answer tone");
}

void v8_answerer_step(sq_v8_session *s)
{
    uint64_t in_state = s->n - s->state_start;
    switch ((enum answerer_state)s->state) {
    case A_START:
        if (in_state >= INITIAL_SILENCE)
            start_answer_tone(s);
        break;
    case A_ANSWER_TONE:
        if (s->accepted && s->set.use_v8)
            on_cm(s);
        else if (v8s_tx_idle(s)) {   /* the answer tone ran its full length */
            v8s_send_silence(s);
            v8s_enter(s, A_V25);
        }
        break;
    case A_PRE_JM:
        if (in_state >= GAP_BEFORE_JM)
            send_jm(s);
        break;
    case A_SEND_JM:
        if (s->heard_cj) {
            v8s_note(s, "CJ received");
            v8s_send_silence(s);   /* JM stops at once, even mid-sequence (V.8 8.2) */
            v8s_enter(s, A_SILENCE_75);
        } else if (s->carrier_off_since > s->state_start && s->n >= s->carrier_off_since + CM_STOPPED) {
            v8s_note(s, "CJ not heard, but CM stopped %d ms ago: taken as CJ", (int)((s->n - s->carrier_off_since) / 8));
            done_after_cj(s);
            v8s_enter(s, A_END);
        } else if (in_state > CJ_TIMEOUT) {
            v8s_finish(s, SQ_V8_FAILED, 0, "no CJ after JM");
        }
        break;
    case A_SILENCE_75:
        if (in_state >= SILENCE_AFTER_CJ) {
            done_after_cj(s);
            v8s_enter(s, A_END);
        }
        break;
    case A_V25:
        if (in_state >= SILENCE_AFTER_TONE) {
            start_v25_data(s);
            v8s_enter(s, A_END);
        }
        break;
    case A_END:
        break;
    }
}
