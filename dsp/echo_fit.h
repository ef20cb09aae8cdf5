/* Internal: a stretch of one channel fitted as the echo of another (dsp/echo_canceller.c).
 *
 * The echo is y(m) = sum over windows w, taps j of h_w(j) x(m - D_w - j): one or two windows
 * of SQ_ECHO_TAPS taps, each at its own delay D_w up to SQ_ECHO_MAX_DELAY. Two, because a
 * channel can carry the far side twice: crosstalk with no delay and the network's echo a
 * round trip later. */
#ifndef SQ_DSP_ECHO_FIT_H
#define SQ_DSP_ECHO_FIT_H

#include <stddef.h>

#define SQ_ECHO_TAPS 96          /* 12 ms of echo path: a hybrid, codec and line filters */
#define SQ_ECHO_MAX_DELAY 2976   /* 372 ms: round trips through a network and back (the
                                    real calls' echoes come 31-139 ms late) */
#define SQ_ECHO_MAX_LAG (SQ_ECHO_MAX_DELAY + SQ_ECHO_TAPS)
#define SQ_ECHO_MAX_WINDOWS 2
/* A fit's stretch and lead-in: up to 1024 + SQ_ECHO_MAX_LAG. The V.90 reader plans this size
 * too, and FFTW plans a size it has planned for free (a new one costs 1-2 ms). */
#define SQ_ECHO_FFT 4096
#define SQ_ECHO_MAX_STRETCH (SQ_ECHO_FFT - SQ_ECHO_MAX_LAG)

typedef struct sq_echo_window {
    size_t delay;                     /* lag of the first tap kept */
    size_t n;                         /* taps kept, a multiple of 4: the path's own length */
    float reversed[SQ_ECHO_TAPS];     /* reversed[i] weighs x(m - delay - (n - 1) + i) */
} sq_echo_window;

typedef struct sq_echo_fit {
    int windows;                      /* 1 or 2 */
    sq_echo_window w[SQ_ECHO_MAX_WINDOWS];
    size_t peak_lag;                  /* the largest tap's */
} sq_echo_fit;

/* What fitting a stretch found: mean squares over it. */
typedef struct sq_echo_fit_result {
    sq_echo_fit fit;
    double y_power;
    double x_power;    /* x where the strongest window lies */
    double residual;   /* y with the fit's prediction taken out */
} sq_echo_fit_result;

typedef struct sq_echo_fitter sq_echo_fitter;

int sq_echo_fitter_create(sq_echo_fitter **out);
void sq_echo_fitter_destroy(sq_echo_fitter *f);

/* y[0..len) with the echo the fit predicts taken out, into out (which may be y): x_now[m] is
 * the other channel's sample at y[m]'s time, and x_now[m - k] k samples earlier (valid back
 * to the fit's longest lag). */
void sq_echo_take_out(const sq_echo_fit *f, const float *x_now, const float *y, float *out, size_t len);

/* Fits y[0..len) (len <= SQ_ECHO_MAX_STRETCH) as an echo of x, given from SQ_ECHO_MAX_LAG
 * samples before y's first: x[SQ_ECHO_MAX_LAG + i] is at the time of y[i], with up to
 * max_windows paths. With min_flatness > 0, x must fill the telephone band that much and
 * not repeat itself, or nothing is fitted. Returns 1 with *out filled, or 0. */
int sq_echo_fit_stretch(sq_echo_fitter *f, const float *x, const float *y, size_t len, double min_flatness,
                        int max_windows, sq_echo_fit_result *out);

/* The dB the fit takes out of y[0..len) between lo_hz and hi_hz (x as for the fit). */
double sq_echo_fit_removed_in_band(sq_echo_fitter *f, const sq_echo_fit *fit, const float *x, const float *y,
                                   size_t len, double lo_hz, double hi_hz);

/* y[0..len) (len <= SQ_ECHO_MAX_STRETCH) with what lies outside lo_hz..hi_hz taken out, into
 * out (which may be y). */
void sq_echo_fit_band_limit(sq_echo_fitter *f, const float *y, float *out, size_t len, double lo_hz, double hi_hz);

#endif
