/* V.34 data's symbol SNR (src/decode/v34_lane.h).
 *
 * After E a modem sends B1 and its data (V.34 10.1.3.1, 11.4): points of the odd-integer
 * grid u(n), moved by the precoder onto y(n) = u(n) + c(n), a point of the same grid (c is a
 * multiple of 2 or 4), and sent as x(n) = y(n) - p(n), p(n) the precoding filter's output
 * sum h(k) x(n - k), k = 1..3, rounded (9.6.2); then, where the far end asked for it, through
 * the non-linear encoder x'(n) = x(n) (1 + z/6 + z^2/120), z = 0.3125 |x(n)|^2 / mean |x|^2
 * (9.7). The coefficients h and the encoder's choice are for this channel's transmitter, so
 * they come in the MP the far end sends: on the other channel (sq_decoder_far_mp), which on
 * a real call ends after this channel's data has begun. So the data's first 0.64 s are kept
 * as samples, with the receiver (front end and equaliser) as E left it, and read when that
 * MP is known.
 * The equaliser gives x'(n) in TRN's scale; the grid's step in that scale is not said
 * anywhere (it depends on the rate, the shaping and the power the transmitter keeps), so it
 * is found from the data: the receiver run on without steering over FIT_SYMBOLS symbols (its
 * grid moving as the far clock drifted over the start-up), the encoder undone (it depends on
 * |x| against its own mean, whatever the scale), the precoding filter run forward, and the
 * step and a small turn chosen where y / step falls nearest to odd integers (first on the
 * inner points, to 0.6 %, then on all to 0.05 % and 0.1 degree). Then the receiver reads the kept samples
 * again from E, each symbol sliced to the nearest grid point with the filter fed the decided
 * x, its equaliser, carrier loop and timing loop following the decisions; after SETTLE
 * symbols, the slicer's error against the decided x's power is the SNR.
 * A sliced error can be no larger than a grid step (it wraps), so at low SNR it reads too
 * small: the noise's deviation is solved for from the wrapped error's variance, and where it
 * exceeds MAX_SIGMA (a twentieth of the decisions wrong, or no grid at all: noise wraps to a
 * third of a step squared), or the outer points' error is larger than the inner ones' (a
 * precoder or encoder other than the transmitter's), no SNR is given.
 * The real calls (3Com 31200 bit/s, rh56 and Banksia 33600): 37.7 and 36.5 dB, 34.9 and 34.7,
 * 34.6 and 33.7 (34.5 and 33.6 after its retrain), each within 1.2 dB of its phase 4 TRN. Their
 * grids fit only with the other channel's h (the 3Com caller's first 128 symbols: 1.54 of 2
 * with them, 0.59 without); the receiver left as E had it, not steered, holds the grid for
 * 200-300 symbols, and steered without its timing loop, the 3Com answerer's error doubled
 * over the 0.6 s. */
#include <complex.h>
#include <math.h>
#include <string.h>
#include "dsp/cmplx.h"
#include "src/decode/v34_lane.h"

#define FIT_FROM 4          /* B1's first symbols: the precoder's line starts at zero there */
#define FIT_SYMBOLS 192
#define MIN_SYMBOLS 768     /* kept before the stretch ended: fewer say too little */
#define SETTLE 256          /* symbols the decisions steer before they are counted */
#define MU_DATA 0.01f
#define THETA 0.3125        /* V.34 9.7 */
/* The grid step searched: the data's rms over the step, 1.2 (4 points) to 64 (past 33600
 * bit/s's 26-30); a step a third of the true one also puts every point on odd integers, out
 * of this range for all but the smallest sets, where it fits less well */
#define RMS_STEPS_MIN 1.2
#define RMS_STEPS_MAX 64.0
#define COARSE_RATIO 1.006
#define FINE_SPAN 0.008
#define FINE_RATIO 1.0005
#define INNER 0.8           /* the coarse search's points: under this times the rms */
#define TURN_SPAN_DEG 1.0   /* E's carrier loop, decision-directed at 35 dB: within a degree (the
                               inner points' step is found without turning them) */
