/* A V.8 call between two squeal sessions through the line model, shared by the V.8
 * benchmark and tests. */
#ifndef SQ_SIM_V8_CALL_H
#define SQ_SIM_V8_CALL_H

#include <stdint.h>
#include "squeal/squeal.h"

typedef struct v8_call {
    sq_v8_settings side[2];      /* caller, answerer */
    double snr_db;               /* NAN: no noise */
    double foff_hz;
    uint64_t seed;
    double mute_from_s, mute_to_s;   /* the answerer hears nothing in [from, to) (0, 0: none) */
    sq_v8_result result[2];      /* out */
} v8_call;

void v8_call_init(v8_call *c, uint32_t caller_modes, uint32_t answerer_modes);
/* Runs until both sides finish or 30 s; returns 0, or -1 if a session could not be made. */
int v8_call_run(v8_call *c);

#endif
