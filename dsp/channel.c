/* Telephone line model (include/squeal/channel.h). */
#include <complex.h>
#include <math.h>
#include <soxr.h>
#include <stdlib.h>
#include <string.h>
#include "dsp/fir.h"
#include "squeal/channel.h"
#include "squeal/error.h"
#include "squeal/noise.h"
#include "squeal/time_base.h"

#define HILBERT_TAPS 63
#define BAND_TAPS 127
#define CLOCK_FIFO 8192          /* power of two */
#define CLOCK_FIFO_START 1536    /* 192 ms of silence first: soxr hands out ~800 samples at a time */
#define CLOCK_CHUNK 256

struct sq_channel {
    sq_channel_params p;
    double gain;
    float hilbert[HILBERT_TAPS], band[BAND_TAPS];
    float line_h[2 * HILBERT_TAPS], line_b[2 * BAND_TAPS];
    size_t pos_h, pos_b;
    double complex rot, step;
    uint64_t n;
    sq_noise *noise;
    soxr_t clock;                /* NULL when both clocks agree */
    float fifo[CLOCK_FIFO];
    size_t fifo_head, fifo_count;
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
    size_t nh = sq_fir_design_lowpass(3400.0, 3650.0, 50.0, SQ_PROCESSING_RATE_HZ, hi, BAND_TAPS);
    size_t nl = sq_fir_design_lowpass(200.0, 450.0, 50.0, SQ_PROCESSING_RATE_HZ, lo, BAND_TAPS);
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
        !(p->noise_rms >= 0.0) || !(fabs(p->clock_ppm) <= 1000.0))
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
    c->step = cexp(I * 2.0 * M_PI * p->foff_hz / SQ_PROCESSING_RATE_HZ);
    design(c);
    if (p->clock_ppm != 0.0) {
        soxr_error_t err = NULL;
        soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
        soxr_quality_spec_t q = soxr_quality_spec(SOXR_HQ, 0);
        c->clock = soxr_create(SQ_PROCESSING_RATE_HZ, SQ_PROCESSING_RATE_HZ * (1.0 + p->clock_ppm * 1e-6), 1, &err, &io, &q, NULL);
        if (!c->clock || err) {
            sq_channel_destroy(c);
            return SQ_ENOMEM;
        }
        c->fifo_count = CLOCK_FIFO_START;   /* calloc: silence */
    }
    *out = c;
    return SQ_OK;
}

static void fifo_put(sq_channel *c, const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (c->fifo_count == CLOCK_FIFO) {   /* full: lose the oldest */
            c->fifo_head = (c->fifo_head + 1) & (CLOCK_FIFO - 1);
            c->fifo_count--;
        }
        c->fifo[(c->fifo_head + c->fifo_count++) & (CLOCK_FIFO - 1)] = x[i];
    }
}

/* Resamples by the clock ratio; hands out exactly n samples (silence if the FIFO ran dry). */
static void clock_skew(sq_channel *c, const float *in, float *out, size_t n)
{
    for (size_t done = 0; done < n;) {
        size_t len = n - done < CLOCK_CHUNK ? n - done : CLOCK_CHUNK;
        float buf[2 * CLOCK_CHUNK];
        size_t used = 0, made = 0;
        soxr_error_t err = soxr_process(c->clock, in + done, len, &used, buf, 2 * CLOCK_CHUNK, &made);
        (void)err;   /* soxr fails only on bad arguments, and these are fixed */
        fifo_put(c, buf, made);
        done += used ? used : len;
    }
    for (size_t i = 0; i < n; i++) {
        out[i] = c->fifo_count ? c->fifo[c->fifo_head] : 0.0f;
        if (c->fifo_count) {
            c->fifo_head = (c->fifo_head + 1) & (CLOCK_FIFO - 1);
            c->fifo_count--;
        }
    }
}

void sq_channel_process(sq_channel *c, const float *in, float *out, size_t n)
{
    if (c->clock) {
        clock_skew(c, in, out, n);
        in = out;
    }
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
    if (c->clock)
        soxr_delete(c->clock);
    free(c);
}
