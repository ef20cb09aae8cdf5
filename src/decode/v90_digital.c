/* A V.90 digital modem's phases 3 and 4 as a listener can name them (V.90 8.4, 8.6, 9.3.1,
 * 9.4.1), without its PCM receiver: the digital modem sends one codeword per 8 kHz sample,
 * so three of its signals have shapes that survive the line whatever the codec and the
 * levels:
 *   - Sd (8.4.4) and Ri (8.6.4) repeat six samples whose second half is the first half
 *     negated ({+W,+0,+W,-W,-0,-W}; +U+U+U-U-U-U): a line at 8000/6 = 1333.3 Hz and nothing
 *     else in the band; each ends with a few periods of its negation (S-bar d, R-bar i), a
 *     phase reversal. Sd opens phase 3; Ri opens phase 4.
 *   - DIL (8.4.1) is a sequence of segments repeated exactly until the analogue modem has
 *     learnt enough: a signal equal to itself one period later, where TRN1d and Jd
 *     (scrambled signs) and data resemble themselves at no lag.
 * Between Sd and DIL (or Ri) come TRN1d, Jd and Jd' (signs of one codeword, scrambled):
 * v90_jd.c reads them through an equaliser fitted to TRN1d's known signs, and where it cannot
 * they are one stretch; after Ri-bar, TRN2d, MP, Ed, B1d and data, named as one stretch.
 *
 * The line is followed one 6-sample period at a time (each period's second half against its
 * first, each period against the last: the same, or negated at the reversal); the
 * periodicity by a normalised cross-correlation, through FFTW, of 100 ms of signal with the
 * 356 ms from its start, at lags 3 ms to 256 ms. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "dsp/fft_plan.h"
#include "src/decode/decoder_internal.h"
#include "src/decode/pcm_line.h"
#include "src/decode/v90_jd.h"
#include "src/decode/v90_phase4.h"
#include "squeal/error.h"
#include "squeal/level.h"

#define PERIOD SQ_PCM_LINE_PERIOD   /* samples: Sd and Ri repeat with negation every 3 */
#define LINE_ODD_SHARE 0.1          /* |x[n] + x[n+3]|^2 over a period, against its energy */
#define LINE_STEADY_COS 0.85        /* a period is like the last (cosine between them) ... */
#define LINE_REVERSED_COS -0.85     /* ... or the last negated (a reversal) */
#define LINE_MERGE_PERIODS 6        /* a run broken for up to this long is one run (a reversal
                                     * through a line's response) */
#define LINE_MIN_PERIODS 16         /* 12 ms: Sd is 48 ms, Ri at least 24 ms */
/* A gap (a lost packet: a run of quiet periods) breaks a line for longer: the line is exactly
 * periodic, so where it goes on after a gap it is the same run, negated if its reversal fell in
 * the gap; where it does not, it ended in the gap, its reversal with it. */
#define GAP_MIN_PERIODS 8           /* 6 ms */
#define GAP_DROP 0.01               /* quiet: 20 dB under the line (on a stereo file, the other
                                       side's echo taken out of a gap leaves a little there) */
#define GAP_MAX_PERIODS 107         /* 80 ms: a stretch ends after 70 ms of quiet */
#define WINDOW 800                  /* 100 ms correlated ... */
#define MIN_LAG 24                  /* ... at lags of 3 ms ... */
#define MAX_LAG 2048                /* ... to 256 ms */
#define FFT_N 4096                  /* >= WINDOW + MAX_LAG */
#define PERIODIC_R 0.6              /* TRN1d, Jd, data: 0.4 at most at any lag on real calls */
#define PERIODIC_LINE_SHARE 0.5     /* a window this much its own negation 3 samples on is Sd or Ri */
#define LAG_NEAR_BEST 0.95          /* the shortest lag this close to the best is the period */
#define SINCE_MIN_LEN 96            /* samples compared a period apart, to find DIL's start */
#define SINCE_MAX_LEN 512
#define SINCE_COS 0.9
#define PERIODIC_GAP_S 0.3          /* DIL restarting (a level step) may break one window */
#define READ_FOR_S 20.0             /* phases 3 and 4 take less; data is not searched */
#define FLOOR_DBM0 -55.0            /* DIL's quietest segments are near -46 dBm0 */
#define ECHO_POWER_RATIO 0.1        /* 10 dB */
#define BLOCK_S ((double)SQ_WIDEBAND_BLOCK / SQ_PROCESSING_RATE_HZ)
/* TRN1d and Jd (v90_jd.c): the samples kept from KEPT_BEFORE before Sd-bar's end as the line
 * was timed, for KEPT_S (TRN1d lasts up to 4 s before Jd, 9.3.1.4) */
#define KEPT_BEFORE 256
#define KEPT_S 5.0
#define KEPT_MAX ((size_t)(KEPT_S * SQ_PROCESSING_RATE_HZ))
#define TRN1D_SEARCH 96             /* samples either side of where the line ended */
#define JD_PAST_NEXT 48
/* TRN2d and MP (v90_phase4.c): the samples kept from KEPT4_BEFORE before R i, for KEPT4_S (Ri
 * lasts until the analogue modem's CPt is heard, half a second on the real calls; the MPs start
 * within 2 s of TRN2d, 9.4.1.3, and end once the analogue modem's CP' has come) */
