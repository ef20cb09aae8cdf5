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
#include "dsp/fft_plan.h"
#include "squeal/echo_canceller.h"
#include "squeal/error.h"
#include "squeal/time_base.h"

#define BLOCK 2048                 /* 256 ms */
#define TAPS 96                    /* 12 ms of echo path: a hybrid, codec and line filters */
#define MAX_DELAY 4000             /* 500 ms: round trips through a network and back */
#define MAX_LAG (MAX_DELAY + TAPS)
#define XCORR_FFT 8192             /* >= BLOCK + MAX_LAG: the correlation does not wrap */
/* Output is held back two blocks, so a fit applies to the block it was learnt on and to the
 * one before it: an echo is taken out from where the far side started to be heard alone,
 * not a block or two later. */
#define LATENCY (2 * BLOCK)
#define RING 65536                 /* 8.2 s: what a question about a past event can look at */
#define SPAN_MAX (XCORR_FFT - MAX_LAG)   /* the longest stretch a question fits: its first 512 ms */
#define SPAN_MIN (4 * TAPS)
#define TRIM_ENERGY 1e-3           /* taps outside the fit's span holding this share are dropped */
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
#define MIN_PERIOD 40               /* 5 ms: the autocorrelation of a band-filling signal is gone by then */
#define MAX_PERIODIC 0.25          /* band-filling data and training stay under 0.1 */
#define LOADING 1e-3               /* 30 dB under the signal: keeps the solution bounded */

_Static_assert(MAX_LAG <= 2 * BLOCK, "a block's lead-in is the two blocks before it");
_Static_assert((RING & (RING - 1)) == 0 && RING >= LATENCY + BLOCK + MAX_LAG, "the ring holds a block's lead-in");
_Static_assert(XCORR_FFT >= BLOCK + MAX_LAG && SPAN_MAX >= BLOCK, "correlations do not wrap");

typedef struct echo_fit {
    size_t delay;          /* lag of the first tap */
    size_t n;              /* taps kept (a multiple of 4): the path's own length */
    float reversed[TAPS];  /* reversed[i] weighs x(n - delay - (n - 1) + i) */
} echo_fit;

typedef struct echo_path {
    echo_fit fit;
    sq_echo_path info;
} echo_path;

/* One size of FFT cross-correlation: a stretch of one channel against the other channel's
 * samples from MAX_LAG before it. */
typedef struct xcorr {
    size_t n;
    float *a, *b, *corr;
    fftwf_complex *fa, *fb;
    fftwf_plan plan_a, plan_b, plan_back;
} xcorr;

/* What fitting a stretch found. */
typedef struct fit_result {
    echo_fit fit;
    double y_power, x_power, residual;   /* mean squares over the stretch (x: at the fit's lag) */
    size_t peak_lag;                     /* the largest tap's */
} fit_result;

struct sq_echo_canceller {
    float ring[2][2 * RING];   /* each channel's raw samples, written twice */
    size_t pos;                /* where the newest sample was written */
    uint64_t count;            /* samples per channel so far */
    size_t held;               /* of them, not yet given back */
    size_t in_block;
    double block_power[2];     /* sum of squares of each channel's raw block */
    double past_power[2][2];   /* ... of the two blocks before it */
    echo_path path[2];         /* path[c]: channel c's echo of channel 1 - c */
    xcorr xc;
};

static void xcorr_free(xcorr *x)
{
    sq_fft_plan_destroy(x->plan_a);
    sq_fft_plan_destroy(x->plan_b);
    sq_fft_plan_destroy(x->plan_back);
    fftwf_free(x->a);
    fftwf_free(x->b);
    fftwf_free(x->corr);
    fftwf_free(x->fa);
    fftwf_free(x->fb);
}

static int xcorr_init(xcorr *x, size_t n)
{
    x->n = n;
    x->a = fftwf_alloc_real(n);
    x->b = fftwf_alloc_real(n);
    x->corr = fftwf_alloc_real(n);
    x->fa = fftwf_alloc_complex(n / 2 + 1);
    x->fb = fftwf_alloc_complex(n / 2 + 1);
    if (!x->a || !x->b || !x->corr || !x->fa || !x->fb)
        return 0;
    x->plan_a = sq_fft_plan_r2c((int)n, x->a, x->fa);
    x->plan_b = sq_fft_plan_r2c((int)n, x->b, x->fb);
    x->plan_back = sq_fft_plan_c2r((int)n, x->fb, x->corr);
    return x->plan_a && x->plan_b && x->plan_back;
}

