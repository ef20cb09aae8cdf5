/* Goertzel filters run side by side over one block, four to a vector (the DTMF receiver, the
 * call-progress receiver's probes, the V.8bis tones): four-lane vectors instead of scalar
 * recurrences. Internal to dsp/ and the decoder. */
#ifndef SQ_DSP_GOERTZEL8_H
#define SQ_DSP_GOERTZEL8_H

#include <stddef.h>
#include "dsp/vec4.h"

#define SQ_GOERTZEL_MAX_BANKS 12   /* of four filters */

/* Runs the filters 2 cos(w) = coeff[k], k < 4 * banks, over x[0..n) in one pass, and puts
 * each one's mean power (that of a sine at its frequency: 2 |X|^2 / n^2) into power[k];
 * returns the block's mean power. Each filter's recurrence waits on its last step, so one
 * pass over many filters side by side runs them for little more than the cost of one. */
static inline double sq_goertzel_banks(const float *x, size_t n, const float *coeff, int banks, double *power)
{
    sq_v4f c[SQ_GOERTZEL_MAX_BANKS], s1[SQ_GOERTZEL_MAX_BANKS] = { { 0 } }, s2[SQ_GOERTZEL_MAX_BANKS] = { { 0 } };
    for (int b = 0; b < banks; b++)
        c[b] = (sq_v4f){ coeff[4 * b], coeff[4 * b + 1], coeff[4 * b + 2], coeff[4 * b + 3] };
    double total[4] = { 0.0, 0.0, 0.0, 0.0 };   /* four sums: one would wait on its last addition */
    for (size_t i = 0; i < n; i++) {
        float v = x[i];
        sq_v4f xv = { v, v, v, v };
        for (int b = 0; b < banks; b++) {
            sq_v4f s = xv + c[b] * s1[b] - s2[b];
            s2[b] = s1[b];
            s1[b] = s;
        }
        total[i & 3] += (double)v * v;
    }
    double scale = 2.0 / ((double)n * (double)n);
    for (int b = 0; b < banks; b++)
        for (int k = 0; k < 4; k++)
            power[4 * b + k] = scale * ((double)s1[b][k] * s1[b][k] + (double)s2[b][k] * s2[b][k] -
                                        (double)c[b][k] * s1[b][k] * s2[b][k]);
    return ((total[0] + total[1]) + (total[2] + total[3])) / (double)n;
}

/* The mean power of x[0..n), in float. A bound for a whole bank: no filter reads more than
 * twice it (2 |X|^2 / n^2 <= 2 (sum |x|)^2 / n^2 <= 2 sum x^2 / n, by Cauchy-Schwarz), so a
 * block under half a bank's floor holds none of its tones, and the bank need not run over
 * it. A quiet line then costs a sum of squares per block. NaN in, NaN out: no comparison
 * with it holds, and the bank runs as before. */
static inline float sq_block_mean_power(const float *x, size_t n)
{
    sq_v4f a = { 0 }, b = { 0 };
    size_t whole = n - n % 8;
    for (size_t i = 0; i < whole; i += 8) {
        sq_v4f u = sq_v4f_load(x + i), v = sq_v4f_load(x + i + 4);
        a += u * u;
        b += v * v;
    }
    float sum = sq_v4f_sum(a + b);
    for (size_t i = whole; i < n; i++)
        sum += x[i] * x[i];
    return sum / (float)n;
}

/* Whether a block of mean power `mean` may hold a filter's tone at `floor`: a margin of 2
 * over the bound above, for float's rounding in the filters and the sum. */
static inline int sq_goertzel_may_reach(float mean, double floor)
{
    return !(4.0 * mean < floor);
}

/* Eight filters: sq_goertzel_banks with two banks. */
static inline double sq_goertzel8(const float *x, size_t n, const float coeff[8], double power[8])
{
    return sq_goertzel_banks(x, n, coeff, 2, power);
}

#endif
