/* DTMF receiver (include/squeal/dtmf.h): Goertzel filters over the last 25.6 ms, evaluated
 * every 12.8 ms; a digit is taken after two agreeing windows and released after two windows
 * without it. A 25.6 ms window's response falls 5 dB only 22 Hz from its centre, so each
 * tone is probed at its nominal frequency and 1.5% either side (the tolerance Q.24 asks
 * receivers to accept), and the strongest probe is its level: the twist and the share are
 * then measured on the tones as sent, not on where they fell between the filters. The
 * column tone's second harmonic is measured too: a key's tones are pure, while a note of
 * music or a voice's harmonic that happens to fall on a column has overtones. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "dsp/dtmf_keypad.h"
#include "dsp/receiver_rest.h"
#include "dsp/sample_ring.h"
#include "dsp/goertzel8.h"
#include "squeal/dtmf.h"
#include "squeal/error.h"
#include "squeal/level.h"
#include "squeal/time_base.h"

#define WINDOW 205                /* 25.6 ms: 39 Hz resolution, rows are 73 Hz apart */
#define HOP 102                   /* a window every 12.8 ms, half overlapped */
#define HISTORY (WINDOW + HOP)    /* samples kept: the window before the last can be looked at */
#define MIN_TONE_DBM0 -36.0
#define OTHERS_BELOW_DB 8.0       /* every other tone of the group this far under the best */
#define TWIST_NORMAL_DB 8.0       /* column may be this much under the row ... */
#define TWIST_REVERSE_DB 4.0      /* ... or this much over it */
#define MIN_SHARE 0.70            /* the two tones' share of the window's power */
#define WINDOWS_TO_TAKE 2
#define WINDOWS_TO_RELEASE 2
#define QUEUE 64
#define PROBES 3                  /* per tone: nominal, -1.5%, +1.5% */
#define PROBE_SPREAD 0.015
#define TONES 12                  /* four rows, four columns, the columns' second harmonics */
#define FILTERS (TONES * PROBES)
#define BANKS ((FILTERS + 3) / 4)  /* of four filters side by side (goertzel8.h) */
#define HARMONIC_BELOW_DB 15.0    /* a column's second harmonic at least this far under it */
#define CROWDED_WITHIN_DB 6.0     /* a crowded window's pair this near a digit's: a chord */
#define CROWDED_KEPT 16           /* crowded windows remembered: those from just before a digit
                                     to its release, and a few more */

/* A window whose strongest row and column were a key's, with another tone of a group too
 * close to call. */
typedef struct crowded_window {
    uint64_t end;                 /* 0: none */
    int key;                      /* row * 4 + column */
    double low, high;             /* the row's and column's power in it */
} crowded_window;

struct sq_dtmf_rx {
    float coeff[BANKS * 4];       /* 2 cos(w), probe by probe: the twelve tones at their
                                   * nominal frequency (rows, columns, the columns' second
                                   * harmonics), then 1.5% below, then 1.5% above */
    double ratio_others, twist_low, twist_high, ratio_harmonic, ratio_crowded, floor_power;
    float history[2 * HISTORY];   /* each sample twice, HISTORY apart: the last HISTORY
                                   * samples are always history[clock.head .. + HISTORY) */
    int skipped;                  /* the last window due was not looked at (idle: one in two) */
    int unkept;                   /* history left out at rest (sq_dtmf_rx_rest_unkept) */
    sq_window_clock clock;
    uint64_t n;                   /* samples seen */
    char candidate;               /* what the last windows showed, and how many in a row */
    int candidate_count, missing_count;
    char current;                 /* the digit taken, '\0' when none */
    sq_dtmf_digit on;             /* its record so far */
    double low_sum, high_sum;
    int level_windows;
    uint64_t overtone_end;        /* the end of the last window that showed a key's pair but
                                     the column tone's harmonic too (0: none) */
    crowded_window crowded[CROWDED_KEPT];   /* the last ones, oldest overwritten */
    size_t crowded_next;
    sq_dtmf_digit queue[QUEUE];
    size_t q_head, q_len;
};

