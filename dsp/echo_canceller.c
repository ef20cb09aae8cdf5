/* Cross-channel echo canceller (include/squeal/echo_canceller.h).
 *
 * Each channel keeps its raw samples in a doubled ring, so the other channel's predicted
 * echo at any delay is one contiguous dot product. Learning happens once per block of
 * BLOCK samples, for each channel y against the other channel x:
 *   1. gates: y carries something (above -70 dBFS) and x is at least MIN_LOSS_DB louder
 *      over the stretch its echo could come from, and x fills the telephone band (the
 *      flatness of its spectrum in 50 Hz bands from 300 to 3300 Hz): a tone or a narrow
 *      FSK signal pins the echo path down at a few frequencies only, and a fit to it could
 *      add error everywhere else;
 *   2. r_xy(k) = sum over the block of y(n) x(n - k), k < MAX_DELAY + TAPS, from one FFT
 *      product; the TAPS-long window of lags holding most of its energy is the delay;
 *   3. the least-squares FIR there: the normal equations with x's autocorrelation as a
 *      Toeplitz matrix (lightly loaded on its diagonal), solved by Levinson's recursion;
 *   4. kept if it removes MIN_REMOVED_DB of the block, and does better there than the fit
 *      in use (if any). */
#include <fftw3.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef ECHO_DEBUG
#include <stdio.h>
#endif
#include "dsp/fft_plan.h"
#include "squeal/echo_canceller.h"
#include "squeal/error.h"
#include "squeal/time_base.h"

#define BLOCK 2048                 /* 256 ms */
#define TAPS 96                    /* 12 ms of echo path: a hybrid, codec and line filters */
#define MAX_DELAY 4000             /* 500 ms: round trips through a network and back */
#define MAX_LAG (MAX_DELAY + TAPS)
#define SEGMENT (BLOCK + MAX_LAG)  /* x that can echo into one block */
/* Output is held back two blocks, so a fit applies to the block it was learnt on and to the
 * one before it: an echo is taken out from where the far side started to be heard alone,
 * not a block or two later. */
#define LATENCY (2 * BLOCK)
#define RING 16384                 /* a power of two >= LATENCY + SEGMENT */
#define FFT_N 8192                 /* >= SEGMENT: the correlation does not wrap */
#define MIN_BLOCK_POWER 1e-7       /* -70 dBFS: a G.711 channel's idle noise is near -73 */
#define MIN_LOSS_DB 10.0
#define MIN_REMOVED_DB 10.0
#define BETTER_BY 0.8              /* a new fit replaces the one in use when it leaves 1 dB less */
#define BAND_LO_HZ 300.0
#define BAND_HI_HZ 3300.0
#define SUBBAND_HZ 50.0
#define N_SUBBANDS 60
/* Geometric over arithmetic mean of the 50 Hz band powers: 0.5-0.9 for V.34 or V.32
 * training and data, under 0.05 for tones, FSK and V.22's 600-baud signals. */
#define MIN_FLATNESS 0.3
#define LOADING 1e-3               /* 30 dB under the signal: keeps the solution bounded */

_Static_assert((RING & (RING - 1)) == 0 && RING >= LATENCY + SEGMENT && FFT_N >= SEGMENT,
               "the ring holds what is held back and a segment; the FFT a segment");

typedef struct echo_fit {
    size_t delay;          /* lag of the first tap */
    float reversed[TAPS];  /* reversed[i] weighs x(n - delay - (TAPS - 1) + i) */
} echo_fit;

typedef struct echo_path {
    echo_fit fit;
    sq_echo_path info;
} echo_path;

struct sq_echo_canceller {
    float ring[2][2 * RING];   /* each channel's raw samples, written twice */
    size_t pos;                /* where the newest sample was written */
    uint64_t count;            /* samples per channel so far */
    size_t held;               /* of them, not yet given back */
    size_t in_block;
    double block_power[2];     /* sum of squares of each channel's raw block */
    echo_path path[2];         /* path[c]: channel c's echo of channel 1 - c */
    float *a, *b, *corr;
    fftwf_complex *fa, *fb;
    fftwf_plan plan_a, plan_b, plan_back;
    float segment[SEGMENT];
};

