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
#include "squeal/dtmf.h"
#include "squeal/error.h"
#include "squeal/level.h"
#include "squeal/time_base.h"

#define WINDOW 205                /* 25.6 ms: 39 Hz resolution, rows are 73 Hz apart */
#define HOP 102                   /* a window every 12.8 ms, half overlapped */
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
#define HARMONIC_BELOW_DB 15.0    /* a column's second harmonic at least this far under it */

struct sq_dtmf_rx {
    double coeff[FILTERS];        /* 2 cos(w): each row's probes, each column's, each
                                   * column's second harmonic's */
    float window[WINDOW];         /* circular: the last WINDOW samples */
    size_t head, filled, since_eval;
    uint64_t n;                   /* samples seen */
    char candidate;               /* what the last windows showed, and how many in a row */
    int candidate_count, missing_count;
    char current;                 /* the digit taken, '\0' when none */
    sq_dtmf_digit on;             /* its record so far */
    double low_sum, high_sum;
    int level_windows;
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
            d->coeff[i * PROBES + k] = 2.0 * cos(2.0 * M_PI * f * (1.0 + spread[k]) / SQ_PROCESSING_RATE_HZ);
    }
    *out = d;
    return SQ_OK;
}

void sq_dtmf_rx_reset(sq_dtmf_rx *d)
{
    double coeff[FILTERS];
    memcpy(coeff, d->coeff, sizeof coeff);
    memset(d, 0, sizeof *d);
    memcpy(d->coeff, coeff, sizeof coeff);
}

/* Mean power of each of the twelve tones over the window, and of the whole window. */
static double measure(const sq_dtmf_rx *d, double tone_power[TONES])
{
    double s1[FILTERS] = { 0 }, s2[FILTERS] = { 0 }, total = 0.0;
    for (size_t i = 0; i < WINDOW; i++) {
        double x = d->window[(d->head + i) % WINDOW];
        total += x * x;
        for (int k = 0; k < FILTERS; k++) {
            double s = x + d->coeff[k] * s1[k] - s2[k];
            s2[k] = s1[k];
            s1[k] = s;
        }
    }
    /* |X|^2 of a sine of amplitude A is (A N / 2)^2; its mean power is A^2 / 2 */
    for (int t = 0; t < TONES; t++) {
        tone_power[t] = 0.0;
        for (int k = t * PROBES; k < (t + 1) * PROBES; k++) {
            double p = 2.0 * (s1[k] * s1[k] + s2[k] * s2[k] - d->coeff[k] * s1[k] * s2[k]) / ((double)WINDOW * WINDOW);
            tone_power[t] = fmax(tone_power[t], p);
        }
    }
    return total / WINDOW;
}

/* Index of the strongest of four, if every other is OTHERS_BELOW_DB under it; else -1. */
static int clear_winner(const double *p)
{
    int best = 0;
    for (int i = 1; i < 4; i++)
        if (p[i] > p[best])
            best = i;
    double limit = p[best] * pow(10.0, -OTHERS_BELOW_DB / 10.0);
    for (int i = 0; i < 4; i++)
        if (i != best && p[i] > limit)
            return -1;
    return best;
}

/* The digit this window shows, or '\0'. */
static char classify(const sq_dtmf_rx *d, double *low, double *high)
{
    double p[TONES];
    double total = measure(d, p);
    int row = clear_winner(p), col = clear_winner(p + 4);
    if (row < 0 || col < 0)
        return '\0';
    *low = p[row];
    *high = p[4 + col];
    double floor = sq_dbm0_to_power(MIN_TONE_DBM0);
    double twist_db = 10.0 * log10(*high / *low);
    if (*low < floor || *high < floor || twist_db < -TWIST_NORMAL_DB || twist_db > TWIST_REVERSE_DB)
        return '\0';
    if (*low + *high < MIN_SHARE * total)
        return '\0';
    /* a key's tones are pure; a note of music or a harmonic of a voice has overtones */
    if (p[8 + col] > *high * pow(10.0, -HARMONIC_BELOW_DB / 10.0))
        return '\0';
    return DTMF_KEYS[row][col];
}

/* The digit is over: it ended with the last window that still showed it. */
static void release(sq_dtmf_rx *d)
{
    d->on.low_dbm0 = sq_power_to_dbm0(d->low_sum / d->level_windows);
    d->on.high_dbm0 = sq_power_to_dbm0(d->high_sum / d->level_windows);
    if (d->q_len < QUEUE)
        d->queue[(d->q_head + d->q_len++) % QUEUE] = d->on;
    d->current = '\0';
}

static void evaluate(sq_dtmf_rx *d)
{
    double low = 0.0, high = 0.0;
    char c = classify(d, &low, &high);
    uint64_t window_start = d->n - WINDOW;
    if (c && c == d->current) {
        d->missing_count = 0;
        d->low_sum += low;
        d->high_sum += high;
        d->level_windows++;
        d->on.end_sample = d->n;
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
                                 .end_sample = d->n };
        d->low_sum = low;
        d->high_sum = high;
        d->level_windows = 1;
    }
}

void sq_dtmf_rx_process(sq_dtmf_rx *d, const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        d->window[d->head] = x[i];
        d->head = (d->head + 1) % WINDOW;
        d->n++;
        if (d->filled < WINDOW)
            d->filled++;
        if (++d->since_eval >= HOP && d->filled == WINDOW) {
            d->since_eval = 0;
            evaluate(d);
        }
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