int sq_dtmf_rx_create(sq_dtmf_rx **out)
{
    *out = NULL;
    sq_dtmf_rx *d = calloc(1, sizeof *d);
    if (!d)
        return SQ_ENOMEM;
    static const double spread[PROBES] = { 0.0, -PROBE_SPREAD, PROBE_SPREAD };
    for (int i = 0; i < TONES; i++) {
        double f = i < 4 ? DTMF_ROW_HZ[i] : i < 8 ? DTMF_COL_HZ[i - 4] : 2.0 * DTMF_COL_HZ[i - 8];
        for (int k = 0; k < PROBES; k++)
            d->coeff[k * TONES + i] = (float)(2.0 * cos(2.0 * M_PI * f * (1.0 + spread[k]) / SQ_PROCESSING_RATE_HZ));
    }
    /* the rules as power ratios, so that no window takes a logarithm */
    d->ratio_others = pow(10.0, -OTHERS_BELOW_DB / 10.0);
    d->twist_low = pow(10.0, -TWIST_NORMAL_DB / 10.0);
    d->twist_high = pow(10.0, TWIST_REVERSE_DB / 10.0);
    d->ratio_harmonic = pow(10.0, -HARMONIC_BELOW_DB / 10.0);
    d->ratio_crowded = pow(10.0, -CROWDED_WITHIN_DB / 10.0);
    d->floor_power = sq_dbm0_to_power(MIN_TONE_DBM0);
    *out = d;
    return SQ_OK;
}

void sq_dtmf_rx_reset(sq_dtmf_rx *d)
{
    sq_dtmf_rx keep = *d;
    memset(d, 0, sizeof *d);
    memcpy(d->coeff, keep.coeff, sizeof d->coeff);
    d->ratio_others = keep.ratio_others;
    d->twist_low = keep.twist_low;
    d->twist_high = keep.twist_high;
    d->ratio_harmonic = keep.ratio_harmonic;
    d->ratio_crowded = keep.ratio_crowded;
    d->floor_power = keep.floor_power;
}

/* The window that ended `back` samples ago. */
static const float *window_at(const sq_dtmf_rx *d, size_t back)
{
    return d->history + d->clock.head + HISTORY - back - WINDOW;
}

/* Mean power, over the window, of each tone (the strongest of its probes) into tone_power;
 * returns the window's mean power. The filters run side by side in single precision: a
 * window is 205 samples, far too short for float's rounding to matter to these rules. */
static double measure(const sq_dtmf_rx *d, size_t back, double tone_power[TONES])
{
    const float *x = window_at(d, back);
    double p[BANKS * 4];
    double total = sq_goertzel_banks(x, WINDOW, d->coeff, BANKS, p);
    for (int t = 0; t < TONES; t++)
        tone_power[t] = 0.0;
    for (int k = 0; k < FILTERS; k++)
        tone_power[k % TONES] = fmax(tone_power[k % TONES], p[k]);
    return total;
}

/* A first look with the rows' and columns' nominal filters only (a ninth of the work, eight
 * filters side by side in single precision, which the compiler runs as one vector): most
 * windows (quiet, wideband data, speech) show no row and column pair worth the full
 * measurement. A tone 1.5% off reads up to 5 dB low on its nominal filter, hence the
 * margins. */
static int worth_measuring(const sq_dtmf_rx *d, size_t back)
{
    double p[8], row = 0.0, col = 0.0;
    double floor = d->floor_power / 4.0;
    if (!sq_goertzel_may_reach(sq_block_mean_power(window_at(d, back), WINDOW), floor))
        return 0;   /* a quiet window: neither a row nor a column can reach the floor */
    double total = sq_goertzel8(window_at(d, back), WINDOW, d->coeff, p);
    for (int i = 0; i < 4; i++) {
        row = fmax(row, p[i]);
        col = fmax(col, p[4 + i]);
    }
    return row >= floor && col >= floor && row + col >= 0.25 * MIN_SHARE * total;
}

/* Index of the strongest of four. */
static int strongest(const double *p)
{
    int best = 0;
    for (int i = 1; i < 4; i++)
        if (p[i] > p[best])
            best = i;
    return best;
}

/* Index of the strongest of four, if every other is OTHERS_BELOW_DB under it; else -1. */
static int clear_winner(const double *p, double ratio_others)
{
    int best = strongest(p);
    double limit = p[best] * ratio_others;
    for (int i = 0; i < 4; i++)
        if (i != best && p[i] > limit)
            return -1;
    return best;
}

/* The window that ended `back` samples ago has a key's row and column as the strongest of
 * their groups, over the floor, but another tone of a group too close to them to call: a
 * chord (notes on a row, a column and another column) is this most of the time it sounds,
 * and a key only in the windows where the third note fades. */
