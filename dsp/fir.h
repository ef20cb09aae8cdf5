/* Internal: windowed-sinc FIR design and a real-coefficient filter for complex samples. */
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

/* A FIR on complex samples with real taps. The delay line is doubled so each output is one
 * contiguous dot product. */
typedef struct sq_cfir {
    const float *taps;
    size_t n;
    float complex *line;   /* 2n entries */
    size_t pos;
} sq_cfir;

/* line must have room for 2 * n entries. */
void sq_cfir_init(sq_cfir *f, const float *taps, size_t n, float complex *line);
void sq_cfir_reset(sq_cfir *f);
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

/* Push every input; take the output only when it is wanted (a decimating filter computes
 * one output in D). */
static inline void sq_cfir_push(sq_cfir *f, float complex x)
{
    f->line[f->pos] = x;
    f->line[f->pos + f->n] = x;
    f->pos = f->pos + 1 == f->n ? 0 : f->pos + 1;
}
/* line[pos .. pos+n) holds the last n inputs, oldest first. */
static inline float complex sq_cfir_output(const sq_cfir *f)
{
    return sq_dot_real_complex(f->taps, &f->line[f->pos], f->n);
}

/* A FIR on real samples with complex taps: a band-pass, or a low-pass after a mixer folded
 * into its taps (dsp/fsk_rx.c), so the samples go in as they are and only the outputs that
 * are wanted cost any arithmetic. The delay line is doubled as in sq_cfir. */
typedef struct sq_rfir {
    const float complex *taps;
    size_t n;
    float *line;   /* 2n entries */
    size_t pos;
} sq_rfir;

/* line must have room for 2 * n entries. */
void sq_rfir_init(sq_rfir *f, const float complex *taps, size_t n, float *line);
void sq_rfir_reset(sq_rfir *f);
static inline void sq_rfir_push(sq_rfir *f, float x)
{
    f->line[f->pos] = x;
    f->line[f->pos + f->n] = x;
    f->pos = f->pos + 1 == f->n ? 0 : f->pos + 1;
}
/* line[pos .. pos+n) holds the last n inputs, oldest first. */
static inline float complex sq_rfir_output(const sq_rfir *f)
{
    return sq_dot_real_complex(&f->line[f->pos], f->taps, f->n);
}

#endif
