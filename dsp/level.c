/* dBm0 conversions (include/squeal/level.h explains the convention). */
#include <math.h>
#include "squeal/level.h"

/* Inline, so that the mean power of 0 dBm0, which every sq_power_to_dbm0 divides by, is a
 * constant the compiler works out: a pow() per call was 2 % of decoding V.21, where one
 * level is taken a bit. */
static inline double sine_peak(double level_dbm0)
{
    return pow(10.0, (level_dbm0 - SQ_FULL_SCALE_SINE_DBM0) / 20.0);
}

static inline double sine_power(double level_dbm0)
{
    double peak = sine_peak(level_dbm0);
    return peak * peak / 2.0;
}

double sq_dbm0_to_sine_peak(double level_dbm0)
{
    return sine_peak(level_dbm0);
}

double sq_dbm0_to_power(double level_dbm0)
{
    return sine_power(level_dbm0);
}

double sq_power_to_dbm0(double mean_power)
{
    if (!(mean_power > 0.0))
        return -200.0;
    return 10.0 * log10(mean_power / sine_power(0.0));
}
