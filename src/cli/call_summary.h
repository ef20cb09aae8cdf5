/* decode's summary of a call: what each side offered, what was chosen, symbol and data rates,
 * retrains, how it ended; printed after the timeline (a "summary" JSON line, or a "#"
 * paragraph in text). */
#ifndef SQ_CLI_CALL_SUMMARY_H
#define SQ_CLI_CALL_SUMMARY_H

#include <stdint.h>
#include <stdio.h>
#include "squeal/squeal.h"

typedef struct call_summary {
    size_t events;
    double end_s;
    int has_cm, has_jm, has_v8bis_ms;
    uint32_t cm, jm;
    unsigned v8bis_ms_modes;
    size_t info1a;                 /* good INFO1a frames: one per phase 2 */
    size_t infomarks[3];           /* INFOMARKS heard, by side (1: INFOMARKSc, 2: INFOMARKSa) */
    /* V.34 rate renegotiations and cleardown out of data (11.6, 11.7; V.90 9.6, 9.7): the one under way (its
     * first S; what its MPs asked), those done and where the last began, the MPs of the last,
     * and where a cleardown began */
    int reneg_open;
    enum { RENEG_ASKED_NOTHING_YET, RENEG_ASKED_RATES, RENEG_ASKED_CLEARDOWN } reneg_kind;
    double reneg_open_s;
    double reneg_rates_end_s;      /* the end of its last rate sequence (MP, CP) read */
    size_t renegotiations;
    double renegotiation_s;
    sq_v34_mp reneg_mp[3];
    int has_reneg_mp[3];
    int cleared_down;
    double cleardown_s;
    enum { CLEARDOWN_BY_V34_MPS, CLEARDOWN_BY_V90_CP, CLEARDOWN_BY_V90_MP, CLEARDOWN_BY_V32_RATE } cleardown_by;   /* V.90 9.7 */
    int v32_reneg_bps;             /* the rate a V.32bis renegotiation's E named (V.32bis 8) */
    int v32_startup;               /* a V.32 start-up was read to its E: its data is watched for retrains */
    size_t v32_retrains;           /* V.32bis retrains out of data (7), and where the last began */
    double v32_retrain_s;
    int v90_reneg_down_bps;        /* the downstream rate a V.90 renegotiation's CP asked */
    int has_v90_reneg_mp;          /* ... and the digital modem's MP in it */
    sq_v34_mp v90_reneg_mp;
    int v90;                       /* an INFO1a chose V.90 */
    double symbol_rate_up, symbol_rate_down, max_rate_up;
    int has_info1c;
    sq_event info1c;
    int has_mp[3];                 /* by channel (1, 2): the last MP or MP' each side sent */
    sq_v34_mp mp[3];
    int has_mp_from[3];            /* by sender (1: the caller): the same, as its lane told it
                                    * (both modems on one channel: one MP may be all there is) */
    sq_v34_mp mp_from[3];
    const char *modulation;        /* of the data heard last */
    int data_seen, v22_rate;       /* V.22 data's rate, or the one V.32's E named */
    int v90_down_bps;              /* the downstream rate the last CP (not CPt) named */
    unsigned v90_cp_up_mask;       /* ... and the upstream rates it can send (bit i: 4800 + 2400 i) */
    int has_v90_cp;
    int has_v90_mp;                /* the digital modem's last MP or MP' */
    sq_v34_mp v90_mp;
    double data_end_s;
    double startup_end_s;          /* the last V.34, V.90 or V.32 training segment's end */
    sq_echo_path echo[3];          /* by channel (1, 2): the other side's echo taken out of it */
    int has_probe[3];              /* by sender (1: the caller): its last line probing measured */
    double probe_snr_db[3];        /* ... the line's SNR as its L2 arrived */
} call_summary;

void call_summary_init(call_summary *s);
/* An event shown, heard on channel (1 or 2). */
void call_summary_add(call_summary *s, const sq_event *ev, int channel);
/* The data rate the MPs shown so far settle for what channel's modem sends (1: the caller's,
 * 2: the answerer's), 0 when both MPs have not been shown; in a V.90 call, the analogue
 * modem's upstream rate that the digital modem's MP and the analogue modem's CP settle
 * (V.90 9.4.2.4), 0 when either is not shown. */
int call_summary_mp_rate(const call_summary *s, int channel);
/* What was learnt of the echo on channel (1 or 2) of a two-channel file. */
void call_summary_note_echo(call_summary *s, int channel, const sq_echo_path *echo);
/* file_end_s: the recording's length, to tell a call cut by the recording's end. */
void call_summary_print(FILE *out, const call_summary *s, int json, double file_end_s);

#endif
