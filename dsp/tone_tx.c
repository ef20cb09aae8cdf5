/* Answer, calling and guard tone generator (include/squeal/tone.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "squeal/error.h"
#include "squeal/level.h"
#include "squeal/tone.h"

#define TWO_PI 6.283185307179586

typedef struct tone_spec {
    const char *name;
    double freq_hz;
    double level_dbm0;    /* default transmit level */
    double duration_s;    /* default total duration */
    double on_s, off_s;   /* cadence; off_s == 0 means continuous */
    int am;               /* 15 Hz AM (ANSam) */
    int reversals;        /* 180 degree reversal every 450 ms */
} tone_spec;

/* Levels: V.2 caps data at -13 dBm0; answer tones are sent 1 dB above that, as SPANDSP does
 * for ANS/ (-12 dBm0). Guard tones are relative to a -13 dBm0 data signal (V.22 2.2):
 * 1800 Hz 6 dB below, 550 Hz 3 dB below. Durations: ANS 3.3 s (V.25: 3.3 +/- 0.7 s), ANSam
 * 5 s (V.8 7.2: at most 5 +/- 1 s), Bell 2.6 s, cadenced tones two full cycles. */
static const tone_spec SPECS[SQ_TONE_KIND_COUNT] = {
    [SQ_TONE_ANS]        = { "ans",       2100.0, -12.0, 3.3, 0, 0, 0, 0 },
    [SQ_TONE_ANS_PR]     = { "ans_pr",    2100.0, -12.0, 3.3, 0, 0, 0, 1 },
    [SQ_TONE_ANSAM]      = { "ansam",     2100.0, -12.0, 5.0, 0, 0, 1, 0 },
    [SQ_TONE_ANSAM_PR]   = { "ansam_pr",  2100.0, -12.0, 5.0, 0, 0, 1, 1 },
    [SQ_TONE_CT]         = { "ct",        1300.0, -13.0, 5.2, 0.6, 2.0, 0, 0 },
    [SQ_TONE_CNG]        = { "cng",       1100.0, -13.0, 7.0, 0.5, 3.0, 0, 0 },
    [SQ_TONE_BELL_ANS]   = { "bell_ans",  2225.0, -12.0, 2.6, 0, 0, 0, 0 },
    [SQ_TONE_GUARD_550]  = { "guard550",   550.0, -16.0, 2.0, 0, 0, 0, 0 },
    [SQ_TONE_GUARD_1800] = { "guard1800", 1800.0, -19.0, 2.0, 0, 0, 0, 0 },
};

#define ANSAM_AM_HZ 15.0        /* V.8 7.2: 15 +/- 0.1 Hz */
#define ANSAM_AM_DEPTH 0.2      /* V.8 7.2: envelope 0.8 .. 1.2 of the average */
#define REVERSAL_PERIOD_S 0.45  /* V.25: 450 +/- 25 ms */

struct sq_tonegen {
    sq_tone_params p;
    const tone_spec *spec;
    double amplitude;
    double phase_step, am_step;
    size_t total_samples, on_samples, cycle_samples, reversal_samples;
    size_t pos;
    double phase, am_phase;
};

static int kind_valid(sq_tone_kind k)
{
    return (int)k >= 0 && k < SQ_TONE_KIND_COUNT;
}

double sq_tone_nominal_hz(sq_tone_kind kind)
{
    return kind_valid(kind) ? SPECS[kind].freq_hz : 0.0;
}

double sq_tone_default_level_dbm0(sq_tone_kind kind)
{
    return kind_valid(kind) ? SPECS[kind].level_dbm0 : 0.0;
}

double sq_tone_default_duration_s(sq_tone_kind kind)
{
    return kind_valid(kind) ? SPECS[kind].duration_s : 0.0;
}

const char *sq_tone_kind_to_str(sq_tone_kind kind)
{
    return kind_valid(kind) ? SPECS[kind].name : "unknown";
}

int sq_tone_kind_from_str(const char *name, sq_tone_kind *kind)
{
    if (!name || !kind)
        return SQ_EINVAL;
    for (int k = 0; k < SQ_TONE_KIND_COUNT; k++) {
        if (strcmp(name, SPECS[k].name) == 0) {
            *kind = (sq_tone_kind)k;
            return SQ_OK;
        }
    }
    return SQ_EINVAL;
}