static void note_crowded(sq_dtmf_rx *d, size_t back, const double *p)
{
    int row = strongest(p), col = strongest(p + 4);
    if (p[row] >= d->floor_power && p[4 + col] >= d->floor_power)
        d->crowded[d->crowded_next++ % CROWDED_KEPT] = (crowded_window){ d->n - back, row * 4 + col, p[row], p[4 + col] };
}

/* The digit this window shows, or '\0'. looked: the first look has passed it already. */
static char classify(sq_dtmf_rx *d, size_t back, int looked, double *low, double *high)
{
    if (!looked && !worth_measuring(d, back))
        return '\0';
    double p[TONES];
    double total = measure(d, back, p);
    int row = clear_winner(p, d->ratio_others), col = clear_winner(p + 4, d->ratio_others);
    if (row < 0 || col < 0) {
        note_crowded(d, back, p);
        return '\0';
    }
    *low = p[row];
    *high = p[4 + col];
    if (*low < d->floor_power || *high < d->floor_power)
        return '\0';
    /* a key's tones are pure; a note of music or a harmonic of a voice has overtones (looked
     * at before the pair's balance and share, which a chord's notes fit now and then) */
    if (p[8 + col] > *high * d->ratio_harmonic) {
        d->overtone_end = d->n - back;
        return '\0';
    }
    if (*high < *low * d->twist_low || *high > *low * d->twist_high || *low + *high < MIN_SHARE * total)
        return '\0';
    return DTMF_KEYS[row][col];
}

/* A window that showed key k's row and column crowded by a third tone ended at most two hops
 * before the digit began, or since (as the overtones, below), with the pair as strong as in
 * the digit (within CROWDED_WITHIN_DB; its mean powers low and high): a chord around it. An
 * edge of a key, only partly in its window, smears into the tones beside it, but is weaker
 * for it (a quarter of the power with half the window). */
static int crowded_beside(const sq_dtmf_rx *d, int k, double low, double high)
{
    for (size_t i = 0; i < CROWDED_KEPT; i++) {
        const crowded_window *w = &d->crowded[i];
        if (w->end && w->key == k && w->end + 2 * HOP >= d->on.start_sample && w->low >= low * d->ratio_crowded &&
            w->high >= high * d->ratio_crowded)
            return 1;
    }
    return 0;
}

/* The digit is over: it ended with the last window that still showed it. It is a key's only
 * if no window from just before it to now showed its pair with an overtone: a note of music
 * on a row and a column frequency has overtones that come and go as its partials beat, and
 * between the windows that lose them it passed for a digit, taken and released again and
 * again ("111" from one chord: 5 in 8 h of the false-alarm bench's music, on four seeds).
 * Nor if a window as near showed its row and column crowded by a third tone: a key's tones
 * start from what was before them and stop, and the windows at its edges hold part of it
 * and part of that, not its pair and another tone of a group close to them, which a chord
 * holds for as long as it sounds (one on 770, 1209 and 1477 Hz, the last 6-12 dB down, was
 * key 4 for the two windows where that note was quietest: 38 ms in the bench's 8 h). */
static void release(sq_dtmf_rx *d)
{
    d->on.low_dbm0 = sq_power_to_dbm0(d->low_sum / d->level_windows);
    d->on.high_dbm0 = sq_power_to_dbm0(d->high_sum / d->level_windows);
    int overtones = d->overtone_end && d->overtone_end + 2 * HOP >= d->on.start_sample;
    int row = 0, col = 0;
    (void)dtmf_key_position(d->on.digit, &row, &col);
    int crowded = crowded_beside(d, row * 4 + col, d->low_sum / d->level_windows, d->high_sum / d->level_windows);
    if (!overtones && !crowded && d->q_len < QUEUE)
        d->queue[(d->q_head + d->q_len++) % QUEUE] = d->on;
    d->current = '\0';
}

/* Follows the digit with what the window that ended `back` samples ago showed (c, with its
 * tones' powers). */
static void follow(sq_dtmf_rx *d, size_t back, char c, double low, double high)
{
    uint64_t end = d->n - back, window_start = end - WINDOW;
    if (c && c == d->current) {
        d->missing_count = 0;
        d->low_sum += low;
        d->high_sum += high;
        d->level_windows++;
        d->on.end_sample = end;
        return;
    }
    if (d->current && ++d->missing_count >= WINDOWS_TO_RELEASE)
        release(d);
    d->candidate_count = c && c == d->candidate ? d->candidate_count + 1 : 1;
    d->candidate = c;
    if (c && !d->current && d->candidate_count >= WINDOWS_TO_TAKE) {
        d->current = c;
        d->missing_count = 0;
        d->on = (sq_dtmf_digit){ .digit = c, .start_sample = window_start - (uint64_t)HOP * (WINDOWS_TO_TAKE - 1),
                                 .end_sample = end };
        d->low_sum = low;
        d->high_sum = high;
        d->level_windows = 1;
    }
}

