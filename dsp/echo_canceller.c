/* Cross-channel echo canceller (include/squeal/echo_canceller.h).
 *
 * Each channel keeps its raw samples in a doubled ring, so any stretch of it, and the other
 * channel's samples up to the longest echo delay before it, are contiguous. Learning happens
 * once per block of BLOCK samples, for each channel y against the other channel x:
 *   1. gates: y carries something (above -80 dBFS), x is at least MIN_LOSS_DB louder over
 *      the stretch its echo could come from, and the fit in use (if any) does worse on this
 *      block than where it was learnt;
 *   2. the fit (dsp/echo_fit.h), which also wants x to fill the telephone band without
 *      repeating itself;
 *   3. kept if it removes MIN_REMOVED_DB of the block, and leaves less there than the fit in
 *      use. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "dsp/echo_fit.h"
#include "squeal/echo_canceller.h"
#include "squeal/error.h"
#include "squeal/time_base.h"

#define BLOCK 1024                 /* 128 ms */
#define MAX_LAG SQ_ECHO_MAX_LAG
/* Output is held back two blocks, so a fit applies to the block it was learnt on and to the
 * one before it: an echo is taken out from where the far side started to be heard alone,
 * not a block or two later. */
#define LATENCY (2 * BLOCK)
#define RING 32768                 /* 4.1 s: what a question about a past event can look at */
#define LEAD_BLOCKS (MAX_LAG / BLOCK)   /* the blocks before a block that can echo into it */
#define SPAN_MIN (4 * SQ_ECHO_TAPS)
/* -80 dBFS, as ECHO_FLOOR: an echo worth taking out is one to learn. A G.711 channel's idle
 * noise (near -73) passes, but no fit takes 10 dB out of noise (MIN_REMOVED_DB). At -70 a
 * call recorded 14 dB quieter (the 3Com one: echoes near -74) learnt no path at all. */
#define MIN_BLOCK_POWER 1e-8
#define MIN_LOSS_DB 10.0
#define MIN_REMOVED_DB 10.0
#define GOOD_REMOVED_DB 16.0       /* a fit this good is not tried again where it does as well */
#define REST_BLOCKS 8              /* after a fit that did no better: 1 s before the next */
#define BETTER_BY 0.8              /* a new fit replaces the one in use when it leaves 1 dB less */
#define MIN_FLATNESS 0.3
#define MAX_SAMPLE 16.0f
#define FRAME 160                  /* 20 ms: echo is told frame by frame */
#define FRAME_ACTIVE 1.585e-5      /* -48 dBFS: a frame a listener would take for a signal */
#define FRAME_ECHO_SHARE 0.9       /* of its power taken out as echo */
#define MIN_RUN_FRAMES 2
#define MAX_STRETCHES 64
#define PAST_BLOCKS ((LATENCY + MAX_LAG) / BLOCK + 2)
#define OFFSET_STEP 0.0039193      /* 1 - exp(-2 pi 5 Hz / 8 kHz): a pole at 5 Hz, as the
                                      decoder's DC blocker */
#define ECHO_FLOOR 1e-8            /* -80 dBFS: under a G.711 channel's idle noise */
#define ECHO_UNDER_OWN_DB 45.0     /* echo_matters */

_Static_assert(MAX_LAG + BLOCK <= RING, "a run and its lead-in fit in one copy");
_Static_assert(MAX_LAG == LEAD_BLOCKS * BLOCK && LEAD_BLOCKS <= PAST_BLOCKS, "a block's lead-in is whole blocks");
_Static_assert((RING & (RING - 1)) == 0 && RING >= LATENCY + BLOCK + MAX_LAG, "the ring holds a block's lead-in");
_Static_assert(SQ_ECHO_MAX_STRETCH >= BLOCK, "a block can be fitted");

/* Stretches of echo, frame by frame over what is given back. */
typedef struct echo_frames {
    size_t fill;               /* samples in the frame so far */
    double raw, left;          /* the frame's power as recorded and with the echo out */
    uint64_t run_start;        /* first sample of the run of echo frames, when run_frames > 0 */
    size_t run_frames;
    double run_power;
} echo_frames;

typedef struct echo_path {
    sq_echo_fit fit;
    sq_echo_path info;
    uint64_t rest_until;       /* no fit is tried before this block */
} echo_path;