void sq_echo_canceller_destroy(sq_echo_canceller *ec)
{
    if (!ec)
        return;
    xcorr_free(&ec->xc);
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
    if (!xcorr_init(&ec->xc, XCORR_FFT)) {
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
    const float *x = raw_at(ec, c, age + f->delay + f->n - 1);   /* oldest of n, contiguous */
    float s[4] = { 0 };
    for (size_t i = 0; i < f->n; i += 4)
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

/* Mean square of channel y over `len` samples ending `newest` samples ago, with the fit's
 * prediction from the other channel taken out. */
static double residual_power(const sq_echo_canceller *ec, int y, const echo_fit *f, size_t newest, size_t len)
{
    double sum = 0.0;
    for (size_t age = newest; age < newest + len; age++) {
        double e = *raw_at(ec, y, age) - predict(ec, 1 - y, f, age);
        sum += e * e;
    }
    return sum / (double)len;
}

/* Geometric over arithmetic mean of a spectrum's power in 50 Hz bands across the telephone band. */
static double band_flatness(fftwf_complex *fx, size_t n_fft)
{
    double log_sum = 0.0, sum = 0.0;
    double bin_hz = (double)SQ_PROCESSING_RATE_HZ / (double)n_fft;
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

/* Whether x (transformed in fa) repeats itself within MAX_DELAY: its autocorrelation, from
 * |A|^2, comes back to MAX_PERIODIC of its peak somewhere past the shortest lag a path could
 * span. An echo of a periodic signal (V.90's DIL, V.34's PP) fits at its true delay and at
 * every period from it alike, and a fit at the wrong one would add error to all that is not
 * periodic later. */
static int is_periodic(const xcorr *xc)
{
    for (size_t k = 0; k <= xc->n / 2; k++) {
        xc->fb[k][0] = xc->fa[k][0] * xc->fa[k][0] + xc->fa[k][1] * xc->fa[k][1];
        xc->fb[k][1] = 0.0f;
    }
    fftwf_execute(xc->plan_back);
    float peak = xc->corr[0];
    for (size_t k = MIN_PERIOD; k <= MAX_DELAY; k++)
        if (fabsf(xc->corr[k]) > MAX_PERIODIC * peak)
            return 1;
    return 0;
}

/* Keeps the taps h[j0..j1) that hold all but TRIM_ENERGY of the fit's energy (in fours):
 * the echo costs its path's length per sample, not TAPS. */
static void trim(const double *h, size_t delay, echo_fit *f)
{
    double total = 0.0, cut = 0.0;
    for (size_t j = 0; j < TAPS; j++)
        total += h[j] * h[j];
    size_t j0 = 0, j1 = TAPS;
    while (j0 + 4 < j1 && cut + h[j0] * h[j0] < TRIM_ENERGY / 2 * total)
        cut += h[j0] * h[j0], j0++;
    cut = 0.0;
    while (j1 - 4 > j0 && cut + h[j1 - 1] * h[j1 - 1] < TRIM_ENERGY / 2 * total)
        cut += h[j1 - 1] * h[j1 - 1], j1--;
    while ((j1 - j0) % 4)
        j1 < TAPS ? j1++ : j0--;
    f->delay = delay + j0;
    f->n = j1 - j0;
    for (size_t j = j0; j < j1; j++)
        f->reversed[j1 - 1 - j] = (float)h[j];
}

/* Fits channel y over `len` samples ending `newest` samples ago as an echo of the other
 * channel x: r_xy from one FFT product, the lag window with most of it, the least-squares
 * taps there. With min_flatness > 0, x must fill the band that much first. 0 when it does
 * not, or the recursion breaks down. */
static int fit_stretch(const sq_echo_canceller *ec, const xcorr *xc, int y, size_t newest, size_t len,
                       double min_flatness, fit_result *out)
{
    int x = 1 - y;
    size_t lead = len + MAX_LAG;
    memset(xc->a, 0, xc->n * sizeof *xc->a);
    memcpy(xc->a, raw_at(ec, x, newest + lead - 1), lead * sizeof *xc->a);   /* contiguous, oldest first */
    fftwf_execute(xc->plan_a);
    if (min_flatness > 0.0 && (band_flatness(xc->fa, xc->n) < min_flatness || is_periodic(xc)))
        return 0;
    memset(xc->b, 0, xc->n * sizeof *xc->b);
    memcpy(xc->b + MAX_LAG, raw_at(ec, y, newest + len - 1), len * sizeof *xc->b);
    fftwf_execute(xc->plan_b);
    for (size_t k = 0; k <= xc->n / 2; k++) {   /* B times conj(A): y against x, x leading */
        float br = xc->fb[k][0], bi = xc->fb[k][1], ar = xc->fa[k][0], ai = xc->fa[k][1];
        xc->fb[k][0] = br * ar + bi * ai;
        xc->fb[k][1] = bi * ar - br * ai;
    }
    fftwf_execute(xc->plan_back);   /* corr[k] = n * sum y(m) x(m - k) */
    size_t delay = strongest_window(xc->corr);
    /* x(m - delay - j) for the stretch's m and j < TAPS, oldest first */
    const float *u = raw_at(ec, x, newest + len - 1 + delay + TAPS - 1);
    size_t u_len = len + TAPS - 1;
    double r[TAPS], p[TAPS], h[TAPS], y_sum = 0.0;
    for (size_t k = 0; k < TAPS; k++) {
        double s = 0.0;
        for (size_t i = 0; i + k < u_len; i++)
            s += (double)u[i] * u[i + k];
        r[k] = s;
        p[k] = xc->corr[delay + k] / (double)xc->n;
    }
    out->x_power = r[0] / (double)u_len;
    r[0] *= 1.0 + LOADING;
    if (!solve_toeplitz(r, p, h, TAPS))
        return 0;
    trim(h, delay, &out->fit);
    size_t peak = 0;
    for (size_t j = 0; j < TAPS; j++)
        if (fabs(h[j]) > fabs(h[peak]))
            peak = j;
    out->peak_lag = delay + peak;
    for (size_t age = newest; age < newest + len; age++)
        y_sum += (double)*raw_at(ec, y, age) * *raw_at(ec, y, age);
    out->y_power = y_sum / (double)len;
    out->residual = residual_power(ec, y, &out->fit, newest, len);
    return 1;
}

/* Learns from the block just ended, for each channel against the other. */
static void learn(sq_echo_canceller *ec)
{
    for (int y = 0; y < 2; y++) {
        int x = 1 - y;
        double py = ec->block_power[y] / BLOCK;
        double px = (ec->block_power[x] + ec->past_power[x][0] + ec->past_power[x][1]) / (BLOCK + MAX_LAG);
        if (py < MIN_BLOCK_POWER || px < py * pow(10.0, MIN_LOSS_DB / 10.0))
            continue;
        echo_path *path = &ec->path[y];
        double current = path->info.learnt ? residual_power(ec, y, &path->fit, 0, BLOCK) : INFINITY;
        if (py >= current * pow(10.0, path->info.removed_db / 10.0) / 2.0)
            continue;   /* the fit in use does as well here as where it was learnt, within 3 dB */
        fit_result f;
        if (!fit_stretch(ec, &ec->xc, y, 0, BLOCK, MIN_FLATNESS, &f))
            continue;
        double removed_db = 10.0 * log10(f.y_power / fmax(f.residual, 1e-30));
        if (removed_db < MIN_REMOVED_DB || f.residual >= BETTER_BY * current)
            continue;
        path->fit = f.fit;
        path->info.learnt = 1;
        path->info.delay_ms = (double)f.peak_lag * 1000.0 / SQ_PROCESSING_RATE_HZ;
        path->info.loss_db = 10.0 * log10(f.x_power / f.y_power);
        path->info.removed_db = removed_db;
        path->info.learnt_at_s = (double)ec->count / SQ_PROCESSING_RATE_HZ;
    }
}

/* Power of b's spectrum (as plan_b leaves it in fb) from lo_hz to hi_hz. */
static double band_power(const xcorr *xc, double lo_hz, double hi_hz)
{
    fftwf_execute(xc->plan_b);
    double bin_hz = (double)SQ_PROCESSING_RATE_HZ / (double)xc->n, sum = 0.0;
    size_t lo = (size_t)fmax(0.0, ceil(lo_hz / bin_hz)), hi = (size_t)fmin((double)(xc->n / 2), floor(hi_hz / bin_hz));
    for (size_t k = lo; k <= hi; k++)
        sum += (double)xc->fb[k][0] * xc->fb[k][0] + (double)xc->fb[k][1] * xc->fb[k][1];
    return sum;
}

double sq_echo_canceller_explained_db(sq_echo_canceller *ec, int ch, double start_s, double end_s, double lo_hz,
                                      double hi_hz)
{
    if (!ec || (ch != 0 && ch != 1) || !(start_s < end_s) || !(lo_hz < hi_hz))
        return 0.0;
    double rate = SQ_PROCESSING_RATE_HZ;
    uint64_t oldest_kept = ec->count > RING - MAX_LAG - TAPS ? ec->count - (RING - MAX_LAG - TAPS) : 0;
    double first = fmax(start_s * rate, (double)oldest_kept), last = fmin(end_s * rate, (double)ec->count);
    if (!(last - first >= SPAN_MIN))
        return 0.0;
    uint64_t s0 = (uint64_t)first, s1 = (uint64_t)last;
    size_t len = (size_t)(s1 - s0);
    if (len > SPAN_MAX)
        len = SPAN_MAX;
    size_t newest = (size_t)(ec->count - s0 - len);
    fit_result f;
    const xcorr *xc = &ec->xc;
    if (!fit_stretch(ec, xc, ch, newest, len, 0.0, &f))
        return 0.0;
    /* the stretch as it is, then with the fit's prediction taken out, over the band only:
     * the far side's echo beside a signal of this channel's own in another band is still
     * an echo in this one */
    memset(xc->b, 0, xc->n * sizeof *xc->b);
    for (size_t i = 0; i < len; i++)
        xc->b[i] = *raw_at(ec, ch, newest + len - 1 - i);
    double before = band_power(xc, lo_hz, hi_hz);
    for (size_t i = 0; i < len; i++)
        xc->b[i] -= predict(ec, 1 - ch, &f.fit, newest + len - 1 - i);
    double after = band_power(xc, lo_hz, hi_hz);
    if (!(before > 0.0))
        return 0.0;
    return 10.0 * log10(before / fmax(after, before * 1e-10));
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
            for (int c = 0; c < 2; c++) {
                ec->past_power[c][1] = ec->past_power[c][0];
                ec->past_power[c][0] = ec->block_power[c];
            }
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
