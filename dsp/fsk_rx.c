/* Binary FSK demodulator for 8 kHz input (include/squeal/fsk.h).
 *
 * Signal path:
 *   x -> mix by the channel centre -> a short low-pass FIR that keeps +/-450 Hz clean of
 *   what would alias into it, computed for one input sample in D (the mixer is folded into
 *   its taps, which makes it a complex band-pass on the real samples followed by a mixer at
 *   the decimated rate: a sample in costs a copy, not a complex product) -> at 8000/D Hz: the
 *   sharp low-pass FIR (keeps +/-250 Hz for V.21, rejects the other V.21 channel and the
 *   2100 Hz answer tone by 60 dB) -> two one-bit correlators at the mark and space offsets
 *   -> d = |mark|^2 - |space|^2.
 * The band left after the filter is a few hundred hertz wide, so everything after it runs
 * at the decimated rate (D = 4 for 300 bit/s: 2 kHz, 6.7 samples a bit); the two stages
 * (25 taps at 8 kHz, 39 at 2 kHz for V.21) cost 16 multiply-adds per input sample where
 * one 145-tap filter at 8 kHz cost 145. Each filter reads a plain array (its history, then
 * what came in since), not a ring pushed one sample at a time. A bit is not a whole number of samples, so the
 * correlators integrate over exactly one bit: the whole samples, and the oldest sample
 * weighted by the fraction left.
 * d is the non-coherent matched-filter statistic; sampled at the end of each bit it gives
 * the decision. The bit clock is a fractional phase (baud / rate per sample), pulled toward
 * every zero crossing of d, which falls half a bit before the sampling instant. After a
 * long run without transitions (idle between async characters) the first transition gets
 * a larger pull, so a start bit that arrives at any phase is caught. */
#include <complex.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "dsp/cmplx.h"
#include "dsp/fir.h"
#include "dsp/fsk_timing.h"
#include "dsp/sample_guard.h"
#include "dsp/vec4.h"
#include "squeal/error.h"
#include "squeal/fsk.h"
#include "squeal/level.h"

#define MAX_TAPS 255
/* Both filters work out four outputs at a time, the last four of a block even when fewer
 * are wanted. The sharp low-pass's then read up to PAD samples past its newest input, which
 * are held (finite: the anti-alias filter's own extra outputs, earlier blocks' or the zeros
 * the demodulator starts with) and go into outputs nobody takes. */
#define PAD 3
#define BLOCK 256                 /* input samples guarded and copied at a time */
#define MAX_WINDOW 64
#define MIN_SAMPLES_PER_BIT 6.0   /* after decimation: enough for the bit clock's crossings */
#define MAX_DECIMATION 4
/* a stream's length: the history and a block dealt out, and the inputs the last four outputs
 * of a block read past the newest (zeros), whatever the decimation */
#define STREAM_LEN (MAX_TAPS - 1 + BLOCK + 4 * MAX_DECIMATION)
#define PASS_MARGIN_HZ 150.0      /* passband = |deviation| + this */
#define STOP_MARGIN_HZ 350.0      /* stopband = |deviation| + this: the other V.21 channel's
                                     nearest tone is 470 Hz from a channel centre */
#define STOP_ATTEN_DB 60.0
#define CARRIER_TAU_S 0.025
#define CARRIER_FAST_TAU_S 0.004  /* V.21 Table 2: carrier off within 20-80 ms */
#define CARRIER_DROP 0.1          /* a 10 dB fall of the fast level below the slow one */
#define CARRIER_JUMP 4.0          /* a 6 dB rise: a new signal, not this carrier */
#define CARRIER_ON_DBM0 (-45.5)   /* V.21 8.3: on above -43, off below -48 (as spandsp) */
#define CARRIER_OFF_DBM0 (-48.0)
#define ENVELOPE_ON 0.92          /* (mean |z|)^2 / mean |z|^2: 1 for FSK, pi/4 for noise */
#define ENVELOPE_OFF 0.85
/* Mean |confidence| at the decision instants: about 0.7 for V.21 (the tones are not
 * orthogonal over one bit), 0.5 for noise, under 0.2 for a steady tone such as ANS beside
 * channel 2; noise is rejected by the envelope test, tones by this one. */
#define DECISION_ON 0.45
#define DECISION_OFF 0.30
#define DECISION_TAU_BITS 8.0
/* Share of the band's energy the two correlators hold at the decision instants: near 1 for
 * FSK on its own tones, far less for a tone between or beside them (ANS beside channel 2). */
#define CAPTURE_ON 0.6
#define CAPTURE_OFF 0.4
#define CLOCK_GAIN 0.15
#define CLOCK_GAIN_AFTER_IDLE 0.6
#define IDLE_BITS 10
#define PHASE_STEPS 64            /* a transition's phase off the grid, to 1/64 of a bit */

/* The correlators' inputs, one stream each: the band's samples turned by the mark tone's
 * phasor (both parts), by the space tone's, and their power. */
enum { MARK_RE, MARK_IM, SPACE_RE, SPACE_IM, POWER, CORRELATOR_STREAMS };

