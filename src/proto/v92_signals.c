/* A V.92 digital modem's QTS, QTS-bar and ANSpcm as PCM codewords (squeal/v92.h). */
#include <math.h>
#include "squeal/v92.h"
#include "src/proto/v90_pcm.h"

#define QTS_PERIODS 128
#define QTS_BAR_PERIODS 8
#define ANSPCM_SCL 1000.0       /* Table 6: -12 dBm0, mu-law, in G.711's 14-bit steps */
#define ANSPCM_PERIOD 301       /* symbols, holding ... */
#define ANSPCM_CYCLES 79        /* ... this many cycles: 2099.7 Hz */
#define ANSPCM_REVERSAL 3612    /* symbols between phase reversals (451.5 ms) */
/* Table 1's values are 4 times G.711's 14-bit ones; its largest, 32124, is 8031 steps of 8192 */
#define LINEAR_FULL_SCALE 32768.0

/* The mu-law codeword nearest x (in G.711's 14-bit steps), as a sample. */
static float quantise(double x)
{
    double want = fabs(4.0 * x), best = 0.0;
    for (int u = 0; u < SQ_V90_UCODES; u++) {
        double v = sq_v90_ucode_linear(u, 0);
        if (fabs(v - want) < fabs(best - want))
            best = v;
    }
    return (float)((x < 0.0 ? -best : best) / LINEAR_FULL_SCALE);
}

size_t sq_v92_qts_anspcm_modulate(int qts_ucode, size_t anspcm_samples, float *out, size_t max)
{
    if (qts_ucode < 0 || qts_ucode >= SQ_V90_UCODES)
        return 0;
    size_t qts = (QTS_PERIODS + QTS_BAR_PERIODS) * 6, n = qts + anspcm_samples;
    static const int shape[6] = { 1, 0, 1, -1, 0, -1 };   /* +V, +0, +V, -V, -0, -V */
    const float v = (float)(sq_v90_ucode_linear(qts_ucode, 0) / LINEAR_FULL_SCALE);
    const float zero = (float)(sq_v90_ucode_linear(0, 0) / LINEAR_FULL_SCALE);   /* Ucode 0's */
    for (size_t i = 0; i < qts && i < max; i++) {
        size_t k = i % 6;
        float s = shape[k] ? v : zero;
        int positive = (k < 3) == (i / 6 < QTS_PERIODS);   /* the first half positive; QTS-bar negated */
        out[i] = positive ? s : -s;
    }
    /* x = scl sqrt(2) cos(2 pi k 79 / 301 + theta) + 0.5, quantised; turned by pi every 3612 */
    for (size_t k = 0; k < anspcm_samples && qts + k < max; k++) {
        double theta = 0.25 * M_PI / ANSPCM_PERIOD + M_PI * (double)(k / ANSPCM_REVERSAL % 2);
        double phase = 2.0 * M_PI * (double)(k % ANSPCM_PERIOD) * ANSPCM_CYCLES / ANSPCM_PERIOD;
        out[qts + k] = quantise(ANSPCM_SCL * sqrt(2.0) * cos(phase + theta) + 0.5);
    }
    return n;
}
