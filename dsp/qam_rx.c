/* 600-baud QAM/PSK receiver front end (dsp/qam.h; spec 5.4).
 *
 * Per input sample it only stores the sample. Twice per symbol it evaluates a matched
 * filter (the RRC pulse moved to the carrier, as one complex band-pass FIR) at the exact
 * instant the timing loop asks for, chosen among 32 fractional phases, and mixes the result
 * to baseband. The half-symbol samples feed the Gardner timing detector (which needs no
 * carrier lock), a T/2-spaced LMS equaliser and a decision-directed carrier loop. S1's
 * alternating points have a stable wrong Gardner lock half a symbol off (spec 5.4): the
 * receiver watches the alternation on both half-symbol streams and jumps half a symbol when
 * the mid-symbol stream alternates more clearly than the one it decides on. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "dsp/qam.h"
#include "dsp/rrc.h"
#include "dsp/sample_guard.h"
#include "dsp/sample_ring.h"
#include "dsp/vec4.h"
#include "squeal/error.h"
#include "squeal/level.h"
#include "squeal/time_base.h"

#define T_SAMPLES ((double)SQ_PROCESSING_RATE_HZ / SQ_QAM_BAUD)   /* 13.333 samples per symbol */
/* The mixer's table: one second of samples holds a whole number of cycles of a carrier on a
 * whole number of hertz; the table is as long as the shortest such run (20 samples for 1200
 * Hz, 10 for 2400), and a second for any other carrier. */
#define MIX_SECOND ((int)SQ_PROCESSING_RATE_HZ)
#define HALF_SPAN 34                        /* +/-34 samples (2.55 T), the whole tapered pulse */
#define MF_TAPS (2 * HALF_SPAN + 1)
#define MF_PADDED 72                        /* MF_TAPS rounded up to whole vectors of 8 */
#define PHASES 32
#define CHUNK 128                           /* samples stored before the instants they complete */
#define RING 512                            /* input history, a power of two > CHUNK + 2 MF_PADDED */
#define EQ_TAPS 9                           /* T/2-spaced: +/-2 symbols */
#define EQ_CENTRE 4
#define EQ_PADDED 12                        /* EQ_TAPS rounded up to whole vectors of 4 */
#define TRAINING 300                        /* symbols of fast loops once decisions start */
/* Decisions start with the carrier's phase wherever ACQUIRE left it (that gear follows only
 * the frequency). Within about 45 degrees of a decision boundary, a decision-directed start
 * hangs there while the equaliser learns the wrong decisions: one call in 100 at 14 dB,
 * 500 ppm, never trained. So the first PHASE_SYMBOLS of the four 1200 bit/s points set the
 * phase at once from their fourth power (which strips the quadrant), and only then do the
 * decisions steer anything. */
#define PHASE_SYMBOLS 16
/* The equaliser's input power, as a multiple of its expected EQ_TAPS * SQ_QAM_GRID_POWER,
 * above which its step is scaled down so that a click cannot make the taps diverge. */
#define EQ_OVERLOAD 4.0f
#define SILENT_DBM0 -48.0                   /* below this the loops hold (V.22 3.3: off < -48) */
/* Loop gains once TRAINING is over (the equaliser's step gets there gradually). Its step
 * sets its misadjustment, the noise its own tap wander adds (~ mu * tap power * taps): at
 * 0.002 it cost 0.5 dB at the slicer at 2400 bit/s, and 1e-5 came at 12.4 dB line SNR
 * instead of 12.1 (bench_v22, 2e7 bits per point). The channel it follows is static, and the timing loop, not the taps, follows the
 * sample clock (500 ppm calls measure the same). The carrier loop's jitter matters the
 * same way on the outer points; its integrator holds the offset found in training. */
#define EQ_MU_DATA 0.0005f
#define CARRIER_KP_DATA 0.03
#define CARRIER_KI_DATA 0.0005