struct sq_fskdemod {
    sq_fsk_params p;
    double rate;
    /* Two low-pass stages: a short one at 8 kHz that only keeps what would alias into the
     * band when one sample in D is taken, and the sharp one at the decimated rate. */
    /* the anti-alias low-pass shifted to the centre, in two parts */
    sq_v4f taps_wide_re[MAX_TAPS], taps_wide_im[MAX_TAPS];   /* each tap in four lanes */
    size_t nwide;
    /* The anti-alias filter works out four outputs at a time, one in each lane: the four
     * read inputs `decimation` apart, so the block's inputs are first dealt into
     * `decimation` streams (input i to stream i % decimation), where each tap's four inputs
     * lie side by side. wide_at[first - 1][i]: where tap i's inputs start in `streams`,
     * for a block whose first output ends `first` inputs in. (As one dot product per output
     * with its four partial sums added up after, and the mixer's phasor in double, the
     * anti-alias stage was a fifth of decoding an hour of V.21.) */
    float streams[MAX_DECIMATION * STREAM_LEN];
    uint16_t wide_at[MAX_DECIMATION][MAX_TAPS];
    /* The anti-alias filter's input: its last nwide - 1 inputs, then the block being read.
     * A block is guarded and copied in one pass and each output is one dot product over it,
     * where pushing each sample into a doubled ring cost two stores and an index update per
     * sample (the V.21 demodulator 0.8 of the time, measured on 10 minutes). */
    float input[MAX_TAPS - 1 + BLOCK + 8 * MAX_DECIMATION];   /* room for deal_streams' zeros */
    sq_v4f taps4[MAX_TAPS / 2 + 1];   /* the first half and the centre, each in four lanes */
    size_t ntaps;
    /* The sharp low-pass's input, as the anti-alias filter's: its last ntaps - 1 inputs,
     * then those since; moved back to the start when full. */
    float lowpass_re[MAX_TAPS - 1 + BLOCK + PAD], lowpass_im[MAX_TAPS - 1 + BLOCK + PAD];
    size_t lowpass_len;
    size_t group_delay;   /* of both stages, in input samples */
    /* the mixer's step over k outputs, in parts: a block's phasors from its first */
    double mix_pow_re[BLOCK + 4], mix_pow_im[BLOCK + 4];
    double complex mix;   /* at the decimated rate: the centre's phase at the
                                       newest sample in the anti-alias filter */
    double complex mark_rot;   /* the mark tone's phasor at the next output; the space
                                  tone's is its conjugate */
    double mark_pow_re[BLOCK + 4], mark_pow_im[BLOCK + 4];   /* its step over k outputs */
    unsigned decimation, phase;   /* the FIR's output is taken once in `decimation` inputs */
    /* The correlators' last `whole` inputs (bit_sums), oldest first, in the order of
     * correlator_inputs' streams. */
    float window_history[CORRELATOR_STREAMS][MAX_WINDOW];
    double capture_avg;
    size_t whole;                 /* whole samples in a bit */
    double bit_len;               /* samples per bit */
    float oldest_weight;          /* the part of a bit the sample before the whole ones is */
    double bit_samples_8k;        /* input samples per bit */
    double d_prev, sum_prev;      /* the last sample's d and |mark|^2 + |space|^2 */
    double clock, clock_step;
    unsigned bits_since_transition;
    double pow_avg, mag_avg, pow_fast, alpha, alpha_fast;
    double on_power, off_power, quiet_power;   /* CARRIER_ON/OFF_DBM0 and 10 dB under OFF,
                                                  as mean |z|^2 (no logarithm per sample) */
    double decision_avg;
    int carrier;
    uint64_t n;           /* input samples (8 kHz) so far; every sample count below is too */
    uint64_t settled_at;  /* sample count before which decisions are held at mark */
    uint64_t onset;       /* last sample at which the fast level was 6 dB under the slow one */
    sq_fsk_transitions since_onset;   /* dsp/fsk_timing.h */
    double grid;                      /* where the clock expects the signal's next transition */
    size_t held_phase;                /* 1 + the phase step of the last crossing counted since
                                         the last decision (0: none), for since_onset.flips */
    int last_bit;                     /* the last decision */
    double grid_flips, held_off;      /* the grid as the counted flips alone set it; the held
                                         crossing's distance from it */
    double phase_cos[PHASE_STEPS], phase_sin[PHASE_STEPS];   /* e^(j 2 pi phase), phase in steps */
};

