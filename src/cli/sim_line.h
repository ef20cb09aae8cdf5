/* Two squeal modems through the simulated line, run offline to the end of the call: what
 * `squeal sim` reports on and what `squeal demo` plays. */
#ifndef SQ_CLI_SIM_LINE_H
#define SQ_CLI_SIM_LINE_H

#include <stddef.h>
#include <stdint.h>
#include "src/cli/cli.h"

typedef struct sim_line_params {
    double snr, foff, level, echo, clock_ppm;   /* snr, level: NAN for none / as sent */
    int bandlimit;
    long seed;
    sq_call_settings side[2];                   /* caller, answerer */
} sim_line_params;

/* What one direction carries: side i sends payload, side 1 - i receives it. */
typedef struct sim_flow {
    uint8_t *payload;
    size_t len, sent;
    uint8_t *got;
    size_t got_len;
    uint64_t last_byte_sample;
} sim_flow;

typedef struct sim_line {
    sq_call *side[2];                /* 0 caller, 1 answerer */
    sq_channel *to[2];               /* to[0]: answerer -> caller, to[1]: caller -> answerer */
    sample_buf tx[2], mix;           /* each side's signal, and the two on the line */
    sim_flow flow[2];                /* flow[i]: from side i; payloads set by the caller */
    sq_v8_note held[2];              /* sim_line_next_note's look-ahead */
    int have[2];
} sim_line;

/* Builds both modems and both directions of the line; 0 or -1 (out of memory). */
int sim_line_open(const sim_line_params *p, sim_line *l);
/* Runs the call until both sides have moved their payloads (or one gave up); 0 or -1. */
int sim_line_run(const sim_line_params *p, sim_line *l);
/* The two sides' milestones merged in time order: 1 and the next, or 0 at the end. */
int sim_line_next_note(sim_line *l, int *side, sq_v8_note *note);
/* Frees everything, payloads included. */
void sim_line_free(sim_line *l);

#endif
