/* Bounded spectrogram (spectrogram.h): frames from power_spectrum.h, averaged into columns. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "squeal/time_base.h"
#include "src/plot/spectrogram.h"

#define FIRST_HOP 32   /* 4 ms */

struct plot_spectrogram {
    plot_power_spectrum *frame;
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
    s->columns = malloc(sizeof(float) * PLOT_SPECTROGRAM_MAX_COLUMNS * PLOT_SPECTROGRAM_BINS);
    if (!s->columns || plot_power_spectrum_create(&s->frame) != 0) {
        plot_spectrogram_destroy(s);
        return -1;
    }
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
    plot_power_spectrum_add(s->frame, s->history, (size_t)(s->samples % PLOT_SPECTROGRAM_FFT), s->acc);
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
    plot_power_spectrum_destroy(s->frame);
    free(s->columns);
    free(s);
}