int sq_fskdemod_create(const sq_fsk_params *p, sq_fskdemod **out)
{
    if (!out)
        return SQ_EINVAL;
    *out = NULL;
    const double rate = SQ_PROCESSING_RATE_HZ;
    if (!p || !(p->baud >= 50.0 && p->baud <= 600.0) || !(p->mark_hz > 100.0) ||
        !(p->space_hz > 100.0) || p->mark_hz >= rate / 2.0 - 500.0 ||
        p->space_hz >= rate / 2.0 - 500.0 || fabs(p->mark_hz - p->space_hz) < 50.0)
        return SQ_EINVAL;
    sq_fskdemod *d = calloc(1, sizeof *d);
    if (!d)
        return SQ_ENOMEM;
    d->p = *p;
    d->decimation = MAX_DECIMATION;
    while (d->decimation > 1 && rate / d->decimation / p->baud < MIN_SAMPLES_PER_BIT)
        d->decimation /= 2;
    d->rate = rate / d->decimation;
    double centre = (p->mark_hz + p->space_hz) / 2.0;
    double dev = fabs(p->mark_hz - p->space_hz) / 2.0;
    size_t nwide = 1;
    float lowpass_wide[MAX_TAPS] = { 1.0f };
    if (d->decimation > 1)
        nwide = sq_fir_design_lowpass(dev + PASS_MARGIN_HZ, d->rate - (dev + STOP_MARGIN_HZ),
                                      STOP_ATTEN_DB, rate, lowpass_wide, MAX_TAPS);
    /* sum h[i] x[m-N+1+i] e^(-jw(m-N+1+i)) = e^(-jwm) sum h[i] e^(jw(N-1-i)) x[m-N+1+i] */
    for (size_t i = 0; i < nwide; i++) {
        float complex tap = (float complex)(lowpass_wide[i] * cexp(I * 2.0 * M_PI * centre / rate * (double)(nwide - 1 - i)));
        d->taps_wide_re[i] = (sq_v4f){ crealf(tap), crealf(tap), crealf(tap), crealf(tap) };
        d->taps_wide_im[i] = (sq_v4f){ cimagf(tap), cimagf(tap), cimagf(tap), cimagf(tap) };
        /* output k's window starts at input first - 1 + k decimation; tap i reads input
         * first - 1 + i there, which is stream (first - 1 + i) % decimation's entry
         * (first - 1 + i) / decimation + k */
        for (size_t f = 0; f < d->decimation; f++)
            d->wide_at[f][i] = (uint16_t)((f + i) % d->decimation * STREAM_LEN + (f + i) / d->decimation);
    }
    float taps[MAX_TAPS];
    size_t ntaps = sq_fir_design_lowpass(dev + PASS_MARGIN_HZ, dev + STOP_MARGIN_HZ,
                                         STOP_ATTEN_DB, d->rate, taps, MAX_TAPS);
    if (ntaps == 0 || nwide == 0) {
        free(d);
        return SQ_EINVAL;
    }
    for (size_t i = 0; i <= ntaps / 2; i++)   /* a windowed sinc: taps[i] == taps[ntaps - 1 - i] */
        d->taps4[i] = (sq_v4f){ taps[i], taps[i], taps[i], taps[i] };
    d->nwide = nwide;
    d->ntaps = ntaps;
    d->group_delay = (nwide - 1) / 2 + (ntaps - 1) / 2 * d->decimation;
    for (size_t k = 0; k < BLOCK + 4; k++) {
        double complex mix_k = cexp(-I * 2.0 * M_PI * centre / rate * (double)(d->decimation * k));
        double complex mark_k = cexp(-I * 2.0 * M_PI * (p->mark_hz - centre) / d->rate * (double)k);
        d->mix_pow_re[k] = creal(mix_k);
        d->mix_pow_im[k] = cimag(mix_k);
        d->mark_pow_re[k] = creal(mark_k);
        d->mark_pow_im[k] = cimag(mark_k);
    }
    for (size_t k = 0; k < PHASE_STEPS; k++) {
        double phase = ((double)k + 0.5) / PHASE_STEPS - 0.5;
        d->phase_cos[k] = cos(2.0 * M_PI * phase);
        d->phase_sin[k] = sin(2.0 * M_PI * phase);
    }
    d->bit_len = d->rate / p->baud;
    double whole = floor(d->bit_len);
    d->whole = (size_t)whole;
    d->oldest_weight = (float)(d->bit_len - whole);
    d->bit_samples_8k = rate / p->baud;
    d->clock_step = p->baud / d->rate;
    d->alpha = 1.0 / (CARRIER_TAU_S * d->rate);
    d->alpha_fast = 1.0 / (CARRIER_FAST_TAU_S * d->rate);
    /* level = sq_power_to_dbm0(2 mean|z|^2) */
    d->on_power = sq_dbm0_to_power(CARRIER_ON_DBM0) / 2.0;
    d->off_power = sq_dbm0_to_power(CARRIER_OFF_DBM0) / 2.0;
    d->quiet_power = sq_dbm0_to_power(CARRIER_OFF_DBM0 - 10.0) / 2.0;
    sq_fskdemod_reset(d);
    *out = d;
    return SQ_OK;
}

static void mark_onset(sq_fskdemod *d, uint64_t sample)
{
    d->onset = sample;
    d->since_onset = (sq_fsk_transitions){ 0 };
}

