/* V.34 phase 3 and 4 receiver: front end and equaliser (dsp/v34.h).
 *
 * The front end moves the line to baseband (mixes with the carrier) and low-passes it with a
 * windowed-sinc filter evaluated at each half-symbol instant, picked among PHASES fractional
 * phases. At 3429 symbols/s on 1959 Hz the signal fills 73-3845 Hz, and the mixer's image
 * (centred on -2 fc) comes within about 150 Hz of the band's edge, so the filter is long
 * (HALF_SPAN samples each side) and its cut-off sits halfway between the two. The instants
 * run on a grid from the reset: the equaliser, fractionally spaced, absorbs the timing
 * phase. A far modem's clock may run 100 ppm or more from the recording's: over a start-up's
 * seconds its symbols drift most of a symbol against the grid, and the equaliser follows
 * that only with a lag that costs decisions, so the lane moves the grid after them
 * (sq_v34_front_shift, by the timing each adapt works out). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "dsp/cmplx.h"
#include "dsp/fir.h"
#include "dsp/v34.h"
#include "dsp/vec4.h"
#include "squeal/error.h"
#include "squeal/time_base.h"

#define HALF_SPAN 48
#define TAPS (2 * HALF_SPAN)
#define PHASES 64
#define RING 256                       /* a power of two > TAPS */
#define ROLLOFF_ALLOWED 0.12           /* the widest excess bandwidth the cut-off allows for */
#define MAX_SHIFT 0.25                 /* samples the grid may move at one call */

struct sq_v34_front {
    double T;                          /* samples a symbol */
    double w;                          /* carrier, radians a sample */
    double cutoff;                     /* of the low-pass, cycles a sample */
    int ready;                         /* h computed (at the first reset: most fronts never run) */
    double complex phasor, step;       /* e^{-j w n}, kept by multiplication */
    float h[PHASES + 1][TAPS];         /* h[p][i]: tap for the sample i - HALF_SPAN + 1 from
                                        * the instant's floor, the instant p / PHASES past it */
    float complex ring[2 * RING];      /* mixed samples, each twice, RING apart: the filter's
                                        * span is then one contiguous run (sq_dot_real_complex) */
    uint64_t n;                        /* samples taken */
    double t_next;                     /* the next half-symbol instant */
};

static double window_sinc(double d, double cutoff)
{
    double a = 2.0 * cutoff * d;
    double s = fabs(a) < 1e-12 ? 1.0 : sin(M_PI * a) / (M_PI * a);
    double w = 0.5 + 0.5 * cos(M_PI * d / (HALF_SPAN + 1));
    return 2.0 * cutoff * s * w;
}

int sq_v34_front_create(double symbol_rate, double carrier_hz, sq_v34_front **out)
{
    *out = NULL;
    if (!(symbol_rate >= 2000.0 && symbol_rate <= 3500.0) || !(carrier_hz > 0.0 && carrier_hz < 3000.0))
        return SQ_EINVAL;
    /* not zeroed: its 29 kB of taps and ring are written at the first reset, before any
     * use, and a decoder makes eleven fronts of which a call uses one or two */
    sq_v34_front *f = malloc(sizeof *f);
    if (!f)
        return SQ_ENOMEM;
    f->ready = 0;
    f->n = 0;
    f->t_next = 0.0;
    f->phasor = 1.0;
    double fs = SQ_PROCESSING_RATE_HZ;
    f->T = fs / symbol_rate;
    f->w = 2.0 * M_PI * carrier_hz / fs;
    double band = 0.5 * symbol_rate * (1.0 + ROLLOFF_ALLOWED);
    double image = fmin(2.0 * carrier_hz - band, fs - 2.0 * carrier_hz - band);
    f->cutoff = fmax(band, 0.5 * (band + image)) / fs;
    f->step = cexp(-I * f->w);
    *out = f;
    return SQ_OK;
}

void sq_v34_front_reset(sq_v34_front *f)
{
    if (!f->ready) {
        for (int p = 0; p <= PHASES; p++)
            for (int i = 0; i < TAPS; i++)
                f->h[p][i] = (float)window_sinc((double)p / PHASES + HALF_SPAN - 1 - i, f->cutoff);
        f->ready = 1;
    }
    memset(f->ring, 0, sizeof f->ring);
    f->n = 0;
    f->t_next = 0.0;
    f->phasor = 1.0;
}

void sq_v34_front_copy(sq_v34_front *to, const sq_v34_front *from)
{
    memcpy(to, from, sizeof *to);   /* plain values, no pointers */
}

double sq_v34_front_samples_per_symbol(const sq_v34_front *f)
{
    return f->T;
}