void sq_echo_canceller_destroy(sq_echo_canceller *ec)
{
    if (!ec)
        return;
    sq_fft_plan_destroy(ec->plan_a);
    sq_fft_plan_destroy(ec->plan_b);
    sq_fft_plan_destroy(ec->plan_back);
    fftwf_free(ec->a);
    fftwf_free(ec->b);
    fftwf_free(ec->corr);
    fftwf_free(ec->fa);
    fftwf_free(ec->fb);
    free(ec);
}

int sq_echo_canceller_create(sq_echo_canceller **out)
{
    if (!out)
        return SQ_EINVAL;
    *out = NULL;
    sq_echo_canceller *ec = calloc(1, sizeof *ec);
    if (!ec)
        return SQ_ENOMEM;
    ec->a = fftwf_alloc_real(FFT_N);
    ec->b = fftwf_alloc_real(FFT_N);
    ec->corr = fftwf_alloc_real(FFT_N);
    ec->fa = fftwf_alloc_complex(FFT_N / 2 + 1);
    ec->fb = fftwf_alloc_complex(FFT_N / 2 + 1);
    if (ec->a && ec->b && ec->corr && ec->fa && ec->fb) {
        ec->plan_a = sq_fft_plan_r2c(FFT_N, ec->a, ec->fa);
        ec->plan_b = sq_fft_plan_r2c(FFT_N, ec->b, ec->fb);
        ec->plan_back = sq_fft_plan_c2r(FFT_N, ec->fb, ec->corr);
    }
    if (!ec->plan_a || !ec->plan_b || !ec->plan_back) {
        sq_echo_canceller_destroy(ec);
        return SQ_ENOMEM;
    }
    *out = ec;
    return SQ_OK;
}

/* The raw sample `age` samples before the newest one of channel c (age < RING). */
static const float *raw_at(const sq_echo_canceller *ec, int c, size_t age)
{
    return &ec->ring[c][(ec->pos + RING - age) & (RING - 1)];
}

/* The echo on the other channel's sample `age` samples ago, predicted from x = channel c. */
static float predict(const sq_echo_canceller *ec, int c, const echo_fit *f, size_t age)
{
    const float *x = raw_at(ec, c, age + f->delay + TAPS - 1);   /* oldest of TAPS, contiguous */
    float s[4] = { 0 };
    for (size_t i = 0; i < TAPS; i += 4)
        for (size_t k = 0; k < 4; k++)
            s[k] += f->reversed[i + k] * x[i + k];
    return (s[0] + s[1]) + (s[2] + s[3]);
}

/* Solves T h = p for the symmetric Toeplitz T with first row r (Levinson's recursion, Golub
 * and Van Loan 4.7.3). Returns 0 when the recursion breaks down. */
static int solve_toeplitz(const double *r, const double *p, double *h, size_t n)
{
    double y[TAPS], x[TAPS], z[TAPS], v[TAPS];
    double r0 = r[0];
    if (!(r0 > 0.0))
        return 0;
    double alpha = -r[1] / r0, beta = 1.0;
    y[0] = -r[1] / r0;
    x[0] = p[0] / r0;
    for (size_t k = 1; k < n; k++) {
        beta *= 1.0 - alpha * alpha;
        if (!(beta > 1e-12))
            return 0;
        double dot = 0.0;
        for (size_t i = 0; i < k; i++)
            dot += r[i + 1] / r0 * x[k - 1 - i];
        double mu = (p[k] / r0 - dot) / beta;
        for (size_t i = 0; i < k; i++)
            v[i] = x[i] + mu * y[k - 1 - i];
        memcpy(x, v, k * sizeof *x);
        x[k] = mu;
        if (k + 1 < n) {
            dot = 0.0;
            for (size_t i = 0; i < k; i++)
                dot += r[i + 1] / r0 * y[k - 1 - i];
            alpha = (-r[k + 1] / r0 - dot) / beta;
            for (size_t i = 0; i < k; i++)
                z[i] = y[i] + alpha * y[k - 1 - i];
            memcpy(y, z, k * sizeof *y);
            y[k] = alpha;
        }
    }
    memcpy(h, x, n * sizeof *h);
    return 1;
}

