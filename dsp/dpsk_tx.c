/* Binary DPSK modulator (dsp/dpsk.h). */
#include <math.h>
#include "dsp/dpsk.h"
#include "squeal/fsk.h"
#include "squeal/level.h"

#define ROLL_OFF 0.75
#define PULSE_SPAN 3          /* symbols either side of a pulse's centre */

static double samples_per_symbol(void)
{
    return SQ_PROCESSING_RATE_HZ / SQ_DPSK_BAUD;
}

size_t sq_dpsk_samples(size_t n_bits)
{
    return (size_t)ceil((double)(n_bits + 1) * samples_per_symbol());
}

/* A raised-cosine pulse, 1 at its centre and 0 at the other symbols' centres. */
static double pulse(double t)
{
    if (fabs(t) < 1e-9)
        return 1.0;
    double sinc = sin(M_PI * t) / (M_PI * t), d = 2.0 * ROLL_OFF * t;
    if (fabs(fabs(d) - 1.0) < 1e-9)
        return M_PI / 4.0 * sinc;
    return sinc * cos(M_PI * ROLL_OFF * t) / (1.0 - d * d);
}

void sq_dpsk_modulate(const sq_dpsk_tx_params *p, const uint8_t *bits, size_t n_bits, float *out)
{
    double sps = samples_per_symbol(), peak = sq_dbm0_to_sine_peak(p->level_dbm0);
    double guard_peak = p->guard_hz > 0.0 ? sq_dbm0_to_sine_peak(p->guard_level_dbm0) : 0.0;
    size_t n_sym = n_bits + 1, n = sq_dpsk_samples(n_bits);
    long base = 0;          /* the first symbol a pulse of the current sample can come from */
    int base_sign = 1;      /* its sign: the start point +1, then each 1 turns it over */
    for (size_t i = 0; i < n; i++) {
        double t = (double)i / sps - 0.5;   /* in symbols; symbol k is centred at k */
        long k0 = (long)floor(t) - PULSE_SPAN, k1 = (long)ceil(t) + PULSE_SPAN;
        for (; base < k0 && base < (long)n_sym - 1; base++)
            base_sign = bits[base] ? -base_sign : base_sign;
        double a = 0.0;
        int sign = base_sign;
        for (long k = base; k <= k1 && k < (long)n_sym; k++) {
            a += sign * pulse(t - (double)k);
            if (k < (long)n_bits)
                sign = bits[k] ? -sign : sign;
        }
        double ts = (double)i / SQ_PROCESSING_RATE_HZ;
        double v = peak * a * cos(2.0 * M_PI * (p->carrier_hz + p->offset_hz) * ts);
        if (guard_peak > 0.0)
            v += guard_peak * cos(2.0 * M_PI * (p->guard_hz + p->offset_hz) * ts);
        out[i] = (float)v;
    }
}
