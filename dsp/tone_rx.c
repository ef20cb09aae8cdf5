/* Tone analyser bank (dsp/tone_rx.h). */
#include <complex.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "dsp/cmplx.h"
#include "dsp/fir.h"
#include "dsp/receiver_rest.h"
#include "dsp/sample_guard.h"
#include "dsp/sample_ring.h"
#include "dsp/tone_rx.h"
#include "dsp/vec4.h"
#include "squeal/error.h"
#include "squeal/level.h"
#include "squeal/time_base.h"

#define HOP 40                 /* 5 ms between frames */
#define WIN 160                /* 20 ms Hann window: 50 Hz bins; 2100, 1300, 1100 on bins */
/* The ring holds two frames more than the window: a quiet frame's readings are worked out
 * only if a later frame needs them (analyse_frame), up to two frames on. */
#define RING (WIN + 2 * HOP)
#define LAZY_FRAMES 2
#define ON_FRAMES 6            /* 30 ms of presence opens a segment */
#define OFF_FRAMES 8           /* 40 ms of absence closes it (a reversal dip lasts ~15 ms) */
#define MAX_SEG_FRAMES 2400    /* 12 s analysed per segment; longer tones keep their ends */
#define MIN_PURITY 0.5
/* A tone already open stays while it holds this share: under another signal as loud as
 * itself and some noise (the answerer's ANSam under the caller's CM on a one-channel
 * recording at 10 dB SNR) it holds 40-50 % of the frame, and had ended there, 0.3 s early.
 * Its frequency must still hold steady, so FSK's swings across it do not keep it. */
#define KEEP_PURITY 0.25
/* Another of the bank's tones in the frame, holding at least this share of it, is left out
 * of the power a tone's purity is measured against. */
#define SECOND_TONE_SHARE 0.25
#define MIN_LEVEL_DBM0 (-46.0) /* detect down to -43 dBm0 with margin */
#define MAX_OFFSET_HZ 45.0      /* widest tolerance is CNG's +/- 38 Hz */
#define MAX_OFFSET_STEP_HZ 8.0  /* a tone holds its frequency; FSK keying swings it */
#define QUEUE_LEN 16
#define GAIN_TABLE_HZ 101
#define AM_MIN_HZ 10.0
#define AM_MAX_HZ 20.0
#define AM_MIN_FRAMES 40       /* 200 ms: three cycles of 15 Hz */
/* The second and third harmonics are measured on tones whose third lies this far under the
 * Nyquist rate (a telephone channel passes up to 3.4-3.6 kHz) */
#define HARMONIC_TOP_HZ 3600.0

/* Read on present frames only: the power at 2f and 3f, and what the rest of the frame's
 * power would put there were it white noise. */
typedef struct harmonics {
    float power[SQ_TONERX_HARMONICS];
    float noise;
} harmonics;

typedef struct frame {
    float complex x;
    harmonics harmonics;
    uint8_t present;
} frame;

typedef struct track {
    double f0;
    int harmonics_measured;   /* asked for (sq_tonerx_measure_harmonics), and in the band */
    float coef_re[WIN], coef_im[WIN];   /* in two parts: no shuffling in the dot product */
    double complex ref, ref_step;
    double turn;                              /* ref_step's angle: -w HOP */
    double complex ref_before[LAZY_FRAMES];   /* ref at the last frame, and the one before */
    float complex prev_x, prev_prev_x;   /* the last two frames' x */
    double prev_offset;
    int prev_offset_known;   /* computed only for frames loud enough to matter */
    int in_segment;
    unsigned present_run, absent_run;
    size_t nframes, last_present;
    uint64_t first_frame_index;
    frame *frames;
} track;