#define KEPT4_BEFORE 64
#define KEPT4_S 6.0
#define KEPT4_MAX ((size_t)(KEPT4_S * SQ_PROCESSING_RATE_HZ))
#define TRN2D_SEARCH 96             /* samples after the reversal heard (R-bar i is 24) ... */
#define TRN2D_SEARCH_GAP 296        /* ... or after the line's end, where a gap of up to 25 ms took
                                       the reversal with it */
/* the data's SNR is measured from this many codes after the last MP' read: Ed (12, in CPt's
 * constellations), B1d (288, in CP's) and room for an MP' or two not read (the Conexant call's
 * first 480 held 72 codes off CP's levels, none after) */
#define DATA_AFTER_MP 492
/* An Rd (a renegotiation or cleardown out of data, V.90 9.6.1, 9.7) is a line this long after
 * R i at least: R i, TRN2d (up to 2 s), the MPs and B1d come first */
#define RD_AFTER_RI_S 1.0

int sq_v90_reader_create(sq_decoder *d)
{
    sq_v90_reader *v = &d->v90;
    memset(v, 0, sizeof *v);
    v->a = fftwf_alloc_real(FFT_N);
    v->b = fftwf_alloc_real(FFT_N);
    v->fa = fftwf_alloc_complex(FFT_N / 2 + 1);
    v->fb = fftwf_alloc_complex(FFT_N / 2 + 1);
    if (!v->a || !v->b || !v->fa || !v->fb)
        return SQ_ENOMEM;
    v->floor_power = sq_dbm0_to_power(FLOOR_DBM0);
    /* one forward plan for both transforms (the new-array call for the second) */
    v->plan_forward = sq_fft_plan_r2c(FFT_N, v->a, v->fa);
    v->plan_back = sq_fft_plan_c2r(FFT_N, v->fb, v->b);
    return v->plan_forward && v->plan_back ? SQ_OK : SQ_ENOMEM;
}

void sq_v90_reader_destroy(sq_decoder *d)
{
    sq_v90_reader *v = &d->v90;
    if (v->plan_forward)
        sq_fft_plan_destroy(v->plan_forward);
    if (v->plan_back)
        sq_fft_plan_destroy(v->plan_back);
    fftwf_free(v->a);
    fftwf_free(v->b);
    fftwf_free(v->fa);
    fftwf_free(v->fb);
    free(v->kept);
    free(v->kept4);
    for (size_t k = 0; k < SQ_V90_MAX_RD; k++)
        free(v->keptr[k]);
}

static double seconds(uint64_t sample)
{
    return (double)sample / SQ_PROCESSING_RATE_HZ;
}

void sq_v90_reader_start(sq_decoder *d, double start_s)
{
    sq_v90_reader *v = &d->v90;
    v->reading = 1;
    v->start_s = start_s;
    v->n_lines = v->n_periodic = 0;
    v->run.periods = v->held.periods = 0;
    v->since_window = 0;
    v->filled = 0;
    v->n_blocks = 0;
    v->kept_n = 0;
    v->kept_from = 0;
    v->kept4_n = 0;
    v->kept4_from = 0;
    v->n_keptr = 0;
    memset(v->keptr_n, 0, sizeof v->keptr_n);
    v->have_fit4 = 0;
    v->data_snr_db = 0.0;
    v->n_spans = 0;
}

void sq_v90_reader_stop(sq_decoder *d)
{
    d->v90.reading = 0;
}

/* The run held back is over for good: kept when it is long enough and reversed. */
static void settle_line(sq_v90_reader *v)
{
    sq_v90_line *r = &v->held;
    int cut = r->quiet_after >= GAP_MIN_PERIODS;   /* it ended in a gap, its reversal maybe with it */
    if (r->periods >= LINE_MIN_PERIODS && (r->reversal || cut) && v->n_lines < SQ_V90_MAX_RUNS)
        v->lines[v->n_lines++] = (sq_v90_run){ .start_s = seconds(r->start), .end_s = seconds(r->end),
                                               .mark_s = r->reversal ? seconds(r->reversal) : 0.0,
                                               .power = r->power / (double)(r->periods * PERIOD) };
    r->periods = 0;
}

/* The period that ends at sample `end` (v->period): part of a line when its second half is
 * its first negated, whatever the codec did to the levels or the line to 4000 Hz. A run of
 * such periods is held back when it breaks: a reversal spoils the periods the line's
 * response spreads it over, and a run that starts again within LINE_MERGE_PERIODS, the same
 * or negated (a reversal), is the same run. */