void sq_v34_front_shift(sq_v34_front *f, double samples)
{
    /* a timing estimate is a small fraction of a sample; an equaliser gone wild on hostile
     * input (not a signal) must not move the grid anywhere */
    if (isfinite(samples))
        f->t_next += fmax(-MAX_SHIFT, fmin(MAX_SHIFT, samples));
}

int sq_v34_front_push(sq_v34_front *f, float x, float complex *y, double *t_samples)
{
    float complex mixed = CMPLXF(x * (float)creal(f->phasor), x * (float)cimag(f->phasor));
    f->ring[f->n % RING] = f->ring[f->n % RING + RING] = mixed;
    f->phasor *= f->step;
    if ((++f->n & 1023) == 0)   /* keep the phasor on the unit circle */
        f->phasor /= cabs(f->phasor);
    /* the instant t needs samples up to floor(t) + HALF_SPAN */
    double t = f->t_next;
    uint64_t base = (uint64_t)floor(t);
    if (base + HALF_SPAN > f->n - 1)
        return 0;
    int p = (int)lround((t - (double)base) * PHASES);
    const float *h = f->h[p];
    if (base + 1 >= HALF_SPAN) {   /* the span is all samples taken: one run of the ring */
        uint64_t first = (base + 1 - HALF_SPAN) % RING;
        *y = sq_dot_real_complex(h, &f->ring[first], TAPS);
    } else {   /* the first instants: the span starts before sample 0 */
        float complex acc = 0.0f;
        for (int i = HALF_SPAN - 1 - (int)base; i < TAPS; i++)
            acc += h[i] * f->ring[(uint64_t)((int64_t)base - HALF_SPAN + 1 + i) % RING];
        *y = acc;
    }
    *t_samples = t;
    f->t_next = t + 0.5 * f->T;
    return 1;
}

void sq_v34_front_destroy(sq_v34_front *f)
{
    free(f);
}

/* ---- equaliser ---- */

#define CARRIER_KP 0.02     /* the carrier loop's gains, unless the user widens it (v34.h) */
#define CARRIER_KI 0.0004
#define ERR_SMOOTH 0.02
#define SLOPE_SMOOTH 0.01

void sq_v34_eq_init(sq_v34_eq *e, float gain)
{
    memset(e, 0, sizeof *e);
    e->taps[2 * SQ_V34_EQ_DELAY] = gain;
    e->err_power = 1.0;
    e->slope_power = 0.0;
    e->rotation = 1.0f;
    e->loop_kp = CARRIER_KP;
    e->loop_ki = CARRIER_KI;
}

void sq_v34_eq_push(sq_v34_eq *e, float complex y)
{
    e->pos = e->pos > 0 ? e->pos - 1 : SQ_V34_EQ_TAPS - 1;
    e->line[e->pos] = e->line[e->pos + SQ_V34_EQ_TAPS] = y;
}

/* The products below are written out in real arithmetic on four floats at a time: two
 * complex numbers, re, im, re, im, as the arrays hold them. C's complex multiply also guards
 * against infinities and NaNs (a branch and a library call on each), which these finite
 * samples never need. For a, b so held, a * b has re_a re_b and im_a im_b side by side, and
 * a * swap(b) re_a im_b and im_a re_b: the product's real part is the first's lanes taken
 * + - + -, its imaginary part all of the second's. */
#define EQ_FLOATS (2 * SQ_V34_EQ_TAPS)
_Static_assert(EQ_FLOATS % 8 == 0, "the sums run two vectors at a time");
_Static_assert(sizeof(float complex) == 2 * sizeof(float), "a complex number is two floats");

/* sum of a[i] * b[i] over n complex numbers (n even), a and b as floats */
static float complex dot_interleaved(const float *a, const float *b, int n)
{
    sq_v4f same0 = { 0 }, same1 = { 0 }, cross0 = { 0 }, cross1 = { 0 };
    int i = 0;
    for (; i + 8 <= 2 * n; i += 8) {   /* two sums of each: none waits on the other */
        sq_v4f a0 = sq_v4f_load(a + i), a1 = sq_v4f_load(a + i + 4);
        sq_v4f b0 = sq_v4f_load(b + i), b1 = sq_v4f_load(b + i + 4);
        same0 += a0 * b0;
        same1 += a1 * b1;
        cross0 += a0 * sq_v4f_swap_pairs(b0);
        cross1 += a1 * sq_v4f_swap_pairs(b1);
    }
    if (i < 2 * n) {
        sq_v4f a0 = sq_v4f_load(a + i), b0 = sq_v4f_load(b + i);
        same0 += a0 * b0;
        cross0 += a0 * sq_v4f_swap_pairs(b0);
    }
    sq_v4f same = same0 + same1;
    return CMPLXF((same[0] - same[1]) + (same[2] - same[3]), sq_v4f_sum(cross0 + cross1));
}

