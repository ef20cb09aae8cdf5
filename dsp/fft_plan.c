/* FFTW plans made and destroyed under one lock (dsp/fft_plan.h). */
#include <pthread.h>
#include "dsp/fft_plan.h"

static pthread_mutex_t planner = PTHREAD_MUTEX_INITIALIZER;

fftwf_plan sq_fft_plan_r2c(int n, float *in, fftwf_complex *out)
{
    pthread_mutex_lock(&planner);
    fftwf_plan p = fftwf_plan_dft_r2c_1d(n, in, out, FFTW_ESTIMATE);
    pthread_mutex_unlock(&planner);
    return p;
}

fftwf_plan sq_fft_plan_c2r(int n, fftwf_complex *in, float *out)
{
    pthread_mutex_lock(&planner);
    fftwf_plan p = fftwf_plan_dft_c2r_1d(n, in, out, FFTW_ESTIMATE);
    pthread_mutex_unlock(&planner);
    return p;
}

void sq_fft_plan_destroy(fftwf_plan p)
{
    if (!p)
        return;
    pthread_mutex_lock(&planner);
    fftwf_destroy_plan(p);
    pthread_mutex_unlock(&planner);
}