/* Power left in channel y's last block once the fit's prediction from channel x is taken out. */
static double residual_power(const sq_echo_canceller *ec, int y, const echo_fit *f)
{
    double sum = 0.0;
    for (size_t age = 0; age < BLOCK; age++) {
        double e = *raw_at(ec, y, age) - predict(ec, 1 - y, f, age);
        sum += e * e;
    }
    return sum / BLOCK;
}

/* Geometric over arithmetic mean of x's power in 50 Hz bands across the telephone band. */
static double band_flatness(fftwf_complex *fx)
{
    double log_sum = 0.0, sum = 0.0;
    double bin_hz = (double)SQ_PROCESSING_RATE_HZ / FFT_N;
    for (int s = 0; s < N_SUBBANDS; s++) {
        size_t lo = (size_t)((BAND_LO_HZ + s * SUBBAND_HZ) / bin_hz);
        size_t hi = (size_t)((BAND_LO_HZ + (s + 1) * SUBBAND_HZ) / bin_hz);
        double p = 1e-30;
        for (size_t k = lo; k < hi; k++)
            p += (double)fx[k][0] * fx[k][0] + (double)fx[k][1] * fx[k][1];
        log_sum += log(p);
        sum += p;
    }
    return exp(log_sum / N_SUBBANDS) / (sum / N_SUBBANDS);
}

/* The window of TAPS lags (from 0 to MAX_DELAY) where the cross-correlation has most energy. */
static size_t strongest_window(const float *corr)
{
    double energy = 0.0, best = -1.0;
    size_t at = 0;
    for (size_t k = 0; k < TAPS; k++)
        energy += (double)corr[k] * corr[k];
    for (size_t d = 0;; d++) {
        if (energy > best) {
            best = energy;
            at = d;
        }
        if (d == MAX_DELAY)
            return at;
        energy += (double)corr[d + TAPS] * corr[d + TAPS] - (double)corr[d] * corr[d];
    }
}

/* Fits channel y's echo of channel x = 1 - y over the block just ended; 1 when it passed the
 * gates and a fit was made (in *fit, with the lag, loss and residual in *info). */