struct sq_tonerx {
    double min_level_power;        /* MIN_LEVEL_DBM0 as a power: no logarithm per frame */
    float quiet_sum;               /* a frame's windowed sum of squares under which no tone
                                    * can be loud enough (quiet_frame) */
    track tracks[SQ_TONERX_MAX_FREQS];
    size_t ntracks;
    float window[WIN];
    double window_power[WIN];     /* window[m]^2, for the frame's windowed power */
    float window_power_f[WIN];    /* the same in float, for the quiet test */
    double window_sum, window_sq_sum;
    double gain_table[GAIN_TABLE_HZ];   /* window amplitude response, 0..100 Hz off bin */
    float ring[2 * RING];
    size_t ring_pos;
    uint64_t n, frame_index;
    uint32_t resting;              /* sq_tonerx_rest's mask */
    /* Quiet frames not read: bit j set when the x of the frame j + 1 back (prev_x, then
     * prev_prev_x of every track) is still to be worked out, with the mask resting then. */
    unsigned lazy;
    int read_every_frame;          /* sq_tonerx_read_every_frame */
    uint32_t lazy_resting[LAZY_FRAMES];
    int unkept;                    /* samples left out of the ring since the whole bank rested */
    int rest_settled;              /* the last frame a rest frame that left every track empty */
    uint64_t turns_owed;           /* rest frames since then whose reference turns are owed */
    sq_tone_segment queue[QUEUE_LEN];
    size_t q_head, q_count;
    float *scratch;
};

static double window_gain(const sq_tonerx *t, double offset_hz)
{
    double a = fabs(offset_hz);
    if (a >= GAIN_TABLE_HZ - 1)
        return t->gain_table[GAIN_TABLE_HZ - 1];
    size_t i = (size_t)a;
    double frac = a - (double)i;
    return t->gain_table[i] * (1.0 - frac) + t->gain_table[i + 1] * frac;
}

int sq_tonerx_create(const double *freqs_hz, size_t n_freqs, sq_tonerx **out)
{
    if (!out)
        return SQ_EINVAL;
    *out = NULL;
    if (!freqs_hz || n_freqs == 0 || n_freqs > SQ_TONERX_MAX_FREQS)
        return SQ_EINVAL;
    for (size_t i = 0; i < n_freqs; i++)
        if (!(freqs_hz[i] >= 200.0 && freqs_hz[i] <= 3800.0))
            return SQ_EINVAL;
    sq_tonerx *t = calloc(1, sizeof *t);
    if (!t)
        return SQ_ENOMEM;
    t->min_level_power = sq_dbm0_to_power(MIN_LEVEL_DBM0);
    t->scratch = malloc(MAX_SEG_FRAMES * sizeof *t->scratch);
    int ok = t->scratch != NULL;
    for (size_t i = 0; i < n_freqs && ok; i++) {
        t->tracks[i].frames = malloc(MAX_SEG_FRAMES * sizeof(frame));
        ok = t->tracks[i].frames != NULL;
    }
    if (!ok) {
        sq_tonerx_destroy(t);
        return SQ_ENOMEM;
    }
    t->ntracks = n_freqs;
    for (size_t m = 0; m < WIN; m++) {
        t->window[m] = (float)(0.5 - 0.5 * cos(2.0 * M_PI * ((double)m + 0.5) / WIN));
        t->window_sum += t->window[m];
        t->window_power[m] = (double)t->window[m] * t->window[m];
        t->window_power_f[m] = (float)t->window_power[m];
        t->window_sq_sum += t->window_power[m];
    }
    for (size_t h = 0; h < GAIN_TABLE_HZ; h++) {
        /* the window's response h Hz off: its samples times a phasor turned one step at a
         * time (160 steps in double stay within 1e-13 of cexp, at a hundredth of its cost) */
        double complex s = 0.0, turn = 1.0, step = cexp(-I * 2.0 * M_PI * (double)h / SQ_PROCESSING_RATE_HZ);
        for (size_t m = 0; m < WIN; m++, turn *= step)
            s += t->window[m] * turn;
        t->gain_table[h] = cabs(s) / t->window_sum;
    }
    /* A tone's power read MAX_OFFSET_HZ off its bin is at most 2 WIN window_sq_sum total /
     * (gain window_sum)^2 (Cauchy-Schwarz over the window): a frame whose power keeps that
     * under half the lowest level looked for has no loud tone, whatever its spectrum. */
    double g = window_gain(t, MAX_OFFSET_HZ) * t->window_sum;
    t->quiet_sum = (float)(t->min_level_power * g * g / (4.0 * WIN));   /* times window_sq_sum */
    for (size_t i = 0; i < n_freqs; i++) {
        track *k = &t->tracks[i];
        k->f0 = freqs_hz[i];
        double w = 2.0 * M_PI * k->f0 / SQ_PROCESSING_RATE_HZ;
        for (size_t m = 0; m < WIN; m++) {
            float complex c = (float complex)(t->window[m] * cexp(-I * w * (double)m));
            k->coef_re[m] = crealf(c);
            k->coef_im[m] = cimagf(c);
        }
        k->ref = 1.0;
        k->turn = -w * HOP;
        k->ref_step = cexp(I * k->turn);
    }
    *out = t;
    return SQ_OK;
}