#define MAX_SIGMA 0.5       /* per dimension, in grid units (odd integers 2 apart) */
/* The outer points' wrapped error against the inner ones'. A line's phase jitter and what is
 * left of the gain error move the outer points further, so a right reading has them a little
 * worse: 1.03 to 1.33 on the V.34 calls and the V.90 ones' upstream, 1.54 on the USR Sportster
 * call's upstream (its data 36.4 dB so read, its TRN 36.3). Told the wrong encoder (each call
 * read again with the non-linear encoder flipped), the readings whose noise still fits the
 * grid put them 3.9 to 20 times worse; the rest have no grid at all (MAX_SIGMA). */
#define SAME_NOISE 2.5

void sq_v34_data_start(sq_v34_lane *l)
{
    l->data_eq = l->eq;
    l->data_timing_integ = l->timing_integ;
    sq_v34_front_copy(l->data_front, l->fronts[l->cand]);
    l->data_kept = 0;
    l->data_complete = l->data_measured = 0;
    l->data_snr_db = 0.0;
    l->data_after_s = (double)l->s_start / SQ_PROCESSING_RATE_HZ;
    l->state = V34_DATA;
    /* a rate renegotiation or cleardown: V.34's (11.6, 11.7), a V.90 analogue modem's (V.90
     * 9.6.2, 9.7: S, S-bar, SCR, CP as its phase 4 after S-bar) */
    if (!l->v32)
        sq_v34_watch_renegotiation(l);
}

static double precoder_tap(const sq_v34_mp *mp, int k, int im)
{
    return mp->precoder[2 * k + im] / 16384.0;   /* 14 bits after the binary point (9.6.2) */
}

/* The non-linear encoder's gain for a point of energy e against the mean (V.34 9-34, 9-35). */
static double warp(double e, double mean, double theta)
{
    double z = mean > 0.0 ? theta * e / mean : 0.0;
    return 1.0 + z / 6.0 + z * z / 120.0;
}

/* x from x' = warp(|x|^2) x: warp grows slowly with |x|, so a few steps from x' settle. */
static double complex unwarp(double complex xp, double mean, double theta)
{
    double complex x = xp;
    for (int i = 0; i < 6; i++)
        x = xp / warp(creal(x) * creal(x) + cimag(x) * cimag(x), mean, theta);
    return x;
}

/* The nearest odd integer. */
static double odd(double v)
{
    return 2.0 * floor(v / 2.0) + 1.0;
}

/* v rounded to the nearest integer, ties to even, as nearbyint in the default rounding
 * mode gives it for |v| < 2^51 (adding and taking away 1.5 * 2^52 leaves no fraction bits);
 * inline, where nearbyint is a library call (the grid search below makes 10^5-10^6 a call
 * of measure). */
static double round_even(double v)
{
    const double shift = 6755399441055744.0;   /* (without -ffast-math, not folded away) */
    return (v + shift) - shift;
}

/* How near v / d lies to odd integers: 1 on one, -1 halfway between (a triangle wave). */
static double nearness(double v, double inv_d)
{
    double t = v * inv_d - 1.0;
    t -= 2.0 * round_even(t / 2.0);
    return 1.0 - 2.0 * fabs(t);
}

typedef struct grid_fit {
    double step, turn_deg, score;
} grid_fit;

/* The step (and turn) that put y[i] (i < n, those with |y| under `within`) nearest to odd
 * integers, over steps from lo to hi by ratio and turns within +-span_deg by step_deg. */