struct sq_echo_canceller {
    float ring[2][2 * RING];   /* each channel's raw samples, written twice */
    /* the same with their offset from zero taken out (a one-pole high-pass at OFFSET_HZ), as
     * the paths are learnt from and the echo predicted (OFFSET_STEP): an offset of 2 % of full
     * scale, 15 dB over a 30 dB echo, left no fit 10 dB better than none */
    float fitting[2][2 * RING];
    double offset[2];
    size_t pos;                /* where the newest sample was written */
    uint64_t count;            /* samples per channel so far */
    size_t held;               /* of them, not yet given back */
    size_t in_block;
    uint64_t blocks;           /* blocks ended */
    double block_power[2];     /* sum of squares of each channel's block, offset-free */
    double past_power[2][PAST_BLOCKS];   /* ... of the blocks before it, newest first */
    int cancelling[2];         /* over the next block given back: the echo matters */
    echo_path path[2];         /* path[c]: channel c's echo of channel 1 - c */
    sq_echo_fitter *fitter;
    float run[2][BLOCK];       /* frames being given back, a channel at a time */
    uint64_t given;            /* frames given back so far */
    echo_frames frames[2];     /* the stretches of echo being told, by channel */
    sq_echo_stretch told[MAX_STRETCHES];   /* ended, waiting to be asked for */
    size_t told_first, told_count;
    float band[SQ_ECHO_MAX_STRETCH];   /* a stretch asked about, in its band */
};

void sq_echo_canceller_destroy(sq_echo_canceller *ec)
{
    if (!ec)
        return;
    sq_echo_fitter_destroy(ec->fitter);
    free(ec);
}

int sq_echo_canceller_create(sq_echo_canceller **out)
{
    if (!out)
        return SQ_EINVAL;
    *out = NULL;
    sq_echo_canceller *ec = calloc(1, sizeof *ec);
    if (!ec)
        return SQ_ENOMEM;
    if (sq_echo_fitter_create(&ec->fitter) != SQ_OK) {
        sq_echo_canceller_destroy(ec);
        return SQ_ENOMEM;
    }
    *out = ec;
    return SQ_OK;
}

/* Channel c's raw sample `age` samples before the newest; the BLOCK samples after it can be
 * read forwards from it. */
static const float *raw_at(const sq_echo_canceller *ec, int c, size_t age)
{
    return &ec->ring[c][((ec->pos + RING - age) & (RING - 1))];
}

/* The same sample offset-free (fitting), in whichever copy also has the MAX_LAG samples before
 * it behind it. */
static const float *fit_back_from(const sq_echo_canceller *ec, int c, size_t age)
{
    size_t i = (ec->pos + RING - age) & (RING - 1);
    return &ec->fitting[c][i >= MAX_LAG ? i : i + RING];
}

static const float *fit_at(const sq_echo_canceller *ec, int c, size_t age)
{
    return &ec->fitting[c][((ec->pos + RING - age) & (RING - 1))];
}

/* Mean square of channel y over `len` samples ending `newest` samples ago, with the fit's
 * prediction from the other channel taken out. */
static double residual_power(const sq_echo_canceller *ec, int y, const sq_echo_fit *f, size_t newest, size_t len)
{
    float left[BLOCK];
    double sum = 0.0;
    for (size_t done = 0; done < len;) {
        size_t step = len - done < BLOCK ? len - done : BLOCK;
        size_t oldest = newest + len - 1 - done;   /* read forwards from here */
        sq_echo_take_out(f, fit_back_from(ec, 1 - y, oldest), fit_at(ec, y, oldest), left, step);
        for (size_t m = 0; m < step; m++)
            sum += (double)left[m] * left[m];
        done += step;
    }
    return sum / (double)len;
}

/* Channel y's stretch of len samples ending `newest` ago fitted against the other channel. */
static int fit_stretch(sq_echo_canceller *ec, int y, size_t newest, size_t len, double min_flatness,
                       int max_windows, sq_echo_fit_result *out)
{
    const float *x = fit_at(ec, 1 - y, newest + len - 1 + MAX_LAG);   /* oldest first */
    return sq_echo_fit_stretch(ec->fitter, x, fit_at(ec, y, newest + len - 1), len, min_flatness, max_windows, out);
}

