/* Band powers and recent history for the decoder's lanes (band_watch.h). */
#include <math.h>
#include <string.h>
#include "dsp/fft_plan.h"
#include "squeal/error.h"
#include "squeal/time_base.h"
#include "dsp/receiver_rest.h"
#include "src/decode/band_watch.h"
#include "src/decode/decoder_internal.h"

#define BIN_HZ ((double)SQ_PROCESSING_RATE_HZ / SQ_BAND_WATCH_FFT)
/* a resting receiver's history, before the chunk, is still held once the chunk is in */
_Static_assert(SQ_RECEIVER_RECALL_MAX + SQ_DECODER_CHUNK <= SQ_BAND_WATCH_HISTORY, "what receivers ask back is held");
_Static_assert(SQ_BAND_WATCH_HISTORY % SQ_BAND_WATCH_HOP == 0 && SQ_BAND_WATCH_FFT % SQ_BAND_WATCH_HOP == 0,
               "a hop's samples never wrap the ring");

int sq_band_watch_init(sq_band_watch *w)
{
    memset(w, 0, sizeof *w);
    w->in = fftwf_alloc_real(SQ_BAND_WATCH_FFT);
    w->out = fftwf_alloc_complex(SQ_BAND_WATCH_FFT / 2 + 1);
    if (!w->in || !w->out)
        return SQ_ENOMEM;
    w->plan = sq_fft_plan_r2c(SQ_BAND_WATCH_FFT, w->in, w->out);
    if (!w->plan)
        return SQ_ENOMEM;
    static const double a[4] = { 0.35875, 0.48829, 0.14128, 0.01168 };
    double sum_sq = 0.0;
    for (int i = 0; i < SQ_BAND_WATCH_FFT; i++) {
        double t = 2.0 * M_PI * i / SQ_BAND_WATCH_FFT;
        w->window[i] = (float)(a[0] - a[1] * cos(t) + a[2] * cos(2 * t) - a[3] * cos(3 * t));
        sum_sq += (double)w->window[i] * w->window[i];
    }
    /* one-sided: a bin holds its mirror's power too; Parseval over the window's energy */
    w->scale = 2.0 / (sum_sq * SQ_BAND_WATCH_FFT);
    return SQ_OK;
}

void sq_band_watch_free(sq_band_watch *w)
{
    if (w->plan)
        sq_fft_plan_destroy(w->plan);
    fftwf_free(w->in);
    fftwf_free(w->out);
    w->plan = NULL;
    w->in = NULL;
    w->out = NULL;
}

int sq_band_watch_add_band(sq_band_watch *w, double lo_hz, double hi_hz)
{
    if (w->n_bands == SQ_BAND_WATCH_MAX_BANDS || !(lo_hz < hi_hz))
        return -1;
    double lo = ceil(fmax(lo_hz, 0.0) / BIN_HZ), hi = floor(fmin(hi_hz, SQ_PROCESSING_RATE_HZ / 2.0) / BIN_HZ);
    w->band_lo[w->n_bands] = (size_t)lo;
    w->band_hi[w->n_bands] = (size_t)fmax(lo, hi);
    w->top_bin = w->band_hi[w->n_bands] > w->top_bin ? w->band_hi[w->n_bands] : w->top_bin;
    return (int)w->n_bands++;
}

/* out = ring * window over one hop: a loop of fixed length, so it vectorises */
static void windowed_hop(float *restrict out, const float *restrict ring, const float *restrict window)
{
    for (size_t i = 0; i < SQ_BAND_WATCH_HOP; i++)
        out[i] = ring[i] * window[i];
}

/* The spectrum of the last FFT-length samples; each band's peak takes it in. */
static void hop(sq_band_watch *w)
{
    for (size_t h = 0; h < SQ_BAND_WATCH_FFT; h += SQ_BAND_WATCH_HOP)   /* a hop never wraps the ring */
        windowed_hop(w->in + h, w->history + (w->samples - SQ_BAND_WATCH_FFT + h) % SQ_BAND_WATCH_HISTORY,
                     w->window + h);
    fftwf_execute(w->plan);
    /* the power below each bin, once: a band's is then one difference (the 14 bands overlap
     * and span 160 bins between them) */
    double below[SQ_BAND_WATCH_FFT / 2 + 2];
    below[0] = 0.0;
    for (size_t k = 0; k <= w->top_bin; k++)   /* no band reaches past top_bin */
        below[k + 1] = below[k] + ((double)w->out[k][0] * w->out[k][0] + (double)w->out[k][1] * w->out[k][1]);
    for (size_t b = 0; b < w->n_bands; b++) {
        double p = (below[w->band_hi[b] + 1] - below[w->band_lo[b]]) * w->scale;
        w->peak[b] = w->hopped && w->peak[b] > p ? w->peak[b] : p;
    }
    w->hopped = 1;
}

void sq_band_watch_push(sq_band_watch *w, const float *x, size_t n)
{
    w->hopped = 0;
    for (size_t i = 0; i < n;) {
        /* up to the hop's end: the ring holds whole hops, so this never wraps */
        size_t take = SQ_BAND_WATCH_HOP - w->since_hop;
        take = n - i < take ? n - i : take;
        float *to = w->history + w->samples % SQ_BAND_WATCH_HISTORY;
        memcpy(to, x + i, take * sizeof *x);   /* the decoder's DC blocker has guarded x */
        w->samples += take;
        w->since_hop += take;
        i += take;
        if (w->since_hop == SQ_BAND_WATCH_HOP) {
            w->since_hop = 0;
            w->segments++;
            if (w->samples >= SQ_BAND_WATCH_FFT && (!w->sparse || w->segments % SQ_BAND_WATCH_SPARSE_HOPS == 0))
                hop(w);
        }
    }
}

void sq_band_watch_sparse(sq_band_watch *w, int on)
{
    w->sparse = on;
}

const float *sq_band_watch_last(const sq_band_watch *w, uint64_t before, float *out, size_t n)
{
    sq_band_watch_recent(w, before - n, out, n);
    return out;
}

double sq_band_watch_peak(const sq_band_watch *w, int band)
{
    return w->peak[band];
}

uint64_t sq_band_watch_oldest(const sq_band_watch *w)
{
    return w->samples > SQ_BAND_WATCH_HISTORY ? w->samples - SQ_BAND_WATCH_HISTORY : 0;
}

void sq_band_watch_recent(const sq_band_watch *w, uint64_t from, float *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = w->history[(from + i) % SQ_BAND_WATCH_HISTORY];
}

uint64_t sq_band_watch_wake_from(const sq_band_watch *w, uint64_t now, uint64_t preroll, uint64_t asleep_since)
{
    uint64_t from = now > preroll ? now - preroll : 0;
    if (from < sq_band_watch_oldest(w))
        from = sq_band_watch_oldest(w);
    return from < asleep_since ? asleep_since : from;
}

void sq_band_watch_replay(const sq_band_watch *w, uint64_t from, uint64_t to,
                          void (*listen)(void *ctx, void *lane, const float *x, size_t n), void *ctx, void *lane)
{
    float past[256];
    while (from < to) {
        size_t n = to - from < 256 ? (size_t)(to - from) : 256;
        sq_band_watch_recent(w, from, past, n);
        listen(ctx, lane, past, n);
        from += n;
    }
}
