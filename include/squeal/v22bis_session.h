/* squeal: one side of a V.22bis / V.22 call after the answer tone (or after V.8): the
 * start-up handshake of V.22bis 6.3 (spec 4.6, 4.7), then a full-duplex data channel of
 * start-stop characters (spec 4.9).
 *
 * The answerer sends unscrambled 1s (USB1). The caller, after 155 ms of USB1 and 456 ms
 * of silence, sends S1 (if it wants 2400 bit/s and the line it measured on USB1 allows it)
 * and then scrambled 1s (SB1). An answerer that hears S1 and also wants 2400 answers with S1;
 * both then train at 1200 bit/s and move to 2400 bit/s 600 ms after the S1 they heard. If
 * either side leaves S1 out, both settle on 1200 bit/s (V.22). In data at 2400 bit/s the
 * slicer's error is watched: when it leaps (a gap or jump in the audio) or the line gets too
 * poor, the characters decoded since are dropped and this side retrains (V.22bis 6.4: S1,
 * then the 2400 bit/s training again); an S1 from the far end in data makes this side
 * answer one. Retrains are counted; what was in flight during one is lost, never delivered
 * as garbage. A line too poor for 2400 bit/s (the slicer's error over a few seconds, or S1
 * measured in a retrain, or equalisation lost again within 5 s of a retrain) makes a
 * retrain that asks for 1200 (the rate change of V.22bis 6.6). The other way, a call in
 * data at 1200 bit/s with error control above (get_bit/put_bit: nothing in flight is lost)
 * whose far end is known to run V.22bis, on a line that has measured
 * well for several seconds, asks for 2400 the same way (a training that a sound server's
 * skip spoilt need not leave a clean line at half speed); if the far end answers 1200, it
 * stays there, and asks again at most once more.
 * Loss of the far carrier ends the call with a reason, and the characters read while it
 * faded are dropped.
 *
 * Like the V.8 session, it is sample-driven: samples heard in, samples to send out, at
 * 8 kHz; it never blocks, and allocates only when created. */
#ifndef SQUEAL_V22BIS_SESSION_H
#define SQUEAL_V22BIS_SESSION_H

#include <stddef.h>
#include <stdint.h>
#include "squeal/async.h"
#include "squeal/export.h"
#include "squeal/session.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sq_v22_settings {
    sq_role role;
    int max_rate;            /* 2400 (V.22bis) or 1200 (a V.22 modem) */
    int guard_hz;            /* answerer's guard tone: 0, 550 or 1800 */
    double tx_level_dbm0;    /* -13 by default */
    sq_async_format format;  /* 8N1 by default */
    /* Synchronous data for an error-control layer above (V.42 LAPM): when get_bit is set,
     * every data bit sent comes from get_bit and every data bit received goes to put_bit,
     * and the start-stop character path (send, receive, tx_pending) is not used. What a
     * retrain loses is then that layer's to resend. */
    uint8_t (*get_bit)(void *user);
    void (*put_bit)(void *user, uint8_t bit);
    void *bit_user;
    /* The far end is known to run V.22bis (V.8 chose it): a call that trained at 1200 may
     * ask for 2400 later. Without it, only an S1 heard from the far end tells. */
    int far_v22bis;
    /* room for settings to come without changing the struct's size (version.h): leave it
     * zero, as the default settings do */
    uint8_t reserved[32];
} sq_v22_settings;

SQ_API void sq_v22_default_settings(sq_role role, sq_v22_settings *s);

typedef enum sq_v22_phase {
    SQ_V22_HANDSHAKE = 0,
    SQ_V22_DATA,             /* both directions may carry characters */
    SQ_V22_ENDED,            /* reason says why */
} sq_v22_phase;

typedef struct sq_v22_status {
    sq_v22_phase phase;
    int rate;                /* bit/s agreed, 0 until known */
    uint64_t data_sample;    /* when this side entered data mode */
    double snr_db;           /* the receiver's estimate from its decisions (symbol domain) */
    double level_dbm0;       /* received level */
    double freq_offset_hz;   /* carrier offset the receiver follows */
    double clock_ppm;        /* sample-clock difference the receiver follows */
    int retrains;
    size_t char_errors;      /* characters received with a framing error (dropped) */
    char reason[128];
    /* what the session is doing, in words: "training at 2400 bit/s", "data",
     * "retrain: waiting for S1 back" (API 2.4) */
    const char *state;
} sq_v22_status;

typedef struct sq_v22_session sq_v22_session;

SQ_API SQ_NODISCARD int sq_v22_session_create(const sq_v22_settings *s, sq_v22_session **out);
SQ_API void sq_v22_session_process(sq_v22_session *s, const float *rx, float *tx, size_t n);
/* Queues bytes to send; returns how many were taken (the queue holds 4096). */
SQ_API size_t sq_v22_session_send(sq_v22_session *s, const uint8_t *data, size_t n);
/* Bytes queued or on their way out (0 when everything has been sent). */
SQ_API size_t sq_v22_session_tx_pending(const sq_v22_session *s);
/* Takes received bytes; returns how many. */
SQ_API size_t sq_v22_session_receive(sq_v22_session *s, uint8_t *out, size_t max);
SQ_API const sq_v22_status *sq_v22_session_status_get(const sq_v22_session *s);
SQ_API SQ_DEPRECATED("use sq_v22_session_status_get") const sq_v22_status *sq_v22_session_status(const sq_v22_session *s);
/* SQ_OK and a milestone ("USB1 detected", "S1 sent", "data at 2400 bit/s"), or SQ_EAGAIN. */
SQ_API int sq_v22_session_next_note(sq_v22_session *s, sq_v8_note *note);
SQ_API void sq_v22_session_destroy(sq_v22_session *s);

#ifdef __cplusplus
}
#endif

#endif
