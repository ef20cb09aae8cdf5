/* squeal: signal levels.
 *
 * Samples are float, full scale +/-1.0. Levels are given in dBm0, the level referred to
 * the 0 dB transmission point that a G.711 codec carries (spec section 0.2). We use the
 * G.711 convention that a full-scale sine is +3.14 dBm0, so a 0 dBm0 sine has a peak of
 * 10^(-3.14/20) = 0.6966 full scale (22826 in 16-bit PCM). A signal's level is its mean
 * power relative to that of a 0 dBm0 sine: level_dbm0 = 10 log10(mean(x^2) / (0.6966^2 / 2)).
 * For a sine, dBFS (peak) = dBm0 - 3.14. */
#ifndef SQUEAL_LEVEL_H
#define SQUEAL_LEVEL_H

#include "squeal/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* dBm0 of a full-scale sine (G.711 convention). */
#define SQ_FULL_SCALE_SINE_DBM0 3.14

/* Peak amplitude (full scale = 1) of a sine at level_dbm0. */
SQ_API double sq_dbm0_to_sine_peak(double level_dbm0);

/* Mean power (mean of x^2) of any signal at level_dbm0. */
SQ_API double sq_dbm0_to_power(double level_dbm0);

/* Level in dBm0 of a signal with the given mean power; -200 for zero power. */
SQ_API double sq_power_to_dbm0(double mean_power);

#ifdef __cplusplus
}
#endif

#endif
