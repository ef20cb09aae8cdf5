/* squeal: one side of a whole modem call: V.8 (or the V.25 fallback) picks the mode, then the
 * data modem it picked (V.22bis / V.22, or V.21) trains and carries the user's bytes both
 * ways: as start-stop characters, or, when both ends offered V.42 LAPM in V.8 and the mode is
 * V.22bis or V.22, in LAPM frames that are checked and sent again when lost. This is what `squeal sim` runs twice, and what a real-time caller or answerer runs
 * against a sound card. Sample-driven at 8 kHz, like the sessions it strings together. */
#ifndef SQUEAL_CALL_H
#define SQUEAL_CALL_H

#include <stddef.h>
#include <stdint.h>
#include "squeal/export.h"
#include "squeal/v22bis_session.h"
#include "squeal/v8_session.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The data modems a call can run once V.8 has chosen (V.22 is V.22bis's 1200 bit/s). A
 * modem that offers anything else in CM or JM can be steered into a mode it then cannot
 * run, so squeal's own modems offer only these. */
#define SQ_CALL_RUNNABLE_MODES (SQ_V8_V22BIS | SQ_V8_V21)

typedef struct sq_call_settings {
    sq_v8_settings v8;       /* role, modes offered, answer tone, call signal, level, LAPM */
    int max_rate;            /* 2400 (V.22bis) or 1200 (a V.22-only modem) */
    int guard_hz;            /* V.22bis answerer's guard tone: 0, 550, 1800 */
    sq_async_format format;
    /* room for settings to come without changing the struct's size (version.h): leave it
     * zero, as the default settings do */
    uint8_t reserved[32];
} sq_call_settings;

SQ_API void sq_call_default_settings(sq_role role, sq_call_settings *s);

typedef enum sq_call_phase {
    SQ_CALL_NEGOTIATING = 0, /* V.8 or the V.25 answer sequence */
    SQ_CALL_TRAINING,        /* the data modem's start-up */
    SQ_CALL_DATA,
    SQ_CALL_ENDED,           /* reason says why; failed says if it was a failure */
} sq_call_phase;

typedef struct sq_call_status {
    sq_call_phase phase;
    int failed;
    uint32_t mode;           /* SQ_V8_V22BIS or SQ_V8_V21 once chosen */
    int rate;                /* bit/s once known */
    uint64_t negotiated_sample;  /* V.8 (or the fallback) finished */
    uint64_t data_sample;        /* data mode began */
    double snr_db;           /* V.22bis receiver's estimate (symbol domain), 0 for V.21 */
    double freq_offset_hz;   /* carrier offset the V.22bis receiver follows */
    double clock_ppm;        /* sample-clock difference it follows */
    size_t char_errors;
    int retrains;            /* V.22bis retrains in data (without LAPM each loses what was in flight) */
    int error_control;       /* 1: V.42 LAPM carries the data */
    uint64_t frames_resent;  /* LAPM: I frames sent again */
    uint64_t frames_bad;     /* LAPM: frames received with a bad FCS (dropped) */
    char reason[128];
} sq_call_status;

typedef struct sq_call sq_call;

SQ_API SQ_NODISCARD int sq_call_create(const sq_call_settings *s, sq_call **out);
SQ_API void sq_call_process(sq_call *c, const float *rx, float *tx, size_t n);
/* Queues bytes to send; returns how many were taken (0 once the call has ended). Bytes
 * sent before data mode wait, up to 4096, and go out once it begins. */
SQ_API size_t sq_call_send(sq_call *c, const uint8_t *data, size_t n);
SQ_API size_t sq_call_tx_pending(const sq_call *c);
SQ_API size_t sq_call_receive(sq_call *c, uint8_t *out, size_t max);
SQ_API const sq_call_status *sq_call_status_get(const sq_call *c);
/* Milestones of every stage, with sample times counted from the start of the call. */
SQ_API int sq_call_next_note(sq_call *c, sq_v8_note *note);
SQ_API void sq_call_destroy(sq_call *c);

#ifdef __cplusplus
}
#endif

#endif
