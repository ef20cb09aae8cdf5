/* squeal: one side of the V.8 start-up procedure (V.8 clause 8, spec sections 3.7-3.11).
 *
 * A session is full duplex and sample-driven: each call takes the samples heard on the line
 * and gives the samples to send, at 8 kHz; it never allocates or blocks. The caller waits,
 * listens for ANSam, keeps silent for Te, sends CM until two identical JMs arrive, finishes
 * its octet, sends CJ, keeps silent 75 ms and is done. The answerer keeps silent 0.2 s, sends
 * ANSam (with reversals by default) until two identical CMs arrive, answers with JM (the
 * intersection of the offer and its own modes, with as many modulation octets as the CM)
 * until CJ, keeps silent 75 ms and is done. Without V.8 on either side (plain ANS, or no CM
 * within the ANSam period) both fall back to V.25 and the automode of 3.11, where the
 * answerer's data carrier tells the caller the mode. */
#ifndef SQUEAL_V8_SESSION_H
#define SQUEAL_V8_SESSION_H

#include <stddef.h>
#include <stdint.h>
#include "squeal/export.h"
#include "squeal/session.h"
#include "squeal/tone.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a caller sends while it waits for the answer tone (V.8 8.1.1): nothing, the V.25
 * calling tone, or V.8 CI in bursts (CI tells the answerer at once that V.8 is coming). */
typedef enum sq_call_signal { SQ_CALL_SIGNAL_NONE = 0, SQ_CALL_SIGNAL_CT, SQ_CALL_SIGNAL_CI } sq_call_signal;

typedef struct sq_v8_settings {
    sq_role role;
    uint32_t modes;              /* SQ_V8_* modes this side can run */
    int use_v8;                  /* 0: a V.25-only modem (no CM; plain ANS) */
    sq_tone_kind answer_tone;    /* answerer with V.8: SQ_TONE_ANSAM_PR or SQ_TONE_ANSAM */
    sq_call_signal call_signal;  /* caller: CT or CI while waiting for the answer tone, or nothing */
    double tx_level_dbm0;        /* -13 by default */
    int lapm;                    /* offer V.42 LAPM error control in CM / JM (0 by default) */
    /* room for settings to come without changing the struct's size (version.h): leave it
     * zero, as the default settings do */
    uint8_t reserved[32];
} sq_v8_settings;

/* Caller or answerer with every mode squeal implements, V.8 on, ANSam/ and no call tone. */
SQ_API void sq_v8_default_settings(sq_role role, sq_v8_settings *s);
/* The modes squeal can run as a data modem today. */
SQ_API uint32_t sq_v8_implemented_modes(void);

typedef enum sq_v8_outcome {
    SQ_V8_RUNNING = 0,
    SQ_V8_DONE,         /* V.8 completed; mode is the one both will run */
    SQ_V8_FALLBACK,     /* no V.8: V.25 automode chose mode */
    SQ_V8_FAILED,       /* reason says why */
} sq_v8_outcome;

typedef struct sq_v8_result {
    sq_v8_outcome outcome;
    uint32_t mode;              /* the selected SQ_V8_* mode, 0 if none */
    uint32_t offered;           /* caller: what it sent in CM; answerer: what the CM offered */
    uint32_t joint;             /* the modulations in JM */
    int lapm;                   /* both ends offered V.42 LAPM (CM and JM say so) */
    uint64_t done_sample;       /* when the selected modem may start */
    char reason[128];
} sq_v8_result;

typedef struct sq_v8_session sq_v8_session;

SQ_API SQ_NODISCARD int sq_v8_session_create(const sq_v8_settings *s, sq_v8_session **out);
/* Hears rx[0..n) and writes tx[0..n). Keeps going (sending silence) once finished. */
SQ_API void sq_v8_session_process(sq_v8_session *s, const float *rx, float *tx, size_t n);
/* The result so far: outcome SQ_V8_RUNNING until the exchange is over. Every session's
 * status accessor is named <object>_status_get (sq_call_status_get, sq_v22_session_status_get). */
SQ_API const sq_v8_result *sq_v8_session_status_get(const sq_v8_session *s);
SQ_API SQ_DEPRECATED("use sq_v8_session_status_get") const sq_v8_result *sq_v8_session_result(const sq_v8_session *s);
/* SQ_OK and a note, or SQ_EAGAIN. */
SQ_API int sq_v8_session_next_note(sq_v8_session *s, sq_v8_note *note);
SQ_API const char *sq_v8_outcome_to_str(sq_v8_outcome o);
SQ_API void sq_v8_session_destroy(sq_v8_session *s);

#ifdef __cplusplus
}
#endif

#endif
