/* Internal: tone analyser bank.
 *
 * Every 5 ms (40 samples at 8 kHz) each nominal frequency f0 gets a 20 ms Hann-windowed DFT
 * value X, referenced to absolute time so that a tone exactly at f0 has a constant phase.
 * A frame counts as "tone present" when the tone power, corrected for the window loss at
 * the measured offset, is at least half the frame's total power and above -46 dBm0. Runs of
 * present frames become segments; when one ends it is analysed:
 *   - frequency: median phase advance between frames;
 *   - phase reversals: X five frames apart (windows on either side) turned by about 180
 *     degrees against the tone's own advance, timed at the magnitude dip between them;
 *   - amplitude modulation: least-squares fit of a sinusoid (10..20 Hz) to |X| over the
 *     frames clear of onsets and reversals, corrected for the window's loss at that rate;
 *   - harmonics, on frequencies low enough: the power at 2f and 3f of each present frame's
 *     own frequency, through the same window, against the tone's. */
#ifndef SQ_DSP_TONE_RX_H
#define SQ_DSP_TONE_RX_H

#include <stddef.h>
#include <stdint.h>

#define SQ_TONERX_MAX_FREQS 8
#define SQ_TONERX_MAX_REVERSALS 32
#define SQ_TONERX_HARMONICS 2   /* the second and third */

typedef struct sq_tone_segment {
    size_t freq_index;          /* which nominal frequency */
    double start_s, end_s;
    double freq_hz;
    double level_dbm0;
    double am_hz, am_depth;     /* strongest envelope sinusoid in 10..20 Hz */
    size_t n_reversals;
    double reversals_s[SQ_TONERX_MAX_REVERSALS];
    /* On the frequencies asked for, low enough that their third harmonic is in the band: the
     * power at twice and three times the tone's frequency over the tone's own, less what
     * white noise would put there (0 otherwise). A modem's tone is a sine; a note played or
     * sung carries its harmonics. */
    int harmonics_measured;
    double harmonic_ratio[SQ_TONERX_HARMONICS];
} sq_tone_segment;

typedef struct sq_tonerx sq_tonerx;

int sq_tonerx_create(const double *freqs_hz, size_t n_freqs, sq_tonerx **out);
/* Consumes 8 kHz samples; stops early only when the segment queue is full. */
size_t sq_tonerx_process(sq_tonerx *t, const float *x, size_t n);
/* From the next frame on, the frequencies whose bits are set in `mask` (bit i for
 * freqs_hz[i]) rest: their windows are not looked at and count as holding nothing, so a
 * segment open on one ends as the tone would, and one that follows is met as after
 * silence. 0 (the start) lets every frequency listen. For stretches where a tone cannot be
 * (a modem's data, for the tones that come before it). */
void sq_tonerx_rest(sq_tonerx *t, uint32_t mask);
/* With every frequency resting and none still followed, the bank does not keep its samples
 * either; once some frequency listens again, it asks for the last sq_tonerx_history_wanted
 * samples (oldest first, through sq_tonerx_recall) before sq_tonerx_process: a caller that
 * keeps the recent past anyway (the decoder's band watch) saves a copy of every sample of
 * a long data call. 0 wanted: nothing to give back. */
size_t sq_tonerx_history_wanted(const sq_tonerx *t);
void sq_tonerx_recall(sq_tonerx *t, const float *last, size_t m);
/* The frequencies whose bits are set in `mask` have their segments' harmonics measured
 * (sq_tone_segment), where their third harmonic is in the band; none at the start. Two
 * windowed sums a present frame, so only where a decision needs them. */
void sq_tonerx_measure_harmonics(sq_tonerx *t, uint32_t mask);
/* A frame too quiet for any tone (under MIN_LEVEL's bound) is not read unless the next two
 * frames need it; on (1) every frame is read, as before there was that shortcut. The same
 * segments either way: for tests, which compare the two. */
void sq_tonerx_read_every_frame(sq_tonerx *t, int on);
/* Whether a tone on freqs_hz[freq_index] is being followed: a segment open, or frames
 * present that may open one. */
int sq_tonerx_following(const sq_tonerx *t, size_t freq_index);
/* 1 and fills *seg when a finished segment is waiting, else 0. */
int sq_tonerx_next_segment(sq_tonerx *t, sq_tone_segment *seg);
/* Analyses the segment still open on one frequency, as if it ended now, without closing
 * it; returns 0 when none is open. For decisions made while a tone plays (ANSam seen). */
int sq_tonerx_peek(sq_tonerx *t, size_t freq_index, sq_tone_segment *seg);
/* Ends all open segments (end of input). */
/* The start of the earliest tone still being followed (a segment not yet ended, or one
 * forming), in seconds; INFINITY when none is. */
double sq_tonerx_open_since_s(const sq_tonerx *t);
void sq_tonerx_finish(sq_tonerx *t);
void sq_tonerx_destroy(sq_tonerx *t);

#endif
