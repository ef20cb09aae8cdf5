/* squeal: seeded white Gaussian noise, for channel simulation and tests.
 *
 * A PCG32 generator (O'Neill 2014) feeds a Marsaglia polar transform, so the same seed
 * gives the same samples on every machine. The noise is white across 0..fs/2; its mean
 * power is rms^2. SNR figures in squeal are signal power over this noise power measured
 * across 0..4 kHz at the 8 kHz processing rate. */
#ifndef SQUEAL_NOISE_H
#define SQUEAL_NOISE_H

#include <stddef.h>
#include <stdint.h>
#include "squeal/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sq_noise sq_noise;

SQ_API SQ_NODISCARD int sq_noise_create(uint64_t seed, sq_noise **out);
/* Add noise of the given RMS (full scale units, >= 0) to x[0..n). */
SQ_API void sq_noise_add(sq_noise *g, float *x, size_t n, double rms);
/* One standard normal sample. */
SQ_API double sq_noise_gauss(sq_noise *g);
/* Uniform 32-bit integer, for test data. */
SQ_API uint32_t sq_noise_u32(sq_noise *g);
SQ_API void sq_noise_destroy(sq_noise *g);

/* RMS of white noise that gives snr_db against a signal of level_dbm0. */
SQ_API double sq_noise_rms_for_snr(double level_dbm0, double snr_db);

#ifdef __cplusplus
}
#endif

#endif