float complex sq_v34_eq_output(sq_v34_eq *e)
{
    e->derotated = dot_interleaved((const float *)e->taps, (const float *)sq_v34_eq_line(e), SQ_V34_EQ_TAPS) * conjf(e->rotation);
    return e->derotated;
}

/* The output had the samples all been taken a little later: z + delta * slope, with slope the
 * taps over the line's derivative (central differences, per half-symbol). The move that best
 * closes the error along it, Re(conj(slope) err) / |slope|^2 (with |slope|^2 smoothed: one
 * symbol's slope can be near zero), is the timing estimate: it responds at once, where the
 * taps would take hundreds of symbols to move after a drifting clock. */
static double timing_gradient(sq_v34_eq *e, float complex err)
{
    /* taps 1 .. SQ_V34_EQ_TAPS - 2 against (line[i - 1] - line[i + 1]) / 2 */
    const float *line = (const float *)sq_v34_eq_line(e);
    float dx[EQ_FLOATS - 4];
    for (int f = 0; f < EQ_FLOATS - 4; f += 4)
        sq_v4f_store(dx + f, 0.5f * (sq_v4f_load(line + f) - sq_v4f_load(line + f + 4)));
    float complex slope = dot_interleaved((const float *)e->taps + 2, dx, SQ_V34_EQ_TAPS - 2) * conjf(e->rotation);
    double p = (double)crealf(slope * conjf(slope));
    e->slope_power = e->slope_power > 0.0 ? e->slope_power + SLOPE_SMOOTH * (p - e->slope_power) : p;
    double timing = e->slope_power > 0.0 ? (double)crealf(conjf(slope) * err) / e->slope_power : 0.0;
    return isfinite(timing) ? timing : 0.0;
}

/* The rotation turned by `step` radians: small, so without a sine, and kept on the unit
 * circle with one Newton step. */
static void turn_by(sq_v34_eq *e, double step)
{
    float complex r = e->rotation * CMPLXF((float)(1.0 - 0.5 * step * step), (float)step);
    e->rotation = r * (1.5f - 0.5f * crealf(r * conjf(r)));
}

void sq_v34_eq_coast(sq_v34_eq *e)
{
    turn_by(e, e->freq);
    e->freq_turn += e->freq;
    e->timing = 0.0;   /* no new estimate: the last one is not to be applied again */
}

void sq_v34_eq_rewind(sq_v34_eq *e)
{
    e->rotation *= CMPLXF((float)cos(e->freq_turn), (float)-sin(e->freq_turn));
    e->freq_turn = 0.0;
}

void sq_v34_eq_adapt(sq_v34_eq *e, float complex target, float mu)
{
    float complex err = target - e->derotated;
    float *taps = (float *)e->taps;
    const float *line = (const float *)sq_v34_eq_line(e);
    sq_v4f part0 = { 0 }, part1 = { 0 };
    for (int f = 0; f < EQ_FLOATS; f += 8) {
        sq_v4f l0 = sq_v4f_load(line + f), l1 = sq_v4f_load(line + f + 4);
        part0 += l0 * l0;
        part1 += l1 * l1;
    }
    float energy = 1e-9f + sq_v4f_sum(part0 + part1);
    /* the error turned back to the taps' side of the carrier loop */
    float complex back = err * e->rotation * (mu / energy);
    float br = crealf(back), bi = cimagf(back);
    /* taps += back * conj(line): re += br lr + bi li, im += bi lr - br li */
    const sq_v4f with_line = { br, -br, br, -br }, with_swapped = { bi, bi, bi, bi };
    for (int f = 0; f < EQ_FLOATS; f += 4) {
        sq_v4f l = sq_v4f_load(line + f);
        sq_v4f_store(taps + f, sq_v4f_load(taps + f) + with_line * l + with_swapped * sq_v4f_swap_pairs(l));
    }
    if (e->want_timing)
        e->timing = timing_gradient(e, err);
    double tp = crealf(target * conjf(target));
    double norm = e->loop_power > 0.0 ? e->loop_power : tp;
    double perr = tp > 0.0 ? cimagf(e->derotated * conjf(target)) / norm : 0.0;
    e->freq += e->loop_ki * perr;
    turn_by(e, e->loop_kp * perr + e->freq);
    e->freq_turn += e->freq;
    e->err_power += ERR_SMOOTH * ((double)crealf(err * conjf(err)) - e->err_power);
}