/* Centre time of frame j: it is computed after sample (j + 1) * HOP - 1. */
static double frame_centre_s(uint64_t j)
{
    return ((double)(j + 1) * HOP - WIN / 2.0 - 0.5) / SQ_PROCESSING_RATE_HZ;
}

static double frame_tone_power(const sq_tonerx *t, float complex x, double offset_hz)
{
    double g = window_gain(t, offset_hz) * t->window_sum;
    return 2.0 * (double)(crealf(x) * crealf(x) + cimagf(x) * cimagf(x)) / (g * g);
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

static float median(float *v, size_t n)
{
    if (n == 0)
        return 0.0f;
    qsort(v, n, sizeof *v, cmp_float);
    return v[n / 2];
}

static double offset_between(float complex a, float complex b)
{
    return cargf(b * conjf(a)) * (double)SQ_PROCESSING_RATE_HZ / (2.0 * M_PI * HOP);
}

/* Median frequency offset over frames with a healthy magnitude on both sides. */
static double segment_offset(sq_tonerx *t, const frame *f, size_t n, float floor_mag)
{
    size_t m = 0;
    for (size_t k = 1; k < n; k++)
        if (cabsf(f[k].x) >= floor_mag && cabsf(f[k - 1].x) >= floor_mag)
            t->scratch[m++] = (float)offset_between(f[k - 1].x, f[k].x);
    return median(t->scratch, m);
}

/* Finds reversals; marks the frames they disturb in excluded[]. */
static void find_reversals(const frame *f, size_t n, double offset_hz, float floor_mag,
                           double t0, uint8_t *excluded, sq_tone_segment *seg)
{
    const size_t gap = 5;   /* frames k-5 and k have windows on either side of any instant */
    double complex turn = cexp(-I * 2.0 * M_PI * offset_hz * HOP * (double)gap / SQ_PROCESSING_RATE_HZ);
    for (size_t k = gap; k < n; k++) {
        if (cabsf(f[k].x) < floor_mag || cabsf(f[k - gap].x) < floor_mag)
            continue;
        double complex r = (double complex)f[k].x * conj((double complex)f[k - gap].x) * turn;
        if (creal(r) > -0.5 * cabs(r))
            continue;
        size_t dip = k - gap + 1;
        for (size_t j = k - gap + 1; j < k; j++)
            if (cabsf(f[j].x) < cabsf(f[dip].x))
                dip = j;
        double a = cabsf(f[dip - 1].x), b = cabsf(f[dip].x), c = cabsf(f[dip + 1].x);
        double den = a - 2.0 * b + c, shift = den > 0.0 ? 0.5 * (a - c) / den : 0.0;
        shift = fmax(-0.5, fmin(0.5, shift));
        if (seg->n_reversals < SQ_TONERX_MAX_REVERSALS)
            seg->reversals_s[seg->n_reversals] = t0 + ((double)dip + shift) * HOP / SQ_PROCESSING_RATE_HZ;
        seg->n_reversals++;
        for (size_t j = dip >= 3 ? dip - 3 : 0; j <= dip + 3 && j < n; j++)
            excluded[j] = 1;
        k = dip + gap;
    }
}

/* Least-squares fit of a + b cos + c sin at one rate; returns the relative depth. */
static double am_depth_at(const frame *f, const uint8_t *use, size_t n, double rate_hz)
{
    double s[3][3] = { { 0 } }, r[3] = { 0 };
    for (size_t k = 0; k < n; k++) {
        if (!use[k])
            continue;
        double ph = 2.0 * M_PI * rate_hz * (double)k * HOP / SQ_PROCESSING_RATE_HZ;
        double v[3] = { 1.0, cos(ph), sin(ph) }, m = cabsf(f[k].x);
        for (int i = 0; i < 3; i++) {
            r[i] += v[i] * m;
            for (int j = 0; j < 3; j++)
                s[i][j] += v[i] * v[j];
        }
    }
    /* Cramer's rule on the 3x3 normal equations. */
    double det = s[0][0] * (s[1][1] * s[2][2] - s[1][2] * s[2][1]) -
                 s[0][1] * (s[1][0] * s[2][2] - s[1][2] * s[2][0]) +
                 s[0][2] * (s[1][0] * s[2][1] - s[1][1] * s[2][0]);
    if (fabs(det) < 1e-12)
        return 0.0;
    double coef[3];
    for (int c = 0; c < 3; c++) {
        double m[3][3];
        memcpy(m, s, sizeof m);
        for (int i = 0; i < 3; i++)
            m[i][c] = r[i];
        coef[c] = (m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
                   m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
                   m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])) / det;
    }
    return coef[0] > 0.0 ? hypot(coef[1], coef[2]) / coef[0] : 0.0;
}