struct sq_qam_rx {
    double carrier_hz;
    float mf_re[PHASES][MF_PADDED] __attribute__((aligned(16)));   /* zero past MF_TAPS */
    float mf_im[PHASES][MF_PADDED] __attribute__((aligned(16)));
    double mf_dc_gain;                      /* |filter| for a tone at the carrier */
    double silent_power;                    /* raw_power at SILENT_DBM0 */
    float complex mix_frac[PHASES];         /* e^{-j wc p / PHASES} */
    uint64_t mix_n0;                        /* the sample the last instant fell on ... */
    int mix_index;                          /* ... and its place in mix_whole */
    int mix_period;                         /* mix_whole's length */
    float ring[2 * RING];
    uint64_t n_in;                          /* samples stored */
    double t_next;                          /* instant of the next half-symbol sample */
    int on_sample;                          /* the next half-symbol sample is a decision instant */
    sq_qam_decide decide;
    uint64_t decided;                       /* symbols since decisions started */
    int phase_left;                         /* symbols still to gather for the first phase */
    float complex phase_sum;                /* sum of their fourth powers, normalised */
    /* level and gain */
    double raw_power;                       /* smoothed |y|^2 before the gain */
    double fast_power;                      /* the same over ~3 ms: for the carrier's end */
    double agc_power;                       /* smoothed |y|^2 at decision instants */
    float gain;
    /* timing */
    float complex prev_on, prev_mid, mid;
    float complex quarter;             /* the matched filter a quarter symbol before the on-sample */
    int want_quarter;                  /* sq_qam_rx_want_quarter */
    double timing_rate;                     /* integrator: samples per symbol of clock drift */
    /* S1 watch: alternation of the differential phase on each half-symbol stream */
    float complex prev_on_d, prev_mid_d;
    double alt_on, alt_mid;
    int alt_sign;
    /* equaliser: real and imaginary parts apart, so its sums run four taps at a time */
    sq_v4f eq_x_re[EQ_PADDED / 4], eq_x_im[EQ_PADDED / 4];   /* its input, newest first; older past EQ_TAPS */
    sq_v4f eq_w_re[EQ_PADDED / 4], eq_w_im[EQ_PADDED / 4];   /* its taps: zero past EQ_TAPS, always */
    /* carrier */
    float complex derotate;                 /* e^{-j phase}: turned, never recomputed */
    double freq;                            /* rad per symbol */
    double mse;
    uint64_t recoveries;                    /* times the loops diverged and started again */
    float complex mix_whole[];              /* e^{-j wc n}, n mod mix_period */
};

static double clamp(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;   /* fmin/fmax would be library calls here */
}

/* The pulse at each phase's taps, the same for every receiver: made once a process (the
 * decoder makes four receivers, two a channel). */
static double pulse[PHASES][2 * HALF_SPAN + 1];
static pthread_once_t pulse_made = PTHREAD_ONCE_INIT;

static void make_pulse(void)
{
    for (int p = 0; p < PHASES; p++)
        for (int j = -HALF_SPAN; j <= HALF_SPAN; j++)
            pulse[p][j + HALF_SPAN] = sq_rrc(((double)p / PHASES - j) / T_SAMPLES);
}

int sq_qam_rx_create(double carrier_hz, sq_qam_rx **out)
{
    if (!out)
        return SQ_EINVAL;
    *out = NULL;
    if (!(carrier_hz > 0.0 && carrier_hz < 4000.0))
        return SQ_EINVAL;
    int period = MIX_SECOND;
    if (carrier_hz == (int)carrier_hz) {   /* MIX_SECOND over its greatest common divisor with the carrier */
        int a = MIX_SECOND, b = (int)carrier_hz;
        while (b != 0) {
            int rest = a % b;
            a = b;
            b = rest;
        }
        period = MIX_SECOND / a;
    }
    sq_qam_rx *r = calloc(1, sizeof *r + (size_t)period * sizeof r->mix_whole[0]);
    if (!r)
        return SQ_ENOMEM;
    r->carrier_hz = carrier_hz;
    r->mix_period = period;
    pthread_once(&pulse_made, make_pulse);
    double w = 2.0 * M_PI * carrier_hz / SQ_PROCESSING_RATE_HZ, dc = 0.0;
    for (int p = 0; p < PHASES; p++) {
        double f = (double)p / PHASES;
        for (int j = -HALF_SPAN; j <= HALF_SPAN; j++) {
            double tau = f - j;   /* output instant minus input sample time */
            double g = pulse[p][j + HALF_SPAN];
            r->mf_re[p][j + HALF_SPAN] = (float)(g * cos(w * tau));
            r->mf_im[p][j + HALF_SPAN] = (float)(g * sin(w * tau));
            if (p == 0)
                dc += g;
        }
    }
    r->mf_dc_gain = dc;
    r->silent_power = sq_dbm0_to_power(SILENT_DBM0) * dc * dc / 2.0;
    /* a phasor turned one sample at a time, set exactly every 256 (the drift between is
     * under 1e-13, far below a float's precision) */
    double complex turn = 1.0, step = cexp(-I * w);
    for (int n = 0; n < period; n++, turn *= step) {
        if (n % 256 == 0)
            turn = cexp(-I * w * n);
        r->mix_whole[n] = (float complex)turn;
    }
    for (int p = 0; p < PHASES; p++)
        r->mix_frac[p] = (float complex)cexp(-I * w * p / PHASES);
    sq_qam_rx_reset(r);
    *out = r;
    return SQ_OK;
}

