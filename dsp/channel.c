/* Telephone line model (include/squeal/channel.h). */
#include <complex.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "dsp/fir.h"
#include "squeal/channel.h"
#include "squeal/error.h"
#include "squeal/noise.h"

#define HILBERT_TAPS 63
#define BAND_TAPS 127

struct sq_channel {
    sq_channel_params p;
    double gain;
    float hilbert[HILBERT_TAPS], band[BAND_TAPS];
    float line_h[2 * HILBERT_TAPS], line_b[2 * BAND_TAPS];
    size_t pos_h, pos_b;
    double complex rot, step;
    uint64_t n;
    sq_noise *noise;
};

/* Real FIR over a doubled delay line. */
static float fir_step(const float *taps, size_t n, float *line, size_t *pos, float x)
{
    line[*pos] = x;
    line[*pos + n] = x;
    *pos = *pos + 1 == n ? 0 : *pos + 1;
    const float *l = line + *pos;
    float acc = 0.0f;
    for (size_t i = 0; i < n; i++)
        acc += taps[i] * l[i];
    return acc;
}

static void design(sq_channel *c)
{
    /* Hilbert transformer: 2 / (pi k) at odd offsets k, Blackman-windowed. */
    int mid = HILBERT_TAPS / 2;
    for (int i = 0; i < HILBERT_TAPS; i++) {
        int k = i - mid;
        double w = 0.42 - 0.5 * cos(2 * M_PI * i / (HILBERT_TAPS - 1)) +
                   0.08 * cos(4 * M_PI * i / (HILBERT_TAPS - 1));
        /* fir_step applies taps oldest-first, i.e. time-reversed: hence the minus sign */
        c->hilbert[i] = (float)(k % 2 ? -w * 2.0 / (M_PI * k) : 0.0);
    }
    /* Band pass 300-3400 Hz as the difference of two low-passes of the same length. */
    float hi[BAND_TAPS], lo[BAND_TAPS];
    memset(hi, 0, sizeof hi);
    memset(lo, 0, sizeof lo);
    size_t nh = sq_fir_design_lowpass(3400.0, 3650.0, 50.0, 8000.0, hi, BAND_TAPS);
    size_t nl = sq_fir_design_lowpass(200.0, 450.0, 50.0, 8000.0, lo, BAND_TAPS);
    size_t oh = (BAND_TAPS - nh) / 2, ol = (BAND_TAPS - nl) / 2;
    memset(c->band, 0, sizeof c->band);
    for (size_t i = 0; i < nh; i++)
        c->band[oh + i] += hi[i];
    for (size_t i = 0; i < nl; i++)
        c->band[ol + i] -= lo[i];
}

int sq_channel_create(const sq_channel_params *p, sq_channel **out)
{
    if (!out)
        return SQ_EINVAL;
    *out = NULL;
    if (!p || !(p->gain_db >= -60.0 && p->gain_db <= 20.0) || !(fabs(p->foff_hz) <= 100.0) ||
        !(p->noise_rms >= 0.0))
        return SQ_EINVAL;
    sq_channel *c = calloc(1, sizeof *c);
    if (!c)
        return SQ_ENOMEM;
    if (sq_noise_create(p->seed, &c->noise) != SQ_OK) {
        free(c);
        return SQ_ENOMEM;
    }
    c->p = *p;
    c->gain = pow(10.0, p->gain_db / 20.0);
    c->rot = 1.0;
    c->step = cexp(I * 2.0 * M_PI * p->foff_hz / 8000.0);
    design(c);
    *out = c;
    return SQ_OK;
}

void sq_channel_process(sq_channel *c, const float *in, float *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        float x = in[i];
        if (c->p.bandlimit)
            x = fir_step(c->band, BAND_TAPS, c->line_b, &c->pos_b, x);
        if (c->p.foff_hz != 0.0) {
            float q = fir_step(c->hilbert, HILBERT_TAPS, c->line_h, &c->pos_h, x);
            /* the in-phase part, delayed to line up with the Hilbert output */
            float d = c->line_h[c->pos_h + HILBERT_TAPS / 2];
            double complex y = ((double)d + I * (double)q) * c->rot;
            c->rot *= c->step;
            if ((++c->n & 1023u) == 0)
                c->rot /= cabs(c->rot);
            x = (float)creal(y);
        }
        out[i] = (float)(c->gain * x);
    }
    if (c->p.noise_rms > 0.0)
        sq_noise_add(c->noise, out, n, c->p.noise_rms);
}

void sq_channel_destroy(sq_channel *c)
{
    if (!c)
        return;
    sq_noise_destroy(c->noise);
    free(c);
}