/* Learns from the block just ended, for each channel against the other. */
static void learn(sq_echo_canceller *ec)
{
    for (int y = 0; y < 2; y++) {
        int x = 1 - y;
        double py = ec->block_power[y] / BLOCK;
        /* x heard through the block and all the lead-in its echo can come from: a fit where x
         * starts part way has regressors that are half silence at the longer lags */
        double px = ec->block_power[x], quietest = ec->block_power[x];
        for (int k = 0; k < LEAD_BLOCKS; k++) {
            px += ec->past_power[x][k];
            quietest = fmin(quietest, ec->past_power[x][k]);
        }
        px /= (LEAD_BLOCKS + 1) * BLOCK;
        if (py < MIN_BLOCK_POWER || px < py * pow(10.0, MIN_LOSS_DB / 10.0) || quietest < MIN_BLOCK_POWER * BLOCK)
            continue;
        echo_path *path = &ec->path[y];
        double current = path->info.learnt ? residual_power(ec, y, &path->fit, 0, BLOCK) : INFINITY;
        /* the fit in use is good and does as well here as where it was learnt, within 3 dB */
        if (path->info.removed_db >= GOOD_REMOVED_DB && py >= current * pow(10.0, path->info.removed_db / 10.0) / 2.0)
            continue;
        if (ec->blocks < path->rest_until)
            continue;
        sq_echo_fit_result f;
        if (!fit_stretch(ec, y, 0, BLOCK, MIN_FLATNESS, SQ_ECHO_MAX_WINDOWS, &f))
            continue;
        double removed_db = 10.0 * log10(f.y_power / fmax(f.residual, 1e-30));
        if (!(removed_db >= MIN_REMOVED_DB) || !(f.residual < BETTER_BY * current)) {
            path->rest_until = ec->blocks + REST_BLOCKS;   /* no better here: not for a while either */
            continue;
        }
        path->fit = f.fit;
        path->info.learnt = 1;
        path->info.delay_ms = (double)f.fit.peak_lag * 1000.0 / SQ_PROCESSING_RATE_HZ;
        path->info.loss_db = 10.0 * log10(f.x_power / fmax(f.y_power - f.residual, 1e-30));   /* the echo predicted */
        path->info.removed_db = removed_db;
        path->info.learnt_at_s = (double)ec->count / SQ_PROCESSING_RATE_HZ;
    }
}

/* The part of start_s..end_s a question about it looks at: its first SQ_ECHO_MAX_STRETCH
 * samples still held, len of them ending `newest` samples ago; 0 when under SPAN_MIN. */
static int held_span(const sq_echo_canceller *ec, double start_s, double end_s, size_t *newest, size_t *len)
{
    if (!(start_s < end_s))
        return 0;
    double rate = SQ_PROCESSING_RATE_HZ;
    uint64_t oldest_kept = ec->count > RING - MAX_LAG ? ec->count - (RING - MAX_LAG) : 0;
    double first = fmax(start_s * rate, (double)oldest_kept), last = fmin(end_s * rate, (double)ec->count);
    if (!(last - first >= SPAN_MIN))
        return 0;
    uint64_t s0 = (uint64_t)first;
    *len = (size_t)(last - first);
    if (*len > SQ_ECHO_MAX_STRETCH)
        *len = SQ_ECHO_MAX_STRETCH;
    *newest = (size_t)(ec->count - s0 - *len);
    return 1;
}

double sq_echo_canceller_louder_db(sq_echo_canceller *ec, int ch, double start_s, double end_s)
{
    size_t newest, len;
    if (!ec || (ch != 0 && ch != 1) || !held_span(ec, start_s, end_s, &newest, &len))
        return 0.0;
    double power[2] = { 0.0, 0.0 };
    for (int c = 0; c < 2; c++) {
        const float *v = raw_at(ec, c, newest + len - 1);   /* oldest first */
        for (size_t m = 0; m < len; m++)
            power[c] += (double)v[m] * v[m];
    }
    return 10.0 * log10((power[1 - ch] + 1e-30) / (power[ch] + 1e-30));
}

double sq_echo_canceller_explained_db(sq_echo_canceller *ec, int ch, double start_s, double end_s, double lo_hz,
                                      double hi_hz)
{
    size_t newest, len;
    if (!ec || (ch != 0 && ch != 1) || !(lo_hz < hi_hz) || !held_span(ec, start_s, end_s, &newest, &len))
        return 0.0;
    const float *x = raw_at(ec, 1 - ch, newest + len - 1 + MAX_LAG), *y = raw_at(ec, ch, newest + len - 1);
    /* the path learnt where it could be told apart, if there is one */
    if (ec->path[ch].info.learnt)
        return sq_echo_fit_removed_in_band(ec->fitter, &ec->path[ch].fit, x, y, len, lo_hz, hi_hz);
    /* else the fit that explains the stretch best in the band (which explains a few dB of
     * anything, by chance): a signal of the channel's own in another band, beside the far
     * side's echo in this one, has no say in it */
    sq_echo_fit_band_limit(ec->fitter, y, ec->band, len, lo_hz, hi_hz);
    sq_echo_fit_result f;
    if (!sq_echo_fit_stretch(ec->fitter, x, ec->band, len, 0.0, SQ_ECHO_MAX_WINDOWS, &f))
        return 0.0;
    return sq_echo_fit_removed_in_band(ec->fitter, &f.fit, x, ec->band, len, lo_hz, hi_hz);
}

