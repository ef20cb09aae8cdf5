/* Internal: a data pump, the modem a call runs once V.8 (or the V.25 fallback) has chosen a
 * mode. src/proto/call.c keeps a table of them and knows nothing else of any one: adding a
 * modulation means one file that fills an sq_pump_ops and one row in that table.
 *
 * Every pump a call might run is created with the call, so nothing is allocated once the
 * call is under way; the one V.8 chose is started at call sample `now`, and is then fed the
 * call's audio in pieces of at most a step on the step grid (session_step.h), and told the
 * call sample each piece starts at. It carries the user's bytes as start-stop characters,
 * or, when it offers bit mode and is started in it (both ends agreed on V.42 LAPM), every
 * data bit through the layer's get_bit/put_bit. */
#ifndef SQ_PROTO_PUMP_H
#define SQ_PROTO_PUMP_H

#include <stddef.h>
#include <stdint.h>
#include "squeal/call.h"
#include "squeal/v8.h"
#include "squeal/v8_session.h"

/* Bit mode: every data bit sent comes from get_bit, every one received goes to put_bit. */
typedef struct sq_pump_bits {
    uint8_t (*get_bit)(void *user);
    void (*put_bit)(void *user, uint8_t bit);
    void *user;
} sq_pump_bits;

/* What the call shows of its pump after each piece. */
typedef struct sq_pump_report {
    sq_call_phase phase;       /* SQ_CALL_TRAINING, SQ_CALL_DATA or SQ_CALL_ENDED */
    uint64_t data_sample;      /* the call sample data began at, once in data */
    int rate;                  /* bit/s, 0 until known */
    double snr_db, freq_offset_hz, clock_ppm;
    size_t char_errors;
    int retrains;
    const char *reason;        /* why it ended */
} sq_pump_report;

typedef struct sq_pump_ops {
    uint32_t mode;             /* the SQ_V8_* mode it runs */
    const char *name;          /* for messages: "V.22bis" */
    int bit_mode;              /* offers sq_pump_bits, so V.42 LAPM can run above it */
    /* bits: the layer above, used only if the pump is started in bit mode; returns NULL if
     * it cannot be made */
    void *(*create)(const sq_call_settings *set, const sq_pump_bits *bits);
    /* begins at call sample `now`, in bit mode or with start-stop characters; once */
    void (*start)(void *p, uint64_t now, int bit_mode);
    void (*process)(void *p, uint64_t now, const float *rx, float *tx, size_t n);
    void (*report)(const void *p, sq_pump_report *out);
    size_t (*send)(void *p, const uint8_t *data, size_t n);
    size_t (*receive)(void *p, uint8_t *out, size_t max);
    size_t (*tx_pending)(const void *p);
    /* its notes, their samples counted from its creation; SQ_EAGAIN when there are none */
    int (*next_note)(void *p, sq_v8_note *note);
    void (*destroy)(void *p);
} sq_pump_ops;

extern const sq_pump_ops sq_pump_v22bis;   /* V.22bis / V.22, pump_v22bis.c */
extern const sq_pump_ops sq_pump_v21;      /* V.21, pump_v21.c */

#endif