static void fit_am(const sq_tonerx *t, const frame *f, const uint8_t *use, size_t n,
                   sq_tone_segment *seg)
{
    double best = 0.0, best_hz = 0.0;
    for (double hz = AM_MIN_HZ; hz <= AM_MAX_HZ + 1e-9; hz += 0.25) {
        double d = am_depth_at(f, use, n, hz);
        if (d > best) {
            best = d;
            best_hz = hz;
        }
    }
    for (double hz = best_hz - 0.2; hz <= best_hz + 0.2 + 1e-9; hz += 0.05) {
        double d = am_depth_at(f, use, n, hz);
        if (d > best) {
            best = d;
            best_hz = hz;
        }
    }
    /* |X| sees the envelope through the window: undo its loss at the modulation rate. */
    seg->am_hz = best_hz;
    seg->am_depth = best / window_gain(t, best_hz);
}

/* The tone's power over a segment's frames (those set in use[], or all), and their harmonics'
 * and the noise's that would read there. */
typedef struct sums {
    double power, harmonic[SQ_TONERX_HARMONICS], noise;
} sums;

static sums sum_frames(const sq_tonerx *t, const frame *f, size_t n, const uint8_t *use, double offset)
{
    sums s = { 0.0, { 0.0 }, 0.0 };
    for (size_t i = 0; i < n; i++) {
        if (use && !use[i])
            continue;
        s.power += frame_tone_power(t, f[i].x, offset);
        for (size_t h = 0; h < SQ_TONERX_HARMONICS; h++)
            s.harmonic[h] += f[i].harmonics.power[h];
        s.noise += f[i].harmonics.noise;
    }
    return s;
}

static void analyse_segment(sq_tonerx *t, track *k, size_t n, sq_tone_segment *seg)
{
    const frame *f = k->frames;
    double t0 = frame_centre_s(k->first_frame_index);
    memset(seg, 0, sizeof *seg);
    seg->freq_index = (size_t)(k - t->tracks);
    seg->start_s = t0 > 0.0 ? t0 : 0.0;
    seg->end_s = t0 + (double)(n - 1) * HOP / SQ_PROCESSING_RATE_HZ;
    if (k->nframes >= MAX_SEG_FRAMES)   /* longer than the analysis buffer */
        seg->end_s = frame_centre_s(t->frame_index - 1 - k->absent_run);
    for (size_t i = 0; i < n; i++)
        t->scratch[i] = cabsf(f[i].x);
    float med = median(t->scratch, n), floor_mag = 0.6f * med;
    double offset = segment_offset(t, f, n, 0.5f * med);
    seg->freq_hz = k->f0 + offset;

    uint8_t excluded[MAX_SEG_FRAMES];
    memset(excluded, 0, n);
    find_reversals(f, n, offset, floor_mag, t0, excluded, seg);

    /* Frames whose window lies wholly inside the tone and clear of reversals. */
    uint8_t use[MAX_SEG_FRAMES];
    size_t n_use = 0;
    for (size_t i = 0; i < n; i++) {
        use[i] = i >= 4 && i + 4 < n && !excluded[i] && cabsf(f[i].x) >= 0.3f * med;
        n_use += use[i];
    }
    sums sum = sum_frames(t, f, n, n_use >= 4 ? use : NULL, offset);   /* a short tone: all it has */
    n_use = n_use >= 4 ? n_use : n;
    double power = sum.power;
    seg->level_dbm0 = sq_power_to_dbm0(power / (double)n_use);
    seg->harmonics_measured = k->harmonics_measured;
    for (size_t h = 0; h < SQ_TONERX_HARMONICS; h++)
        seg->harmonic_ratio[h] = power > 0.0 ? fmax(0.0, sum.harmonic[h] - sum.noise) / power : 0.0;
    if (n_use >= AM_MIN_FRAMES)
        fit_am(t, f, use, n, seg);
}