/* Whether channel y's echo, over the next BLOCK samples given back (the block before the one
 * just ended), is loud enough to take out; their echo comes from up to MAX_LAG before them,
 * all in the blocks PAST_BLOCKS back. Under ECHO_FLOOR (an echo of idle noise) it is left
 * alone, and so it is ECHO_UNDER_OWN_DB or more under the channel's own signal: there it
 * spoils nothing a receiver reads, and taking it out costs its taps on every sample. Not
 * less: V.34 at 31200-33600 bit/s reads its TRN at 35-40 dB, and the real calls' echoes 30-31
 * dB under their phase 4 (both modems sending) held those TRNs to 26-31 dB where 20 dB was
 * the limit here; taken out, 34-37 dB, as their phase 3 (one modem sending) reads. That costs
 * the two-channel real calls 7 % more time to decode. */
static int echo_matters(const sq_echo_canceller *ec, int y)
{
    const echo_path *path = &ec->path[y];
    if (!path->info.learnt)
        return 0;
    double loudest = 0.0, own = fmax(ec->past_power[y][1], ec->past_power[y][2]) / BLOCK;
    for (int k = 0; k < PAST_BLOCKS; k++)
        loudest = fmax(loudest, ec->past_power[1 - y][k] / BLOCK);
    double echo = loudest * pow(10.0, -path->info.loss_db / 10.0);
    return echo >= ECHO_FLOOR && echo >= own * pow(10.0, -ECHO_UNDER_OWN_DB / 10.0);
}

/* A run of echo frames on channel c ends: told if long enough. */
static void end_run(sq_echo_canceller *ec, int c)
{
    echo_frames *f = &ec->frames[c];
    if (f->run_frames >= MIN_RUN_FRAMES && ec->told_count < MAX_STRETCHES) {
        sq_echo_stretch *s = &ec->told[(ec->told_first + ec->told_count++) % MAX_STRETCHES];
        s->ch = c;
        s->start_s = (double)f->run_start / SQ_PROCESSING_RATE_HZ;
        s->end_s = (double)(f->run_start + f->run_frames * FRAME) / SQ_PROCESSING_RATE_HZ;
        s->level_dbfs = 10.0 * log10(f->run_power / (double)(f->run_frames * FRAME) + 1e-30);
    }
    f->run_frames = 0;
    f->run_power = 0.0;
}

/* Channel c's samples given back from `first` on, as recorded and with the echo out, into
 * its frames: a frame mostly echo, where something is heard, extends the run. */
static void tell_frames(sq_echo_canceller *ec, int c, const float *raw, const float *left, size_t len, uint64_t first)
{
    echo_frames *f = &ec->frames[c];
    for (size_t m = 0; m < len; m++) {
        f->raw += (double)raw[m] * raw[m];
        f->left += (double)left[m] * left[m];
        if (++f->fill < FRAME)
            continue;
        double raw_mean = f->raw / FRAME;
        if (raw_mean >= FRAME_ACTIVE && f->left <= (1.0 - FRAME_ECHO_SHARE) * f->raw) {
            if (f->run_frames++ == 0)
                f->run_start = first + m + 1 - FRAME;
            f->run_power += f->raw;
        } else if (f->run_frames) {
            end_run(ec, c);
        }
        f->fill = 0;
        f->raw = f->left = 0.0;
    }
}

/* Gives back the `len` oldest frames held (len <= BLOCK), with their echoes taken out. */
static void give_back(sq_echo_canceller *ec, float *out, size_t len)
{
    size_t oldest = ec->held - 1;
    for (int c = 0; c < 2; c++) {
        const float *raw = raw_at(ec, c, oldest);   /* contiguous */
        memcpy(ec->run[c], raw, len * sizeof ec->run[c][0]);
        if (ec->cancelling[c])
            sq_echo_take_out(&ec->path[c].fit, fit_back_from(ec, 1 - c, oldest), ec->run[c], ec->run[c], len);
        if (ec->cancelling[c] || ec->frames[c].run_frames || ec->frames[c].fill)
            tell_frames(ec, c, raw, ec->run[c], len, ec->given);
    }
    for (size_t m = 0; m < len; m++) {
        out[2 * m] = ec->run[0][m];
        out[2 * m + 1] = ec->run[1][m];
    }
    ec->held -= len;
    ec->given += len;
}