static void line_period(sq_v90_reader *v, uint64_t end)
{
    const float *p = v->period;
    sq_v90_line *run = &v->run, *held = &v->held;
    double e, odd;
    sq_pcm_line_measure(p, &e, &odd);
    int quiet = e < v->floor_power * PERIOD, line = !quiet && odd <= LINE_ODD_SHARE * e;
    if (held->periods && e < GAP_DROP * held->power / (double)held->periods)
        quiet = 1;   /* for the gap's sake: the line's level gone */
    if (run->periods && (!line || sq_pcm_line_cos(p, run->last) < LINE_STEADY_COS)) {
        settle_line(v);   /* the one before, if still held */
        *held = *run;
        held->quiet_after = 0;
        held->heard_after = 0;
        run->periods = 0;
    }
    if (held->periods && run->periods == 0 && !line) {
        if (quiet && held->heard_after <= 1)
            held->quiet_after++;
        else
            held->heard_after++;
    }
    /* the held line may go on after a gap: quiet periods since it broke (none heard but one at
     * each edge) */
    int in_gap = held->heard_after <= 2 && held->quiet_after > 0 && held->quiet_after <= GAP_MAX_PERIODS;
    if (held->periods && end - held->end > (uint64_t)(LINE_MERGE_PERIODS + 1) * PERIOD && !in_gap)
        settle_line(v);
    if (!line)
        return;
    if (run->periods == 0) {
        /* (after its reversal the line only ends: Sd-bar and R-bar i are short) */
        double turn = held->periods && !held->reversal ? sq_pcm_line_cos(p, held->last) : 0.0;
        if (turn >= LINE_STEADY_COS || turn <= LINE_REVERSED_COS) {   /* the held run goes on */
            int after_gap = held->quiet_after >= GAP_MIN_PERIODS;
            *run = *held;
            held->periods = 0;
            /* a reversal in a gap is placed where the line is heard again */
            if (turn <= LINE_REVERSED_COS && !run->reversal)
                run->reversal = after_gap ? end - PERIOD : run->end;
        } else {
            run->start = end - PERIOD;
            run->power = 0.0;
            run->reversal = 0;
        }
    }
    run->periods++;
    run->power += e;
    run->end = end;
    memcpy(run->last, p, sizeof run->last);
}

/* The correlation of the `len` samples from `a` with those from `b` (both in the ring). */
static double ring_cos(const sq_v90_reader *v, uint64_t a, uint64_t b, size_t len)
{
    double ab = 0.0, aa = 0.0, bb = 0.0;
    for (size_t i = 0; i < len; i++) {
        double x = v->ring[(a + i) % SQ_V90_RING], y = v->ring[(b + i) % SQ_V90_RING];
        ab += x * y;
        aa += x * x;
        bb += y * y;
    }
    return aa > 0.0 && bb > 0.0 ? ab / sqrt(aa * bb) : 0.0;
}

/* A repetition first found in the window from `start`: where it begins, to the sample. It
 * may begin inside the window (then later samples are tried) or before it (then earlier
 * ones, while the ring still holds them: the window is judged late enough that it holds
 * 156 ms more). Left at the window's start when neither settles it. */
static uint64_t periodic_since(const sq_v90_reader *v, uint64_t start, size_t period)
{
    size_t len = period < SINCE_MIN_LEN ? SINCE_MIN_LEN : period > SINCE_MAX_LEN ? SINCE_MAX_LEN : period;
    uint64_t oldest = start + WINDOW + MAX_LAG > SQ_V90_RING ? start + WINDOW + MAX_LAG - SQ_V90_RING : 0;
    uint64_t at = start;
    while (at < start + WINDOW && ring_cos(v, at, at + period, len) < SINCE_COS)
        at++;
    if (at == start + WINDOW)
        return start;
    while (at > oldest && ring_cos(v, at - 1, at - 1 + period, len) >= SINCE_COS)
        at--;
    return at;
}

