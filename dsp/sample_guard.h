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

#define SQ_SAMPLE_LIMIT 16.0f

static inline float sq_sample_guard(float v)
{
    /* selects, not branches, so a loop of guarded samples vectorises; NaN fails every
     * comparison: it is not equal to itself, and becomes 0 */
    float held = v > SQ_SAMPLE_LIMIT ? SQ_SAMPLE_LIMIT : v < -SQ_SAMPLE_LIMIT ? -SQ_SAMPLE_LIMIT : v;
    return v == v ? held : 0.0f;
}

/* out[i] = sq_sample_guard(in[i]) for i < n. In runs of eight of a fixed count: GCC at -O2
 * vectorises only loops whose vector form leaves no remainder, which a loop over n does not. */
static inline void sq_sample_guard_copy(float *restrict out, const float *restrict in, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (size_t k = 0; k < 8; k++)
            out[i + k] = sq_sample_guard(in[i + k]);
    for (; i < n; i++)
        out[i] = sq_sample_guard(in[i]);
}

#endif
