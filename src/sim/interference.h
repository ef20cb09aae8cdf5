/* Seeded, streaming signals that are not modems: what a line or a microphone hears besides
 * a handshake. Shared by the tests (no-false-event checks) and the false-alarm benchmark. */
#ifndef SQ_SIM_INTERFERENCE_H
#define SQ_SIM_INTERFERENCE_H

#include <stddef.h>
#include <stdint.h>
#include "squeal/noise.h"

/* Speech-like: glottal pulses at a wandering pitch through three formant resonators that
 * jump to a new "vowel" every 200 ms, with a 4 Hz syllable rhythm. */
typedef struct speech_like {
    sq_noise *g;
    uint64_t i;
    double phase, f[3], y1[3], y2[3];
} speech_like;

/* Music-like: a new three-note chord every half second (notes anywhere 150-1200 Hz, six
 * harmonics each, with vibrato), plucked. */
typedef struct music_like {
    sq_noise *g;
    uint64_t i;
    double notes[3], ph[3][6];
} music_like;

/* 0, or -1 when out of memory. */
int speech_like_init(speech_like *s, uint64_t seed);
void speech_like_fill(speech_like *s, float *x, size_t n);
void speech_like_free(speech_like *s);

int music_like_init(music_like *m, uint64_t seed);
void music_like_fill(music_like *m, float *x, size_t n);
void music_like_free(music_like *m);

#endif