void sq_fskdemod_restart_at(sq_fskdemod *d, uint64_t sample)
{
    if (!d)
        return;
    for (size_t i = 0; i + 1 < d->nwide; i++)
        d->input[i] = 0.0f;
    for (size_t i = 0; i + 1 < d->ntaps; i++)
        d->lowpass_re[i] = d->lowpass_im[i] = 0.0f;
    d->lowpass_len = d->ntaps - 1;
    /* the first output is taken with the decimation-th sample after the restart newest */
    double centre = (d->p.mark_hz + d->p.space_hz) / 2.0;
    d->mix = cexp(-I * 2.0 * M_PI * centre / SQ_PROCESSING_RATE_HZ * (double)(d->decimation - 1));
    d->mark_rot = 1.0;
    memset(d->window_history, 0, sizeof d->window_history);
    d->capture_avg = 0.0;
    d->phase = 0;
    d->d_prev = d->sum_prev = 0.0;
    d->clock = 0.0;
    d->bits_since_transition = IDLE_BITS;
    d->pow_avg = d->mag_avg = d->pow_fast = 0.0;
    d->decision_avg = 0.0;
    d->carrier = 0;
    d->n = sample;
    mark_onset(d, sample);
    d->grid = 0.0;
    d->held_phase = 0;
    d->last_bit = 1;
    d->grid_flips = d->held_off = 0.0;
    /* the FIR and the correlators fill from zero at the start, as after silence */
    d->settled_at = sample + d->group_delay + (uint64_t)(d->bit_samples_8k / 2.0);
}

void sq_fskdemod_reset(sq_fskdemod *d)
{
    sq_fskdemod_restart_at(d, 0);
}

/* a b, written out: C's complex product also mends infinities, a test and a branch on
 * every product, and these are unit phasors */
static inline double complex mul(double complex a, double complex b)
{
    return CMPLX(creal(a) * creal(b) - cimag(a) * cimag(b), creal(a) * cimag(b) + cimag(a) * creal(b));
}

/* Keeps the rotating phasors on the unit circle despite rounding. Their magnitude is 1 to
 * within rounding, so no care against overflow is wanted: cabs() (hypot) was 1 % of
 * decoding an hour of V.21, once a block. */
static void renormalise(double complex *phasor)
{
    double re = creal(*phasor), im = cimag(*phasor), scale = 1.0 / sqrt(re * re + im * im);
    *phasor = CMPLX(re * scale, im * scale);
}

/* A block's samples of the band at the decimated rate, as the correlators take them (the
 * streams: each turned by the mark tone's phasor and by the space tone's, and its power),
 * each after the `whole` samples before it; and what the bit clock reads of them at each
 * sample: the correlators' energies over the bit that ends there, the band's energy over
 * it, and the square root of the sample's power. All worked out four samples at a time
 * before the bit clock runs, as nothing in them depends on the bits. */
typedef struct correlator_inputs {
    float in[CORRELATOR_STREAMS][MAX_WINDOW + BLOCK + 4];   /* sample k at MAX_WINDOW + k */
    float mark[BLOCK + 4], space[BLOCK + 4], band[BLOCK + 4], root_power[BLOCK + 4];
} correlator_inputs;

static void update_carrier(sq_fskdemod *d, double mag2, double mag)
{
    d->pow_avg += d->alpha * (mag2 - d->pow_avg);
    d->mag_avg += d->alpha * (mag - d->mag_avg);
    d->pow_fast += d->alpha_fast * (mag2 - d->pow_fast);
    if (!d->carrier && d->pow_fast < 0.25 * d->pow_avg)
        mark_onset(d, d->n - 1);   /* the sample just taken */
    if (d->pow_fast > CARRIER_JUMP * d->pow_avg && d->pow_avg > 0.0) {
        /* FSK has a constant envelope: a jump in level is something new starting (a note
         * struck, a louder talker), so whatever carrier we had is over. */
        d->carrier = 0;
        mark_onset(d, d->n - 1);   /* the sample just taken */
    }
    /* flatness = mag_avg^2 / pow_avg, compared without the division */
    double flat = d->mag_avg * d->mag_avg;
    if (!d->carrier && d->pow_avg >= d->on_power && d->pow_avg > 0.0 && flat >= ENVELOPE_ON * d->pow_avg &&
        d->decision_avg >= DECISION_ON && d->capture_avg >= CAPTURE_ON)
        d->carrier = 1;
    else if (d->carrier && (d->pow_fast < d->off_power || d->pow_fast < CARRIER_DROP * d->pow_avg ||
                            !(d->pow_avg > 0.0 && flat >= ENVELOPE_OFF * d->pow_avg) ||
                            d->decision_avg < DECISION_OFF || d->capture_avg < CAPTURE_OFF))
        d->carrier = 0;
}

/* Counts a transition that came `err` bits from where the clock expected one, against the
 * grid the signal's own transitions set: the first after idle (a start bit may come at any
 * time) anchors that grid and is not counted; each transition after it is counted by its
 * distance from the grid, which follows slowly (a sender's bit rate may be a little off). The
 * grid is kept in the clock's terms: where the clock expects it, after the clock's own pulls.
 * Every crossing counts in since_onset.all. The last one before a decision is also held, and
 * counted in since_onset.flips if that decision changes the bit; the flips keep a grid of
 * their own, which only they pull (a noise crossing and back in a held mark moves neither). */
#define GRID_FOLLOW 0.1

static void count_in(sq_fsk_tally *t, const sq_fskdemod *d, size_t k)
{
    t->count++;
    t->cos_sum += d->phase_cos[k];
    t->sin_sum += d->phase_sin[k];
}