/* Whether the WINDOW samples from the ring's oldest one repeat at some lag, and at which. */
static void correlate_window(sq_v90_reader *v, uint64_t window_start)
{
    /* b: WINDOW + MAX_LAG samples from window_start; a: the first WINDOW of them */
    size_t len = WINDOW + MAX_LAG;
    double energy = 0.0, prefix[WINDOW + MAX_LAG + 1], lag3 = 0.0;
    prefix[0] = 0.0;
    for (size_t i = 0; i < len; i++) {
        float x = v->ring[(window_start + i) % SQ_V90_RING];
        v->b[i] = x;
        prefix[i + 1] = prefix[i] + (double)x * x;
        if (i < WINDOW)
            v->a[i] = x;
        if (i >= PERIOD / 2 && i < WINDOW)
            lag3 += (double)x * v->b[i - PERIOD / 2];
    }
    energy = prefix[WINDOW];
    /* Sd and Ri are their own negation 3 samples on (lag-3 correlation -1), DIL is not */
    if (energy < v->floor_power * WINDOW || lag3 < -PERIODIC_LINE_SHARE * energy)
        return;
    memset(v->a + WINDOW, 0, sizeof(float) * (FFT_N - WINDOW));
    memset(v->b + len, 0, sizeof(float) * (FFT_N - len));
    fftwf_execute(v->plan_forward);
    fftwf_execute_dft_r2c(v->plan_forward, v->b, v->fb);
    for (size_t k = 0; k <= FFT_N / 2; k++) {   /* conj(A) B: the cross-correlation */
        float ar = v->fa[k][0], ai = v->fa[k][1], br = v->fb[k][0], bi = v->fb[k][1];
        v->fb[k][0] = ar * br + ai * bi;
        v->fb[k][1] = ar * bi - ai * br;
    }
    fftwf_execute(v->plan_back);   /* into b, scaled by FFT_N */
    double best = 0.0, r[MAX_LAG + 1];
    for (size_t lag = MIN_LAG; lag <= MAX_LAG; lag++) {
        double e1 = prefix[lag + WINDOW] - prefix[lag];
        r[lag] = e1 > 0.0 ? v->b[lag] / FFT_N / sqrt(energy * e1) : 0.0;
        best = fmax(best, r[lag]);
    }
    if (best < PERIODIC_R)
        return;
    size_t period = MIN_LAG;
    while (r[period] < LAG_NEAR_BEST * best)
        period++;
    double start_s = seconds(window_start), end_s = seconds(window_start + WINDOW);
    sq_v90_run *last = v->n_periodic ? &v->periodic[v->n_periodic - 1] : NULL;
    if (last && start_s - last->end_s <= PERIODIC_GAP_S) {
        last->end_s = end_s;
        last->power += energy / WINDOW;
        last->windows++;
        if (best > last->score) {   /* the period from the window that repeats best */
            last->score = best;
            last->mark_s = (double)period / SQ_PROCESSING_RATE_HZ;
        }
        return;
    }
    start_s = seconds(periodic_since(v, window_start, period));
    if (v->n_periodic < SQ_V90_MAX_RUNS)
        v->periodic[v->n_periodic++] = (sq_v90_run){ .start_s = start_s, .end_s = end_s,
                                                       .mark_s = (double)period / SQ_PROCESSING_RATE_HZ,
                                                       .power = energy / WINDOW, .windows = 1, .score = best };
}

/* Keeps sample `at` for TRN1d and Jd once the first line (Sd, when it is Sd) has been timed:
 * from KEPT_BEFORE before its end, which the ring still holds (a line is settled within a gap
 * of its end), for KEPT_S. */
static void keep(sq_v90_reader *v, uint64_t at, float x)
{
    if (v->n_lines == 0 || v->kept_n == KEPT_MAX)
        return;
    if (v->kept_n == 0) {
        uint64_t end = (uint64_t)llround(v->lines[0].end_s * SQ_PROCESSING_RATE_HZ);
        if (!v->kept && !(v->kept = malloc(KEPT_MAX * sizeof *v->kept)))
            return;
        v->kept_from = end > KEPT_BEFORE ? end - KEPT_BEFORE : 0;
        if (at - v->kept_from >= SQ_V90_RING)
            v->kept_from = at + 1 - SQ_V90_RING;
        for (uint64_t m = v->kept_from; m < at && v->kept_n < KEPT_MAX; m++)
            v->kept[v->kept_n++] = v->ring[m % SQ_V90_RING];
    }
    if (v->kept_n < KEPT_MAX)
        v->kept[v->kept_n++] = x;
}

/* Keeps sample `at` in buf (n kept from sample *from) once `starts` says the line now running
 * is the one to keep from: from KEPT4_BEFORE before it, which the ring still holds, for
 * KEPT4_S. */
static void keep_from_line(sq_v90_reader *v, float **buf, size_t *n, uint64_t *from, uint64_t at, float x, int starts)
{
    const sq_v90_line *r = &v->run;
    if (!*n && starts) {
        if (!*buf && !(*buf = malloc(KEPT4_MAX * sizeof **buf)))
            return;
        *from = r->start > KEPT4_BEFORE ? r->start - KEPT4_BEFORE : 0;
        if (at - *from >= SQ_V90_RING)
            *from = at + 1 - SQ_V90_RING;
        for (uint64_t m = *from; m < at; m++)
            (*buf)[(*n)++] = v->ring[m % SQ_V90_RING];
    }
    if (*n && *n < KEPT4_MAX)
        (*buf)[(*n)++] = x;
}

/* Keeps sample `at` for TRN2d and MP once the first line after Sd (R i) has lasted
 * LINE_MIN_PERIODS; and for a renegotiation's once a line has lasted as long from
 * RD_AFTER_RI_S or more after the last one kept from (R i's, then each Rd's). */
static void keep_phase4(sq_v90_reader *v, uint64_t at, float x)
{
    const sq_v90_line *r = &v->run;
    int long_enough = r->periods >= LINE_MIN_PERIODS;
    if (v->kept4_n ? v->kept4_n < KEPT4_MAX : long_enough && v->n_lines && seconds(r->start) > v->lines[0].end_s)
        keep_from_line(v, &v->kept4, &v->kept4_n, &v->kept4_from, at, x, 1);
    for (size_t k = 0; k < v->n_keptr; k++)   /* those still filling */
        if (v->keptr_n[k] < KEPT4_MAX)
            keep_from_line(v, &v->keptr[k], &v->keptr_n[k], &v->keptr_from[k], at, x, 0);
    size_t k = v->n_keptr;
    if (k == SQ_V90_MAX_RD || !v->kept4_n || !long_enough)
        return;
    uint64_t last = k ? v->keptr_from[k - 1] : v->kept4_from;
    keep_from_line(v, &v->keptr[k], &v->keptr_n[k], &v->keptr_from[k], at, x,
                   r->start >= last + KEPT4_BEFORE + (uint64_t)(RD_AFTER_RI_S * SQ_PROCESSING_RATE_HZ));
    v->n_keptr += v->keptr_n[k] > 0;
}

