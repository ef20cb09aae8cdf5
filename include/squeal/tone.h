/* squeal: answer, calling and guard tone generator (V.25, V.8, T.30, V.22).
 *
 * One generator object per tone. Frequencies, cadences and the ANSam waveform follow
 * spec section 1 (V.25 and V.8 clause 7.2): ANS 2100 Hz; phase reversals of 180 degrees
 * every 450 ms, done as an exact pi step of the oscillator phase at a sample boundary;
 * ANSam with a 15 Hz sine amplitude modulation between 0.8 and 1.2 of the average (m = 0.2);
 * CT 1300 Hz 0.6 s on / 2.0 s off; CNG 1100 Hz 0.5 s on / 3.0 s off; Bell answer 2225 Hz;
 * V.22 guard tones 550 and 1800 Hz. */
#ifndef SQUEAL_TONE_H
#define SQUEAL_TONE_H

#include <stddef.h>
#include <stdint.h>
#include "squeal/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sq_tone_kind {
    SQ_TONE_ANS = 0,     /* V.25 answer tone, 2100 Hz */
    SQ_TONE_ANS_PR,      /* ANS with phase reversals every 450 ms */
    SQ_TONE_ANSAM,       /* V.8 ANSam: 2100 Hz with 15 Hz AM */
    SQ_TONE_ANSAM_PR,    /* ANSam with phase reversals */
    SQ_TONE_CT,          /* V.25 calling tone, 1300 Hz, cadenced */
    SQ_TONE_CNG,         /* T.30 fax calling tone, 1100 Hz, cadenced */
    SQ_TONE_BELL_ANS,    /* Bell 103/212A answer tone, 2225 Hz */
    SQ_TONE_GUARD_550,   /* V.22 guard tone, 550 Hz */
    SQ_TONE_GUARD_1800,  /* V.22 guard tone, 1800 Hz */
    SQ_TONE_KIND_COUNT
} sq_tone_kind;

typedef struct sq_tone_params {
    sq_tone_kind kind;
    uint32_t sample_rate_hz;   /* 8000..48000 */
    double level_dbm0;         /* mean level of the tone while on, -60..+3 */
    double duration_s;         /* total length including cadence off-time; 0 = the default */
    double freq_offset_hz;     /* added to the nominal frequency (tests, line offset), |x| <= 100 */
} sq_tone_params;

/* Nominal frequency, default level and default duration of a kind. */
SQ_API double sq_tone_nominal_hz(sq_tone_kind kind);
SQ_API double sq_tone_default_level_dbm0(sq_tone_kind kind);
SQ_API double sq_tone_default_duration_s(sq_tone_kind kind);
/* Lower-case name as used on the command line and in decoder output ("ansam_pr"). */
SQ_API const char *sq_tone_kind_to_str(sq_tone_kind kind);
/* Kind for a name; SQ_EINVAL if unknown. */
SQ_API int sq_tone_kind_from_str(const char *name, sq_tone_kind *kind);

/* Fills p with the defaults of a kind at a rate. */
SQ_API void sq_tone_default_params(sq_tone_kind kind, uint32_t sample_rate_hz, sq_tone_params *p);

typedef struct sq_tonegen sq_tonegen;

SQ_API SQ_NODISCARD int sq_tonegen_create(const sq_tone_params *p, sq_tonegen **out);
/* Writes up to n samples; returns how many belong to the tone (fewer than n only at its end;
 * the rest of out is left untouched). Never allocates or fails. */
SQ_API size_t sq_tonegen_generate(sq_tonegen *g, float *out, size_t n);
/* Samples left before the tone (with its cadence) ends. */
SQ_API size_t sq_tonegen_remaining(const sq_tonegen *g);
SQ_API void sq_tonegen_reset(sq_tonegen *g);
SQ_API void sq_tonegen_destroy(sq_tonegen *g);

#ifdef __cplusplus
}
#endif

#endif