void sq_qam_rx_reset(sq_qam_rx *r)
{
    r->t_next = (double)r->n_in + HALF_SPAN + 1.0;
    r->mix_n0 = r->n_in;
    r->mix_index = (int)(r->n_in % (uint64_t)r->mix_period);
    r->on_sample = 1;
    r->decide = SQ_QAM_ACQUIRE;
    r->agc_power = 0.0;
    r->gain = 0.0f;
    r->prev_on = r->prev_mid = r->mid = r->quarter = 0.0f;
    r->prev_on_d = r->prev_mid_d = 0.0f;
    r->alt_on = r->alt_mid = 0.0;
    r->alt_sign = 1;
    r->timing_rate = 0.0;
    memset(r->eq_x_re, 0, sizeof r->eq_x_re);
    memset(r->eq_x_im, 0, sizeof r->eq_x_im);
    memset(r->eq_w_re, 0, sizeof r->eq_w_re);
    memset(r->eq_w_im, 0, sizeof r->eq_w_im);
    r->eq_w_re[EQ_CENTRE / 4][EQ_CENTRE % 4] = 1.0f;
    r->derotate = 1.0f;
    r->freq = 0.0;
    r->mse = SQ_QAM_GRID_POWER;
}

void sq_qam_rx_restart_at(sq_qam_rx *r, uint64_t sample)
{
    memset(r->ring, 0, sizeof r->ring);
    r->n_in = sample;
    r->raw_power = r->fast_power = 0.0;
    sq_qam_rx_reset(r);
}

void sq_qam_rx_want_quarter(sq_qam_rx *r, int on)
{
    r->want_quarter = on;
}

void sq_qam_rx_set_decide(sq_qam_rx *r, sq_qam_decide d)
{
    if (r->decide == SQ_QAM_ACQUIRE) {
        r->decided = 0;
        r->phase_left = d == SQ_QAM_DECIDE_4 ? PHASE_SYMBOLS : 0;
        r->phase_sum = 0.0f;
    }
    r->decide = d;
}

/* The matched filter at instant t (needs samples up to t + HALF_SPAN), mixed to baseband. */
static float complex matched_at(sq_qam_rx *r, double t)
{
    double base = floor(t);
    int p = (int)((t - base) * PHASES);
    uint64_t n0 = (uint64_t)base;
    /* ring index of sample n0 - HALF_SPAN; the doubled ring makes the span contiguous */
    const float *x = &r->ring[(n0 - HALF_SPAN) % RING];
    /* x[i] is sample n0 - HALF_SPAN + i, which pairs with tap i. Two accumulators per output
     * keep the sums in registers; the taps past MF_TAPS are zero. */
    sq_v4f re0 = { 0 }, re1 = { 0 }, im0 = { 0 }, im1 = { 0 };
    const float *tr = r->mf_re[p], *ti = r->mf_im[p];
    for (int i = 0; i < MF_PADDED; i += 8) {
        sq_v4f x0 = sq_v4f_load(x + i), x1 = sq_v4f_load(x + i + 4);
        re0 += x0 * sq_v4f_load(tr + i);
        re1 += x1 * sq_v4f_load(tr + i + 4);
        im0 += x0 * sq_v4f_load(ti + i);
        im1 += x1 * sq_v4f_load(ti + i + 4);
    }
    float re = sq_v4f_sum(re0 + re1), im = sq_v4f_sum(im0 + im1);
    /* tables, not trigonometry: the receiver's budget is a few ns per input sample */
    /* n0 mod mix_period from the last instant's: they are a few samples apart */
    int idx = r->mix_index + (int)((int64_t)n0 - (int64_t)r->mix_n0);
    if (idx >= r->mix_period || idx < 0) {   /* a division only when it wraps: most instants do not */
        idx %= r->mix_period;
        idx = idx < 0 ? idx + r->mix_period : idx;
    }
    r->mix_index = idx;
    r->mix_n0 = n0;
    return (re + I * im) * r->mix_whole[idx] * r->mix_frac[p];
}

