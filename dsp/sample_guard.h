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

#define SQ_SAMPLE_LIMIT 16.0f

static inline float sq_sample_guard(float v)
{
    /* selects, not branches, so a loop of guarded samples vectorises; NaN fails every
     * comparison: it is not equal to itself, and becomes 0 */
    float held = v > SQ_SAMPLE_LIMIT ? SQ_SAMPLE_LIMIT : v < -SQ_SAMPLE_LIMIT ? -SQ_SAMPLE_LIMIT : v;
    return v == v ? held : 0.0f;
}

#endif
