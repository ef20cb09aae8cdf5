/* DTMF transmitter (include/squeal/dtmf.h): the digits one after another, each a row tone
 * plus a column tone, then a gap; ',' is a pause. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "dsp/dtmf_keypad.h"
#include "squeal/dtmf.h"
#include "squeal/error.h"
#include "squeal/level.h"

#define TWO_PI 6.283185307179586
#define MAX_DIGITS 256
#define HIGH_GROUP_BOOST_DB 2.0
#define EDGE_MS 2.0                  /* raised-cosine rise and fall of each digit */

struct sq_dtmf_tx {
    char digits[MAX_DIGITS + 1];
    size_t count, index;             /* digits, and the one being sent */
    size_t tone_samples, gap_samples, pause_samples, edge_samples;
    size_t pos;                      /* sample within the current digit's slot */
    double rate_hz, low_peak, high_peak;
    double low_step, high_step, low_phase, high_phase;
};

void sq_dtmf_default_params(uint32_t sample_rate_hz, sq_dtmf_params *p)
{
    p->sample_rate_hz = sample_rate_hz;
    p->level_dbm0 = -10.0;
    p->tone_ms = 95.0;
    p->gap_ms = 95.0;
    p->pause_s = 2.0;
}

int sq_dtmf_is_digit(char c)
{
    int r, k;
    return dtmf_key_position(c, &r, &k) == 0;
}

static int params_valid(const sq_dtmf_params *p)
{
    return p->sample_rate_hz >= 8000 && p->sample_rate_hz <= 48000 && p->level_dbm0 >= -40.0 &&
           p->level_dbm0 <= -3.0 && p->tone_ms >= 40.0 && p->tone_ms <= 1000.0 && p->gap_ms >= 40.0 &&
           p->gap_ms <= 1000.0 && p->pause_s >= 0.0 && p->pause_s <= 255.0;
}

static void start_digit(sq_dtmf_tx *g);

int sq_dtmf_tx_create(const sq_dtmf_params *p, const char *digits, sq_dtmf_tx **out)
{
    *out = NULL;
    if (!p || !digits || !params_valid(p) || strlen(digits) > MAX_DIGITS)
        return SQ_EINVAL;
    for (const char *c = digits; *c; c++)
        if (*c != ',' && !sq_dtmf_is_digit(*c))
            return SQ_EINVAL;
    sq_dtmf_tx *g = calloc(1, sizeof *g);
    if (!g)
        return SQ_ENOMEM;
    strcpy(g->digits, digits);
    g->count = strlen(digits);
    g->rate_hz = p->sample_rate_hz;
    g->tone_samples = (size_t)lround(p->tone_ms * 1e-3 * g->rate_hz);
    g->gap_samples = (size_t)lround(p->gap_ms * 1e-3 * g->rate_hz);
    g->pause_samples = (size_t)lround(p->pause_s * g->rate_hz);
    g->edge_samples = (size_t)lround(EDGE_MS * 1e-3 * g->rate_hz);
    g->low_peak = sq_dbm0_to_sine_peak(p->level_dbm0);
    g->high_peak = sq_dbm0_to_sine_peak(p->level_dbm0 + HIGH_GROUP_BOOST_DB);
    start_digit(g);
    *out = g;
    return SQ_OK;
}

static size_t slot_samples(const sq_dtmf_tx *g, size_t i)
{
    return g->digits[i] == ',' ? g->pause_samples : g->tone_samples + g->gap_samples;
}

static void start_digit(sq_dtmf_tx *g)
{
    int row, col;
    g->pos = 0;
    g->low_phase = g->high_phase = 0.0;
    if (g->index < g->count && dtmf_key_position(g->digits[g->index], &row, &col) == 0) {
        g->low_step = TWO_PI * DTMF_ROW_HZ[row] / g->rate_hz;
        g->high_step = TWO_PI * DTMF_COL_HZ[col] / g->rate_hz;
    }
}

/* 0..1: the digit's envelope at sample pos of its slot. */
static double envelope(const sq_dtmf_tx *g, size_t pos)
{
    if (pos >= g->tone_samples)
        return 0.0;
    size_t from_edge = pos < g->tone_samples - pos ? pos : g->tone_samples - 1 - pos;
    if (from_edge >= g->edge_samples)
        return 1.0;
    return 0.5 - 0.5 * cos(M_PI * ((double)from_edge + 0.5) / (double)g->edge_samples);
}

size_t sq_dtmf_tx_generate(sq_dtmf_tx *g, float *out, size_t n)
{
    size_t done = 0;
    while (done < n && g->index < g->count) {
        if (g->digits[g->index] == ',')
            out[done] = 0.0f;
        else {
            double e = envelope(g, g->pos);
            out[done] = (float)(e * (g->low_peak * sin(g->low_phase) + g->high_peak * sin(g->high_phase)));
            g->low_phase = fmod(g->low_phase + g->low_step, TWO_PI);
            g->high_phase = fmod(g->high_phase + g->high_step, TWO_PI);
        }
        done++;
        if (++g->pos >= slot_samples(g, g->index)) {
            g->index++;
            start_digit(g);
        }
    }
    return done;
}

size_t sq_dtmf_tx_remaining(const sq_dtmf_tx *g)
{
    if (g->index >= g->count)
        return 0;
    size_t left = slot_samples(g, g->index) - g->pos;
    for (size_t i = g->index + 1; i < g->count; i++)
        left += slot_samples(g, i);
    return left;
}

void sq_dtmf_tx_destroy(sq_dtmf_tx *g)
{
    free(g);
}
