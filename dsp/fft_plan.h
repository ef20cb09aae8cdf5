/* Internal: making and destroying FFTW plans from any thread. FFTW's planner keeps global
 * state, and plans made or destroyed in two threads at once corrupt it: decoders created in
 * eight threads at once crashed every run, inside FFTW. Every plan libsqueal makes goes
 * through these, under one lock; executing a plan needs none (FFTW's documented rule). */
#ifndef SQ_DSP_FFT_PLAN_H
#define SQ_DSP_FFT_PLAN_H

#include <fftw3.h>

/* FFTW_ESTIMATE plans of n real points; NULL when FFTW cannot make one. */
fftwf_plan sq_fft_plan_r2c(int n, float *in, fftwf_complex *out);
fftwf_plan sq_fft_plan_c2r(int n, fftwf_complex *in, float *out);
/* NULL-safe. */
void sq_fft_plan_destroy(fftwf_plan p);

#endif
