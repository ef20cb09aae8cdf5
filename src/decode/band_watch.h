/* Internal to the timeline decoder: what is in each band, cheaply, so a lane whose band is
 * silent can stop listening and cost nothing, then start again with the recent past.
 *
 * Every 8 ms a 16 ms FFT of the input gives a power spectrum; a band's power is the sum of
 * its bins (scaled so a tone's power reads as its mean power: dBm0 through
 * sq_power_to_dbm0). (Every 16 ms, back to back, was tried: a tenth of the V.22bis hour's
 * time saved, but the phase 2 lanes weigh a symbol's power against the other carrier's
 * band over the chunk, and with fewer spectra a chunk's measure lagged a signal's onset:
 * an INFO0a 8.5 dB under the INFO0c it starts with, on a one-channel recording, went
 * unread.) The window is a 4-term Blackman-Harris: its side lobes are 92 dB
 * down, so a strong signal beside a band does not read as energy in it (a Hann window's
 * leakage put a -13 dBm0 V.21 channel 1 at -41 dBm0 in channel 2's band). The watch also keeps the last SQ_BAND_WATCH_HISTORY samples, which a
 * lane that wakes feeds its receiver before the present: the receiver then meets the
 * signal's onset as if it had listened all along. */
#ifndef SQ_DECODE_BAND_WATCH_H
#define SQ_DECODE_BAND_WATCH_H

#include <stddef.h>
#include <stdint.h>
#include <fftw3.h>

#define SQ_BAND_WATCH_FFT 128
#define SQ_BAND_WATCH_HOP 64
#define SQ_BAND_WATCH_HISTORY 2048     /* 256 ms at 8 kHz */
#define SQ_BAND_WATCH_MAX_BANDS 14

typedef struct sq_band_watch {
    float *in;
    fftwf_complex *out;
    fftwf_plan plan;
    float window[SQ_BAND_WATCH_FFT];
    double scale;                            /* bin power to mean power */
    float history[SQ_BAND_WATCH_HISTORY];   /* a ring; sample s at s % HISTORY */
    uint64_t samples;                        /* pushed so far */
    size_t since_hop;
    size_t n_bands;
    size_t band_lo[SQ_BAND_WATCH_MAX_BANDS], band_hi[SQ_BAND_WATCH_MAX_BANDS];   /* bins */
    size_t top_bin;                          /* the highest band_hi */
    double peak[SQ_BAND_WATCH_MAX_BANDS];    /* loudest over the hops of the last push */
    int hopped;                              /* a hop ended in the current push */
    int sparse;                              /* sq_band_watch_sparse */
    uint64_t segments;                       /* hops of samples taken so far */
} sq_band_watch;

int sq_band_watch_init(sq_band_watch *w);
void sq_band_watch_free(sq_band_watch *w);
/* Registers [lo_hz, hi_hz]; returns its index, or -1 when there is no room. */
int sq_band_watch_add_band(sq_band_watch *w, double lo_hz, double hi_hz);
void sq_band_watch_push(sq_band_watch *w, const float *x, size_t n);
/* While on, a spectrum every SQ_BAND_WATCH_SPARSE_HOPS hops (16 ms of every 24): for stretches
 * of established data, where what the watch gates is a lane waking for a signal of 30 ms or
 * more. Such a signal fills 11 ms of some window at any phase (reads 1.6 dB low at worst),
 * far inside the margins the lanes wake with (16 dB and more). Every other hop (back to
 * back) cost 4 % more instructions decoding 10 minutes of V.21 text (callgrind), every
 * corpus timeline the same. Not at a call's start, where the phase 2 lanes weigh each
 * symbol against the other carrier's band over the chunk and need its onset on time (an
 * INFO0a under the INFO0c it starts with went unread with 16 ms). */
#define SQ_BAND_WATCH_SPARSE_HOPS 3u
void sq_band_watch_sparse(sq_band_watch *w, int on);
/* The band's power at its loudest over the spectra finished in the last push (the latest
 * spectrum's when none finished). Mean power, full scale 1.0. */
double sq_band_watch_peak(const sq_band_watch *w, int band);
/* The first sample still held (samples before it are gone). */
uint64_t sq_band_watch_oldest(const sq_band_watch *w);
/* Copies samples [from, from + n) to out; they must all be held. */
void sq_band_watch_recent(const sq_band_watch *w, uint64_t from, float *out, size_t n);
/* The n samples before `before` (all held), into out; returns out. For a receiver that
 * rested without its history (dsp/receiver_rest.h). The copies are guarded
 * (dsp/sample_guard.h): the samples themselves, unless one was not a number or beyond +24
 * dBFS. */
const float *sq_band_watch_last(const sq_band_watch *w, uint64_t before, float *out, size_t n);
/* Where a lane that slept from asleep_since wakes at `now` starts listening again:
 * `preroll` samples back, but not before what is held nor before it fell asleep (what it
 * heard then is not heard twice). */
uint64_t sq_band_watch_wake_from(const sq_band_watch *w, uint64_t now, uint64_t preroll, uint64_t asleep_since);
/* Hands samples [from, to) (all held) to listen(ctx, lane, ...), at most 256 at a time. */
void sq_band_watch_replay(const sq_band_watch *w, uint64_t from, uint64_t to,
                          void (*listen)(void *ctx, void *lane, const float *x, size_t n), void *ctx, void *lane);

#endif