void sq_v90_reader_block(sq_decoder *d, const float *x, size_t n, uint64_t first_sample)
{
    sq_v90_reader *v = &d->v90;
    if (!v->reading)
        return;
    /* phases 3 and 4 within READ_FOR_S: their periodic signals, levels, lines; after, in the
     * data, only the lines (an Rd: a renegotiation or cleardown), a few operations a sample */
    int start_up = seconds(first_sample) <= v->start_s + READ_FOR_S && v->n_blocks < SQ_V90_MAX_BLOCKS;
    if (start_up) {
        double power = 0.0;
        for (size_t i = 0; i < n; i++)
            power += (double)x[i] * x[i];
        v->block_power[v->n_blocks++] = n ? power / (double)n : 0.0;
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t at = first_sample + i;
        v->ring[at % SQ_V90_RING] = x[i];
        v->period[at % PERIOD] = x[i];
        if (at % PERIOD == PERIOD - 1)
            line_period(v, at + 1);
        if (v->filled < WINDOW + MAX_LAG)
            v->filled++;
        if (++v->since_window >= WINDOW && v->filled == WINDOW + MAX_LAG) {
            v->since_window = 0;
            if (start_up)
                correlate_window(v, at + 1 - (WINDOW + MAX_LAG));
        }
        keep(v, at, x[i]);
        keep_phase4(v, at, x[i]);
    }
}

/* Mean power of the blocks in [t0, t1), or of the block t0 falls in when none starts there. */
static double mean_power(const sq_v90_reader *v, double t0, double t1)
{
    double sum = 0.0;
    size_t n = 0;
    for (size_t i = 0; i < v->n_blocks; i++) {
        double t = v->start_s + (double)i * SQ_WIDEBAND_BLOCK / SQ_PROCESSING_RATE_HZ;
        if (t >= t0 && t < t1) {
            sum += v->block_power[i];
            n++;
        }
    }
    if (n == 0 && t0 >= v->start_s) {   /* shorter than a block: the one it starts in */
        size_t i = (size_t)floor((t0 - v->start_s) / BLOCK_S);
        return i < v->n_blocks ? v->block_power[i] : 0.0;
    }
    return n ? sum / (double)n : 0.0;
}

int sq_v90_reader_in_phase3(const sq_decoder *d)
{
    return d->v90.reading && d->v90.n_lines == 1;
}

/* TRN1d and Jd after Sd (v90_jd.c), from the samples kept from Sd-bar's end to next_s (DIL
 * or Ri, or the stretch's end). */
static int read_jd(const sq_v90_reader *v, const sq_v90_run *sd, double next_s, sq_v90_jd_read *jd)
{
    uint64_t sd_end = (uint64_t)llround(sd->end_s * SQ_PROCESSING_RATE_HZ);
    uint64_t next = (uint64_t)llround(next_s * SQ_PROCESSING_RATE_HZ);
    if (!v->kept || v->kept_n == 0 || sd_end < v->kept_from || next <= sd_end)
        return 0;
    /* signs read a little past next (DIL's start is found up to a few ms early, before the last
     * Jd and Jd' have ended), and the equaliser's reach past the last one */
    uint64_t upto = next + JD_PAST_NEXT + SQ_V90_JD_REACH - v->kept_from;
    size_t n = upto < v->kept_n ? (size_t)upto : v->kept_n;
    return sq_v90_read_jd(v->kept, n, (size_t)(sd_end - v->kept_from), TRN1D_SEARCH, jd);
}

/* A periodic signal before the line taken for Sd: that line was not Sd (a V.34 modem's
 * own S and PP repeat too). One ECHO_POWER_RATIO or more under the line is the far modem's
 * phase 3 heard as an echo while this modem was quiet: it says nothing about this one. */
static int periodic_before(const sq_v90_reader *v, const sq_v90_run *sd)
{
    for (size_t i = 0; i < v->n_periodic && v->periodic[i].start_s < sd->start_s; i++)
        if (v->periodic[i].power / v->periodic[i].windows >= sd->power * ECHO_POWER_RATIO)
            return 1;
    return 0;
}

/* Mean power over [t0, t1): from the blocks while they were measured (the start-up's first
 * READ_FOR_S), else from the `n` samples kept from sample `from`. */
