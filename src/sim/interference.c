/* Speech-like and music-like signals (src/sim/interference.h). */
#include <math.h>
#include <string.h>
#include "src/sim/interference.h"
#include "squeal/error.h"
#include "squeal/time_base.h"

int speech_like_init(speech_like *s, uint64_t seed)
{
    memset(s, 0, sizeof *s);
    s->f[0] = 500;
    s->f[1] = 1500;
    s->f[2] = 2500;
    return sq_noise_create(seed, &s->g) == SQ_OK ? 0 : -1;
}

void speech_like_fill(speech_like *s, float *x, size_t n)
{
    for (size_t k = 0; k < n; k++, s->i++) {
        double t = (double)s->i / SQ_PROCESSING_RATE_HZ;
        double pitch = 110.0 + 40.0 * sin(2 * M_PI * 0.7 * t) + 15.0 * sin(2 * M_PI * 3.1 * t);
        if (s->i % 1600 == 0) {   /* a new "vowel" every 200 ms */
            s->f[0] = 300 + sq_noise_u32(s->g) % 600;
            s->f[1] = 900 + sq_noise_u32(s->g) % 1400;
            s->f[2] = 2200 + sq_noise_u32(s->g) % 900;
        }
        s->phase += pitch / SQ_PROCESSING_RATE_HZ;
        double e = 0.0;
        if (s->phase >= 1.0) {
            s->phase -= 1.0;
            e = 1.0;
        }
        e += 0.02 * sq_noise_gauss(s->g);
        double out = 0.0;
        for (int j = 0; j < 3; j++) {   /* two-pole resonators, 80 Hz wide */
            double r = exp(-M_PI * 80.0 / SQ_PROCESSING_RATE_HZ), c = 2 * r * cos(2 * M_PI * s->f[j] / SQ_PROCESSING_RATE_HZ);
            double y = e + c * s->y1[j] - r * r * s->y2[j];
            s->y2[j] = s->y1[j];
            s->y1[j] = y;
            out += y / (j + 1);
        }
        double syllable = 0.5 + 0.5 * sin(2 * M_PI * 4.0 * t);
        x[k] = (float)(0.02 * out * syllable);
    }
}

void speech_like_free(speech_like *s)
{
    sq_noise_destroy(s->g);
    s->g = NULL;
}

int music_like_init(music_like *m, uint64_t seed)
{
    memset(m, 0, sizeof *m);
    return sq_noise_create(seed, &m->g) == SQ_OK ? 0 : -1;
}

void music_like_fill(music_like *m, float *x, size_t n)
{
    for (size_t k = 0; k < n; k++, m->i++) {
        double t = (double)m->i / SQ_PROCESSING_RATE_HZ;
        if (m->i % 4000 == 0)   /* a new chord every half second */
            for (int v = 0; v < 3; v++)
                m->notes[v] = 150.0 * pow(2.0, (double)(sq_noise_u32(m->g) % 37) / 12.0);
        double out = 0.0;
        for (int v = 0; v < 3; v++) {
            double f = m->notes[v] * (1.0 + 0.006 * sin(2 * M_PI * 5.5 * t + v));
            for (int h = 0; h < 6; h++) {
                m->ph[v][h] += 2 * M_PI * f * (h + 1) / SQ_PROCESSING_RATE_HZ;
                if (f * (h + 1) < 3800.0)
                    out += sin(m->ph[v][h]) / (h + 1);
            }
        }
        double envelope = exp(-3.0 * fmod(t, 0.5));   /* plucked notes */
        x[k] = (float)(0.05 * out * envelope);
    }
}

void music_like_free(music_like *m)
{
    sq_noise_destroy(m->g);
    m->g = NULL;
}
