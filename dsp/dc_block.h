/* Internal: a DC blocker, the first thing the timeline decoder does to what it is given.
 *
 * Recordings made through a sound card's input often sit off zero, by a percent of full
 * scale or more, and a constant adds power at 0 Hz to every measure that reaches down to it
 * (a band's level, a receiver's input power, the share of a band in the whole): with 2 % the
 * real V.90 calls lost their training and CP, with 5 % the V.34 calls their MP. No modem
 * signal has anything under 150 Hz (the lowest tones are the exchange's 350 Hz), so one pole
 * at SQ_DC_BLOCK_HZ takes an offset out within tens of milliseconds:
 * H(z) = g (1 - z^-1) / (1 - p z^-1), g = (1 + p) / 2, which is 1 at 4 kHz and within 2e-5
 * dB of it from 300 Hz up, and turns a 300 Hz signal by 1 degree. It is worked as y = g x - m,
 * m the offset (times g) as seen so far, which each output moves by (1 - p) y: the next m is
 * p m + (1 - p) g x.
 * It starts settled on the mean of the first samples it is given (a chunk: 20 ms), so a file
 * that starts off zero starts without a step, and one that starts with a tone (whose mean
 * over 20 ms is next to nothing) with the tone as it is. A sample that is exactly 0 (a
 * dropout, digital silence) comes out 0 and leaves m as it was: the signal after the gap is
 * met with the offset it had before it. (Run through the gap, a tone cut off by a lost packet
 * left a decaying tail there, which the unnamed lane took for the line's noise.) Samples
 * pass the sample guard first (a NaN would stay in m for good). */
#ifndef SQ_DSP_DC_BLOCK_H
#define SQ_DSP_DC_BLOCK_H

#include <stddef.h>
#include "dsp/sample_guard.h"

#define SQ_DC_BLOCK_HZ 5.0

typedef struct sq_dc_block {
    float gain, pole, step;   /* g, p, and (1 - p) g */
    float offset;             /* m */
    int started;
} sq_dc_block;

/* pole = exp(-2 pi SQ_DC_BLOCK_HZ / rate_hz), worked out by the caller (no libm here). */
static inline void sq_dc_block_init(sq_dc_block *b, float pole)
{
    b->gain = (1.0f + pole) / 2.0f;
    b->pole = pole;
    b->step = (1.0f - pole) * b->gain;
    b->offset = 0.0f;
    b->started = 0;
}

/* out[i] for in[i], i < n (out may not be in). The state is a plain struct: a caller that
 * keeps fewer samples than it ran copies it first and runs the kept ones again. */
static inline void sq_dc_block_run(sq_dc_block *b, const float *restrict in, float *restrict out, size_t n)
{
    sq_sample_guard_copy(out, in, n);
    if (n && !b->started) {   /* settled on the first run's mean, as if it had always been there */
        float sum = 0.0f;
        for (size_t i = 0; i < n; i++)
            sum += out[i];
        b->offset = b->gain * sum / (float)n;
        b->started = 1;
    }
    /* m' = m + (1 - p) y = p m + (1 - p) g x. Four samples at a time, m after each worked
     * out from m before them (the multiply-adds on x do not wait on m): a chain of one
     * multiply-add a sample held the whole decoder back 5 %. */
    const float gain = b->gain, p1 = b->pole, c = b->step;
    const float p2 = p1 * p1, p3 = p2 * p1, p4 = p2 * p2;
    float m = b->offset;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        float x0 = out[i], x1 = out[i + 1], x2 = out[i + 2], x3 = out[i + 3];
        if (x0 == 0.0f || x1 == 0.0f || x2 == 0.0f || x3 == 0.0f)
            break;   /* digital silence in these four: the rest a sample at a time */
        float t1 = c * x0, t2 = p1 * t1 + c * x1, t3 = p1 * t2 + c * x2, t4 = p1 * t3 + c * x3;
        out[i] = gain * x0 - m;
        out[i + 1] = gain * x1 - (p1 * m + t1);
        out[i + 2] = gain * x2 - (p2 * m + t2);
        out[i + 3] = gain * x3 - (p3 * m + t3);
        m = p4 * m + t4;
    }
    for (; i < n; i++) {
        float x = out[i];
        int sound = x != 0.0f;   /* digital silence stays so, and leaves m */
        out[i] = sound ? gain * x - m : 0.0f;
        m = sound ? p1 * m + c * x : m;
    }
    b->offset = m;
}

#endif