void sq_tone_default_params(sq_tone_kind kind, uint32_t sample_rate_hz, sq_tone_params *p)
{
    memset(p, 0, sizeof *p);
    p->kind = kind;
    p->sample_rate_hz = sample_rate_hz;
    p->level_dbm0 = sq_tone_default_level_dbm0(kind);
    p->duration_s = 0.0;
}

static size_t seconds_to_samples(double s, uint32_t rate)
{
    return (size_t)llround(s * (double)rate);
}

int sq_tonegen_create(const sq_tone_params *p, sq_tonegen **out)
{
    if (!out)
        return SQ_EINVAL;
    *out = NULL;
    if (!p || !kind_valid(p->kind) || p->sample_rate_hz < 8000 || p->sample_rate_hz > 48000 ||
        !(p->level_dbm0 >= -60.0 && p->level_dbm0 <= 3.0) || !(p->duration_s >= 0.0) ||
        p->duration_s > 3600.0 || !(fabs(p->freq_offset_hz) <= 100.0))
        return SQ_EINVAL;
    sq_tonegen *g = calloc(1, sizeof *g);
    if (!g)
        return SQ_ENOMEM;
    g->p = *p;
    g->spec = &SPECS[p->kind];
    double rate = (double)p->sample_rate_hz;
    double duration = p->duration_s > 0.0 ? p->duration_s : g->spec->duration_s;
    /* The level is the tone's mean power; the AM adds m^2/2 of power, so scale it out. */
    double am_power = g->spec->am ? 1.0 + ANSAM_AM_DEPTH * ANSAM_AM_DEPTH / 2.0 : 1.0;
    g->amplitude = sq_dbm0_to_sine_peak(p->level_dbm0) / sqrt(am_power);
    g->phase_step = TWO_PI * (g->spec->freq_hz + p->freq_offset_hz) / rate;
    g->am_step = TWO_PI * ANSAM_AM_HZ / rate;
    g->total_samples = seconds_to_samples(duration, p->sample_rate_hz);
    g->on_samples = seconds_to_samples(g->spec->on_s, p->sample_rate_hz);
    g->cycle_samples = seconds_to_samples(g->spec->on_s + g->spec->off_s, p->sample_rate_hz);
    g->reversal_samples = seconds_to_samples(REVERSAL_PERIOD_S, p->sample_rate_hz);
    *out = g;
    return SQ_OK;
}

void sq_tonegen_reset(sq_tonegen *g)
{
    if (!g)
        return;
    g->pos = 0;
    g->phase = 0.0;
    g->am_phase = 0.0;
}

size_t sq_tonegen_remaining(const sq_tonegen *g)
{
    return g->pos < g->total_samples ? g->total_samples - g->pos : 0;
}

size_t sq_tonegen_generate(sq_tonegen *g, float *out, size_t n)
{
    size_t todo = sq_tonegen_remaining(g);
    if (todo > n)
        todo = n;
    const tone_spec *s = g->spec;
    for (size_t i = 0; i < todo; i++, g->pos++) {
        int on = 1;
        if (s->off_s > 0.0)
            on = (g->pos % g->cycle_samples) < g->on_samples;
        /* A reversal is an exact pi step of the phase at a sample boundary, which meets the
         * V.25 rule (180 +/- 10 degrees within 1 ms) by construction. */
        if (s->reversals && g->pos > 0 && g->pos % g->reversal_samples == 0)
            g->phase += TWO_PI / 2.0;
        double env = 1.0;
        if (s->am)
            env += ANSAM_AM_DEPTH * sin(g->am_phase);
        out[i] = on ? (float)(g->amplitude * env * cos(g->phase)) : 0.0f;
        g->phase = fmod(g->phase + g->phase_step, TWO_PI);
        g->am_phase = fmod(g->am_phase + g->am_step, TWO_PI);
    }
    return todo;
}

void sq_tonegen_destroy(sq_tonegen *g)
{
    free(g);
}
