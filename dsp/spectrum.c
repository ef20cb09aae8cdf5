/* Welch power spectrum on FFTW's real-to-complex transform (dsp/spectrum.h). */
#include <fftw3.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "dsp/fft_plan.h"
#include "dsp/spectrum.h"
#include "squeal/error.h"

struct sq_spectrum {
    size_t n;
    double rate;
    float *in, *window;
    fftwf_complex *out;
    fftwf_plan plan;
    double window_power;
};

int sq_spectrum_create(size_t n_fft, double rate_hz, sq_spectrum **out)
{
    if (!out)
        return SQ_EINVAL;
    *out = NULL;
    if (n_fft < 64 || n_fft > 65536 || !(rate_hz > 0.0))
        return SQ_EINVAL;
    sq_spectrum *s = calloc(1, sizeof *s);
    if (!s)
        return SQ_ENOMEM;
    s->n = n_fft;
    s->rate = rate_hz;
    s->in = fftwf_alloc_real(n_fft);
    s->window = malloc(n_fft * sizeof *s->window);
    s->out = fftwf_alloc_complex(n_fft / 2 + 1);
    if (!s->in || !s->window || !s->out) {
        sq_spectrum_destroy(s);
        return SQ_ENOMEM;
    }
    s->plan = sq_fft_plan_r2c((int)n_fft, s->in, s->out);
    if (!s->plan) {
        sq_spectrum_destroy(s);
        return SQ_ENOMEM;
    }
    for (size_t i = 0; i < n_fft; i++) {
        s->window[i] = (float)(0.5 - 0.5 * cos(2.0 * M_PI * (double)i / (double)n_fft));
        s->window_power += (double)s->window[i] * s->window[i];
    }
    *out = s;
    return SQ_OK;
}

size_t sq_spectrum_welch(sq_spectrum *s, const float *x, size_t n, double *power)
{
    size_t bins = s->n / 2 + 1, segments = 0;
    memset(power, 0, bins * sizeof *power);
    for (size_t start = 0; start + s->n <= n; start += s->n / 2, segments++) {
        for (size_t i = 0; i < s->n; i++)
            s->in[i] = x[start + i] * s->window[i];
        fftwf_execute_dft_r2c(s->plan, s->in, s->out);
        for (size_t k = 0; k < bins; k++) {
            double p = (double)s->out[k][0] * s->out[k][0] + (double)s->out[k][1] * s->out[k][1];
            /* one-sided: every bin but DC and Nyquist carries its mirror's power too */
            power[k] += (k == 0 || k == bins - 1 ? 1.0 : 2.0) * p;
        }
    }
    if (segments)
        for (size_t k = 0; k < bins; k++)
            power[k] /= (double)segments * s->window_power * (double)s->n;
    return segments;
}

double sq_spectrum_band_power(const sq_spectrum *s, const double *power, double lo_hz, double hi_hz)
{
    double sum = 0.0, step = s->rate / (double)s->n;
    for (size_t k = 0; k <= s->n / 2; k++) {
        double f = (double)k * step;
        if (f >= lo_hz && f <= hi_hz)
            sum += power[k];
    }
    return sum;
}

double sq_spectrum_peak_hz(const sq_spectrum *s, const double *power, double lo_hz, double hi_hz)
{
    double step = s->rate / (double)s->n;
    size_t best = 0;
    for (size_t k = 1; k < s->n / 2; k++) {
        double f = (double)k * step;
        if (f >= lo_hz && f <= hi_hz && (best == 0 || power[k] > power[best]))
            best = k;
    }
    if (best == 0)
        return 0.0;
    double a = log(power[best - 1] + 1e-30), b = log(power[best] + 1e-30),
           c = log(power[best + 1] + 1e-30);
    double den = a - 2.0 * b + c;
    double shift = den < 0.0 ? 0.5 * (a - c) / den : 0.0;
    return ((double)best + shift) * step;
}

void sq_spectrum_destroy(sq_spectrum *s)
{
    if (!s)
        return;
    if (s->plan)
        sq_fft_plan_destroy(s->plan);
    fftwf_free(s->in);
    fftwf_free(s->out);
    free(s->window);
    free(s);
}