static float complex nearest_4(float complex z)
{
    /* the 1200 bit/s points (3, 1) * j^q (V.22bis 2.5.2.2) */
    static const float complex pts[4] = { 3.0f + 1.0f * I, -1.0f + 3.0f * I, -3.0f - 1.0f * I,
                                          1.0f - 3.0f * I };
    int best = 0;
    float bv = -1e30f;
    for (int q = 0; q < 4; q++) {
        float v = crealf(z * conjf(pts[q]));
        if (v > bv) {
            bv = v;
            best = q;
        }
    }
    return pts[best];
}

static float slice_axis(float v)
{
    /* -3, -1, 1 or 3 without branches: data makes the comparisons unpredictable */
    static const float level[4] = { -3.0f, -1.0f, 1.0f, 3.0f };
    float c = v < 3.5f ? v : 3.5f;      /* minss / maxss; a NaN ends at 3.5, inside the table */
    c = c > -3.5f ? c : -3.5f;
    return level[(int)((c + 4.0f) * 0.5f)];   /* [-4,-2) -> 0 ... [2,4) -> 3 */
}

/* 1 / |d|^2 for a point of either grid, whose |d|^2 is 2, 10 or 18: no division per symbol */
static float inverse_power(float complex d)
{
    float p = crealf(d) * crealf(d) + cimagf(d) * cimagf(d);
    return p < 6.0f ? 1.0f / 2.0f : p < 14.0f ? 1.0f / 10.0f : 1.0f / 18.0f;
}

static float complex nearest_16(float complex z)
{
    return slice_axis(crealf(z)) + I * slice_axis(cimagf(z));
}

/* v shifted in as the newest of the vectors' lanes, the oldest out. A shift of whole
 * vectors, not a store into a ring: a four-float load over a float just stored waits
 * for the store to land, and the equaliser reads its window right after each push. */
static void shift_in(sq_v4f x[EQ_PADDED / 4], float v)
{
    _Static_assert(EQ_PADDED == 12, "three vectors");
    x[2] = (sq_v4f){ x[1][3], x[2][0], x[2][1], x[2][2] };
    x[1] = (sq_v4f){ x[0][3], x[1][0], x[1][1], x[1][2] };
    x[0] = (sq_v4f){ v, x[0][0], x[0][1], x[0][2] };
}

/* The equaliser's input: the newest half-symbol sample first, EQ_TAPS of them. */
static void eq_push(sq_qam_rx *r, float complex v)
{
    shift_in(r->eq_x_re, crealf(v));
    shift_in(r->eq_x_im, cimagf(v));
}

/* 1 on the equaliser's taps, 0 on the padding past them: the window reads past its
 * input there, and the padding's taps must stay zero. */
static const sq_v4f EQ_TAP_MASK[EQ_PADDED / 4] = { { 1, 1, 1, 1 }, { 1, 1, 1, 1 }, { 1, 0, 0, 0 } };
_Static_assert(EQ_TAPS == 9 && EQ_PADDED == 12, "EQ_TAP_MASK marks the taps");

/* The equaliser's output: its taps over the window, four at a time. */
static float complex eq_output(const sq_qam_rx *r)
{
    sq_v4f re = { 0 }, im = { 0 };
    for (int i = 0; i < EQ_PADDED / 4; i++) {
        sq_v4f wr = r->eq_w_re[i], wi = r->eq_w_im[i], ar = r->eq_x_re[i], ai = r->eq_x_im[i];
        re += wr * ar - wi * ai;
        im += wr * ai + wi * ar;
    }
    return sq_v4f_sum(re) + I * sq_v4f_sum(im);
}

/* Alternation of consecutive differential phases: S1's +90, -90, +90 ... */
static void watch_alternation(sq_qam_rx *r, float complex y, int on)
{
    float complex *prev = on ? &r->prev_on_d : &r->prev_mid_d;
    double *alt = on ? &r->alt_on : &r->alt_mid;
    float complex d = y * conjf(*prev);
    *prev = y;
    float m = fabsf(crealf(d)) + fabsf(cimagf(d));   /* a cheap norm: only the sign pattern matters */
    double v = m > 0.0f ? (double)cimagf(d) / m : 0.0;
    *alt += 0.1 * (r->alt_sign * v - *alt);
}

