/* V.32 / V.32bis data constellations (src/proto/v32_constellations.h). */
#include <math.h>
#include <stdlib.h>
#include "dsp/cmplx.h"
#include "src/proto/v32_constellations.h"

/* Odd coordinates to +-most each way; with cut, less the corners beyond it both ways. */
static size_t odd_grid(int most, int cut, float complex *out)
{
    size_t n = 0;
    for (int x = -most; x <= most; x += 2)
        for (int y = -most; y <= most; y += 2)
            if (!(cut && abs(x) > cut && abs(y) > cut))
                out[n++] = CMPLXF((float)x, (float)y);
    return n;
}

size_t sq_v32_data_points(int rate_bps, int trellis, float complex *out)
{
    size_t n = 0;
    switch (rate_bps) {
    case 14400: return odd_grid(11, 7, out);
    case 12000: return odd_grid(7, 0, out);
    case 9600:
        if (!trellis)
            return sq_v32_data_points(7200, 1, out);   /* Figure 1/V.32: the same square */
        for (int x = -4; x <= 4; x++)   /* Figure 2-3 */
            for (int y = -4; y <= 4; y++)
                if (abs(x) + abs(y) <= 5 && (x + y) % 2 != 0)
                    out[n++] = CMPLXF(2.0f * (float)x, 2.0f * (float)y);
        return n;
    case 7200:   /* Figure 2-4 */
        for (int x = -3; x <= 3; x += 2)
            for (int y = -3; y <= 3; y += 2)
                out[n++] = CMPLXF(2.0f * (float)x, 2.0f * (float)y);
        return n;
    case 4800:   /* Figure 2-5: A, B, C, D */
        out[0] = CMPLXF(-6.0f, -2.0f);
        out[1] = CMPLXF(2.0f, -6.0f);
        out[2] = CMPLXF(6.0f, 2.0f);
        out[3] = CMPLXF(-2.0f, 6.0f);
        return 4;
    default: return 0;
    }
}

double sq_v32_data_mean_power(int rate_bps, int trellis)
{
    float complex p[SQ_V32_MAX_POINTS];
    size_t n = sq_v32_data_points(rate_bps, trellis, p);
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += (double)crealf(p[i] * conjf(p[i]));
    return n ? sum / (double)n : 0.0;
}

float complex sq_v32_nearest_point(const float complex *points, size_t n, float complex s)
{
    float complex best = n ? points[0] : 0.0f;
    float best_d = INFINITY;
    for (size_t i = 0; i < n; i++) {
        float complex e = s - points[i];
        float d = crealf(e) * crealf(e) + cimagf(e) * cimagf(e);
        if (d < best_d) {
            best_d = d;
            best = points[i];
        }
    }
    return best;
}

static float odd_level(float v, float most)
{
    float k = 2.0f * floorf(v / 2.0f) + 1.0f;
    return k > most ? most : k < -most ? -most : k;
}

float complex sq_v32_nearest_odd_grid(float complex s, int cross)
{
    float most = cross ? 11.0f : 7.0f;
    float x = odd_level(crealf(s), most), y = odd_level(cimagf(s), most);
    if (cross && fabsf(x) > 7.0f && fabsf(y) > 7.0f) {   /* a corner the cross leaves out: */
        float to_x = fabsf(crealf(s)) - 7.0f, to_y = fabsf(cimagf(s)) - 7.0f;   /* the nearer edge */
        if (to_x < to_y)
            x = copysignf(7.0f, x);
        else
            y = copysignf(7.0f, y);
    }
    return CMPLXF(x, y);
}
