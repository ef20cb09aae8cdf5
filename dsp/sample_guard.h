/* Internal: what every receiver does to a sample before it looks at it.
 *
 * Receivers take any float a caller or a file hands them. Float WAVs can hold NaN and
 * infinities, and a buggy or hostile source can send values far beyond full scale. One NaN
 * in a running sum poisons it for good (an FSK average never recovers), and an infinity
 * turns into NaN at the next subtraction. So each receiver passes its input through this
 * guard first: NaN becomes silence and anything beyond +/-SQ_SAMPLE_LIMIT (+24 dBFS, far
 * above any real line) is held there. Finite samples inside the limit pass unchanged, so
 * ordinary audio decodes bit for bit as before. */
#ifndef SQ_DSP_SAMPLE_GUARD_H
#define SQ_DSP_SAMPLE_GUARD_H

#include <stddef.h>
#include "dsp/vec4.h"
#if defined(__SSE__)
#include <xmmintrin.h>
#endif

#define SQ_SAMPLE_LIMIT 16.0f

static inline float sq_sample_guard(float v)
{
    /* selects, not branches, so a loop of guarded samples vectorises; NaN fails every
     * comparison: it is not equal to itself, and becomes 0 */
    float held = v > SQ_SAMPLE_LIMIT ? SQ_SAMPLE_LIMIT : v < -SQ_SAMPLE_LIMIT ? -SQ_SAMPLE_LIMIT : v;
    return v == v ? held : 0.0f;
}

typedef int sq_v4i __attribute__((vector_size(16)));

/* The guard, four at a time: NaN to 0, the rest held within the limit. On SSE, as the
 * minimum and maximum instructions (each gives its second operand when the first is NaN,
 * which the mask of ordered lanes then clears): four operations where the masks took ten,
 * and every sample of every file passes here twice (the DC blocker, then a receiver). */
static inline sq_v4f sq_sample_guard4(const float *in)
{
    const sq_v4f limit = { SQ_SAMPLE_LIMIT, SQ_SAMPLE_LIMIT, SQ_SAMPLE_LIMIT, SQ_SAMPLE_LIMIT };
    sq_v4f x = sq_v4f_load(in);
#if defined(__SSE__)
    sq_v4f held = (sq_v4f)_mm_max_ps(_mm_min_ps((__m128)x, (__m128)limit), (__m128)-limit);
    return (sq_v4f)((sq_v4i)held & (x == x));
#else
    x = (sq_v4f)((sq_v4i)x & (x == x));
    sq_v4i over = x > limit, under = x < -limit;
    return (sq_v4f)(((sq_v4i)x & ~(over | under)) | ((sq_v4i)limit & over) | ((sq_v4i)-limit & under));
#endif
}

/* out[i] = sq_sample_guard(in[i]) for i < n. Four at a time as vectors: GCC at -O2 left the
 * loop of single samples scalar (6.5 instructions a sample in the V.21 demodulator). */
static inline void sq_sample_guard_copy(float *restrict out, const float *restrict in, size_t n)
{
    size_t i = 0;
    for (; i + 4 <= n; i += 4)
        sq_v4f_store(out + i, sq_sample_guard4(in + i));
    for (; i < n; i++)
        out[i] = sq_sample_guard(in[i]);
}

#endif