int sq_echo_canceller_next_stretch(sq_echo_canceller *ec, sq_echo_stretch *out)
{
    if (!ec || !out || ec->told_count == 0)
        return SQ_EAGAIN;
    *out = ec->told[ec->told_first];
    ec->told_first = (ec->told_first + 1) % MAX_STRETCHES;
    ec->told_count--;
    return SQ_OK;
}

double sq_echo_canceller_horizon_s(const sq_echo_canceller *ec)
{
    if (!ec)
        return 0.0;
    uint64_t h = ec->given;
    for (int c = 0; c < 2; c++) {
        const echo_frames *f = &ec->frames[c];
        h = f->run_frames && f->run_start < h ? f->run_start : h;
        if (f->fill && ec->given - f->fill < h)
            h = ec->given - f->fill;
    }
    return (double)h / SQ_PROCESSING_RATE_HZ;
}

/* Takes in n frames (n <= BLOCK - in_block: up to the end of the block); 1 when they end it. */
static int take_in(sq_echo_canceller *ec, const float *in, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ec->pos = (ec->pos + 1) & (RING - 1);
        for (int c = 0; c < 2; c++) {
            float v = in[2 * i + c];
            /* a NaN is silence and anything past 16 times full scale is clipped, so that no
             * sum or fit can overflow (the samples given back are these) */
            v = isfinite(v) ? (v > MAX_SAMPLE ? MAX_SAMPLE : v < -MAX_SAMPLE ? -MAX_SAMPLE : v)
                            : (isnan(v) ? 0.0f : copysignf(MAX_SAMPLE, v));
            ec->ring[c][ec->pos] = v;
            ec->ring[c][ec->pos + RING] = v;
            ec->offset[c] += OFFSET_STEP * (v - ec->offset[c]);
            float w = (float)(v - ec->offset[c]);
            ec->fitting[c][ec->pos] = w;
            ec->fitting[c][ec->pos + RING] = w;
            ec->block_power[c] += (double)w * w;
        }
    }
    ec->count += n;
    ec->held += n;
    ec->in_block += n;
    return ec->in_block == BLOCK;
}

/* At the end of a block: learn from it, and decide for the frames given back until the next. */
static void end_block(sq_echo_canceller *ec)
{
    learn(ec);
    ec->blocks++;
    for (int c = 0; c < 2; c++) {
        memmove(&ec->past_power[c][1], &ec->past_power[c][0], (PAST_BLOCKS - 1) * sizeof ec->past_power[c][0]);
        ec->past_power[c][0] = ec->block_power[c];
    }
    for (int c = 0; c < 2; c++)
        ec->cancelling[c] = echo_matters(ec, c);
    ec->in_block = 0;
    ec->block_power[0] = ec->block_power[1] = 0.0;
}

size_t sq_echo_canceller_process(sq_echo_canceller *ec, const float *in, size_t n, float *out)
{
    size_t given = 0;
    for (size_t i = 0; i < n;) {
        size_t step = n - i < BLOCK - ec->in_block ? n - i : BLOCK - ec->in_block;
        int ends_block = take_in(ec, in + 2 * i, step);
        i += step;
        /* each frame taken in lets the one LATENCY before it out; the frame that ends a
         * block does so after the block is learnt from, whatever the calls' sizes */
        size_t ready = ec->held > LATENCY ? ec->held - LATENCY : 0;
        if (ends_block && ready > 0) {
            give_back(ec, out + 2 * given, ready - 1);
            given += ready - 1;
            ready = 1;
        }
        if (ends_block)
            end_block(ec);
        give_back(ec, out + 2 * given, ready);
        given += ready;
    }
    return given;
}

size_t sq_echo_canceller_flush(sq_echo_canceller *ec, float *out, size_t max)
{
    size_t given = 0;
    while (ec->held > 0 && given < max) {
        size_t len = ec->held < BLOCK ? ec->held : BLOCK;
        if (len > max - given)
            len = max - given;
        give_back(ec, out + 2 * given, len);
        given += len;
    }
    if (ec->held == 0)   /* the end: a run in progress ends with it (a partial frame is dropped) */
        for (int c = 0; c < 2; c++)
            if (ec->frames[c].run_frames)
                end_run(ec, c);
    return given;
}

void sq_echo_canceller_path(const sq_echo_canceller *ec, int ch, sq_echo_path *out)
{
    if (!out)
        return;
    memset(out, 0, sizeof *out);
    if (ec && (ch == 0 || ch == 1))
        *out = ec->path[ch].info;
}