static void tally_transition(sq_fskdemod *d, double err, double gain)
{
    d->held_phase = 0;
    if (d->bits_since_transition >= IDLE_BITS) {
        d->grid = err - gain * err;
        d->grid_flips = d->grid;
        return;
    }
    double off = err - d->grid;
    off -= floor(off + 0.5);
    if (!(off >= -0.5 && off < 0.5))
        return;   /* not a number: nothing to count */
    size_t k = (size_t)((off + 0.5) * PHASE_STEPS);
    k = k < PHASE_STEPS ? k : PHASE_STEPS - 1;
    count_in(&d->since_onset.all, d, k);
    /* for `flips`, if the next decision changes the bit: its distance from their own grid */
    double off_flips = err - d->grid_flips;
    off_flips -= floor(off_flips + 0.5);
    size_t kf = (size_t)((off_flips + 0.5) * PHASE_STEPS);
    d->held_phase = (kf < PHASE_STEPS ? kf : PHASE_STEPS - 1) + 1;
    d->held_off = off_flips;
    d->grid_flips -= gain * err;
    d->grid_flips -= floor(d->grid_flips + 0.5);
    d->grid += GRID_FOLLOW * off - gain * err;
    d->grid -= floor(d->grid + 0.5);
}

/* Moves the bit clock toward a zero crossing of d between the previous sample and this one. */
static void track_transition(sq_fskdemod *d, double dv, double clock_before)
{
    double t = d->d_prev / (d->d_prev - dv);
    double at = clock_before + t * d->clock_step;
    double err = at - 0.5;
    err -= floor(err + 0.5);
    double gain = d->bits_since_transition >= IDLE_BITS ? CLOCK_GAIN_AFTER_IDLE : CLOCK_GAIN;
    tally_transition(d, err, gain);
    d->clock -= gain * err;
    d->bits_since_transition = 0;
}

/* Takes sample k of the band at the decimated rate (out of both filters, as turn_block made
 * it ready) through the correlators and the bit clock; writes a bit to *out at the end of
 * each bit. Returns the bits written (0 or 1). */
static size_t demodulate_one(sq_fskdemod *d, const correlator_inputs *c, size_t k, sq_fsk_bit *out)
{
    size_t bit = 0;
    double e = c->in[POWER][MAX_WINDOW + k];
    update_carrier(d, e, c->root_power[k]);
    /* Until the filters have settled on a new signal (three quarters of a bit after energy
     * appears), decisions are onset transients, so they are held at mark too. */
    if (d->pow_fast < d->quiet_power) {
        uint64_t until = d->n + (uint64_t)(0.75 * d->bit_samples_8k);
        if (until > d->settled_at)
            d->settled_at = until;
    }

    double em = c->mark[k], es = c->space[k], bit_e = c->band[k];
    double dv = em - es;

    double clock_before = d->clock;
    d->clock += d->clock_step;
    if ((dv > 0.0) != (d->d_prev > 0.0) && dv != d->d_prev && d->n >= d->settled_at)
        track_transition(d, dv, clock_before);
    if (d->clock >= 1.0) {
        /* Interpolate d to the instant the clock passed 1. */
        double over = (d->clock - 1.0) / d->clock_step;
        if (over > 1.0)
            over = 1.0;
        double ds = dv - over * (dv - d->d_prev);
        /* the confidence d / (|mark|^2 + |space|^2), at this sample and the last */
        double conf = em + es > 0.0 ? dv / (em + es) : 0.0;
        double conf_prev = d->sum_prev > 0.0 ? d->d_prev / d->sum_prev : 0.0;
        double cs = conf - over * (conf - conf_prev);
        sq_fsk_bit *b = out;
        bit = 1;
        d->decision_avg += (fabs(cs) - d->decision_avg) / DECISION_TAU_BITS;
        double capture = bit_e > 0.0 ? (em + es) / (d->bit_len * bit_e) : 0.0;
        d->capture_avg += (capture - d->capture_avg) / DECISION_TAU_BITS;
        /* With nothing in the band, hold the line at mark (idle) rather than let a
         * zero-energy decision read as a start bit. */
        int quiet = d->n < d->settled_at;
        b->bit = quiet ? 1 : ds > 0.0;
        if (d->held_phase && b->bit != d->last_bit) {
            count_in(&d->since_onset.flips, d, d->held_phase - 1);
            d->grid_flips += GRID_FOLLOW * d->held_off;
            d->grid_flips -= floor(d->grid_flips + 0.5);
        }
        d->held_phase = 0;
        d->last_bit = b->bit;
        cs = quiet ? 0.0 : cs;
        b->confidence = (float)cs;
        b->power = (float)(2.0 * bit_e / d->bit_len);
        b->carrier = (uint8_t)d->carrier;
        b->sample = d->n > d->group_delay ? d->n - d->group_delay : 0;
        d->clock -= 1.0;
        if (d->bits_since_transition < 1000u)
            d->bits_since_transition++;
    }
    d->d_prev = dv;
    d->sum_prev = em + es;
    return bit;
}

