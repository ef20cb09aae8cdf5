/* One frame's power spectrum: 256 samples at 8 kHz through a Hann window and FFTW's real
 * transform, as mean power per 31.25 Hz bin (one-sided, full scale 1.0, so
 * sq_power_to_dbm0 of a tone's peak bin reads the tone's level). Shared by the pictures'
 * spectrogram and the terminal's live waterfall. */
#ifndef SQ_PLOT_POWER_SPECTRUM_H
#define SQ_PLOT_POWER_SPECTRUM_H

#include <stddef.h>

#define PLOT_SPECTRUM_FFT 256
#define PLOT_SPECTRUM_BINS (PLOT_SPECTRUM_FFT / 2 + 1)

typedef struct plot_power_spectrum plot_power_spectrum;

int plot_power_spectrum_create(plot_power_spectrum **out);
/* Adds the power of the frame ring[start..] (a ring of PLOT_SPECTRUM_FFT samples, oldest at
 * `start`) to acc[bin]. */
void plot_power_spectrum_add(plot_power_spectrum *p, const float *ring, size_t start, double *acc);
void plot_power_spectrum_destroy(plot_power_spectrum *p);

#endif
