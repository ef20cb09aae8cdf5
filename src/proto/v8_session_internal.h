/* Internal to the V.8 session: state shared by the caller and answerer machines. */
#ifndef SQ_V8_SESSION_INTERNAL_H
#define SQ_V8_SESSION_INTERNAL_H

#include "dsp/tone_rx.h"
#include "squeal/fsk.h"
#include "squeal/time_base.h"
#include "squeal/tone.h"
#include "squeal/v8.h"
#include "squeal/v8_session.h"
#include "src/proto/session_queues.h"
#include "src/proto/session_step.h"


typedef enum tx_kind { TX_SILENCE = 0, TX_TONE, TX_FSK } tx_kind;

struct sq_v8_session {
    sq_v8_settings set;
    float tx_step[SQ_STEP_SAMPLES];   /* the step being sent (session_step.h) */
    sq_v8_result result;
    int state;
    uint64_t n, state_start;
    /* transmit */
    tx_kind tx;
    sq_tonegen *tone;
    sq_fskmod *fsk_tx;
    uint8_t seq[256];        /* one CM/JM sequence, sent again and again */
    size_t seq_len;
    int repeat;
    uint64_t ci_off_since;   /* caller: when the last CI burst ended */
    int ci_bursts;
    /* receive */
    sq_fskdemod *fsk_rx;
    sq_v8_rx *v8rx;
    sq_tonerx *tones;        /* caller: 2100 Hz */
    uint64_t carrier_since;  /* caller: V.21 channel 2 carrier on since (0: off) */
    uint64_t carrier_off_since;  /* the far V.21 carrier off since (0: on) */
    sq_v8_msg last;          /* last valid sequence heard, and how often in a row */
    int last_count;
    int heard_cj;
    int heard_ci;
    sq_v8_msg heard;         /* the CM (answerer) or JM (caller) that was accepted */
    int accepted;
    sq_note_ring notes;
};

void v8s_note(sq_v8_session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void v8s_enter(sq_v8_session *s, int state);
void v8s_send_silence(sq_v8_session *s);
#define ANSAM_SECONDS 5.0          /* V.8 7.2: at most 5 +/- 1 s */
#define ANS_SECONDS 3.3            /* V.25: 3.3 +/- 0.7 s */
#define CT_SECONDS 60.0            /* CT until the answer tone comes: a minute at most */

/* Starts this side's one tone from its beginning: the answerer's answer tone, the caller's
 * CT. It is made with the session (no allocation during a call). */
void v8s_send_tone(sq_v8_session *s);
/* Starts sending a CM or JM sequence over and over. */
void v8s_send_menu(sq_v8_session *s, const sq_v8_msg *m);
/* Queues count copies of a sequence once (CI bursts). */
void v8s_send_sequences(sq_v8_session *s, const sq_v8_msg *m, int count);
/* Lets the sequence on the line finish, then stops. */
void v8s_finish_sequence(sq_v8_session *s);
/* Lets the octet on the line finish, then sends CJ (three zero octets) and stops. */
void v8s_finish_octet_then_cj(sq_v8_session *s);
/* Sends mark on our V.21 channel (the data carrier of the V.21 fallback). */
void v8s_send_mark(sq_v8_session *s);
int v8s_tx_idle(const sq_v8_session *s);
void v8s_finish(sq_v8_session *s, sq_v8_outcome outcome, uint32_t mode, const char *why);
void v8s_describe_modes(uint32_t modes, char *out, size_t len);
/* Notes "<what> <modes>", e.g. "CM sent, offering v22bis,v21". */
void v8s_note_modes(sq_v8_session *s, const char *what, uint32_t modes);

void v8_caller_step(sq_v8_session *s);
void v8_answerer_step(sq_v8_session *s);

#endif
