/* Internal: a second-order notch that takes one steady tone out of a band and leaves the rest.
 *
 * H(z) = (1 + A(z)) / 2, A the second-order allpass with its poles at r e^(+-j w0): at w0 A
 * turns the phase by half a turn and nothing passes; far from it A is near 1 and so is H, whose
 * gain is never above 1. Its width (3 dB) is near (1 - r) rate / pi: the pole radius is set
 * from the width asked. Worked in double: the poles lie close to the unit circle. */
#ifndef SQ_DSP_NOTCH_H
#define SQ_DSP_NOTCH_H

#include <math.h>
#include <stddef.h>

typedef struct sq_notch {
    double b0, b1, a1, a2;     /* b2 = b0 */
    double x1, x2, y1, y2;
} sq_notch;

static inline void sq_notch_reset(sq_notch *n)
{
    n->x1 = n->x2 = n->y1 = n->y2 = 0.0;
}

static inline void sq_notch_init(sq_notch *n, double freq_hz, double width_hz, double rate_hz)
{
    double r = 1.0 - M_PI * width_hz / rate_hz, c = cos(2.0 * M_PI * freq_hz / rate_hz);
    n->a1 = -2.0 * r * c;
    n->a2 = r * r;
    n->b0 = (1.0 + n->a2) / 2.0;
    n->b1 = n->a1;
    sq_notch_reset(n);
}

/* out[i] for in[i], i < len (out may be in). */
static inline void sq_notch_run(sq_notch *n, const float *in, float *out, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        double x = in[i], y = n->b0 * (x + n->x2) + n->b1 * n->x1 - n->a1 * n->y1 - n->a2 * n->y2;
        n->x2 = n->x1;
        n->x1 = x;
        n->y2 = n->y1;
        n->y1 = y;
        out[i] = (float)y;
    }
}

#endif
