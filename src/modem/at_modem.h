/* One Hayes-compatible modem: the DTE (a terminal program, sz/rz, pppd) gives it bytes and
 * AT commands; the line gives it samples. It dials with DTMF, hears a ring as a calling
 * signal on the line, answers, runs the call (src/proto/call.c: V.8, V.22bis or V.21, V.42
 * LAPM) and moves data until either side hangs up or the DTE escapes with +++.
 *
 * It keeps two clocks: the line's (samples at 8 kHz: S7, S8, ring cadence), and the DTE's
 * (seconds of wall-clock time the caller passes in: the S12 escape guard, which is about
 * the rhythm of the DTE's typing). No I/O; src/cli/cmd_modem.c connects it to a pty, a
 * TCP client or stdin/stdout, and to a line. */
#ifndef SQ_MODEM_AT_MODEM_H
#define SQ_MODEM_AT_MODEM_H

#include <stddef.h>
#include <stdint.h>
#include "squeal/call.h"
#include "src/modem/at_command.h"

typedef enum at_modem_state {
    AT_MODEM_COMMAND = 0,        /* on hook, taking commands, listening for a ring */
    AT_MODEM_DIALLING,           /* sending the number in DTMF */
    AT_MODEM_CONNECTING,         /* the call's handshake, caller or answerer */
    AT_MODEM_ONLINE,             /* data: what the DTE sends goes to the line */
    AT_MODEM_ONLINE_COMMAND,     /* escaped with +++: the call goes on, commands are taken */
} at_modem_state;

const char *at_modem_state_to_str(at_modem_state s);

typedef struct at_modem_config {
    sq_call_settings call;       /* level, answer tone, guard tone, framing, call signal, V.8 on */
    at_settings profile;         /* what ATZ and AT&F return to */
    const char *line_info;       /* for ATI3: "raw:a,b" */
} at_modem_config;

typedef struct at_modem at_modem;

/* 0, or -1 when out of memory. */
int at_modem_create(const at_modem_config *cfg, at_modem **out);
void at_modem_destroy(at_modem *m);

/* The DTE's bytes, arrived at now_s (its clock); returns how many were taken (online, the
 * modem takes what its send queue has room for: keep the rest and offer it again). */
size_t at_modem_from_dte(at_modem *m, const uint8_t *b, size_t n, double now_s);
/* Bytes for the DTE (echo, results, data); returns how many were copied out. */
size_t at_modem_to_dte(at_modem *m, uint8_t *out, size_t max);
/* DTR: off when the DTE closed its side (pty closed, TCP client gone). */
void at_modem_set_dtr(at_modem *m, int on, double now_s);

/* n samples at 8 kHz heard on the line, and n to send. */
void at_modem_process(at_modem *m, const float *rx, float *tx, size_t n, double now_s);

at_modem_state at_modem_get_state(const at_modem *m);
/* Once online: the rate, and whether V.42 LAPM carries the data. */
void at_modem_connection(const at_modem *m, int *rate, int *lapm);

/* Bytes the DTE gave that the line has not carried yet. */
size_t at_modem_tx_pending(const at_modem *m);

/* What the modem did, for the operator's log: SQ_OK with a line and its line time in
 * seconds, or SQ_EAGAIN. */
int at_modem_next_log(at_modem *m, char *text, size_t len, double *t_s);

#endif
