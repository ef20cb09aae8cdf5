/* squeal: binary FSK modem (V.21 channels 1 and 2, Bell 103 originate and answer).
 *
 * Modulator: continuous-phase FSK from a phase accumulator; the bit clock is a fractional
 * accumulator, so 300 bit/s works at any sample rate (26.67 samples per bit at 8 kHz).
 * Demodulator (8 kHz): mix to the channel centre, a complex low-pass FIR that keeps the
 * channel and rejects its neighbours, one-bit non-coherent correlators at the mark and
 * space tones, a transition-locked bit clock, and a carrier detector that requires both
 * level (V.21 clause 8.3: on above -43 dBm0, off below -48) and a constant envelope, so that
 * noise and speech are not taken for carrier. Frequencies: spec section 2.1. */
#ifndef SQUEAL_FSK_H
#define SQUEAL_FSK_H

#include <stddef.h>
#include <stdint.h>
#include "squeal/export.h"
#include "squeal/time_base.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sq_fsk_params {
    const char *name;      /* "v21ch1", ... */
    double mark_hz;        /* binary 1 */
    double space_hz;       /* binary 0 */
    double baud;           /* bits per second, 1 bit per symbol */
} sq_fsk_params;

SQ_API extern const sq_fsk_params SQ_FSK_V21_CH1;     /* caller: 980 / 1180 Hz */
SQ_API extern const sq_fsk_params SQ_FSK_V21_CH2;     /* answerer: 1650 / 1850 Hz */
SQ_API extern const sq_fsk_params SQ_FSK_BELL103_ORIG; /* originate: 1270 / 1070 Hz */
SQ_API extern const sq_fsk_params SQ_FSK_BELL103_ANS;  /* answer: 2225 / 2025 Hz */

/* ---- modulator ---- */
typedef struct sq_fskmod sq_fskmod;

typedef struct sq_fskmod_params {
    sq_fsk_params fsk;          /* the channel (a copy of SQ_FSK_V21_CH1, ...) */
    uint32_t sample_rate_hz;    /* 8000..48000 */
    double level_dbm0;          /* -60..+3 */
    size_t queue_bits;          /* bits it can hold, >= 1 */
    double offset_hz;           /* both tones moved by this much, as a line's frequency
                                 * offset moves them (0 by default) */
    /* room for parameters to come without changing the struct's size: leave it zero */
    uint8_t reserved[32];
} sq_fskmod_params;

/* The channel at SQ_PROCESSING_RATE_HZ, -13 dBm0, 512 bits of queue. */
SQ_API void sq_fskmod_default_params(const sq_fsk_params *fsk, sq_fskmod_params *p);
SQ_API SQ_NODISCARD int sq_fskmod_create(const sq_fskmod_params *p, sq_fskmod **out);
/* Queues bits (each 0 or 1); returns how many were taken (fewer when the queue is full). */
SQ_API size_t sq_fskmod_push_bits(sq_fskmod *m, const uint8_t *bits, size_t n);
/* Bits queued and not yet fully sent. */
SQ_API size_t sq_fskmod_pending_bits(const sq_fskmod *m);
/* Drops queued bits beyond the first keep (the bit being sent counts as queued). */
SQ_API void sq_fskmod_truncate(sq_fskmod *m, size_t keep);
/* Writes n samples; with the queue empty it sends mark (the idle state). */
SQ_API void sq_fskmod_generate(sq_fskmod *m, float *out, size_t n);
SQ_API void sq_fskmod_reset(sq_fskmod *m);
SQ_API void sq_fskmod_destroy(sq_fskmod *m);

/* ---- demodulator ---- */
typedef struct sq_fsk_bit {
    uint64_t sample;       /* input sample index at the end of the bit */
    uint8_t bit;           /* hard decision */
    uint8_t carrier;       /* carrier detect (circuit 109) when the bit was decided */
    float confidence;      /* (|mark|^2 - |space|^2) / (|mark|^2 + |space|^2), -1..1 */
    float power;           /* in-band power over the bit (mean of x^2, full scale 1) */
} sq_fsk_bit;

typedef struct sq_fskdemod sq_fskdemod;

/* The demodulator works at SQ_PROCESSING_RATE_HZ (8000). */
SQ_API SQ_NODISCARD int sq_fskdemod_create(const sq_fsk_params *p, sq_fskdemod **out);
/* Consumes input until it ends or bits[] is full; returns samples consumed and sets
 * *n_bits. Call again with the rest of the input when it stops early. */
SQ_API size_t sq_fskdemod_process(sq_fskdemod *d, const float *x, size_t n,
                                  sq_fsk_bit *bits, size_t max_bits, size_t *n_bits);
/* Current carrier-detect state and in-band level. */
SQ_API int sq_fskdemod_carrier(const sq_fskdemod *d);
SQ_API double sq_fskdemod_level_dbm0(const sq_fskdemod *d);
/* The same level as a mean power (sq_power_to_dbm0 of it is sq_fskdemod_level_dbm0), for a
 * caller that averages it in its own way without a logarithm each time (API 2.10). */
SQ_API double sq_fskdemod_level_power(const sq_fskdemod *d);
/* Where the signal now present began: the input sample at which the in-band level last
 * rose through 6 dB below its running mean (the carrier detector itself lags by ~60 ms). */
SQ_API uint64_t sq_fskdemod_onset_sample(const sq_fskdemod *d);
SQ_API void sq_fskdemod_reset(sq_fskdemod *d);
/* As reset, with the input sample count set to `sample`: for a listener that stopped
 * feeding this demodulator while its band was silent and starts again at `sample`
 * (reported sample indices go on from there). */
SQ_API void sq_fskdemod_restart_at(sq_fskdemod *d, uint64_t sample);
SQ_API void sq_fskdemod_destroy(sq_fskdemod *d);


#ifdef __cplusplus
}
#endif

#endif
