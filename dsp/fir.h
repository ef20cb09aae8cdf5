/* Internal: windowed-sinc FIR design and the dot product FIR filters are made of. */
#ifndef SQ_DSP_FIR_H
#define SQ_DSP_FIR_H

#include <complex.h>
#include "dsp/cmplx.h"
#include <stddef.h>

/* Low-pass taps by the Kaiser window method: passband edge and stopband edge in Hz at
 * rate_hz, stopband attenuation in dB. Writes at most max_taps (odd count, unit DC gain);
 * returns the count, or 0 if max_taps is too small. */
size_t sq_fir_design_lowpass(double pass_hz, double stop_hz, double atten_db, double rate_hz,
                             float *taps, size_t max_taps);

/* Sum of r[i] * c[i] over i < n: a real sequence against a complex one (a FIR's real taps
 * over complex samples, or real samples against a complex reference). Four partial sums
 * per part break the chain of dependent additions (2.4 times faster than one sum over 160
 * terms; an eight-lane form that looks more vectorisable was slower with GCC 12 at -O2). */
static inline float complex sq_dot_real_complex(const float *r, const float complex *c, size_t n)
{
    const float *cf = (const float *)c;   /* re, im interleaved (C11 6.2.5) */
    float re[4] = { 0 }, im[4] = { 0 };
    size_t whole = n - n % 4;
    for (size_t i = 0; i < whole; i += 4)
        for (size_t k = 0; k < 4; k++) {
            re[k] += r[i + k] * cf[2 * (i + k)];
            im[k] += r[i + k] * cf[2 * (i + k) + 1];
        }
    for (size_t i = whole; i < n; i++) {
        re[0] += r[i] * cf[2 * i];
        im[0] += r[i] * cf[2 * i + 1];
    }
    return CMPLXF((re[0] + re[1]) + (re[2] + re[3]), (im[0] + im[1]) + (im[2] + im[3]));
}

/* The same sum with c's real and imaginary parts in two arrays, and the same partial sums
 * (so the same result): no shuffling of interleaved parts in the loop. */
static inline float complex sq_dot_real_split(const float *r, const float *c_re, const float *c_im, size_t n)
{
    float re[4] = { 0 }, im[4] = { 0 };
    size_t whole = n - n % 4;
    for (size_t i = 0; i < whole; i += 4)
        for (size_t k = 0; k < 4; k++) {
            re[k] += r[i + k] * c_re[i + k];
            im[k] += r[i + k] * c_im[i + k];
        }
    for (size_t i = whole; i < n; i++) {
        re[0] += r[i] * c_re[i];
        im[0] += r[i] * c_im[i];
    }
    return CMPLXF((re[0] + re[1]) + (re[2] + re[3]), (im[0] + im[1]) + (im[2] + im[3]));
}

#endif
