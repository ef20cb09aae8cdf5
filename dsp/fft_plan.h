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

/* Every transform the library plans: the band watch's 128 points, the wideband lane's 160,
 * and 4096 both ways for the V.90 reader and the echo fitter. The build plans these with
 * FFTW_ESTIMATE and keeps FFTW's wisdom of them (dsp/fft_wisdom_gen.c), which the first plan
 * imports: ESTIMATE still searches FFTW's solvers for each new length, 31 M instructions at
 * every start (as many as 10 s of a V.21 call take to decode), where the same plans made
 * from the wisdom take 5 M. A transform not listed is planned as before, only slower. */
#define SQ_FFT_R2C_SIZES { 128, 160, 4096 }
#define SQ_FFT_C2R_SIZES { 4096 }

/* Transforms planned so far that the lists above leave out (for a test that keeps them
 * whole). */
unsigned sq_fft_plans_unlisted(void);

#endif