static int fit_block(sq_echo_canceller *ec, int y, echo_fit *fit, sq_echo_path *info, double *residual)
{
    int x = 1 - y;
    double py = ec->block_power[y] / BLOCK;
    if (py < MIN_BLOCK_POWER)
        return 0;
    double px = 0.0;
    for (size_t i = 0; i < SEGMENT; i++) {
        float v = *raw_at(ec, x, SEGMENT - 1 - i);
        ec->segment[i] = v;
        px += (double)v * v;
    }
    px /= SEGMENT;
    if (px < py * pow(10.0, MIN_LOSS_DB / 10.0))
        return 0;
    memset(ec->a, 0, FFT_N * sizeof *ec->a);
    memcpy(ec->a, ec->segment, sizeof ec->segment);
    fftwf_execute(ec->plan_a);
    double flat = band_flatness(ec->fa);
#ifdef ECHO_DEBUG
    fprintf(stderr, "t %.2f ch %d py %.1f px %.1f flat %.2f\n", (double)ec->count / 8000, y, 10 * log10(py), 10 * log10(px), flat);
#endif
    if (flat < MIN_FLATNESS)
        return 0;
    memset(ec->b, 0, FFT_N * sizeof *ec->b);
    for (size_t i = 0; i < BLOCK; i++)
        ec->b[MAX_LAG + i] = *raw_at(ec, y, BLOCK - 1 - i);
    fftwf_execute(ec->plan_b);
    for (size_t k = 0; k <= FFT_N / 2; k++) {   /* B times conj(A): y against x, x leading */
        float br = ec->fb[k][0], bi = ec->fb[k][1], ar = ec->fa[k][0], ai = ec->fa[k][1];
        ec->fb[k][0] = br * ar + bi * ai;
        ec->fb[k][1] = bi * ar - br * ai;
    }
    fftwf_execute(ec->plan_back);   /* corr[k] = FFT_N * sum y(n) x(n - k) */
    size_t delay = strongest_window(ec->corr);
    /* x(n - delay - j) for the block's n and j < TAPS: segment[MAX_LAG - delay - (TAPS-1) ...] */
    const float *u = &ec->segment[MAX_LAG - delay - (TAPS - 1)];
    size_t len = BLOCK + TAPS - 1;
    double r[TAPS], p[TAPS], h[TAPS];
    for (size_t k = 0; k < TAPS; k++) {
        double s = 0.0;
        for (size_t i = 0; i + k < len; i++)
            s += (double)u[i] * u[i + k];
        r[k] = s;
        p[k] = ec->corr[delay + k] / FFT_N;
    }
    r[0] *= 1.0 + LOADING;
    if (!solve_toeplitz(r, p, h, TAPS))
        return 0;
    size_t peak = 0;
    for (size_t j = 0; j < TAPS; j++) {
        fit->reversed[TAPS - 1 - j] = (float)h[j];
        if (fabs(h[j]) > fabs(h[peak]))
            peak = j;
    }
    fit->delay = delay;
    *residual = residual_power(ec, y, fit);
    double px_window = r[0] / (1.0 + LOADING) / len;
    info->learnt = 1;
    info->delay_ms = (double)(delay + peak) * 1000.0 / SQ_PROCESSING_RATE_HZ;
    info->loss_db = 10.0 * log10(px_window / py);
    info->removed_db = 10.0 * log10(py / fmax(*residual, 1e-30));
    info->learnt_at_s = (double)ec->count / SQ_PROCESSING_RATE_HZ;
#ifdef ECHO_DEBUG
    fprintf(stderr, "   fit delay %.1f ms loss %.1f removed %.1f\n", info->delay_ms, info->loss_db, info->removed_db);
#endif
    return 1;
}

static void learn(sq_echo_canceller *ec)
{
    for (int y = 0; y < 2; y++) {
        echo_fit fit;
        sq_echo_path info;
        double residual;
        if (!fit_block(ec, y, &fit, &info, &residual) || info.removed_db < MIN_REMOVED_DB)
            continue;
        echo_path *path = &ec->path[y];
        if (path->info.learnt && residual >= BETTER_BY * residual_power(ec, y, &path->fit))
            continue;
        path->fit = fit;
        path->info = info;
    }
}

/* Gives back the oldest frame held, with its echoes taken out. */
static void give_back(sq_echo_canceller *ec, float *out)
{
    size_t age = --ec->held;
    for (int c = 0; c < 2; c++) {
        float v = *raw_at(ec, c, age);
        if (ec->path[c].info.learnt)
            v -= predict(ec, 1 - c, &ec->path[c].fit, age);
        out[c] = v;
    }
}

size_t sq_echo_canceller_process(sq_echo_canceller *ec, const float *in, size_t n, float *out)
{
    size_t given = 0;
    for (size_t i = 0; i < n; i++) {
        ec->pos = (ec->pos + 1) & (RING - 1);
        for (int c = 0; c < 2; c++) {
            float v = in[2 * i + c];
            ec->ring[c][ec->pos] = v;
            ec->ring[c][ec->pos + RING] = v;
            ec->block_power[c] += (double)v * v;
        }
        ec->count++;
        ec->held++;
        if (++ec->in_block == BLOCK) {
            learn(ec);
            ec->in_block = 0;
            ec->block_power[0] = ec->block_power[1] = 0.0;
        }
        if (ec->held > LATENCY)
            give_back(ec, &out[2 * given++]);
    }
    return given;
}

size_t sq_echo_canceller_flush(sq_echo_canceller *ec, float *out, size_t max)
{
    size_t given = 0;
    while (ec->held > 0 && given < max)
        give_back(ec, &out[2 * given++]);
    return given;
}

void sq_echo_canceller_path(const sq_echo_canceller *ec, int ch, sq_echo_path *out)
{
    if (!out)
        return;
    memset(out, 0, sizeof *out);
    if (ec && (ch == 0 || ch == 1))
        *out = ec->path[ch].info;
}
