/* Internal: the passband side of V.34's phases 3 and 4 (V.34 5, 10.1.3): a modulator for 2D
 * symbols at any of the symbol rates and carriers of Table 1, and the receiver's front end
 * (to complex baseband at two samples a symbol) and its fractionally spaced equaliser with
 * a carrier loop. What the symbols mean is src/proto/v34_train.c's business. */
#ifndef SQ_DSP_V34_H
#define SQ_DSP_V34_H

#include <complex.h>
#include <stddef.h>
#include <stdint.h>

/* ---- modulator ---- */
typedef struct sq_v34_tx sq_v34_tx;

/* level: the mean power of a signal of grid power 2 (the 4-point set), dBm0. */
int sq_v34_tx_create(double symbol_rate, double carrier_hz, double level_dbm0, sq_v34_tx **out);
/* Queues one symbol (0 for silence). */
void sq_v34_tx_symbol(sq_v34_tx *t, float complex point);
/* Samples whose pulses are complete: up to max of them; returns how many were written. */
size_t sq_v34_tx_read(sq_v34_tx *t, float *out, size_t max);
/* Everything still ringing, however short of the next symbol. */
size_t sq_v34_tx_flush(sq_v34_tx *t, float *out, size_t max);
void sq_v34_tx_destroy(sq_v34_tx *t);

/* ---- receiver front end ---- */
typedef struct sq_v34_front sq_v34_front;

int sq_v34_front_create(double symbol_rate, double carrier_hz, sq_v34_front **out);
/* Forgets its input: the next sample pushed is sample 0, and the half-symbol instants start
 * there. Call it before the first push (the filter is made then). */
void sq_v34_front_reset(sq_v34_front *f);
/* Takes one sample. Returns 1 when a half-symbol sample of baseband is ready in *y, with
 * *t_samples the instant it stands for (in samples pushed since the reset). */
int sq_v34_front_push(sq_v34_front *f, float x, float complex *y, double *t_samples);
double sq_v34_front_samples_per_symbol(const sq_v34_front *f);
/* Moves every later half-symbol instant by `samples` (a fraction of one): the timing loop's
 * correction, for a far modem whose clock runs apart from the recording's. */
void sq_v34_front_shift(sq_v34_front *f, double samples);
void sq_v34_front_destroy(sq_v34_front *f);
/* to becomes from as it stands (both made by sq_v34_front_create, at any rates): a receiver
 * can be run again from a moment it was at. */
void sq_v34_front_copy(sq_v34_front *to, const sq_v34_front *from);

/* ---- equaliser and carrier loop ---- */
#define SQ_V34_EQ_TAPS 40               /* half-symbol taps: 20 symbols */
#define SQ_V34_EQ_DELAY 10              /* symbols from the newest input to the one equalised */

typedef struct sq_v34_eq {
    float complex taps[SQ_V34_EQ_TAPS];
    /* the last SQ_V34_EQ_TAPS half-symbol samples, the newest first, from line[pos]: each is
     * written twice, at pos and pos + SQ_V34_EQ_TAPS, so they are always in one run without
     * moving the others along (sq_v34_eq_line) */
    float complex line[2 * SQ_V34_EQ_TAPS];
    int pos;
    float complex derotated;            /* the last output */
    float complex rotation;             /* e^{j phase}: the carrier loop's phase */
    double freq;                        /* and its frequency, radians a symbol */
    double freq_turn;                   /* radians turned at that frequency, summed, since
                                         * init or the last sq_v34_eq_rewind */
    double loop_kp, loop_ki;            /* the loop's gains on the phase error: set by init
                                         * (a loop of a few hertz, for training); the user may
                                         * widen it to follow a line's phase jitter */
    double loop_power;                  /* 0: each decision's phase error is its angle; set by
                                         * the user, Im(output conj(decision)) over this (the
                                         * decisions' mean power) instead: in a large
                                         * constellation the inner points' angles are noisy */
    double err_power;                   /* smoothed |decision error|^2 */
    int want_timing;                    /* set by the user: adapt works out `timing` too */
    double slope_power;                 /* smoothed |d output / d timing|^2 */
    double timing;                      /* from the last adapt: how far later (half-symbols)
                                         * the samples should have been taken */
} sq_v34_eq;

/* The equaliser's line, the newest sample first (SQ_V34_EQ_TAPS of them). */
static inline const float complex *sq_v34_eq_line(const sq_v34_eq *e)
{
    return &e->line[e->pos];
}

/* Starts with a single centre tap of gain `gain`. */
void sq_v34_eq_init(sq_v34_eq *e, float gain);
/* The next half-symbol sample; on every second one the caller asks for an output. */
void sq_v34_eq_push(sq_v34_eq *e, float complex y);
/* The equalised, derotated symbol from the samples pushed so far. */
float complex sq_v34_eq_output(sq_v34_eq *e);
/* Moves the taps (normalised LMS, step mu) and the carrier loop toward target, the point the
 * last output should have been, and with want_timing sets e->timing. */
void sq_v34_eq_adapt(sq_v34_eq *e, float complex target, float mu);
/* A symbol that steers nothing (no decision to trust yet): the carrier loop still turns at
 * the frequency it learnt, as the far carrier does, and there is no timing estimate. */
void sq_v34_eq_coast(sq_v34_eq *e);
/* For a pass over the same symbols again: the loop's phase taken back by what its frequency
 * turned it since init (or the last rewind), the corrections it made kept. A carrier 3 Hz
 * off turns half a turn over 400 symbols at 2400 a second: left as the last pass ended, the
 * next began that far wrong. */
void sq_v34_eq_rewind(sq_v34_eq *e);

#endif