static void close_segment(sq_tonerx *t, track *k)
{
    if (t->q_count < QUEUE_LEN) {
        sq_tone_segment *seg = &t->queue[(t->q_head + t->q_count) % QUEUE_LEN];
        analyse_segment(t, k, k->last_present + 1, seg);
        t->q_count++;
    }
    k->in_segment = 0;
    k->present_run = k->absent_run = 0;
    k->nframes = 0;
}

static void append_frame(track *k, float complex x, int present, const harmonics *hs)
{
    if (k->nframes < MAX_SEG_FRAMES) {
        k->frames[k->nframes].x = x;
        k->frames[k->nframes].present = (uint8_t)present;
        k->frames[k->nframes].harmonics = *hs;
        k->nframes++;
    }
}

/* The power at h times the tone's frequency, for h = 2 .. SQ_TONERX_HARMONICS + 1, through
 * the same window (a tone on that frequency reads as its power, as the tone's own does), and
 * what white noise holding the frame's `rest` of power would read there: the window's noise
 * bandwidth over the band. */
static void measure_harmonics(const sq_tonerx *t, const float *w, double freq_hz, double rest, harmonics *hs)
{
    double scale = 2.0 / (t->window_sum * t->window_sum);
    for (size_t h = 0; h < SQ_TONERX_HARMONICS; h++) {
        double complex sum = 0.0, turn = 1.0,
                       step = cexp(-I * 2.0 * M_PI * freq_hz * (double)(h + 2) / SQ_PROCESSING_RATE_HZ);
        for (size_t m = 0; m < WIN; m++, turn *= step)
            sum += t->window[m] * w[m] * turn;
        hs->power[h] = (float)(scale * (creal(sum) * creal(sum) + cimag(sum) * cimag(sum)));
    }
    hs->noise = (float)(scale * t->window_sq_sum * fmax(0.0, rest));
}

static void track_frame(sq_tonerx *t, track *k, float complex x, double total_power, const float *w)
{
    harmonics hs = { { 0.0f }, 0.0f };
    float complex before = k->prev_x, before_that = k->prev_prev_x;
    k->prev_prev_x = before;
    k->prev_x = x;
    /* The window's gain falls off the bin, so the tone's power read at MAX_OFFSET_HZ is the
     * most a present frame can have: a frame under that in purity or level is absent
     * whatever its offset, and its offset (an arctangent) is not worked out. */
    double purity = k->in_segment ? KEEP_PURITY : MIN_PURITY;
    int loud = 0;
    if (total_power > 0.0) {   /* none while the whole bank rests */
        double most = frame_tone_power(t, x, MAX_OFFSET_HZ);
        loud = most >= purity * total_power && most >= t->min_level_power;
    }
    int present = loud;
    if (loud) {
        if (!k->prev_offset_known)
            k->prev_offset = offset_between(before_that, before);
        double offset = offset_between(before, x);
        int steady = fabs(offset - k->prev_offset) <= MAX_OFFSET_STEP_HZ;
        k->prev_offset = offset;
        present = steady && fabs(offset) <= MAX_OFFSET_HZ;
        if (present) {
            double p = frame_tone_power(t, x, offset);
            present = p >= purity * total_power && p >= t->min_level_power;
            if (present && k->harmonics_measured)
                measure_harmonics(t, w, k->f0 + offset, total_power - p, &hs);
        }
    }
    k->prev_offset_known = loud;
    if (!k->in_segment) {
        if (!present) {
            k->present_run = 0;
            k->nframes = 0;
            return;
        }
        if (k->present_run++ == 0)
            k->first_frame_index = t->frame_index;
        append_frame(k, x, 1, &hs);
        k->last_present = k->nframes - 1;
        if (k->present_run >= ON_FRAMES)
            k->in_segment = 1;
        return;
    }
    append_frame(k, x, present, &hs);
    if (present) {
        k->absent_run = 0;
        if (k->nframes < MAX_SEG_FRAMES)
            k->last_present = k->nframes - 1;
    } else if (++k->absent_run >= OFF_FRAMES) {
        close_segment(t, k);
    }
}

