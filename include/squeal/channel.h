/* squeal: a telephone line model for simulation: sample-clock difference, gain, frequency
 * offset, 300-3400 Hz band limit and white Gaussian noise, in that order, at 8 kHz.
 *
 * The clock difference models two sound cards: the receiving end takes (1 + ppm / 1e6)
 * samples for every sample sent. libsoxr resamples by that ratio and a FIFO hands out the
 * same number of samples as came in. soxr works in blocks of about 800 samples, so the FIFO
 * starts 192 ms deep (the line gains that much delay); at 500 ppm it can then run for about
 * three minutes before it empties (and pads with silence) or, the other way, overflows (and
 * drops the oldest samples).
 *
 * The frequency offset shifts every component by the same number of hertz (as an FDM
 * carrier system does): the analytic signal from a 63-tap Hilbert transformer is turned by
 * e^(j 2 pi f t). The band limit is a 127-tap linear-phase FIR. */
#ifndef SQUEAL_CHANNEL_H
#define SQUEAL_CHANNEL_H

#include <stddef.h>
#include <stdint.h>
#include "squeal/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sq_channel_params {
    double gain_db;        /* -60..+20 */
    double foff_hz;        /* -100..100 */
    int bandlimit;         /* 300-3400 Hz */
    double noise_rms;      /* white noise RMS after the gain (full scale units), >= 0 */
    uint64_t seed;
    double clock_ppm;      /* -1000..1000: receiver's sample clock against the sender's */
} sq_channel_params;

typedef struct sq_channel sq_channel;

SQ_API SQ_NODISCARD int sq_channel_create(const sq_channel_params *p, sq_channel **out);
SQ_API void sq_channel_process(sq_channel *c, const float *in, float *out, size_t n);
SQ_API void sq_channel_destroy(sq_channel *c);

#ifdef __cplusplus
}
#endif

#endif