static grid_fit search(const double complex *y, size_t n, double within, double lo, double hi, double ratio,
                       double centre_deg, double span_deg, double step_deg)
{
    double complex used[FIT_SYMBOLS];
    size_t m = 0;
    for (size_t i = 0; i < n && m < FIT_SYMBOLS; i++)
        if (creal(y[i] * conj(y[i])) < within * within)
            used[m++] = y[i];
    grid_fit best = { 0.0, 0.0, -1e9 };
    if (m == 0)
        return best;
    for (double deg = centre_deg - span_deg; deg <= centre_deg + span_deg + 1e-9; deg += step_deg) {
        double complex turn = cexp(I * deg * M_PI / 180.0);
        double parts[2 * FIT_SYMBOLS];   /* re, im, re, ...: one run the sum can take in pairs */
        for (size_t i = 0; i < m; i++) {
            double complex t = used[i] * turn;
            parts[2 * i] = creal(t);
            parts[2 * i + 1] = cimag(t);
        }
        for (double d = lo; d <= hi; d *= ratio) {
            double inv = 1.0 / d, sum[2] = { 0.0, 0.0 };
            for (size_t i = 0; i < 2 * m; i += 2) {
                sum[0] += nearness(parts[i], inv);
                sum[1] += nearness(parts[i + 1], inv);
            }
            double score = (sum[0] + sum[1]) / (double)(2 * m);
            if (score > best.score)
                best = (grid_fit){ d, deg, score };
        }
    }
    return best;
}

/* Gaussian noise sampled by the midpoint rule: WRAP_STEPS points over +-8 deviations, at
 * u[k] deviations, weighing p[k]. The same for every deviation: made once a reading. */
#define WRAP_STEPS 640
typedef struct gauss_points {
    double u[WRAP_STEPS], p[WRAP_STEPS], weight;
} gauss_points;

static void gauss_points_init(gauss_points *g)
{
    g->weight = 0.0;
    for (int k = 0; k < WRAP_STEPS; k++) {
        g->u[k] = -8.0 + (k + 0.5) * (16.0 / WRAP_STEPS);
        g->p[k] = exp(-0.5 * g->u[k] * g->u[k]);
        g->weight += g->p[k];
    }
}

/* The variance of noise of deviation sigma (per dimension) wrapped into one grid step
 * [-1, 1). */
static double wrapped_variance(const gauss_points *g, double sigma)
{
    double sum = 0.0;
    for (int k = 0; k < WRAP_STEPS; k++) {
        double v = sigma * g->u[k], w = v - 2.0 * round_even(v / 2.0);
        sum += g->p[k] * w * w;
    }
    return sum / g->weight;
}