/* The sharp low-pass's `count` outputs whose first input is lowpass_*[first], each the
 * next one's predecessor by one input. Four at a time: the four are consecutive, so each
 * tap multiplies plain vector loads and no output's lanes are added up at the end; and the
 * taps are symmetric, so each pair of inputs the same distance either side of the centre is
 * added first and multiplied once. Two accumulators per part halve the chain of dependent
 * additions. (As one dot product per output, with its four partial sums added up after,
 * the demodulator took 0.203 s for an hour of V.21; 0.175 s so.) */
static void sharp_lowpass(const sq_fskdemod *d, size_t first, size_t count, float *z_re, float *z_im)
{
    const size_t n = d->ntaps, half = n / 2;
    for (size_t k = 0; k < count; k += 4) {
        const float *re = &d->lowpass_re[first + k], *im = &d->lowpass_im[first + k];
        sq_v4f re0 = d->taps4[half] * sq_v4f_load(re + half), im0 = d->taps4[half] * sq_v4f_load(im + half);
        sq_v4f re1 = { 0 }, im1 = { 0 };
        size_t i = 0;
        for (; i + 2 <= half; i += 2) {
            re0 += d->taps4[i] * (sq_v4f_load(re + i) + sq_v4f_load(re + n - 1 - i));
            im0 += d->taps4[i] * (sq_v4f_load(im + i) + sq_v4f_load(im + n - 1 - i));
            re1 += d->taps4[i + 1] * (sq_v4f_load(re + i + 1) + sq_v4f_load(re + n - 2 - i));
            im1 += d->taps4[i + 1] * (sq_v4f_load(im + i + 1) + sq_v4f_load(im + n - 2 - i));
        }
        if (i < half) {
            re1 += d->taps4[i] * (sq_v4f_load(re + i) + sq_v4f_load(re + n - 1 - i));
            im1 += d->taps4[i] * (sq_v4f_load(im + i) + sq_v4f_load(im + n - 1 - i));
        }
        sq_v4f_store(z_re + k, re0 + re1);   /* the lanes past count: nobody's */
        sq_v4f_store(z_im + k, im0 + im1);
    }
}

typedef double sq_v2d __attribute__((vector_size(16)));
typedef float sq_v2f __attribute__((vector_size(8)));

/* out[k] = start step^k for k < n (a whole number of twos), worked in double and rounded to
 * float; step_re, step_im hold step^k's parts. Two at a time as vectors (GCC at -O2 left the
 * loop scalar: a double complex product an output was a twentieth of decoding V.21). */
static void phasors(double complex start, const double *step_re, const double *step_im, size_t n,
                    float *out_re, float *out_im)
{
    const double sr = creal(start), si = cimag(start);
    for (size_t k = 0; k < n; k += 2) {
        sq_v2d pr, pi;
        memcpy(&pr, step_re + k, sizeof pr);
        memcpy(&pi, step_im + k, sizeof pi);
        sq_v2f re = __builtin_convertvector(sr * pr - si * pi, sq_v2f), im = __builtin_convertvector(sr * pi + si * pr, sq_v2f);
        memcpy(out_re + k, &re, sizeof re);
        memcpy(out_im + k, &im, sizeof im);
    }
}

/* Deals inputs [0, total) of the anti-alias filter's input into the streams, and what
 * follows as far as the last four outputs of a block read: the block's inputs up to
 * `filled`, then zeros. Sixteen inputs at a time for
 * the usual decimation of four: four vectors transposed (each a period's inputs), one to a
 * stream. */
static void deal_streams(sq_fskdemod *d, size_t total, size_t filled)
{
    const size_t dec = d->decimation, per = (total + dec - 1) / dec + 4;
    for (size_t i = filled; i < per * dec; i++)   /* the inputs after `filled` are the next block's */
        d->input[i] = 0.0f;
    size_t j = 0;
    if (dec == 4) {
        float *s0 = d->streams, *s1 = s0 + STREAM_LEN, *s2 = s1 + STREAM_LEN, *s3 = s2 + STREAM_LEN;
        for (; j + 4 <= per; j += 4) {
            const float *in = &d->input[4 * j];
            sq_v4f a = sq_v4f_load(in), b = sq_v4f_load(in + 4), c = sq_v4f_load(in + 8), e = sq_v4f_load(in + 12);
            sq_v4f ab_low = __builtin_shufflevector(a, b, 0, 4, 1, 5), ab_high = __builtin_shufflevector(a, b, 2, 6, 3, 7);
            sq_v4f ce_low = __builtin_shufflevector(c, e, 0, 4, 1, 5), ce_high = __builtin_shufflevector(c, e, 2, 6, 3, 7);
            sq_v4f_store(s0 + j, __builtin_shufflevector(ab_low, ce_low, 0, 1, 4, 5));
            sq_v4f_store(s1 + j, __builtin_shufflevector(ab_low, ce_low, 2, 3, 6, 7));
            sq_v4f_store(s2 + j, __builtin_shufflevector(ab_high, ce_high, 0, 1, 4, 5));
            sq_v4f_store(s3 + j, __builtin_shufflevector(ab_high, ce_high, 2, 3, 6, 7));
        }
    }
    for (; j < per; j++)
        for (size_t r = 0; r < dec; r++)
            d->streams[r * STREAM_LEN + j] = d->input[j * dec + r];
}