/* Looks at the window that ended `back` samples ago and follows the digit with it. */
static void evaluate(sq_dtmf_rx *d, size_t back)
{
    double low = 0.0, high = 0.0;
    char c = classify(d, back, 0, &low, &high);
    follow(d, back, c, low, high);
}

/* A window is due every HOP samples. While no digit is sounding or forming, only one in
 * two is looked at, with the cheap first look: a digit fills two windows running, so one
 * of any two contains it; when that look finds a row and a column and the full measurement
 * a digit, the window skipped before it is taken from the history and both are followed in
 * order. A digit is taken on two windows running, so when this one shows none, whatever
 * the one before showed would be forgotten at once: it is not measured (on V.21's channel
 * 1, whose 980 and 1180 Hz pass the first look as 941 and 1209 Hz, that took 40% off the receiver's time). */
static void window_due(sq_dtmf_rx *d)
{
    if (d->current || d->candidate) {
        evaluate(d, 0);
        d->skipped = 0;
        return;
    }
    if (!d->skipped) {
        d->skipped = 1;
        return;
    }
    d->skipped = 0;
    double low = 0.0, high = 0.0;
    char c = worth_measuring(d, 0) ? classify(d, 0, 1, &low, &high) : '\0';
    if (!c)
        return;   /* neither window can start a digit: nothing to follow */
    if (d->n >= HISTORY)
        evaluate(d, HOP);
    follow(d, 0, c, low, high);
}

/* Keeps samples up to the one with which a window falls due (dsp/sample_ring.h). */
static size_t keep_samples(sq_dtmf_rx *d, const float *x, size_t n, int *due)
{
    size_t take = sq_ring_keep_to_window(d->history, HISTORY, &d->clock, WINDOW, HOP, x, n, due);
    d->n += take;
    return take;
}

void sq_dtmf_rx_process(sq_dtmf_rx *d, const float *x, size_t n)
{
    for (size_t i = 0; i < n;) {
        int due;
        i += keep_samples(d, x + i, n - i, &due);
        if (due)
            window_due(d);
    }
}

void sq_dtmf_rx_rest_unkept(sq_dtmf_rx *d, const float *x, size_t n)
{
    if (d->current || d->candidate) {
        sq_dtmf_rx_process(d, x, n);
        return;
    }
    d->unkept = 1;
    for (size_t i = 0; i < n;) {
        int due;
        size_t take = sq_ring_skip_to_window(HISTORY, &d->clock, WINDOW, HOP, n - i, &due);
        d->n += take;
        i += take;
        if (due)
            d->skipped = !d->skipped;   /* as sq_dtmf_rx_rest */
    }
}

_Static_assert(HISTORY <= SQ_RECEIVER_RECALL_MAX, "what a rest leaves out can be asked back");
size_t sq_dtmf_rx_history_wanted(const sq_dtmf_rx *d)
{
    return !d->unkept ? 0 : d->n < HISTORY ? (size_t)d->n : HISTORY;   /* windows read back HOP + WINDOW */
}

void sq_dtmf_rx_recall(sq_dtmf_rx *d, const float *last, size_t m)
{
    sq_ring_recall(d->history, HISTORY, d->clock.head, last, m);
    d->unkept = 0;
}

void sq_dtmf_rx_rest(sq_dtmf_rx *d, const float *x, size_t n)
{
    if (d->current || d->candidate) {
        sq_dtmf_rx_process(d, x, n);
        return;
    }
    for (size_t i = 0; i < n;) {
        int due;
        i += keep_samples(d, x + i, n - i, &due);
        if (due)
            d->skipped = !d->skipped;   /* window_due with nothing to start a digit */
    }
}

int sq_dtmf_rx_next(sq_dtmf_rx *d, sq_dtmf_digit *out)
{
    if (d->q_len == 0)
        return SQ_EAGAIN;
    *out = d->queue[d->q_head];
    d->q_head = (d->q_head + 1) % QUEUE;
    d->q_len--;
    return SQ_OK;
}

char sq_dtmf_rx_current(const sq_dtmf_rx *d)
{
    return d->current;
}

void sq_dtmf_rx_destroy(sq_dtmf_rx *d)
{
    free(d);
}
