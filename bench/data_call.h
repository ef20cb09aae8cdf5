/* A whole call (V.8, data modem training, data both ways) between two squeal sides through
 * the line model, shared by the data-call tests and benchmark. */
#ifndef SQ_BENCH_DATA_CALL_H
#define SQ_BENCH_DATA_CALL_H

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
    /* out */
    sq_call_status status[2];
    size_t received[2], wrong[2];   /* [i]: what side i received */
    double data_s;              /* when both sides were in data mode */
} data_call;

void data_call_init(data_call *c);
/* Runs until both directions have carried every byte, either side ends, or time is up;
 * 0, or -1 if something could not be made. */
int data_call_run(data_call *c);
/* Both in data mode at the same rate with every byte intact. */
int data_call_ok(const data_call *c);

#endif
