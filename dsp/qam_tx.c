/* 600-baud QAM/PSK modulator (dsp/qam.h): RRC pulses on a complex carrier.
 *
 * Time is counted in thirds of a sample, since one symbol is exactly 40/3 samples at
 * 8 kHz: symbol k becomes needed at 40k thirds and is centred SPAN later, so every pulse
 * value a sample can need sits in one table with a third-of-a-sample step. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "dsp/qam.h"
#include "dsp/rrc.h"
#include "squeal/error.h"
#include "squeal/level.h"
#include "squeal/time_base.h"

#define THIRDS_PER_SYMBOL 40
#define SPAN_THIRDS 100            /* SQ_RRC_SPAN_SYMBOLS * 40 */
#define PULSE_LEN (2 * SPAN_THIRDS + 1)
#define LIVE 8                     /* symbols that can overlap one sample (5), rounded up */

struct sq_qam_tx {
    float pulse[PULSE_LEN];
    float complex symbols[LIVE];
    uint64_t next_symbol;          /* index of the next symbol to fetch */
    uint64_t n;                    /* samples made */
    double complex rot, step;      /* carrier phasor and its per-sample turn */
    float scale;
    double complex guard_rot, guard_step;
    float guard_amp;
};

int sq_qam_tx_create(double carrier_hz, double level_dbm0, int guard_hz, sq_qam_tx **out)
{
    if (!out)
        return SQ_EINVAL;
    *out = NULL;
    if (!(carrier_hz > 0.0 && carrier_hz < 4000.0) || !(level_dbm0 >= -60.0 && level_dbm0 <= 0.0) ||
        (guard_hz != 0 && guard_hz != 550 && guard_hz != 1800))
        return SQ_EINVAL;
    sq_qam_tx *t = calloc(1, sizeof *t);
    if (!t)
        return SQ_ENOMEM;
    double energy = 0.0;
    for (int d = -SPAN_THIRDS; d <= SPAN_THIRDS; d++) {
        t->pulse[d + SPAN_THIRDS] = (float)sq_rrc((double)d / THIRDS_PER_SYMBOL);
        energy += (double)t->pulse[d + SPAN_THIRDS] * t->pulse[d + SPAN_THIRDS];
    }
    /* V.22 2.2: 1800 Hz guard 6 dB below the data, 550 Hz 3 dB below; the total stays at
     * the set level. */
    double guard_rel_db = guard_hz == 1800 ? -6.0 : -3.0;
    double data_power = sq_dbm0_to_power(level_dbm0);
    if (guard_hz) {
        double share = pow(10.0, guard_rel_db / 10.0);
        data_power /= 1.0 + share;
        t->guard_amp = (float)sqrt(2.0 * data_power * share);
        t->guard_rot = 1.0;
        t->guard_step = cexp(I * 2.0 * M_PI * guard_hz / SQ_PROCESSING_RATE_HZ);
    }
    /* Mean |s|^2 of the complex envelope = grid power * sum(pulse^2) / 40 (thirds to
     * samples, then per symbol); the real passband signal has half of it. */
    double envelope_power = SQ_QAM_GRID_POWER * energy / THIRDS_PER_SYMBOL;
    t->scale = (float)sqrt(data_power / (envelope_power / 2.0));
    t->rot = 1.0;
    t->step = cexp(I * 2.0 * M_PI * carrier_hz / SQ_PROCESSING_RATE_HZ);
    *out = t;
    return SQ_OK;
}

void sq_qam_tx_generate(sq_qam_tx *t, float *out, size_t n, sq_qam_symbol_fn next, void *user)
{
    for (size_t i = 0; i < n; i++, t->n++) {
        uint64_t now = 3 * t->n;
        while ((uint64_t)THIRDS_PER_SYMBOL * t->next_symbol <= now) {
            t->symbols[t->next_symbol % LIVE] = next(user);
            t->next_symbol++;
        }
        float complex s = 0.0f;
        /* symbols whose pulse covers now: centre 40k + SPAN within SPAN of now */
        for (uint64_t k = t->next_symbol; k-- > 0;) {
            int64_t d = (int64_t)now - (int64_t)(THIRDS_PER_SYMBOL * k + SPAN_THIRDS);
            if (d <= -SPAN_THIRDS)
                continue;
            if (d >= SPAN_THIRDS)
                break;
            s += t->symbols[k % LIVE] * t->pulse[d + SPAN_THIRDS];
        }
        double complex c = s * t->rot;
        float y = t->scale * (float)creal(c);
        if (t->guard_amp != 0.0f) {
            y += t->guard_amp * (float)creal(t->guard_rot);
            t->guard_rot *= t->guard_step;
        }
        out[i] = y;
        t->rot *= t->step;
        if ((t->n & 1023) == 0) {   /* keep the phasors on the unit circle */
            t->rot /= cabs(t->rot);
            if (t->guard_amp != 0.0f)
                t->guard_rot /= cabs(t->guard_rot);
        }
    }
}

void sq_qam_tx_destroy(sq_qam_tx *t)
{
    free(t);
}
