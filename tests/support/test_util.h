/* Helpers shared by the Check suites: make signals, run the decoder, measure. */
#ifndef SQ_TESTS_SUPPORT_TEST_UTIL_H
#define SQ_TESTS_SUPPORT_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include "squeal/squeal.h"

typedef struct sig {
    float *x;
    size_t n;
} sig;

/* A tone at 8 kHz; duration 0 = the kind's default. Aborts the test on failure. */
sig make_tone(sq_tone_kind kind, double level_dbm0, double duration_s, double offset_hz);
/* Framed text on an FSK channel with 0.15 s of mark before and 0.05 s after. */
sig make_fsk(const sq_fsk_params *p, const sq_async_format *f, const char *text, double level_dbm0,
             double offset_hz);
/* Text typed a character at a time, 8N1, continuous phase: 0.15 s of mark, then each
 * character after up to 0.4 s of mark (seeded), its start bit at any time, off the last
 * character's bit clock; 50 ms of mark after. */
sig make_fsk_typed(const sq_fsk_params *p, const char *text, double level_dbm0, uint64_t seed);
sig make_silence(double seconds);
void sig_append(sig *a, const sig *b);   /* frees b */
void add_noise(sig *s, double rms, uint64_t seed);
void sig_free(sig *s);

typedef struct events {
    sq_event ev[64];
    char text[64][512];
    size_t n;
} events;

/* Decodes s feeding it in blocks of block samples. */
void decode_sig(const sig *s, size_t block, events *out);
/* Index of the first event of a type, or -1. */
int find_event(const events *e, sq_event_type t);

/* Speech-like and music-like test signals (src/sim/interference.h); seeded. */
sig make_speech_like(double seconds, uint64_t seed);
sig make_music_like(double seconds, uint64_t seed);

double mean_power(const float *x, size_t n);

#endif
