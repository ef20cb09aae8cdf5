/* V.34 phase 3 and 4 modulator (dsp/v34.h): each 2D symbol is a square-root raised-cosine
 * pulse on the carrier. V.34 leaves the pulse to the implementer (its spectrum masks only
 * bound it). The roll-off is 25 % where the band allows, less where the carrier sits close to
 * half the symbol rate from 0 Hz or from 4 kHz (3200 on 1829 Hz, 3429 on 1959 Hz), so that
 * no part of the signal folds over either edge of the 8 kHz sampled line. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "dsp/rrc.h"
#include "dsp/v34.h"
#include "squeal/error.h"
#include "squeal/level.h"
#include "squeal/time_base.h"

#define MAX_ROLLOFF 0.25
#define MIN_ROLLOFF 0.1
#define SPAN 8.0                      /* symbols each side of a pulse's centre */
#define HISTORY 32                    /* symbols kept: > 2 * SPAN + 1 */

struct sq_v34_tx {
    double T;                         /* samples a symbol */
    double w;                         /* carrier, radians a sample */
    double rolloff;
    float scale;
    float complex sym[HISTORY];       /* symbol k at sym[k % HISTORY] */
    uint64_t queued;                  /* symbols queued */
    uint64_t n;                       /* the next sample to write */
};

int sq_v34_tx_create(double symbol_rate, double carrier_hz, double level_dbm0, sq_v34_tx **out)
{
    *out = NULL;
    if (!(symbol_rate >= 2000.0 && symbol_rate <= 3500.0) || !(carrier_hz > 0.0 && carrier_hz < 3000.0))
        return SQ_EINVAL;
    sq_v34_tx *t = calloc(1, sizeof *t);
    if (!t)
        return SQ_ENOMEM;
    t->T = SQ_PROCESSING_RATE_HZ / symbol_rate;
    t->w = 2.0 * M_PI * carrier_hz / SQ_PROCESSING_RATE_HZ;
    double room = fmin(carrier_hz, SQ_PROCESSING_RATE_HZ / 2.0 - carrier_hz) - symbol_rate / 2.0;
    t->rolloff = fmax(MIN_ROLLOFF, fmin(MAX_ROLLOFF, 0.9 * room / (symbol_rate / 2.0)));
    /* the pulse has unit energy, so symbols of mean power 2 make a passband power of 1 */
    t->scale = (float)sqrt(sq_dbm0_to_power(level_dbm0));
    *out = t;
    return SQ_OK;
}

void sq_v34_tx_symbol(sq_v34_tx *t, float complex point)
{
    t->sym[t->queued % HISTORY] = point;
    t->queued++;
}

static float sample_at(const sq_v34_tx *t, uint64_t n)
{
    double pos = (double)n / t->T;     /* in symbols */
    long first = (long)ceil(pos - SPAN), last = (long)floor(pos + SPAN);
    double complex acc = 0.0;
    for (long k = first < 0 ? 0 : first; k <= last && k < (long)t->queued; k++)
        acc += t->sym[k % HISTORY] * sq_rrc_pulse(pos - (double)k, t->rolloff, SPAN);
    double phase = fmod(t->w * (double)n, 2.0 * M_PI);
    return t->scale * (float)(creal(acc) * cos(phase) - cimag(acc) * sin(phase));
}

static size_t write_until(sq_v34_tx *t, double end_pos, float *out, size_t max)
{
    size_t w = 0;
    while (w < max && (double)t->n / t->T <= end_pos)
        out[w++] = sample_at(t, t->n++);
    return w;
}

size_t sq_v34_tx_read(sq_v34_tx *t, float *out, size_t max)
{
    /* sample n is complete once every symbol within SPAN of it is queued */
    return t->queued ? write_until(t, (double)(t->queued - 1) - SPAN, out, max) : 0;
}

size_t sq_v34_tx_flush(sq_v34_tx *t, float *out, size_t max)
{
    return t->queued ? write_until(t, (double)(t->queued - 1) + SPAN, out, max) : 0;
}

void sq_v34_tx_destroy(sq_v34_tx *t)
{
    free(t);
}
