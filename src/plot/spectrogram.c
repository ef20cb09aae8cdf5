/* Bounded spectrogram (spectrogram.h) on FFTW's real transform. */
#include <fftw3.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "squeal/time_base.h"
#include "src/plot/spectrogram.h"

#define FIRST_HOP 32   /* 4 ms */

struct plot_spectrogram {
    float *in;
    fftwf_complex *out;
    fftwf_plan plan;
    float window[PLOT_SPECTROGRAM_FFT];
    double scale;
    float history[PLOT_SPECTROGRAM_FFT];   /* the last FFT-length samples, a ring */
    uint64_t samples;
    size_t hop, since_hop;
    /* columns at `hop` spacing; the next one averaged from acc_count FFTs FIRST_HOP apart */
    float *columns;                         /* MAX_COLUMNS x BINS */
    size_t n_columns;
    double acc[PLOT_SPECTROGRAM_BINS];
    size_t acc_count;
};

int plot_spectrogram_create(plot_spectrogram **out)
{
    plot_spectrogram *s = calloc(1, sizeof *s);
    if (!s)
        return -1;
    s->in = fftwf_alloc_real(PLOT_SPECTROGRAM_FFT);
    s->out = fftwf_alloc_complex(PLOT_SPECTROGRAM_BINS);
    s->columns = malloc(sizeof(float) * PLOT_SPECTROGRAM_MAX_COLUMNS * PLOT_SPECTROGRAM_BINS);
    if (s->in && s->out)
        s->plan = fftwf_plan_dft_r2c_1d(PLOT_SPECTROGRAM_FFT, s->in, s->out, FFTW_ESTIMATE);
    if (!s->plan || !s->columns) {
        plot_spectrogram_destroy(s);
        return -1;
    }
    double sum_sq = 0.0;
    for (int i = 0; i < PLOT_SPECTROGRAM_FFT; i++) {
        s->window[i] = (float)(0.5 - 0.5 * cos(2.0 * M_PI * i / PLOT_SPECTROGRAM_FFT));
        sum_sq += (double)s->window[i] * s->window[i];
    }
    s->scale = 2.0 / (sum_sq * PLOT_SPECTROGRAM_FFT);   /* one-sided, Parseval */
    s->hop = FIRST_HOP;
    *out = s;
    return 0;
}

/* Averages neighbouring columns in pairs: half as many, twice as far apart. */
static void halve(plot_spectrogram *s)
{
    size_t half = s->n_columns / 2;
    for (size_t c = 0; c < half; c++) {
        float *dst = &s->columns[c * PLOT_SPECTROGRAM_BINS];
        const float *a = &s->columns[2 * c * PLOT_SPECTROGRAM_BINS], *b = a + PLOT_SPECTROGRAM_BINS;
        for (size_t k = 0; k < PLOT_SPECTROGRAM_BINS; k++)
            dst[k] = 0.5f * (a[k] + b[k]);
    }
    s->n_columns = half;
    s->hop *= 2;
}

static void transform(plot_spectrogram *s)
{
    for (int i = 0; i < PLOT_SPECTROGRAM_FFT; i++)
        s->in[i] = s->history[(s->samples + (uint64_t)i) % PLOT_SPECTROGRAM_FFT] * s->window[i];
    fftwf_execute(s->plan);
    for (size_t k = 0; k < PLOT_SPECTROGRAM_BINS; k++)
        s->acc[k] += s->scale * ((double)s->out[k][0] * s->out[k][0] + (double)s->out[k][1] * s->out[k][1]);
    if (++s->acc_count < s->hop / FIRST_HOP)
        return;
    if (s->n_columns == PLOT_SPECTROGRAM_MAX_COLUMNS) {
        halve(s);   /* this column goes on gathering to the new spacing */
        return;
    }
    float *col = &s->columns[s->n_columns++ * PLOT_SPECTROGRAM_BINS];
    for (size_t k = 0; k < PLOT_SPECTROGRAM_BINS; k++) {
        col[k] = (float)(s->acc[k] / (double)s->acc_count);
        s->acc[k] = 0.0;
    }
    s->acc_count = 0;
}

void plot_spectrogram_add(plot_spectrogram *s, const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        float v = x[i];
        s->history[s->samples % PLOT_SPECTROGRAM_FFT] = isfinite(v) ? v : 0.0f;
        s->samples++;
        if (++s->since_hop == FIRST_HOP) {
            s->since_hop = 0;
            transform(s);
        }
    }
}

size_t plot_spectrogram_columns(const plot_spectrogram *s)
{
    return s->n_columns;
}

double plot_spectrogram_column_s(const plot_spectrogram *s)
{
    return (double)s->hop / SQ_PROCESSING_RATE_HZ;
}

const float *plot_spectrogram_column(const plot_spectrogram *s, size_t c)
{
    return &s->columns[c * PLOT_SPECTROGRAM_BINS];
}

uint64_t plot_spectrogram_samples(const plot_spectrogram *s)
{
    return s->samples;
}

void plot_spectrogram_destroy(plot_spectrogram *s)
{
    if (!s)
        return;
    if (s->plan)
        fftwf_destroy_plan(s->plan);
    fftwf_free(s->in);
    fftwf_free(s->out);
    free(s->columns);
    free(s);
}
