/* Call-progress tone transmitter (include/squeal/progress.h). */
#include <math.h>
#include <stdlib.h>
#include "dsp/progress_tones.h"
#include "squeal/error.h"
#include "squeal/level.h"

#define TWO_PI 6.283185307179586

struct sq_progress_tx {
    progress_tone_spec spec;
    double rate_hz, peak;
    size_t total, pos, on_samples, cycle_samples;
    double ph1, ph2, step1, step2;
};

const char *sq_progress_kind_to_str(sq_progress_kind k)
{
    static const char *const names[] = { "dial_tone", "ringback", "busy", "reorder" };
    return (unsigned)k < SQ_PROGRESS_KIND_COUNT ? names[k] : "unknown";
}

void sq_progress_default_params(sq_progress_kind kind, sq_progress_plan plan, uint32_t sample_rate_hz,
                                sq_progress_params *p)
{
    p->kind = kind;
    p->plan = plan;
    p->sample_rate_hz = sample_rate_hz;
    int ok = (unsigned)kind < SQ_PROGRESS_KIND_COUNT && (plan == SQ_PROGRESS_NORTH_AMERICA || plan == SQ_PROGRESS_EUROPE);
    p->level_dbm0 = ok ? PROGRESS_SPECS[plan][kind].level_dbm0 : -13.0;
    p->duration_s = 0.0;
}

int sq_progress_tx_create(const sq_progress_params *p, sq_progress_tx **out)
{
    *out = NULL;
    if (!p || (unsigned)p->kind >= SQ_PROGRESS_KIND_COUNT ||
        (p->plan != SQ_PROGRESS_NORTH_AMERICA && p->plan != SQ_PROGRESS_EUROPE) || p->sample_rate_hz < 8000 ||
        p->sample_rate_hz > 48000 || !(p->level_dbm0 >= -50.0 && p->level_dbm0 <= -3.0) ||
        !(p->duration_s == 0.0 || (p->duration_s >= 0.1 && p->duration_s <= 3600.0)))
        return SQ_EINVAL;
    sq_progress_tx *g = calloc(1, sizeof *g);
    if (!g)
        return SQ_ENOMEM;
    g->spec = PROGRESS_SPECS[p->plan][p->kind];
    g->rate_hz = p->sample_rate_hz;
    g->peak = sq_dbm0_to_sine_peak(p->level_dbm0);
    g->total = (size_t)llround((p->duration_s > 0 ? p->duration_s : g->spec.default_s) * g->rate_hz);
    g->on_samples = (size_t)llround(g->spec.on_s * g->rate_hz);
    g->cycle_samples = (size_t)llround((g->spec.on_s + g->spec.off_s) * g->rate_hz);
    g->step1 = TWO_PI * g->spec.f1_hz / g->rate_hz;
    g->step2 = TWO_PI * g->spec.f2_hz / g->rate_hz;
    *out = g;
    return SQ_OK;
}

size_t sq_progress_tx_generate(sq_progress_tx *g, float *out, size_t n)
{
    size_t k = 0;
    for (; k < n && g->pos < g->total; k++, g->pos++) {
        int on = g->cycle_samples == 0 || g->pos % g->cycle_samples < g->on_samples;
        double x = sin(g->ph1) + (g->spec.f2_hz > 0 ? sin(g->ph2) : 0.0);
        out[k] = on ? (float)(g->peak * x) : 0.0f;
        g->ph1 = fmod(g->ph1 + g->step1, TWO_PI);
        g->ph2 = fmod(g->ph2 + g->step2, TWO_PI);
    }
    return k;
}

size_t sq_progress_tx_remaining(const sq_progress_tx *g)
{
    return g->total - g->pos;
}

void sq_progress_tx_destroy(sq_progress_tx *g)
{
    free(g);
}