/* Filters the inputs of one block that end a decimation period (the first `first` inputs
 * in, then every `decimation`-th): `count` samples of the band at the decimated rate, into
 * z. Appends them to the sharp low-pass's input. Four outputs at a time, one in each lane,
 * each tap's product a vector one; each output's mixer phasor from the block's first
 * (phasors): the outputs do not wait on each other, nor on the bits. The lanes past `count`
 * in the last four hold finite values nobody takes. */
static void filter_block(sq_fskdemod *d, size_t block, size_t first, size_t count, float *z_re, float *z_im)
{
    const size_t history = d->nwide - 1, keep = d->ntaps - 1;
    if (d->lowpass_len + count > sizeof d->lowpass_re / sizeof d->lowpass_re[0] - PAD) {
        memmove(d->lowpass_re, d->lowpass_re + d->lowpass_len - keep, keep * sizeof d->lowpass_re[0]);
        memmove(d->lowpass_im, d->lowpass_im + d->lowpass_len - keep, keep * sizeof d->lowpass_im[0]);
        d->lowpass_len = keep;
    }
    deal_streams(d, history + first + (count ? (count - 1) * d->decimation : 0), history + block);
    const uint16_t *at = d->wide_at[first - 1];
    /* each output's mixer phasor from the block's first, in double: rounded to float, it is
     * the same however the input was cut into blocks */
    const double complex mix0 = d->mix;
    float mix_re[BLOCK + 4], mix_im[BLOCK + 4];
    phasors(mix0, d->mix_pow_re, d->mix_pow_im, (count + 3) / 4 * 4, mix_re, mix_im);
    for (size_t k = 0; k < count; k += 4) {
        sq_v4f re0 = { 0 }, im0 = { 0 }, re1 = { 0 }, im1 = { 0 };
        size_t i = 0;
        for (; i + 2 <= d->nwide; i += 2) {
            sq_v4f x0 = sq_v4f_load(&d->streams[at[i] + k]), x1 = sq_v4f_load(&d->streams[at[i + 1] + k]);
            re0 += d->taps_wide_re[i] * x0;
            im0 += d->taps_wide_im[i] * x0;
            re1 += d->taps_wide_re[i + 1] * x1;
            im1 += d->taps_wide_im[i + 1] * x1;
        }
        if (i < d->nwide) {
            sq_v4f x0 = sq_v4f_load(&d->streams[at[i] + k]);
            re0 += d->taps_wide_re[i] * x0;
            im0 += d->taps_wide_im[i] * x0;
        }
        sq_v4f ur = re0 + re1, ui = im0 + im1;
        sq_v4f mr = sq_v4f_load(&mix_re[k]), mi = sq_v4f_load(&mix_im[k]);
        sq_v4f_store(&d->lowpass_re[d->lowpass_len + k], ur * mr - ui * mi);
        sq_v4f_store(&d->lowpass_im[d->lowpass_len + k], ur * mi + ui * mr);
    }
    d->mix = mul(mix0, CMPLX(d->mix_pow_re[count], d->mix_pow_im[count]));
    renormalise(&d->mix);
    sharp_lowpass(d, d->lowpass_len + 1 - d->ntaps, count, z_re, z_im);
}

/* The correlators' inputs for `count` samples of the band (z), the first turned by
 * mark_rot, each next one by one step more. The mark and space offsets are opposite (the
 * centre is their mean), so the space phasor is the mark phasor's conjugate: z e^(-jwt) and
 * z e^(+jwt) share four products. The phasors are worked in double from the block's first,
 * and rounded to float: the same however the input was cut into blocks. */
static void turn_block(const sq_fskdemod *d, const float *z_re, const float *z_im, size_t count,
                       correlator_inputs *c)
{
    float rot_re[BLOCK + 4], rot_im[BLOCK + 4];
    phasors(d->mark_rot, d->mark_pow_re, d->mark_pow_im, (count + 3) / 4 * 4, rot_re, rot_im);
    for (size_t k = 0; k < count; k += 4) {
        sq_v4f zr = sq_v4f_load(z_re + k), zi = sq_v4f_load(z_im + k);
        sq_v4f rr = sq_v4f_load(&rot_re[k]), ri = sq_v4f_load(&rot_im[k]);
        const size_t at = MAX_WINDOW + k;
        sq_v4f power = zr * zr + zi * zi;
        sq_v4f_store(&c->in[MARK_RE][at], zr * rr - zi * ri);
        sq_v4f_store(&c->in[MARK_IM][at], zr * ri + zi * rr);
        sq_v4f_store(&c->in[SPACE_RE][at], zr * rr + zi * ri);
        sq_v4f_store(&c->in[SPACE_IM][at], zi * rr - zr * ri);
        sq_v4f_store(&c->in[POWER][at], power);
        for (int i = 0; i < 4; i++)   /* sqrtps, with -fno-math-errno */
            c->root_power[k + i] = sqrtf(power[i]);
    }
}

/* Each sample's sums over the bit that ends there: its own and the whole - 1 before it, and
 * the one before those weighted by the part of a bit it makes up. Four samples at a time,
 * each sum from its own inputs in the same order: the same however the input was cut into
 * blocks. (As running sums in double in the bit clock's loop, a sample in and the oldest
 * out through a ring, decoding 10 minutes of V.21 took 905 M instructions; 857 M so,
 * callgrind.) */