static int all_resting(const sq_tonerx *t)
{
    uint32_t all = (1u << t->ntracks) - 1u;
    return (t->resting & all) == all;
}

/* Each frequency's phase reference turns on, every frame, resting or not. */
static void turn_reference(sq_tonerx *t, track *k)
{
    k->ref_before[1] = k->ref_before[0];
    k->ref_before[0] = k->ref;
    k->ref *= k->ref_step;
    if ((t->frame_index & 63u) == 0)
        k->ref /= cabs(k->ref);
}

/* The reference turns the rest frames skipped, all at once: as if turn_reference had run
 * once for each (up to rounding: the powers are worked out afresh, and renormalised). */
static void settle_turns(sq_tonerx *t)
{
    uint64_t n = t->turns_owed;
    if (n == 0)
        return;
    for (size_t i = 0; i < t->ntracks; i++) {
        track *k = &t->tracks[i];
        double complex ref0 = k->ref;
        k->ref_before[1] = n >= 2 ? ref0 * cexp(I * k->turn * (double)(n - 2)) : k->ref_before[0];
        k->ref_before[0] = ref0 * cexp(I * k->turn * (double)(n - 1));
        k->ref = ref0 * cexp(I * k->turn * (double)n);
        k->ref /= cabs(k->ref);
    }
    t->turns_owed = 0;
}

/* A frame with the whole bank resting (inside data, for long stretches): every frequency
 * hears nothing, so a track with no segment open only forgets its last frames, which is
 * what track_frame does with x = 0 in an empty frame; one still open is taken through
 * track_frame as usual, to end on time. Once a rest frame has left every track empty, the
 * ones after it change nothing but the references' phase, which is owed, not turned, until
 * a frame reads them (turning every reference every 5 ms through an hour of V.21 data was
 * 3 % of decoding it). */
static void rest_frame(sq_tonerx *t, const float *w)
{
    if (t->rest_settled) {
        t->turns_owed++;
        t->frame_index++;
        return;
    }
    settle_turns(t);
    int open = 0;
    for (size_t i = 0; i < t->ntracks; i++) {
        track *k = &t->tracks[i];
        turn_reference(t, k);
        if (k->in_segment) {
            track_frame(t, k, 0.0f, 0.0, w);
            open |= k->in_segment;
            continue;
        }
        k->prev_prev_x = k->prev_x;
        k->prev_x = 0.0f;
        open |= k->prev_prev_x != 0.0f;   /* the frame before still to be forgotten */
        k->prev_offset_known = 0;
        k->present_run = 0;
        k->nframes = 0;
    }
    /* this frame's x is 0, and the one before it is never read: an offset from 0 is 0 (so the
     * samples a rest leaves out of the ring are never asked for) */
    t->lazy = 0;
    t->frame_index++;
    t->rest_settled = !open;   /* every track empty, its last two frames forgotten */
}

/* sum of window[m]^2 w[m]^2, in float: four floats at a time, for the quiet test alone */
static float windowed_sum_sq(const float *w, const float *window_power)
{
    _Static_assert(WIN % 8 == 0, "whole pairs of vectors");
    sq_v4f a = { 0 }, b = { 0 };
    for (size_t m = 0; m < WIN; m += 8) {
        sq_v4f u = sq_v4f_load(w + m), v = sq_v4f_load(w + m + 4);
        a += sq_v4f_load(window_power + m) * u * u;
        b += sq_v4f_load(window_power + m + 4) * v * v;
    }
    return sq_v4f_sum(a + b);
}