static double span_power(const sq_v90_reader *v, const float *kept, size_t n, uint64_t from, double t0, double t1)
{
    if (t1 <= v->start_s + (double)v->n_blocks * BLOCK_S)
        return mean_power(v, t0, t1);
    uint64_t a = (uint64_t)llround(t0 * SQ_PROCESSING_RATE_HZ), b = (uint64_t)llround(t1 * SQ_PROCESSING_RATE_HZ);
    double sum = 0.0;
    size_t count = 0;
    for (uint64_t m = a > from ? a : from; m < b && m - from < n; m++, count++)
        sum += (double)kept[m - from] * kept[m - from];
    return count ? sum / (double)count : 0.0;
}

/* TRN2d, MP and MP' after R (R i's in phase 4, Rd's in a renegotiation) as v90_phase4.c reads
 * them from the `n` samples kept from sample `from`, in the constellations of the far CPt,
 * placed through the equaliser TRN1d was read with: queued, and where they end (0 when they
 * were not read); *cleardown when an MP asks 0 bit/s (V.90 9.7). With data_snr, the data's
 * SNR after them, in the far CP's. */
static double name_phase4(sq_decoder *d, const sq_v90_run *ri, const sq_v90_jd_read *jd, int channel,
                          const float *kept, size_t n, uint64_t from, int data_snr, int *cleardown)
{
    sq_v90_reader *v = &d->v90;
    /* TRN2d follows R-bar: from its reversal, or where the line ended in a gap */
    uint64_t mark = (uint64_t)llround((ri->mark_s > 0.0 ? ri->mark_s : ri->end_s) * SQ_PROCESSING_RATE_HZ);
    sq_v90_phase4_read p4;
    *cleardown = 0;
    if (!v->have_phase4 || !n || mark < from)
        return 0.0;
    /* the codes as they came, before the decoder's DC blocker */
    float *x = malloc(n * sizeof *x);
    if (!x)
        return 0.0;
    sq_dc_block_undo(d->dc.pole, kept, x, n);
    int trn2d = sq_v90_read_phase4(x, n, (size_t)(mark - from), ri->mark_s > 0.0 ? TRN2D_SEARCH : TRN2D_SEARCH_GAP,
                                   jd->taps, &v->phase4, &p4);
    if (!trn2d && !data_snr && v->have_fit4 && mark >= from + PERIOD) {
        /* a renegotiation with no TRN2d (9.6.1.1.1: optional): MP from R-bar d's end, read
         * through phase 4's equaliser from a frame's start (one or two before it: R-bar d's
         * frames read as nothing) */
        p4 = v->fit4;
        uint64_t first = mark - PERIOD, off = (first % PERIOD + PERIOD - v->fit4_frame % PERIOD) % PERIOD;
        first += off ? PERIOD - off : 0;
        if (!sq_v90_read_mps_through(x, n, (size_t)(first - from), &v->phase4, &p4)) {
            free(x);
            return 0.0;
        }
    } else if (!trn2d) {
        free(x);
        return 0.0;
    } else if (data_snr) {   /* phase 4's: kept for a renegotiation's MPs */
        v->fit4 = p4;
        v->fit4_frame = from + p4.trn2d_start;
        v->have_fit4 = 1;
    }
    sq_event ev;
    memset(&ev, 0, sizeof ev);
    ev.fsk_channel = channel;
    if (trn2d) {
        ev.type = SQ_EVENT_V90_TRN2D;
        ev.start_s = fmax(ri->end_s, seconds(from + p4.trn2d_start));
        ev.end_s = seconds(from + p4.runs[0].start);
        ev.level_dbm0 = sq_power_to_dbm0(span_power(v, kept, n, from, ev.start_s, ev.end_s));
        ev.snr_db = p4.snr_db;
        sq_event_pool_queue(&d->pool, &ev, -1);
        ev.snr_db = 0.0;
    }
    ev.type = SQ_EVENT_V90_MP;
    ev.crc_ok = 1;
    for (size_t i = 0; i < p4.n_runs; i++) {
        const sq_v90_mp_run *run = &p4.runs[i];
        ev.start_s = seconds(from + run->start);
        ev.end_s = seconds(from + run->end);
        ev.level_dbm0 = sq_power_to_dbm0(span_power(v, kept, n, from, ev.start_s, ev.end_s));
        ev.repeats = run->repeats;
        ev.mp = run->mp;
        ev.rate = 2400 * run->mp.rate_answer_to_call;
        *cleardown |= run->mp.rate_answer_to_call == 0;
        sq_event_pool_queue(&d->pool, &ev, -1);
    }
    /* B1d and the data after Ed, in CP's constellations, through the same equaliser */
    size_t data_from = p4.runs[p4.n_runs - 1].end + DATA_AFTER_MP;
    double snr_db;
    if (data_snr && v->have_data && sq_v90_data_snr(x, n, data_from, &p4, &v->data, &snr_db))
        v->data_snr_db = snr_db;
    free(x);
    return ev.end_s;
}

/* The samples kept from before a line starting at start_s (the last kept from before it), or
 * -1. */
static int kept_for(const sq_v90_reader *v, double start_s)
{
    int found = -1;
    for (size_t k = 0; k < v->n_keptr; k++)
        if (seconds(v->keptr_from[k]) <= start_s)
            found = (int)k;
    return found;
}

