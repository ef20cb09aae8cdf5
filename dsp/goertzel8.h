/* Eight Goertzel filters run side by side over one block (the DTMF receiver's first look,
 * the call-progress receiver's probes): two four-lane vectors per sample instead of eight
 * scalar recurrences. Internal to dsp/. */
#ifndef SQ_DSP_GOERTZEL8_H
#define SQ_DSP_GOERTZEL8_H

#include <stddef.h>

typedef float sq_v4f __attribute__((vector_size(16)));

/* Runs the filters 2 cos(w) = coeff[k] over x[0..n) and puts each one's mean power (that of
 * a sine at its frequency: 2 |X|^2 / n^2) into power[k]; returns the block's mean power. */
static inline double sq_goertzel8(const float *x, size_t n, const float coeff[8], double power[8])
{
    sq_v4f c0 = { coeff[0], coeff[1], coeff[2], coeff[3] }, c1 = { coeff[4], coeff[5], coeff[6], coeff[7] };
    sq_v4f a1 = { 0 }, a2 = { 0 }, b1 = { 0 }, b2 = { 0 };
    double total = 0.0;
    for (size_t i = 0; i < n; i++) {
        float v = x[i];
        sq_v4f xv = { v, v, v, v };
        sq_v4f a = xv + c0 * a1 - a2, b = xv + c1 * b1 - b2;
        a2 = a1;
        a1 = a;
        b2 = b1;
        b1 = b;
        total += (double)v * v;
    }
    double scale = 2.0 / ((double)n * (double)n);
    for (int k = 0; k < 4; k++) {
        power[k] = scale * ((double)a1[k] * a1[k] + (double)a2[k] * a2[k] - (double)c0[k] * a1[k] * a2[k]);
        power[4 + k] = scale * ((double)b1[k] * b1[k] + (double)b2[k] * b2[k] - (double)c1[k] * b1[k] * b2[k]);
    }
    return total / (double)n;
}

#endif