static void bit_sums(const sq_fskdemod *d, correlator_inputs *c, size_t count)
{
    const size_t whole = d->whole;
    const sq_v4f oldest = { d->oldest_weight, d->oldest_weight, d->oldest_weight, d->oldest_weight };
    /* each stream from the oldest sample the block's first sum reads */
    const float *mr = c->in[MARK_RE] + MAX_WINDOW - whole, *mi = c->in[MARK_IM] + MAX_WINDOW - whole;
    const float *sr = c->in[SPACE_RE] + MAX_WINDOW - whole, *si = c->in[SPACE_IM] + MAX_WINDOW - whole;
    const float *pw = c->in[POWER] + MAX_WINDOW - whole;
    for (size_t k = 0; k < count; k += 4) {
        sq_v4f mark_re = oldest * sq_v4f_load(mr + k), mark_im = oldest * sq_v4f_load(mi + k);
        sq_v4f space_re = oldest * sq_v4f_load(sr + k), space_im = oldest * sq_v4f_load(si + k);
        sq_v4f band = oldest * sq_v4f_load(pw + k);
        for (size_t j = 1; j <= whole; j++) {
            mark_re += sq_v4f_load(mr + k + j);
            mark_im += sq_v4f_load(mi + k + j);
            space_re += sq_v4f_load(sr + k + j);
            space_im += sq_v4f_load(si + k + j);
            band += sq_v4f_load(pw + k + j);
        }
        sq_v4f_store(&c->mark[k], mark_re * mark_re + mark_im * mark_im);
        sq_v4f_store(&c->space[k], space_re * space_re + space_im * space_im);
        sq_v4f_store(&c->band[k], band);
    }
}

size_t sq_fskdemod_process(sq_fskdemod *d, const float *x, size_t n, sq_fsk_bit *bits,
                           size_t max_bits, size_t *n_bits)
{
    size_t produced = 0, done = 0;
    const size_t history = d->nwide - 1;
    while (done < n && produced < max_bits) {
        size_t block = n - done < BLOCK ? n - done : BLOCK;
        sq_sample_guard_copy(&d->input[history], x + done, block);
        size_t first = d->decimation - d->phase;   /* inputs to the end of this period */
        size_t count = block >= first ? 1 + (block - first) / d->decimation : 0;
        float z_re[BLOCK + 4], z_im[BLOCK + 4];
        correlator_inputs c;
        const double complex mix0 = d->mix, rot0 = d->mark_rot;
        filter_block(d, block, first, count, z_re, z_im);
        for (int s = 0; s < CORRELATOR_STREAMS; s++)
            memcpy(&c.in[s][MAX_WINDOW - d->whole], d->window_history[s], d->whole * sizeof c.in[s][0]);
        turn_block(d, z_re, z_im, count, &c);
        bit_sums(d, &c, count);
        size_t k = 0, used;
        for (; k < count && produced < max_bits; k++) {
            d->n += k == 0 ? first : d->decimation;
            d->lowpass_len++;
            produced += demodulate_one(d, &c, k, &bits[produced]);
        }
        for (int s = 0; s < CORRELATOR_STREAMS; s++)   /* the last `whole` taken */
            memcpy(d->window_history[s], &c.in[s][MAX_WINDOW + k - d->whole], d->whole * sizeof c.in[s][0]);
        d->mark_rot = mul(rot0, CMPLX(d->mark_pow_re[k], d->mark_pow_im[k]));
        renormalise(&d->mark_rot);
        if (k < count) {
            /* out of room for bits: the block is read to the output just taken, and the
             * mixer goes back to where the next output starts */
            used = first + (k - 1) * d->decimation;
            d->mix = mul(mix0, CMPLX(d->mix_pow_re[k], d->mix_pow_im[k]));
            d->phase = 0;
        } else {
            used = block;
            size_t after = count ? block - (first + (count - 1) * d->decimation) : d->phase + block;
            d->n += count ? after : block;
            d->phase = (unsigned)(count ? after : d->phase + block);
        }
        /* keep the last `history` inputs read */
        memmove(d->input, d->input + used, history * sizeof d->input[0]);
        done += used;
    }
    *n_bits = produced;
    return done;
}

void sq_fskdemod_transitions(const sq_fskdemod *d, sq_fsk_transitions *out)
{
    *out = d->since_onset;
}

uint64_t sq_fskdemod_onset_sample(const sq_fskdemod *d)
{
    return d->onset > d->group_delay ? d->onset - d->group_delay : 0;
}

int sq_fskdemod_carrier(const sq_fskdemod *d)
{
    return d->carrier;
}

double sq_fskdemod_level_dbm0(const sq_fskdemod *d)
{
    return sq_power_to_dbm0(sq_fskdemod_level_power(d));
}

double sq_fskdemod_level_power(const sq_fskdemod *d)
{
    return 2.0 * d->pow_avg;
}

void sq_fskdemod_destroy(sq_fskdemod *d)
{
    free(d);
}
