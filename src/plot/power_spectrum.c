/* One frame's power spectrum (power_spectrum.h) on FFTW's real transform. */
#include <fftw3.h>
#include <math.h>
#include <stdlib.h>
#include "src/plot/power_spectrum.h"

struct plot_power_spectrum {
    float *in;
    fftwf_complex *out;
    fftwf_plan plan;
    float window[PLOT_SPECTRUM_FFT];
    double scale;
};

int plot_power_spectrum_create(plot_power_spectrum **out)
{
    plot_power_spectrum *p = calloc(1, sizeof *p);
    if (!p)
        return -1;
    p->in = fftwf_alloc_real(PLOT_SPECTRUM_FFT);
    p->out = fftwf_alloc_complex(PLOT_SPECTRUM_BINS);
    if (p->in && p->out)
        p->plan = fftwf_plan_dft_r2c_1d(PLOT_SPECTRUM_FFT, p->in, p->out, FFTW_ESTIMATE);
    if (!p->plan) {
        plot_power_spectrum_destroy(p);
        return -1;
    }
    double sum_sq = 0.0;
    for (int i = 0; i < PLOT_SPECTRUM_FFT; i++) {
        p->window[i] = (float)(0.5 - 0.5 * cos(2.0 * M_PI * i / PLOT_SPECTRUM_FFT));
        sum_sq += (double)p->window[i] * p->window[i];
    }
    p->scale = 2.0 / (sum_sq * PLOT_SPECTRUM_FFT);   /* one-sided, Parseval */
    *out = p;
    return 0;
}

void plot_power_spectrum_add(plot_power_spectrum *p, const float *ring, size_t start, double *acc)
{
    for (size_t i = 0; i < PLOT_SPECTRUM_FFT; i++)
        p->in[i] = ring[(start + i) % PLOT_SPECTRUM_FFT] * p->window[i];
    fftwf_execute(p->plan);
    for (size_t k = 0; k < PLOT_SPECTRUM_BINS; k++)
        acc[k] += p->scale * ((double)p->out[k][0] * p->out[k][0] + (double)p->out[k][1] * p->out[k][1]);
}

void plot_power_spectrum_destroy(plot_power_spectrum *p)
{
    if (!p)
        return;
    if (p->plan)
        fftwf_destroy_plan(p->plan);
    fftwf_free(p->in);
    fftwf_free(p->out);
    free(p);
}
