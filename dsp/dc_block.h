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
 * over 20 ms is next to nothing) with the tone as it is. Four samples in a row that are
 * exactly 0 (a dropout, digital silence; a signal's own zero crossings come one at a time)
 * come out 0 and leave m as it was: the signal after the gap is met with the offset it had
 * before it. (Run through the gap, a tone cut off by a lost packet left a decaying tail there,
 * which the unnamed lane took for the line's noise.) Samples pass the sample guard first (a
 * NaN would stay in m for good). */
#ifndef SQ_DSP_DC_BLOCK_H
#define SQ_DSP_DC_BLOCK_H

#include <stddef.h>
#include "dsp/sample_guard.h"
#include "dsp/vec4.h"


#define SQ_DC_BLOCK_HZ 5.0

typedef struct sq_dc_block {
    float gain, pole, step;   /* g, p, and c = (1 - p) g */
    float pole4, pole8, pole12, pole16;   /* p^4 ... p^16 */
    sq_v4f decay;             /* 1, p, p^2, p^3: m's share in each of four samples */
    sq_v4f from0, from1, from2;   /* the first three samples' shares in the m of the ones
                                     after them: c (0, 1, p, p^2), c (0, 0, 1, p), c (0, 0, 0, 1) */
    float offset;             /* m */
    int started;
} sq_dc_block;

/* pole = exp(-2 pi SQ_DC_BLOCK_HZ / rate_hz), worked out by the caller (no libm here). */
static inline void sq_dc_block_init(sq_dc_block *b, float pole)
{
    b->gain = (1.0f + pole) / 2.0f;
    b->pole = pole;
    b->step = (1.0f - pole) * b->gain;
    float c = b->step, p2 = pole * pole;
    b->pole4 = p2 * p2;
    b->pole8 = b->pole4 * b->pole4;
    b->pole12 = b->pole8 * b->pole4;
    b->pole16 = b->pole8 * b->pole8;
    b->decay = (sq_v4f){ 1.0f, pole, p2, p2 * pole };
    b->from0 = (sq_v4f){ 0.0f, c, c * pole, c * p2 };
    b->from1 = (sq_v4f){ 0.0f, 0.0f, c, c * pole };
    b->from2 = (sq_v4f){ 0.0f, 0.0f, 0.0f, c };
    b->offset = 0.0f;
    b->started = 0;
}

static inline int sq_dc_block_silent4(sq_v4f x)
{
    sq_v4i silent = x == 0.0f;
    return silent[0] & silent[1] & silent[2] & silent[3];
}

/* m's part from the first three of four samples, in each of the four outputs */
static inline sq_v4f sq_dc_block_before4(const sq_dc_block *b, sq_v4f x)
{
    return x[0] * b->from0 + x[1] * b->from1 + x[2] * b->from2;
}

/* Four samples from m: writes their outputs, returns the m after them (m itself for four
 * zeros: digital silence stays so, and leaves m). */
static inline float sq_dc_block_step4(const sq_dc_block *b, sq_v4f x, float m, float *out)
{
    if (sq_dc_block_silent4(x)) {
        sq_v4f_store(out, x);
        return m;
    }
    sq_v4f before = sq_dc_block_before4(b, x);
    sq_v4f_store(out, b->gain * x - (m * b->decay + before));
    return b->pole4 * m + (b->pole * before[3] + b->step * x[3]);
}

/* out[i] for in[i], i < n (out may not be in). The state is a plain struct: a caller that
 * keeps fewer samples than it ran copies it first and runs the kept ones again. */
static inline void sq_dc_block_run(sq_dc_block *b, const float *restrict in, float *restrict out, size_t n)
{
    if (n && !b->started) {   /* settled on the first run's mean, as if it had always been there */
        float sum = 0.0f;
        for (size_t i = 0; i < n; i++)
            sum += sq_sample_guard(in[i]);
        b->offset = b->gain * sum / (float)n;
        b->started = 1;
    }
    /* m' = m + (1 - p) y = p m + (1 - p) g x. Four samples at a time, as vectors: each
     * one's m from the m before the four and the samples before it in them (the products
     * on x do not wait on m). Sixteen at a time, the m after each four comes from the m
     * before the sixteen (p^4k m plus what the samples add, which waits on nothing), so the
     * chain that carries m from one sixteen to the next is one multiply-add: a sample at a
     * time, the chain held the whole decoder back 5 %, and four at a time it still cost 7 %
     * of an hour of V.21 (perf). */
    float m = b->offset;
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        sq_v4f x[4];
        sq_v4i zero = { 0 };
        for (int q = 0; q < 4; q++) {
            x[q] = sq_sample_guard4(in + i + 4 * q);
            zero |= x[q] == 0.0f;
        }
        if (zero[0] | zero[1] | zero[2] | zero[3]) {   /* perhaps a gap: four at a time, as its rule asks */
            for (int q = 0; q < 4; q++)
                m = sq_dc_block_step4(b, x[q], m, out + i + 4 * q);
            continue;
        }
        /* written out, not looped: GCC kept a loop's sums in memory */
        sq_v4f before0 = sq_dc_block_before4(b, x[0]), before1 = sq_dc_block_before4(b, x[1]);
        sq_v4f before2 = sq_dc_block_before4(b, x[2]), before3 = sq_dc_block_before4(b, x[3]);
        /* what the samples add to m by the end of each four, from 0 */
        float added0 = b->pole * before0[3] + b->step * x[0][3];
        float added1 = b->pole4 * added0 + (b->pole * before1[3] + b->step * x[1][3]);
        float added2 = b->pole4 * added1 + (b->pole * before2[3] + b->step * x[2][3]);
        float added3 = b->pole4 * added2 + (b->pole * before3[3] + b->step * x[3][3]);
        sq_v4f_store(out + i, b->gain * x[0] - (m * b->decay + before0));
        sq_v4f_store(out + i + 4, b->gain * x[1] - ((b->pole4 * m + added0) * b->decay + before1));
        sq_v4f_store(out + i + 8, b->gain * x[2] - ((b->pole8 * m + added1) * b->decay + before2));
        sq_v4f_store(out + i + 12, b->gain * x[3] - ((b->pole12 * m + added2) * b->decay + before3));
        m = b->pole16 * m + added3;
    }
    for (; i + 4 <= n; i += 4)
        m = sq_dc_block_step4(b, sq_sample_guard4(in + i), m, out + i);
    for (; i < n; i++) {   /* a part chunk's last samples */
        float x = sq_sample_guard(in[i]);
        out[i] = b->gain * x - m;
        m = b->pole * m + b->step * x;
    }
    b->offset = m;
}

/* What came in to a blocker with this pole, from what came out (n samples, in order), for
 * a reader that wants the low frequencies back (a V.90 digital modem's PCM codes: without
 * spectral shaping they reach down to DC, and the blocker's tail, hundreds of samples long,
 * was more than an equaliser of a hundred taps could undo: 27 dB of fit where 138 were
 * there). m moves by (1 - p) y with each output y, and y + m is g x: so out = g x less the
 * offset m held where `in` starts, which is taken out with out's mean over the n. */
static inline void sq_dc_block_undo(float pole, const float *in, float *out, size_t n)
{
    const double step = 1.0 - (double)pole;
    double m = 0.0, sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        double x = (double)in[i] + m;
        m += step * in[i];
        out[i] = (float)x;
        sum += x;
    }
    const float mean = n ? (float)(sum / (double)n) : 0.0f;
    for (size_t i = 0; i < n; i++)
        out[i] -= mean;
}

#endif
