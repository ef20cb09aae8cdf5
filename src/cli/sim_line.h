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
    size_t got_len, got_cap;
    uint64_t last_byte_sample;
} sim_flow;

#define SIM_LINE_BLOCK 160           /* 20 ms: also the line's delay in each direction */

typedef struct sim_line {
    sq_call *side[2];                /* 0 caller, 1 answerer */
    sq_channel *to[2];               /* to[0]: answerer -> caller, to[1]: caller -> answerer */
    float last[2][SIM_LINE_BLOCK];   /* each side's latest block, heard next by the far end */
    uint64_t samples;                /* per side, so far */
    sq_noise *line_noise;            /* the listener's noise on the mix (--snr) */
    double line_noise_rms;
    sim_flow flow[2];                /* flow[i]: from side i; payloads set by the caller */
    sq_v8_note held[2];              /* sim_line_next_note's look-ahead */
    int have[2];
} sim_line;

/* Where the call's sound goes as it is made, a block at a time: each side's signal and the
 * mix a listener on the line hears. Returns 0, or -1 to stop (it has said why). Nothing
 * keeps the whole call in memory unless the sink does: an hour-long call streams. */
typedef int (*sim_line_sink)(void *user, const float *caller, const float *answerer, const float *mix,
                             size_t n);

/* A sink that keeps everything, for the demo (which plays it) and gen. */
typedef struct sim_recording {
    sample_buf side[2], mix;
} sim_recording;
int sim_recording_sink(void *user, const float *caller, const float *answerer, const float *mix, size_t n);
void sim_recording_free(sim_recording *r);

/* Builds both modems and both directions of the line; 0 or -1 (out of memory). */
int sim_line_open(const sim_line_params *p, sim_line *l);
/* Runs the call until both sides have moved their payloads (or one gave up), handing every
 * block to sink (NULL: none). 0; -1 out of memory; -2 the sink stopped the call. */
int sim_line_run(const sim_line_params *p, sim_line *l, sim_line_sink sink, void *user);
/* The two sides' milestones merged in time order: 1 and the next, or 0 at the end. */
int sim_line_next_note(sim_line *l, int *side, sq_v8_note *note);
/* Frees everything, payloads included. */
void sim_line_free(sim_line *l);

#endif