/* Gardner's timing error from the symbol u, the half-symbol m before it and the symbol pu
 * before that (positive when sampling late) moves the next instant. */
static void track_timing(sq_qam_rx *r, float complex u, float complex m, float complex pu)
{
    double e = (double)crealf(m * conjf(u - pu)) * (1.0 / SQ_QAM_GRID_POWER);
    e = clamp(e, -1.0, 1.0);
    double kp = r->decide == SQ_QAM_ACQUIRE || r->decided < TRAINING ? 0.08 : 0.02;
    double ki = kp * kp / 8.0;
    r->timing_rate = clamp(r->timing_rate - ki * e, -0.02, 0.02);
    r->t_next -= kp * e;
}

/* One LMS step of the equaliser's taps on the error `back` (in the equaliser's frame). */
static void eq_adapt(sq_qam_rx *r, float complex back, int training)
{
    /* after training the step falls as 1/n (a running average's weight) to its floor:
     * converged in a few hundred ms, quiet after a few seconds */
    float mu = training ? 0.006f : 0.006f * TRAINING / (float)r->decided;
    mu = mu < EQ_MU_DATA ? EQ_MU_DATA : mu;
    /* LMS is stable only while mu times the input's power stays small: a click far above
     * the level the gain was set for would make the taps diverge. Beyond EQ_OVERLOAD
     * times the expected power the step shrinks in proportion (never in normal data). */
    sq_v4f pv = { 0 };
    for (int i = 0; i < EQ_PADDED / 4; i++) {
        sq_v4f ar = r->eq_x_re[i], ai = r->eq_x_im[i];
        pv += (ar * ar + ai * ai) * EQ_TAP_MASK[i];
    }
    float pin = sq_v4f_sum(pv);
    if (pin > EQ_OVERLOAD * EQ_TAPS * SQ_QAM_GRID_POWER)
        mu *= EQ_OVERLOAD * EQ_TAPS * SQ_QAM_GRID_POWER / pin;
    /* w += mu back conj(x); the padding's taps stay zero */
    float br = mu * crealf(back), bi = mu * cimagf(back);
    for (int i = 0; i < EQ_PADDED / 4; i++) {
        sq_v4f ar = r->eq_x_re[i], ai = r->eq_x_im[i];
        r->eq_w_re[i] += (br * ar + bi * ai) * EQ_TAP_MASK[i];
        r->eq_w_im[i] += (bi * ar - br * ai) * EQ_TAP_MASK[i];
    }
}

