/* Kaiser-window FIR design (Kaiser 1974 formulas). */
#include <math.h>
#include "dsp/cmplx.h"
#include "dsp/fir.h"

static double bessel_i0(double x)
{
    double sum = 1.0, term = 1.0;
    for (int k = 1; k < 50; k++) {
        term *= (x / (2.0 * k)) * (x / (2.0 * k));
        sum += term;
        if (term < 1e-12 * sum)
            break;
    }
    return sum;
}

size_t sq_fir_design_lowpass(double pass_hz, double stop_hz, double atten_db, double rate_hz,
                             float *taps, size_t max_taps)
{
    double dw = 2.0 * M_PI * (stop_hz - pass_hz) / rate_hz;
    size_t n = (size_t)ceil((atten_db - 7.95) / (2.285 * dw)) + 1;
    n |= 1u;
    if (n > max_taps || dw <= 0.0)
        return 0;
    double beta;
    if (atten_db > 50.0)
        beta = 0.1102 * (atten_db - 8.7);
    else if (atten_db >= 21.0)
        beta = 0.5842 * pow(atten_db - 21.0, 0.4) + 0.07886 * (atten_db - 21.0);
    else
        beta = 0.0;
    double fc = (pass_hz + stop_hz) / 2.0 / rate_hz;
    double mid = (double)(n - 1) / 2.0, sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        double t = (double)i - mid;
        double sinc = t == 0.0 ? 2.0 * fc : sin(2.0 * M_PI * fc * t) / (M_PI * t);
        double r = t / mid;
        double w = bessel_i0(beta * sqrt(fmax(0.0, 1.0 - r * r))) / bessel_i0(beta);
        taps[i] = (float)(sinc * w);
        sum += sinc * w;
    }
    for (size_t i = 0; i < n; i++)
        taps[i] = (float)(taps[i] / sum);
    return n;
}
