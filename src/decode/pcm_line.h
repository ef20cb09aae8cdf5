/* Internal to the timeline decoder: a digital modem's line at 8000/6 Hz, sent as PCM
 * codewords whose every period of six has its second half the first negated (V.90's Sd and
 * Ri, v90_digital.c; V.92's QTS, qts_watch.c), judged period by period. */
#ifndef SQ_DECODE_PCM_LINE_H
#define SQ_DECODE_PCM_LINE_H

#include <math.h>

#define SQ_PCM_LINE_PERIOD 6

/* The period's energy, and its part that is not the line's: |x[n] + x[n+3]|^2 summed. */
static inline void sq_pcm_line_measure(const float *p, double *energy, double *off_line)
{
    double e = 0.0, odd = 0.0;
    for (int k = 0; k < SQ_PCM_LINE_PERIOD; k++)
        e += (double)p[k] * p[k];
    for (int k = 0; k < SQ_PCM_LINE_PERIOD / 2; k++) {
        double s = (double)p[k] + p[k + SQ_PCM_LINE_PERIOD / 2];
        odd += s * s;
    }
    *energy = e;
    *off_line = odd;
}

/* The cosine of the angle between two periods (+1 the same, -1 negated: a reversal). */
static inline double sq_pcm_line_cos(const float *p, const float *q)
{
    double pq = 0.0, pp = 0.0, qq = 0.0;
    for (int k = 0; k < SQ_PCM_LINE_PERIOD; k++) {
        pq += (double)p[k] * q[k];
        pp += (double)p[k] * p[k];
        qq += (double)q[k] * q[k];
    }
    return pp > 0.0 && qq > 0.0 ? pq / sqrt(pp * qq) : 0.0;
}

#endif