/* The window of the frame that ended `back` samples before the newest: oldest first. */
static const float *window_back(const sq_tonerx *t, size_t back)
{
    return &t->ring[t->ring_pos + RING - WIN - back];
}

/* Works out the x of the quiet frames not read yet, as analyse_frame would have: the last
 * frame's window ended `back` samples before the newest sample. */
static void read_lazy_frames(sq_tonerx *t, size_t back)
{
    for (int j = 0; j < LAZY_FRAMES; j++) {
        if (!(t->lazy >> j & 1u))
            continue;
        const float *w = window_back(t, back + (size_t)j * HOP);
        for (size_t i = 0; i < t->ntracks; i++) {
            track *k = &t->tracks[i];
            float complex x = (t->lazy_resting[j] >> i & 1u) ? 0.0f
                              : sq_dot_real_split(w, k->coef_re, k->coef_im, WIN) * (float complex)k->ref_before[j];
            *(j == 0 ? &k->prev_x : &k->prev_prev_x) = x;
        }
    }
    t->lazy = 0;
}

/* A frame too quiet for any tone to be loud (quiet_sum), with no segment open: what
 * track_frame would do with it for every track, but its x, the frame's reading, which only
 * the next two frames' offsets use, is left to read_lazy_frames. */
static int quiet_frame(sq_tonerx *t, const float *w)
{
    for (size_t i = 0; i < t->ntracks; i++)
        if (t->tracks[i].in_segment)
            return 0;
    if (t->read_every_frame || !(windowed_sum_sq(w, t->window_power_f) < t->quiet_sum))
        return 0;   /* NaN is not quiet either */
    for (size_t i = 0; i < t->ntracks; i++) {
        track *k = &t->tracks[i];
        turn_reference(t, k);
        k->prev_prev_x = k->prev_x;
        k->prev_offset_known = 0;
        k->present_run = 0;
        k->nframes = 0;
    }
    t->lazy = ((t->lazy << 1) | 1u) & ((1u << LAZY_FRAMES) - 1u);
    t->lazy_resting[1] = t->lazy_resting[0];
    t->lazy_resting[0] = t->resting;
    t->frame_index++;
    return 1;
}

static void analyse_frame(sq_tonerx *t)
{
    const float *w = window_back(t, 0);   /* the last WIN samples, oldest first */
    /* four partial sums: one running sum waits on its last addition every sample */
    double part[4] = { 0.0, 0.0, 0.0, 0.0 };
    if (all_resting(t)) {
        rest_frame(t, w);
        return;
    }
    t->rest_settled = 0;
    settle_turns(t);
    if (quiet_frame(t, w))
        return;
    read_lazy_frames(t, HOP);   /* the frames before this one, if they were quiet */
    for (size_t m = 0; m < WIN; m += 4)
        for (size_t j = 0; j < 4; j++)
            part[j] += t->window_power[m + j] * w[m + j] * w[m + j];
    double total = ((part[0] + part[1]) + (part[2] + part[3])) / t->window_sq_sum;
    float complex xs[SQ_TONERX_MAX_FREQS];
    double own[SQ_TONERX_MAX_FREQS], others = 0.0;
    for (size_t i = 0; i < t->ntracks; i++) {
        track *k = &t->tracks[i];
        /* Reference the phase to absolute time (window start), so a tone on f0 stands still. */
        int rests = t->resting >> i & 1u;
        xs[i] = rests ? 0.0f : sq_dot_real_split(w, k->coef_re, k->coef_im, WIN) * (float complex)k->ref;
        turn_reference(t, k);
        /* the least this frequency's tone can hold (read as if on its bin): a second tone
         * only when it holds a good share of the frame (nothing, resting) */
        own[i] = rests ? 0.0 : frame_tone_power(t, xs[i], 0.0);
        own[i] = own[i] >= SECOND_TONE_SHARE * total ? own[i] : 0.0;
        others += own[i];
    }
    for (size_t i = 0; i < t->ntracks; i++)
        /* each tone's purity against the frame less the other tones in it: two tones at
         * once (a caller's CNG under the answerer's ANS, at one level on a one-channel
         * recording) each hold half the frame, and are both there */
        track_frame(t, &t->tracks[i], xs[i], total - (others - own[i]), w);
    t->frame_index++;
}

