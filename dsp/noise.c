/* Seeded white Gaussian noise: PCG32 (XSH-RR) and the Marsaglia polar method. */
#include <math.h>
#include <stdlib.h>
#include "squeal/error.h"
#include "squeal/level.h"
#include "squeal/noise.h"

struct sq_noise {
    uint64_t state;
    uint64_t inc;
    double spare;
    int have_spare;
};

uint32_t sq_noise_u32(sq_noise *g)
{
    uint64_t old = g->state;
    g->state = old * 6364136223846793005ULL + g->inc;
    uint32_t xorshifted = (uint32_t)(((old >> 18u) ^ old) >> 27u);
    uint32_t rot = (uint32_t)(old >> 59u);
    return (xorshifted >> rot) | (xorshifted << ((32u - rot) & 31u));
}

int sq_noise_create(uint64_t seed, sq_noise **out)
{
    if (!out)
        return SQ_EINVAL;
    *out = NULL;
    sq_noise *g = calloc(1, sizeof *g);
    if (!g)
        return SQ_ENOMEM;
    g->inc = (seed << 1u) | 1u;
    (void)sq_noise_u32(g);
    g->state += 0x853c49e6748fea9bULL ^ seed;
    (void)sq_noise_u32(g);
    *out = g;
    return SQ_OK;
}

static double uniform_open(sq_noise *g)
{
    /* (0, 1) with 32 bits of resolution */
    return ((double)sq_noise_u32(g) + 0.5) / 4294967296.0;
}

double sq_noise_gauss(sq_noise *g)
{
    if (g->have_spare) {
        g->have_spare = 0;
        return g->spare;
    }
    double u, v, s;
    do {
        u = 2.0 * uniform_open(g) - 1.0;
        v = 2.0 * uniform_open(g) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    double k = sqrt(-2.0 * log(s) / s);
    g->spare = v * k;
    g->have_spare = 1;
    return u * k;
}

void sq_noise_add(sq_noise *g, float *x, size_t n, double rms)
{
    for (size_t i = 0; i < n; i++)
        x[i] += (float)(rms * sq_noise_gauss(g));
}

double sq_noise_rms_for_snr(double level_dbm0, double snr_db)
{
    return sqrt(sq_dbm0_to_power(level_dbm0) / pow(10.0, snr_db / 10.0));
}

void sq_noise_destroy(sq_noise *g)
{
    free(g);
}