static void on_symbol(sq_qam_rx *r, float complex y, sq_qam_symbol *out, size_t *nout, size_t max)
{
    /* gain: mean power at decision instants brought to the grid's */
    r->agc_power += (r->decide == SQ_QAM_ACQUIRE ? 0.05 : 0.005) * ((double)(crealf(y) * crealf(y) + cimagf(y) * cimagf(y)) - r->agc_power);
    if (r->decide == SQ_QAM_ACQUIRE || (r->decided & 3u) == 0)   /* it moves slowly after that */
        r->gain = r->agc_power > 0.0 ? sqrtf((float)(SQ_QAM_GRID_POWER / r->agc_power)) : 0.0f;
    float complex u = y * r->gain, m = r->mid * r->gain, pu = r->prev_on * r->gain;

    int live = r->raw_power > r->silent_power;
    if (live)
        track_timing(r, u, m, pu);
    r->t_next += r->timing_rate;
    r->prev_on = y;

    /* S1 watch: flip to the other half-symbol stream when it alternates more clearly */
    r->alt_sign = -r->alt_sign;
    if (r->decide == SQ_QAM_ACQUIRE)
        watch_alternation(r, u, 1);
    if (live && r->decide == SQ_QAM_ACQUIRE && fabs(r->alt_mid) > 0.7 && fabs(r->alt_on) < 0.3) {
        r->t_next += T_SAMPLES / 2.0;
        double a = r->alt_on;
        r->alt_on = r->alt_mid;
        r->alt_mid = a;
    }

    /* equaliser over the last EQ_TAPS half-symbol samples: this one is the newest */
    eq_push(r, u);
    float complex q = eq_output(r);
    float complex rot = r->derotate;
    float complex z = q * rot, d = 0.0f;
    double turn = r->freq;                  /* phase advance for the next symbol */
    if (r->phase_left > 0 && live) {
        /* the points (3, 1) j^q to the fourth power all lie at 4 atan(1/3) */
        float complex z2 = z * z;
        float mag = crealf(z2) * crealf(z2) + cimagf(z2) * cimagf(z2);
        if (mag > 0.0f)
            r->phase_sum += z2 * z2 / mag;
        if (--r->phase_left == 0 && r->phase_sum != 0.0f) {
            float complex fix = cexpf(-I * ((cargf(r->phase_sum) - 4.0f * atanf(1.0f / 3.0f)) / 4.0f));
            r->derotate *= fix;
            rot = r->derotate;
            z = q * rot;
        }
        d = nearest_4(z);
    } else if (r->decide != SQ_QAM_ACQUIRE && live) {
        d = r->decide == SQ_QAM_DECIDE_4 ? nearest_4(z) : nearest_16(z);
        float complex err = d - z;
        double pe = (double)(cimagf(z * conjf(d)) * inverse_power(d));
        int training = r->decided++ < TRAINING;
        double kp = training ? 0.12 : CARRIER_KP_DATA, ki = training ? 0.006 : CARRIER_KI_DATA;
        r->freq = clamp(r->freq + ki * pe, -0.2, 0.2);
        turn += kp * pe;
        eq_adapt(r, err * conjf(rot), training);   /* the error in the equaliser's frame */
        r->mse += 0.02 * ((double)(crealf(err) * crealf(err) + cimagf(err) * cimagf(err)) - r->mse);
    }
    /* e^{-j turn} by its Taylor series (|turn| < 0.5, error < 3e-4), then one Newton step
     * pulls |derotate| back to 1 */
    float a = (float)turn, a2 = a * a;
    float complex step = (1.0f - a2 * 0.5f + a2 * a2 * (1.0f / 24.0f)) - I * (a * (1.0f - a2 * (1.0f / 6.0f)));
    float complex dr = r->derotate * step;
    r->derotate = dr * (1.5f - 0.5f * (crealf(dr) * crealf(dr) + cimagf(dr) * cimagf(dr)));
    if (*nout < max) {
        /* the equaliser's centre is two symbols back */
        double c = r->t_next - T_SAMPLES / 2.0 - 2.0 * T_SAMPLES;
        uint64_t centre = c > 0.0 ? (uint64_t)c : 0;
        float py = crealf(y) * crealf(y) + cimagf(y) * cimagf(y);
        float pm = crealf(r->mid) * crealf(r->mid) + cimagf(r->mid) * cimagf(r->mid);
        float pq = crealf(r->quarter) * crealf(r->quarter) + cimagf(r->quarter) * cimagf(r->quarter);
        out[(*nout)++] = (sq_qam_symbol){ .z = z, .decision = d, .sample = centre,
                                          .mid_ratio = py > 0.0f ? pm / py : 1.0f,
                                          .quarter_ratio = py > 0.0f ? pq / py : 1.0f };
    }
}

/* Whether the adaptive state is still made of numbers. Inputs are bounded, but a loop
 * pushed far enough (an overload the gain had not followed) can still overflow; a NaN in
 * the timing or the taps would stay there for good, and index tables on the way. */
static int state_is_finite(const sq_qam_rx *r)
{
    sq_v4f taps = { 0 };
    for (int i = 0; i < EQ_PADDED / 4; i++)
        taps += r->eq_w_re[i] + r->eq_w_im[i];
    return isfinite(sq_v4f_sum(taps)) && isfinite(crealf(r->derotate) + cimagf(r->derotate)) && isfinite(r->t_next) &&
           isfinite(r->timing_rate + r->freq + r->agc_power + r->raw_power + r->fast_power + r->mse) &&
           isfinite(crealf(r->prev_on) + cimagf(r->prev_on) + crealf(r->mid) + cimagf(r->mid));
}

/* After a divergence: the loops start again from rest, at the same sample and in the same
 * decision mode, so the caller's own monitors (slicer error, carrier) see a poor line and
 * retrain, as they would after any other disturbance. */
