/* The line between two modems, both ways: what each side hears of what the other sent,
 * through the channel model (include/squeal/channel.h: level, noise, frequency offset,
 * sample-clock difference, band limit), and what a real line or a sound server adds to it:
 * talker echo, a delay, samples lost or zeros slipped in, a line that gets worse or starts
 * poor, a stretch the answerer hears nothing. Side 0 is the caller, side 1 the answerer.
 * Every harness that puts two modems on a line (squeal sim and demo, the tests, the
 * benchmarks) uses this one. */
#ifndef SQ_SIM_SIM_LINE_H
#define SQ_SIM_SIM_LINE_H

#include <stddef.h>
#include <stdint.h>
#include "squeal/squeal.h"

#define SIM_LINE_SPLICE 16384   /* the longest delay plus gap, in samples */

typedef struct sim_line_params {
    sq_channel_params heard[2];   /* heard[i]: the channel side i hears the other through */
    double echo_db;               /* > 0: each side also hears its own signal this far down */
    int delay_samples;            /* each way, as a sound card's latency adds (up to 8000) */
    /* at gap_at_s (and gap2_at_s when > 0), gap_samples of what side gap_side hears (2: both)
     * vanish (> 0) or that many zeros come in (< 0), as when a sound server skips */
    int gap_side, gap_samples;
    double gap_at_s, gap2_at_s;
    /* from worse_at_s (> 0) on, or until poor_until_s (> 0), the noise both sides hear has
     * this rms in all (noise is added to what heard[i].noise_rms put there), drawn from
     * extra_noise, which the caller owns */
    double worse_at_s, worse_noise_rms;
    double poor_until_s, poor_noise_rms;
    sq_noise *extra_noise;
    double mute_from_s, mute_to_s;   /* the answerer hears nothing in [from, to) */
} sim_line_params;

typedef struct sim_splice {
    float buf[SIM_LINE_SPLICE];
    size_t head, count;
} sim_splice;

typedef struct sim_line {
    sim_line_params p;
    sq_channel *way[2];           /* way[i]: to side i */
    sim_splice *splice;           /* [2], when there is a delay or a gap */
    double echo_gain;
    uint64_t n;                   /* samples carried each way so far */
} sim_line;

/* Sets every field to "none": clean channels, no echo, no faults. */
void sim_line_default_params(sim_line_params *p);
/* 0, or -1 (bad parameters, out of memory). */
int sim_line_open(sim_line *l, const sim_line_params *p);
/* heard[i][0..n): what side i hears while sent[0] and sent[1] go onto the line. */
void sim_line_carry(sim_line *l, const float *const sent[2], float *const heard[2], size_t n);
void sim_line_close(sim_line *l);

#endif