/* The deviation whose wrapped variance is v; 0 when none up to MAX_SIGMA is. */
static double sigma_of_wrapped(double v)
{
    gauss_points g;
    gauss_points_init(&g);
    if (!(v > 0.0) || v > wrapped_variance(&g, MAX_SIGMA))
        return 0.0;
    double lo = 0.0, hi = MAX_SIGMA;
    for (int i = 0; i < 40; i++) {
        double mid = 0.5 * (lo + hi);
        if (wrapped_variance(&g, mid) < v)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

/* The receiver run again from E over the kept samples. */
typedef struct rerun {
    sq_v34_eq eq;
    double timing_integ;       /* the timing loop's integral (v34_lane.h) */
    size_t next;               /* the next kept sample */
    float complex older;       /* a symbol's first half-symbol sample, until its second */
    int have_older;
} rerun;

static void rerun_start(sq_v34_lane *l, rerun *r)
{
    sq_v34_front_copy(l->data_work, l->data_front);
    r->eq = l->data_eq;
    r->timing_integ = l->data_timing_integ;
    r->next = 0;
    r->have_older = 0;   /* E's last symbol was equalised at the second of a pair */
}

/* The next symbol out of the equaliser into *z (*gap: a gap spoilt one of its samples); 0
 * when the kept samples are used up. */
static int rerun_symbol(sq_v34_lane *l, rerun *r, float complex *z, int *gap)
{
    *gap = 0;
    while (r->next < l->data_kept) {
        size_t m = r->next++;
        *gap |= l->data_gap[m];
        float complex y;
        double t;
        if (!sq_v34_front_push(l->data_work, l->data_keep[m], &y, &t))
            continue;
        if (!r->have_older) {
            r->older = y;
            r->have_older = 1;
            continue;
        }
        r->have_older = 0;
        sq_v34_eq_push(&r->eq, r->older);
        sq_v34_eq_push(&r->eq, y);
        *z = sq_v34_eq_output(&r->eq);
        return 1;
    }
    return 0;
}

/* A symbol nothing steers: the carrier loop turns on, the grid moves with the far clock's
 * drift as the timing loop learnt it. */
static void coast(sq_v34_lane *l, rerun *r)
{
    r->eq.rotation *= CMPLXF((float)cos(r->eq.freq), (float)sin(r->eq.freq));
    if (l->timing_on)
        sq_v34_front_shift(l->data_work, r->timing_integ);
}

static void measure(sq_v34_lane *l)
{
    const sq_v34_mp *mp = &l->far_mp;
    double theta = mp->nonlinear ? THETA : 0.0;
    double complex h[3];
    for (int k = 0; k < 3; k++)
        h[k] = mp->type == 1 ? CMPLX(precoder_tap(mp, k, 0), precoder_tap(mp, k, 1)) : 0.0;

    /* the fit: the receiver as E left it, on B1 and the data's first symbols */
    rerun r;
    rerun_start(l, &r);
    double complex x[FIT_FROM + FIT_SYMBOLS], y[FIT_SYMBOLS];
    size_t n = FIT_FROM + FIT_SYMBOLS;
    for (size_t k = 0; k < n; k++) {
        float complex z;
        int gap;
        if (!rerun_symbol(l, &r, &z, &gap))
            return;
        x[k] = z;
        coast(l, &r);
    }
    double mean = 0.0;   /* of |x|^2, the encoder undone with it (whatever the scale) */
    for (size_t k = 0; k < n; k++)
        mean += creal(x[k] * conj(x[k])) / (double)n;
    for (int round = 0; round < 3 && theta > 0.0; round++) {
        double next = 0.0;
        for (size_t k = 0; k < n; k++) {
            double complex u = unwarp(x[k], mean, theta);
            next += creal(u * conj(u)) / (double)n;
        }
        mean = next;
    }
    for (size_t k = 0; k < n; k++)
        x[k] = unwarp(x[k], mean, theta);
    double power = 0.0;
    for (size_t i = 0; i < FIT_SYMBOLS; i++) {
        size_t k = FIT_FROM + i;
        y[i] = x[k] + h[0] * x[k - 1] + h[1] * x[k - 2] + h[2] * x[k - 3];
        power += creal(y[i] * conj(y[i])) / FIT_SYMBOLS;
    }
    double rms = sqrt(power);
    if (!(rms > 0.0))
        return;
    grid_fit coarse = search(y, FIT_SYMBOLS, INNER * rms, rms / RMS_STEPS_MAX, rms / RMS_STEPS_MIN, COARSE_RATIO,
                             0.0, 0.0, 1.0);
    grid_fit fine = search(y, FIT_SYMBOLS, INFINITY, coarse.step * (1.0 - FINE_SPAN), coarse.step * (1.0 + FINE_SPAN),
                           FINE_RATIO, 0.0, TURN_SPAN_DEG, 0.1);
    double d = fine.step, mean_grid = mean / (d * d);

    /* the reading: every symbol kept, sliced, the receiver following the decisions */
    rerun_start(l, &r);
    r.eq.rotation *= CMPLXF((float)cos(-fine.turn_deg * M_PI / 180.0), (float)sin(-fine.turn_deg * M_PI / 180.0));
    r.eq.want_timing = l->timing_on;
    double complex sent[3] = { 0.0, 0.0, 0.0 };   /* the decided x, the newest first */
    double err[2] = { 0.0, 0.0 }, signal = 0.0;   /* err: of the inner points and the outer */
    size_t counted[2] = { 0, 0 };
    float complex z;
    int gap;
    for (size_t k = 0; rerun_symbol(l, &r, &z, &gap); k++) {
        double complex xk = unwarp((double complex)z / d, mean_grid, theta);
        double complex p = h[0] * sent[0] + h[1] * sent[1] + h[2] * sent[2];
        double complex yk = xk + p, q = CMPLX(odd(creal(yk)), odd(cimag(yk)));
        double complex decided = q - p, e = yk - q;
        sent[2] = sent[1];
        sent[1] = sent[0];
        sent[0] = decided;
        if (gap) {   /* a lost packet's symbols: neither counted nor followed */
            coast(l, &r);
            continue;
        }
        double e2 = creal(decided * conj(decided));
        if (k >= SETTLE) {
            int outer = e2 > mean_grid;
            err[outer] += creal(e * conj(e));
            counted[outer]++;
            signal += e2;
        }
        double complex target = decided * warp(e2, mean_grid, theta) * d;
        sq_v34_eq_adapt(&r.eq, (float complex)target, MU_DATA);
        if (l->timing_on) {   /* as the lane's own loop (v34_lane.c) */
            double step = r.eq.timing * 0.5 * sq_v34_front_samples_per_symbol(l->data_work);
            r.timing_integ += SQ_V34_TIMING_KI * step;
            sq_v34_front_shift(l->data_work, SQ_V34_TIMING_GAIN * step + r.timing_integ);
        }
    }
    size_t all = counted[0] + counted[1];
    if (all < MIN_SYMBOLS - SETTLE || !counted[0] || !counted[1])
        return;
    /* Noise is the same on every point; a precoder or encoder other than the transmitter's
     * leaves the inner points near the grid and the outer ones off it (told no encoder where
     * there was one: inner 0.04, outer near 1/3, the wrapped mean passing for 32 dB) */
    double inner = err[0] / (2.0 * (double)counted[0]), outer = err[1] / (2.0 * (double)counted[1]);
    double sigma = sigma_of_wrapped((err[0] + err[1]) / (2.0 * (double)all));
    if (sigma > 0.0 && outer <= SAME_NOISE * inner)
        l->data_snr_db = 10.0 * log10(signal / (double)all / (2.0 * sigma * sigma));
}

/* Measures once the data is kept and the far end's MP of this start-up is known. */
static void try_measure(sq_v34_lane *l)
{
    if (!l->data_complete || l->data_measured || !(l->far_mp_end_s > l->data_after_s))
        return;
    l->data_measured = 1;
    measure(l);
}

void sq_v34_data_keep(sq_v34_lane *l, float x, int in_gap)
{
    l->data_keep[l->data_kept] = x;
    l->data_gap[l->data_kept] = (uint8_t)(in_gap != 0);
    if (++l->data_kept < SQ_V34_DATA_SAMPLES)
        return;
    l->state = V34_DONE;
    l->data_complete = 1;
    try_measure(l);
}

void sq_v34_data_cut(sq_v34_lane *l)
{
    if (l->state != V34_DATA)
        return;
    l->state = V34_DONE;
    l->data_complete = (double)l->data_kept >= MIN_SYMBOLS * sq_v34_front_samples_per_symbol(l->data_front);
    try_measure(l);
}

void sq_decoder_far_mp(sq_decoder *d, const sq_event *ev)
{
    if (!d || !ev || (ev->type != SQ_EVENT_MP && ev->type != SQ_EVENT_V90_MP) || !isfinite(ev->end_s))
        return;
    sq_v34_lane *l = &d->v34;
    /* A type 0 MP leaves the far transmitter's precoder as it was (V.34 10.1.3.9): in a rate
     * renegotiation (whose MPs the real calls send as type 0), the coefficients phase 4's type 1
     * MP gave still hold; in a start-up they begin at 0 (arm: a new INFO1). */
    sq_v34_mp mp = ev->mp;
    if (mp.type == 1) {
        l->far_precoder_mp = mp;
        l->have_far_precoder = 1;
    } else if (l->renegotiating && l->have_far_precoder) {
        memcpy(mp.precoder, l->far_precoder_mp.precoder, sizeof mp.precoder);
        mp.type = 1;
    }
    l->far_mp = mp;
    l->far_mp_end_s = ev->end_s;
    try_measure(&d->v34);
}
