/* Square-root raised-cosine pulse (dsp/rrc.h). */
#include <math.h>
#include "dsp/rrc.h"

double sq_rrc(double t)
{
    return sq_rrc_pulse(t, SQ_RRC_ROLLOFF, SQ_RRC_SPAN_SYMBOLS);
}

double sq_rrc_pulse(double t, double b, double span)
{
    double a = fabs(t);
    if (a >= span)
        return 0.0;
    double g;
    if (a < 1e-9) {
        g = 1.0 - b + 4.0 * b / M_PI;
    } else if (fabs(a - 1.0 / (4.0 * b)) < 1e-9) {
        g = b / sqrt(2.0) * ((1.0 + 2.0 / M_PI) * sin(M_PI / (4.0 * b)) +
                             (1.0 - 2.0 / M_PI) * cos(M_PI / (4.0 * b)));
    } else {
        g = (sin(M_PI * a * (1.0 - b)) + 4.0 * b * a * cos(M_PI * a * (1.0 + b))) /
            (M_PI * a * (1.0 - 16.0 * b * b * a * a));
    }
    /* The taper removes the step where the pulse is cut off. */
    double w = 0.5 + 0.5 * cos(M_PI * a / span);
    return g * w;
}
