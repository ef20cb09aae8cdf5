/* Four-float vectors (GCC and Clang vector extensions: SSE on x86, NEON on ARM) for the
 * receivers' inner sums, which GCC at -O2 does not vectorise on its own: a loop whose count
 * is not a whole number of vectors, or complex numbers stored re, im, re, im, stays scalar.
 * Internal to dsp/ and the decoder. */
#ifndef SQ_DSP_VEC4_H
#define SQ_DSP_VEC4_H

#include <string.h>

typedef float sq_v4f __attribute__((vector_size(16)));

/* p[0..4), wherever p points (no alignment asked) */
static inline sq_v4f sq_v4f_load(const float *p)
{
    sq_v4f v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void sq_v4f_store(float *p, sq_v4f v)
{
    memcpy(p, &v, sizeof v);
}

/* The sum of the four lanes, in pairs. */
static inline float sq_v4f_sum(sq_v4f v)
{
    return (v[0] + v[1]) + (v[2] + v[3]);
}

/* re, im, re, im -> im, re, im, re: two complex numbers' parts swapped, for products of
 * complex numbers kept interleaved */
static inline sq_v4f sq_v4f_swap_pairs(sq_v4f v)
{
    return (sq_v4f){ v[1], v[0], v[3], v[2] };
}

#endif
