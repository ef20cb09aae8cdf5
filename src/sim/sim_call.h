/* Two squeal modems (whole calls: V.8, then the data pump) through the simulated line,
 * run offline to the end of the call, carrying a payload each way: what `squeal sim`
 * reports on and what `squeal demo` and `squeal gen` play. */
#ifndef SQ_SIM_SIM_CALL_H
#define SQ_SIM_SIM_CALL_H

#include <stddef.h>
#include <stdint.h>
#include "squeal/squeal.h"
#include "src/sim/sim_line.h"

typedef struct sim_call_params {
    double snr, foff, level, echo, clock_ppm;   /* snr, level: NAN for none / as sent */
    int bandlimit;
    long seed;
    sq_call_settings side[2];                   /* caller, answerer */
} sim_call_params;

/* What one direction carries: side i sends payload, side 1 - i receives it. */
typedef struct sim_flow {
    uint8_t *payload;
    size_t len, sent;
    uint8_t *got;
    size_t got_len, got_cap;
    uint64_t last_byte_sample;
} sim_flow;

#define SIM_CALL_BLOCK 160           /* 20 ms: also the line's delay in each direction */

typedef struct sim_call {
    sq_call *side[2];                /* 0 caller, 1 answerer */
    sim_line line;                   /* both directions: side i hears line.way[i] */
    float last[2][SIM_CALL_BLOCK];   /* each side's latest block, heard next by the far end */
    uint64_t samples;                /* per side, so far */
    sq_noise *line_noise;            /* the listener's noise on the mix (--snr) */
    double line_noise_rms;
    sim_flow flow[2];                /* flow[i]: from side i; payloads set by the caller */
    sq_v8_note held[2];              /* sim_call_next_note's look-ahead */
    int have[2];
} sim_call;

/* Where the call's sound goes as it is made, a block at a time: each side's signal and the
 * mix a listener on the line hears. Returns 0, or -1 to stop (it has said why). Nothing
 * keeps the whole call in memory unless the sink does: an hour-long call streams. */
typedef int (*sim_call_sink)(void *user, const float *caller, const float *answerer, const float *mix,
                             size_t n);

/* Builds both modems and both directions of the line; 0 or -1 (out of memory). */
int sim_call_open(const sim_call_params *p, sim_call *l);
/* Runs the call until both sides have moved their payloads (or one gave up), handing every
 * block to sink (NULL: none). 0; -1 out of memory; -2 the sink stopped the call. */
int sim_call_run(sim_call *l, sim_call_sink sink, void *user);
/* The two sides' milestones merged in time order: 1 and the next, or 0 at the end. */
int sim_call_next_note(sim_call *l, int *side, sq_v8_note *note);
/* Frees everything, payloads included. */
void sim_call_free(sim_call *l);

#endif
