/* dBm0 conversions (include/squeal/level.h explains the convention). */
#include <math.h>
#include "squeal/level.h"

double sq_dbm0_to_sine_peak(double level_dbm0)
{
    return pow(10.0, (level_dbm0 - SQ_FULL_SCALE_SINE_DBM0) / 20.0);
}

double sq_dbm0_to_power(double level_dbm0)
{
    double peak = sq_dbm0_to_sine_peak(level_dbm0);
    return peak * peak / 2.0;
}

double sq_power_to_dbm0(double mean_power)
{
    if (!(mean_power > 0.0))
        return -200.0;
    return 10.0 * log10(mean_power / sq_dbm0_to_power(0.0));
}