void sq_tonerx_rest(sq_tonerx *t, uint32_t mask)
{
    t->resting = mask;
}

void sq_tonerx_read_every_frame(sq_tonerx *t, int on)
{
    t->read_every_frame = on;
}

void sq_tonerx_measure_harmonics(sq_tonerx *t, uint32_t mask)
{
    for (size_t i = 0; i < t->ntracks; i++) {
        track *k = &t->tracks[i];
        k->harmonics_measured = (mask >> i & 1u) && (SQ_TONERX_HARMONICS + 1) * (k->f0 + MAX_OFFSET_HZ) <= HARMONIC_TOP_HZ;
    }
}

_Static_assert(WIN <= SQ_RECEIVER_RECALL_MAX, "what the bank leaves out can be asked back");
size_t sq_tonerx_history_wanted(const sq_tonerx *t)
{
    return !t->unkept || all_resting(t) ? 0 : t->n < WIN ? (size_t)t->n : WIN;
}

void sq_tonerx_recall(sq_tonerx *t, const float *last, size_t m)
{
    sq_ring_recall(t->ring, RING, t->ring_pos, last, m);
    t->unkept = 0;
}

int sq_tonerx_following(const sq_tonerx *t, size_t freq_index)
{
    return freq_index < t->ntracks && (t->tracks[freq_index].in_segment || t->tracks[freq_index].present_run > 0);
}

size_t sq_tonerx_process(sq_tonerx *t, const float *x, size_t n)
{
    /* the whole bank resting with nothing followed: no frame looks at the samples */
    int leave_out = all_resting(t);
    for (size_t k = 0; k < t->ntracks && leave_out; k++)
        leave_out = !sq_tonerx_following(t, k);
    t->unkept |= leave_out;
    size_t i = 0;
    while (i < n && t->q_count + t->ntracks <= QUEUE_LEN) {   /* room for every track to close a
                                                                * segment at the next frame */
        float kept[HOP];
        size_t take = HOP - (size_t)(t->n % HOP);
        take = n - i < take ? n - i : take;
        if (leave_out) {
            t->ring_pos = (t->ring_pos + take) % RING;
        } else {
            sq_sample_guard_copy(kept, x + i, take);
            sq_ring_keep(t->ring, RING, &t->ring_pos, kept, take);
        }
        t->n += take;
        i += take;
        if (t->n % HOP == 0)   /* before WIN samples, the window sees silence before the start */
            analyse_frame(t);
    }
    return i;
}

int sq_tonerx_next_segment(sq_tonerx *t, sq_tone_segment *seg)
{
    if (t->q_count == 0)
        return 0;
    *seg = t->queue[t->q_head];
    t->q_head = (t->q_head + 1) % QUEUE_LEN;
    t->q_count--;
    return 1;
}

int sq_tonerx_peek(sq_tonerx *t, size_t freq_index, sq_tone_segment *seg)
{
    if (freq_index >= t->ntracks || !t->tracks[freq_index].in_segment)
        return 0;
    track *k = &t->tracks[freq_index];
    analyse_segment(t, k, k->last_present + 1, seg);
    return 1;
}

double sq_tonerx_open_since_s(const sq_tonerx *t)
{
    double since = INFINITY;
    for (size_t i = 0; i < t->ntracks; i++) {
        const track *k = &t->tracks[i];
        if (k->in_segment || k->present_run > 0) {
            double t0 = frame_centre_s(k->first_frame_index);
            since = t0 < since ? t0 : since;
        }
    }
    return since;
}

void sq_tonerx_finish(sq_tonerx *t)
{
    /* Let the window slide past the last sample, so a tone running to the end of the input
     * ends where it stops rather than half a window early. */
    static const float silence[WIN / 2] = { 0 };
    (void)sq_tonerx_process(t, silence, WIN / 2);
    for (size_t i = 0; i < t->ntracks; i++)
        if (t->tracks[i].in_segment)
            close_segment(t, &t->tracks[i]);
}

void sq_tonerx_destroy(sq_tonerx *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < SQ_TONERX_MAX_FREQS; i++)
        free(t->tracks[i].frames);
    free(t->scratch);
    free(t);
}