/* After phase 4 (data from data_s to end_s): each R heard in the data, Rd, starts a rate
 * renegotiation or a cleardown (V.90 9.6.1, 9.7: Rd, R-bar d, TRN2d, MP, MP', Ed, then B1d
 * and data, or nothing after a cleardown's MPs). Named with its TRN2d and MPs where they are
 * read, and the data cut about them (v->spans). */
static void name_renegotiation(sq_decoder *d, double data_s, double end_s, const sq_v90_jd_read *jd, int channel)
{
    sq_v90_reader *v = &d->v90;
    double from_s = data_s;
    int training = 0, named = 0;
    for (size_t i = 0; i < v->n_lines && v->n_spans < SQ_V90_MAX_RD; i++) {
        const sq_v90_run *rd = &v->lines[i];
        int k = kept_for(v, rd->start_s);
        if (rd->start_s < from_s + RD_AFTER_RI_S / 2 || rd->end_s > end_s || k < 0)
            continue;
        v->spans[v->n_spans++] = (sq_v90_span){ from_s, rd->start_s, training };
        named = 1;
        sq_event ev;
        memset(&ev, 0, sizeof ev);
        ev.type = SQ_EVENT_V90_RI;
        ev.renegotiation = 1;
        ev.start_s = rd->start_s;
        ev.end_s = rd->end_s;
        ev.level_dbm0 = sq_power_to_dbm0(rd->power);
        ev.freq_hz = (double)SQ_PROCESSING_RATE_HZ / PERIOD;
        ev.fsk_channel = channel;
        ev.n_reversals = rd->mark_s > 0.0;
        ev.reversals_s[0] = rd->mark_s;
        sq_event_pool_queue(&d->pool, &ev, -1);
        int cleardown;
        double mp_end_s = name_phase4(d, rd, jd, channel, v->keptr[k], v->keptr_n[k], v->keptr_from[k], 0, &cleardown);
        if (mp_end_s > rd->end_s && mp_end_s < end_s && cleardown)
            return;   /* a cleardown's MPs: nothing of its after them */
        training = !(mp_end_s > rd->end_s && mp_end_s < end_s);   /* its MPs unread: training, then data */
        from_s = training ? rd->end_s : mp_end_s;
    }
    if (named)
        v->spans[v->n_spans++] = (sq_v90_span){ from_s, end_s, training };
}

