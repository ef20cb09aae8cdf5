/* Continuous-phase binary FSK modulator (include/squeal/fsk.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "squeal/error.h"
#include "squeal/fsk.h"
#include "squeal/level.h"

#define TWO_PI 6.283185307179586

/* Spec section 2.1. V.21: the lower tone is binary 1; Bell 103: the higher tone is. */
const sq_fsk_params SQ_FSK_V21_CH1 = { "v21ch1", 980.0, 1180.0, 300.0 };
const sq_fsk_params SQ_FSK_V21_CH2 = { "v21ch2", 1650.0, 1850.0, 300.0 };
const sq_fsk_params SQ_FSK_BELL103_ORIG = { "bell103orig", 1270.0, 1070.0, 300.0 };
const sq_fsk_params SQ_FSK_BELL103_ANS = { "bell103ans", 2225.0, 2025.0, 300.0 };

struct sq_fskmod {
    sq_fsk_params p;
    double rate, amplitude;
    double phase, bit_phase, bit_step;
    uint8_t *queue;
    size_t cap, head, count;
};

void sq_fskmod_default_params(const sq_fsk_params *fsk, sq_fskmod_params *p)
{
    memset(p, 0, sizeof *p);
    if (fsk)
        p->fsk = *fsk;
    p->sample_rate_hz = SQ_PROCESSING_RATE_HZ;
    p->level_dbm0 = -13.0;
    p->queue_bits = 512;
}

int sq_fskmod_create(const sq_fskmod_params *params, sq_fskmod **out)
{
    if (!out)
        return SQ_EINVAL;
    *out = NULL;
    if (!params)
        return SQ_EINVAL;
    sq_fsk_params shifted = params->fsk;
    shifted.mark_hz += params->offset_hz;
    shifted.space_hz += params->offset_hz;
    const sq_fsk_params *p = &shifted;
    uint32_t sample_rate_hz = params->sample_rate_hz;
    double level_dbm0 = params->level_dbm0;
    size_t queue_bits = params->queue_bits;
    if (sample_rate_hz < 8000 || sample_rate_hz > 48000 || queue_bits == 0 ||
        !(level_dbm0 >= -60.0 && level_dbm0 <= 3.0) || !(p->baud > 0.0 && p->baud <= 1200.0) ||
        !(p->mark_hz > 0.0 && p->mark_hz < sample_rate_hz / 2.0) ||
        !(p->space_hz > 0.0 && p->space_hz < sample_rate_hz / 2.0))
        return SQ_EINVAL;
    sq_fskmod *m = calloc(1, sizeof *m);
    if (!m)
        return SQ_ENOMEM;
    m->queue = malloc(queue_bits);
    if (!m->queue) {
        free(m);
        return SQ_ENOMEM;
    }
    m->p = *p;
    m->cap = queue_bits;
    m->rate = sample_rate_hz;
    m->amplitude = sq_dbm0_to_sine_peak(level_dbm0);
    m->bit_step = p->baud / m->rate;
    *out = m;
    return SQ_OK;
}

size_t sq_fskmod_push_bits(sq_fskmod *m, const uint8_t *bits, size_t n)
{
    size_t taken = 0;
    while (taken < n && m->count < m->cap) {
        m->queue[(m->head + m->count) % m->cap] = bits[taken++] ? 1 : 0;
        m->count++;
    }
    return taken;
}

size_t sq_fskmod_pending_bits(const sq_fskmod *m)
{
    return m->count;
}

void sq_fskmod_truncate(sq_fskmod *m, size_t keep)
{
    if (keep < m->count)
        m->count = keep;
}

void sq_fskmod_generate(sq_fskmod *m, float *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int bit = m->count ? m->queue[m->head] : 1;
        double f = bit ? m->p.mark_hz : m->p.space_hz;
        out[i] = (float)(m->amplitude * cos(m->phase));
        m->phase = fmod(m->phase + TWO_PI * f / m->rate, TWO_PI);
        m->bit_phase += m->bit_step;
        if (m->bit_phase >= 1.0) {
            m->bit_phase -= 1.0;
            if (m->count) {
                m->head = (m->head + 1) % m->cap;
                m->count--;
            }
        }
    }
}

void sq_fskmod_reset(sq_fskmod *m)
{
    if (!m)
        return;
    m->phase = m->bit_phase = 0.0;
    m->head = m->count = 0;
}

void sq_fskmod_destroy(sq_fskmod *m)
{
    if (!m)
        return;
    free(m->queue);
    free(m);
}
