/* A spectrogram kept to a bounded size however long the audio: 8 kHz samples in, power per
 * 31.25 Hz bin (a 256-point Hann FFT) per column out. Columns start 4 ms apart; whenever
 * there would be more than PLOT_SPECTROGRAM_MAX_COLUMNS, neighbours are averaged in pairs
 * and the spacing doubles, so a 10-minute call and a 30-second one both fill a picture and
 * memory stays flat (2 MB per channel at most). */
#ifndef SQ_PLOT_SPECTROGRAM_H
#define SQ_PLOT_SPECTROGRAM_H

#include <stddef.h>
#include <stdint.h>
#include "src/plot/power_spectrum.h"

#define PLOT_SPECTROGRAM_FFT PLOT_SPECTRUM_FFT
#define PLOT_SPECTROGRAM_BINS PLOT_SPECTRUM_BINS
#define PLOT_SPECTROGRAM_MAX_COLUMNS 4096

typedef struct plot_spectrogram plot_spectrogram;

int plot_spectrogram_create(plot_spectrogram **out);
void plot_spectrogram_add(plot_spectrogram *s, const float *x, size_t n);
/* Columns so far, the seconds between them, and column c's powers (mean power per bin,
 * full scale 1.0, so sq_power_to_dbm0 reads a tone's level). */
size_t plot_spectrogram_columns(const plot_spectrogram *s);
double plot_spectrogram_column_s(const plot_spectrogram *s);
const float *plot_spectrogram_column(const plot_spectrogram *s, size_t c);
uint64_t plot_spectrogram_samples(const plot_spectrogram *s);
void plot_spectrogram_destroy(plot_spectrogram *s);

#endif