static void recover(sq_qam_rx *r)
{
    sq_qam_decide decide = r->decide;
    uint64_t decided = r->decided;
    sq_qam_rx_reset(r);
    r->raw_power = r->fast_power = 0.0;
    memset(r->ring, 0, sizeof r->ring);
    r->decide = decide;
    r->decided = decided;
    r->phase_left = 0;
    r->recoveries++;
}

size_t sq_qam_rx_process(sq_qam_rx *r, const float *x, size_t n, sq_qam_symbol *out, size_t max)
{
    size_t nout = 0;
    for (size_t i = 0; i < n;) {
        /* store a chunk, then take every half-symbol instant it completes */
        size_t len = n - i < CHUNK ? n - i : CHUNK;
        float kept[CHUNK];
        sq_sample_guard_copy(kept, x + i, len);
        size_t head = (size_t)(r->n_in % RING);
        sq_ring_keep(r->ring, RING, &head, kept, len);
        r->n_in += len;
        i += len;
        double last = (double)r->n_in - HALF_SPAN - 1.0;
        while (r->t_next < last) {
            float complex y = matched_at(r, r->t_next);
            double p = (double)(crealf(y) * crealf(y) + cimagf(y) * cimagf(y));
            r->raw_power += 0.04 * (p - r->raw_power);
            r->fast_power += 0.25 * (p - r->fast_power);
            if (r->on_sample) {
                /* while hunting, the matched filter a quarter symbol back too (USB1's dip) */
                r->quarter = r->decide == SQ_QAM_ACQUIRE && r->want_quarter ? matched_at(r, r->t_next - T_SAMPLES / 4.0) : y;
                on_symbol(r, y, out, &nout, max);
            } else {
                r->mid = y;
                if (r->decide == SQ_QAM_ACQUIRE)
                    watch_alternation(r, y * r->gain, 0);
                eq_push(r, y * r->gain);
            }
            r->on_sample = !r->on_sample;
            r->t_next += T_SAMPLES / 2.0;
            if (!state_is_finite(r))
                recover(r);
        }
    }
    return nout;
}

size_t sq_qam_rx_samples_wanted(const sq_qam_rx *r)
{
    /* the next half-symbol instant is taken once n_in > t_next + HALF_SPAN + 1 */
    double need = floor(r->t_next + HALF_SPAN + 1.0) + 1.0 - (double)r->n_in;
    return need >= 1.0 ? (size_t)need : 1;
}

double sq_qam_rx_level_power(const sq_qam_rx *r)
{
    /* a sine of power P at the carrier gives |y|^2 = P * G^2 / 2 (G: the filter's gain) */
    return 2.0 * r->raw_power / (r->mf_dc_gain * r->mf_dc_gain);
}

double sq_qam_rx_fast_level_power(const sq_qam_rx *r)
{
    return 2.0 * r->fast_power / (r->mf_dc_gain * r->mf_dc_gain);
}

double sq_qam_rx_level_dbm0(const sq_qam_rx *r)
{
    return sq_power_to_dbm0(sq_qam_rx_level_power(r));
}

double sq_qam_rx_fast_level_dbm0(const sq_qam_rx *r)
{
    return sq_power_to_dbm0(sq_qam_rx_fast_level_power(r));
}

double sq_qam_rx_snr_ratio(const sq_qam_rx *r)
{
    return r->decide == SQ_QAM_ACQUIRE ? 1.0 : SQ_QAM_GRID_POWER / (r->mse > 1e-6 ? r->mse : 1e-6);
}

double sq_qam_rx_snr_db(const sq_qam_rx *r)
{
    return 10.0 * log10(sq_qam_rx_snr_ratio(r));
}

void sq_qam_rx_set_freq_offset(sq_qam_rx *r, double hz)
{
    r->freq = clamp(hz * 2.0 * M_PI / SQ_QAM_BAUD, -0.2, 0.2);
}

double sq_qam_rx_freq_offset_hz(const sq_qam_rx *r)
{
    return r->freq * SQ_QAM_BAUD / (2.0 * M_PI);
}

double sq_qam_rx_clock_ppm(const sq_qam_rx *r)
{
    return r->timing_rate / T_SAMPLES * 1e6;
}

uint64_t sq_qam_rx_recoveries(const sq_qam_rx *r)
{
    return r->recoveries;
}

void sq_qam_rx_destroy(sq_qam_rx *r)
{
    free(r);
}