int sq_v90_reader_name(sq_decoder *d, double start_s, double end_s, int channel, double *data_s)
{
    sq_v90_reader *v = &d->v90;
    *data_s = start_s;
    if (v->run.periods && v->run.end <= (uint64_t)llround(end_s * SQ_PROCESSING_RATE_HZ)) {
        settle_line(v);
        v->held = v->run;   /* a line the stretch ended in */
        v->run.periods = 0;
    }
    settle_line(v);
    /* Sd opens the digital modem's phase 3, before any DIL; without it nothing is named */
    const sq_v90_run *sd = v->n_lines ? &v->lines[0] : NULL, *ri = NULL, *dil = NULL;
    if (!sd || sd->start_s < start_s - BLOCK_S || sd->end_s > end_s || (!d->both_sides && periodic_before(v, sd)))
        return 0;
    for (size_t i = 0; i < v->n_lines && !ri; i++)
        if (v->lines[i].start_s > sd->end_s && v->lines[i].end_s <= end_s)
            ri = &v->lines[i];
    sq_v90_run dil_run;
    for (size_t i = 0; i < v->n_periodic && !dil; i++)
        if (v->periodic[i].start_s >= sd->end_s && (!ri || v->periodic[i].end_s <= ri->start_s + PERIODIC_GAP_S)) {
            /* DIL is one sequence sent over and over until Ri: later runs of its period are more
             * of it, broken where the other modem (on one channel: its phase 4) drowned it */
            dil_run = v->periodic[i];
            for (size_t j = i + 1; j < v->n_periodic; j++) {
                const sq_v90_run *more = &v->periodic[j];
                if (fabs(more->mark_s - dil_run.mark_s) < 0.5 / SQ_PROCESSING_RATE_HZ &&
                    (!ri || more->end_s <= ri->start_s + PERIODIC_GAP_S)) {
                    dil_run.end_s = more->end_s;
                    dil_run.power += more->power;
                    dil_run.windows += more->windows;
                }
            }
            dil = &dil_run;
        }
    /* with both modems on one channel the analogue modem's Ja can hide Sd, and a line taken
     * for it then would be Ri, with nothing of phase 3 after it: a DIL or an Ri after it
     * (with no DIL asked for, Ri follows TRN1d and Jd) is asked for. That, not the periodic
     * signals before it, tells it from a V.34 modem's: the other modem's are there at any
     * level (a V.92 analogue modem's tone A, 13 dB under the digital one's Sd, had hidden the
     * whole of its phase 3 and 4) */
    if (d->both_sides && !dil && !ri)
        return 0;
    sq_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SQ_EVENT_V90_SD;
    ev.start_s = sd->start_s;
    ev.end_s = sd->end_s;
    ev.level_dbm0 = sq_power_to_dbm0(sd->power);
    ev.freq_hz = (double)SQ_PROCESSING_RATE_HZ / PERIOD;
    ev.fsk_channel = channel;
    ev.n_reversals = sd->mark_s > 0.0;   /* none heard where a gap took it */
    ev.reversals_s[0] = sd->mark_s;
    sq_event_pool_queue(&d->pool, &ev, -1);
    double next_s = dil ? dil->start_s : ri ? ri->start_s : end_s;
    sq_v90_jd_read jd;
    int have_jd = read_jd(v, sd, next_s, &jd);
    ev.type = SQ_EVENT_V90_TRN1D;   /* with Jd and Jd' where Jd is not read */
    /* from where the fit put its first sign (Sd's end as the line was timed may be a period
     * early through a band-limited line) */
    ev.start_s = have_jd ? fmax(sd->end_s, seconds(v->kept_from + jd.trn_start)) : sd->end_s;
    ev.end_s = have_jd ? seconds(v->kept_from + jd.trn_end) : next_s;
    ev.level_dbm0 = sq_power_to_dbm0(mean_power(v, ev.start_s, ev.end_s));
    ev.freq_hz = 0.0;
    ev.n_reversals = 0;
    ev.snr_db = have_jd ? jd.snr_db : 0.0;
    sq_event_pool_queue(&d->pool, &ev, -1);
    ev.snr_db = 0.0;
    if (have_jd) {   /* Jd, its repeats and Jd', to DIL */
        ev.type = SQ_EVENT_V90_JD;
        ev.start_s = ev.end_s;
        ev.end_s = next_s;
        ev.level_dbm0 = sq_power_to_dbm0(mean_power(v, ev.start_s, ev.end_s));
        ev.crc_ok = 1;
        ev.repeats = jd.frames;
        memset(ev.info_bits, 0, sizeof ev.info_bits);
        for (int i = 0; i < SQ_V90_JD_BITS; i++)
            ev.info_bits[i / 8] |= (uint8_t)(jd.bits[i] << (i % 8));
        sq_event_pool_queue(&d->pool, &ev, -1);
        ev.crc_ok = 0;
        ev.repeats = 0;
        memset(ev.info_bits, 0, sizeof ev.info_bits);
    }
    double after_s = next_s;
    if (dil) {
        /* DIL ends where Ri begins (9.3.1.6); the last window may stop short of it */
        double dil_end_s = ri && ri->start_s - dil->end_s <= 2.0 * WINDOW / SQ_PROCESSING_RATE_HZ ? ri->start_s
                           : ri ? fmin(dil->end_s, ri->start_s) : dil->end_s;
        ev.type = SQ_EVENT_V90_DIL;
        ev.start_s = dil->start_s;
        ev.end_s = dil_end_s;
        ev.level_dbm0 = sq_power_to_dbm0(dil->power / dil->windows);
        ev.on_s = dil->mark_s;                 /* it repeats after this ... */
        ev.freq_hz = 1.0 / dil->mark_s;         /* ... so its lines are this far apart */
        ev.n_reversals = 0;
        sq_event_pool_queue(&d->pool, &ev, -1);
        after_s = dil_end_s;
    }
    if (ri) {
        ev.type = SQ_EVENT_V90_RI;
        ev.start_s = fmax(ri->start_s, after_s);
        ev.end_s = ri->end_s;
        ev.level_dbm0 = sq_power_to_dbm0(ri->power);
        ev.freq_hz = (double)SQ_PROCESSING_RATE_HZ / PERIOD;
        ev.on_s = 0.0;
        ev.n_reversals = ri->mark_s > 0.0;
        ev.reversals_s[0] = ri->mark_s;
        sq_event_pool_queue(&d->pool, &ev, -1);
        after_s = ri->end_s;
        int cleardown;
        double mp_end_s = have_jd ? name_phase4(d, ri, &jd, channel, v->kept4, v->kept4_n, v->kept4_from, 1, &cleardown)
                                  : 0.0;
        if (mp_end_s > after_s && mp_end_s < end_s)
            after_s = mp_end_s;
        if (have_jd)   /* phase 4's MPs read or not: what follows R i is data, then maybe Rd */
            name_renegotiation(d, after_s, end_s, &jd, channel);
    }
    *data_s = after_s;
    return 1;
}

void sq_decoder_far_cp(sq_decoder *d, const sq_decoder *far)
{
    if (!d || !far)
        return;
    /* the far modem's last: a retrain's phase 4 trains on the CPt of its own */
    sq_v90_reader *v = &d->v90;
    if (far->v34.cpt_len)
        v->have_phase4 = sq_v90_mapping_from_cp(far->v34.cpt_bits, far->v34.cpt_len, 1, &v->phase4) == 0;
    if (far->v34.cp_len)
        v->have_data = sq_v90_mapping_from_cp(far->v34.cp_bits, far->v34.cp_len, 1, &v->data) == 0;
}

double sq_v90_reader_data_snr_db(const sq_decoder *d)
{
    return d->v90.data_snr_db;
}
