/* A whole call (V.8, data modem training, data both ways) between two squeal sides through
 * the line model, shared by the data-call tests and benchmark. */
#ifndef SQ_SIM_DATA_CALL_H
#define SQ_SIM_DATA_CALL_H

#include <stddef.h>
#include <stdint.h>
#include "squeal/squeal.h"

typedef struct data_call {
    sq_call_settings side[2];   /* caller, answerer */
    double snr_db;              /* NAN: no noise */
    double foff_hz;
    double clock_ppm;           /* answerer's sample clock against the caller's */
    uint64_t seed;
    size_t bytes;               /* random bytes sent each way */
    /* a fault in the audio heard by side gap_side (2: both at once): at gap_at_s, gap_samples
     * of it vanish (> 0) or that many zeros come in (< 0), as when a sound server skips */
    int gap_side, gap_samples;
    double gap_at_s;
    double gap2_at_s;           /* > 0: the same gap again then */
    int delay_samples;          /* each way, as a sound card's latency adds (up to 8000) */
    /* the line gets worse at worse_at_s (> 0): from then on its SNR is worse_snr_db, both
     * ways (noise added to what snr_db already put there) */
    double worse_at_s, worse_snr_db;
    /* the line is worse at first (> 0): until poor_until_s its SNR is poor_snr_db, both ways */
    double poor_until_s, poor_snr_db;
    /* the line at the answerer, sent and heard summed (what a tap on a 2-wire line records),
     * into record[0 .. record_cap) when record is set; record_len says how much came */
    float *record;
    size_t record_cap, record_len;
    /* out */
    sq_call_status status[2];
    size_t received[2], wrong[2];   /* [i]: what side i received */
    /* [i]: what side i received read as what was sent with runs missing: the bytes
     * missing, and the bytes that are not the sent ones at all (never delivered garbage) */
    size_t missing[2], garbage[2];
    double data_s;              /* when both sides were in data mode */
} data_call;

void data_call_init(data_call *c);
/* The c->bytes random bytes side (0 caller, 1 answerer) sends in the call c describes. */
void data_call_payload(const data_call *c, int side, uint8_t *out);
/* Runs until both directions have carried every byte, either side ends, or time is up;
 * 0, or -1 if something could not be made. */
int data_call_run(data_call *c);
/* Both in data mode at the same rate with every byte intact. */
int data_call_ok(const data_call *c);
/* Both in data mode at the same rate, every byte received as sent or missing, none wrong. */
int data_call_ok_but_gaps(const data_call *c);

#endif
