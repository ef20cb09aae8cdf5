/* Internal: Welch power spectrum with FFTW, for measuring what the generators produce
 * (tone frequency, in-band and out-of-band power) in tests and benchmarks. */
#ifndef SQ_DSP_SPECTRUM_H
#define SQ_DSP_SPECTRUM_H

#include <stddef.h>

typedef struct sq_spectrum sq_spectrum;

/* n_fft: 64..65536, a power of two is fastest. The FFTW plan is made here. */
int sq_spectrum_create(size_t n_fft, double rate_hz, sq_spectrum **out);
/* Averages Hann-windowed, half-overlapped periodograms of x[0..n) into power[0..n_fft/2],
 * scaled so that the bins sum to the signal's mean power. Returns the number of segments. */
size_t sq_spectrum_welch(sq_spectrum *s, const float *x, size_t n, double *power);
/* Sum of power over bins whose centre lies in [lo_hz, hi_hz]. */
double sq_spectrum_band_power(const sq_spectrum *s, const double *power, double lo_hz, double hi_hz);
/* Frequency of the strongest bin in [lo_hz, hi_hz], refined by parabolic interpolation. */
double sq_spectrum_peak_hz(const sq_spectrum *s, const double *power, double lo_hz, double hi_hz);
void sq_spectrum_destroy(sq_spectrum *s);

#endif
