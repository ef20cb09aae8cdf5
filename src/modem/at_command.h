/* The Hayes / V.250 command set of `squeal modem`: one command line (what follows "AT")
 * parsed and carried out on the modem's settings. What only the modem can do (dial, answer,
 * hang up, go back on line, reset) comes back as an action for it; everything else (the
 * S-registers, E, Q, V, X, &C, &D, +MS, +ES, \N) is done here. No I/O: the text to show the
 * DTE comes back in the result. */
#ifndef SQ_MODEM_AT_COMMAND_H
#define SQ_MODEM_AT_COMMAND_H

#include <stddef.h>
#include <stdint.h>

/* S-registers squeal keeps (V.250 6.2, and the Hayes set people know). */
enum {
    AT_S_RINGS_TO_ANSWER = 0,   /* S0: answer after this many rings, 0 never */
    AT_S_RING_COUNT = 1,        /* S1: rings heard in this call attempt */
    AT_S_ESCAPE_CHAR = 2,       /* S2: '+'; above 127 turns the escape off */
    AT_S_CR = 3,                /* S3: ends a command line and results */
    AT_S_LF = 4,                /* S4: follows S3 in verbose results */
    AT_S_BACKSPACE = 5,         /* S5: edits the command line */
    AT_S_DIAL_WAIT = 6,         /* S6: seconds to wait for a dial tone (no exchange: unused) */
    AT_S_CARRIER_WAIT = 7,      /* S7: seconds from dialling or answering to CONNECT */
    AT_S_COMMA_PAUSE = 8,       /* S8: seconds a ',' in the number waits */
    AT_S_CARRIER_DETECT = 9,    /* S9: carrier detect time (the data modem has its own: unused) */
    AT_S_CARRIER_LOSS = 10,     /* S10: tenths of a second of lost carrier before hanging up */
    AT_S_DTMF_MS = 11,          /* S11: length of each DTMF digit and of the gap after it */
    AT_S_GUARD = 12,            /* S12: escape guard time in fiftieths of a second */
    AT_S_COUNT = 13
};

enum { AT_EC_NONE = 0, AT_EC_AUTO = 1, AT_EC_REQUIRED = 2 };   /* V.42 LAPM: never, if offered, only */

typedef struct at_settings {
    int echo, quiet, verbose, x_level;
    int dcd_mode;                /* &C: accepted; a pty has no DCD line */
    int dtr_mode;                /* &D: 0 ignore DTR, 1 drop to command mode, 2 hang up, 3 hang up and reset */
    uint8_t s[AT_S_COUNT];
    uint32_t modes;              /* SQ_V8_V22BIS | SQ_V8_V21 subsets (+MS) */
    int max_rate;                /* 2400, or 1200 for V.22 only */
    int error_control;           /* AT_EC_* (+ES, \N) */
    char last_number[64];        /* for ATDL */
} at_settings;

typedef enum at_action {
    AT_ACTION_NONE = 0,
    AT_ACTION_DIAL,              /* dial `number` (DTMF digits and ','), then call */
    AT_ACTION_ANSWER,
    AT_ACTION_HANGUP,
    AT_ACTION_ONLINE,            /* ATO */
    AT_ACTION_RESET,             /* ATZ, AT&F: settings already reset; hang up */
} at_action;

typedef struct at_result {
    int error;                   /* the line gets ERROR (settings before the bad command stay) */
    at_action action;
    char number[64];
    char text[2048];             /* lines to show before the result code, each ending "\r\n" */
} at_result;

/* Factory settings: E1 Q0 V1 X4 &C1 &D2, S-registers as V.250 and Hayes give them, all
 * squeal's modes, LAPM when the far end offers it. */
void at_settings_factory(at_settings *s);

/* Carries out the commands of one line (what followed "AT", without the S3), left to right.
 * Stops at the first bad command (error) or at D, A, O, H, Z, &F (an action). line_info
 * is shown by ATI3 (the line the modem is on). */
void at_execute(at_settings *s, const char *commands, const char *line_info, at_result *r);

typedef enum at_code {
    AT_OK = 0, AT_CONNECT = 1, AT_RING = 2, AT_NO_CARRIER = 3, AT_ERROR = 4,
    AT_NO_DIALTONE = 6, AT_BUSY = 7, AT_NO_ANSWER = 8,
} at_code;

/* The result as the DTE is to see it under Q, V and X (empty when Q1): "\r\nOK\r\n" or
 * "0\r". rate and lapm matter only for CONNECT. */
void at_result_text(const at_settings *s, at_code code, int rate, int lapm, char *out, size_t len);

#endif
