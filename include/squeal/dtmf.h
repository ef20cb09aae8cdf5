/* squeal: DTMF (touch-tone) digits, sent and heard.
 *
 * Each digit is one tone of the low group (697, 770, 852, 941 Hz: the rows of the keypad)
 * plus one of the high group (1209, 1336, 1477, 1633 Hz: the columns), ITU-T Q.23. A modem
 * dials its number this way before the call signal; an answering modem on an audio line,
 * where no exchange rings it, hears the digits as its ring.
 *
 * The transmitter sends the high-group tone 2 dB above the low one (the usual pre-emphasis
 * against the line's high-frequency loss), with 2 ms raised-cosine edges so that a digit
 * does not click. The receiver measures the eight frequencies over 25.6 ms windows every
 * 12.8 ms (Goertzel) and takes a digit when, in two windows running, one row and one column
 * stand out: each 8 dB above the other tones of its group, the two together at least 70%
 * of all the power in the window (speech and music spread theirs), the column between 8 dB
 * below and 4 dB above the row (the twist Q.24 receivers accept), each above -36 dBm0. So
 * a digit must last about 40 ms to be heard, the shortest Q.24 asks receivers to take. */
#ifndef SQUEAL_DTMF_H
#define SQUEAL_DTMF_H

#include <stddef.h>
#include <stdint.h>
#include "squeal/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sq_dtmf_params {
    uint32_t sample_rate_hz;   /* 8000..48000 */
    double level_dbm0;         /* the low-group tone, -40..-3 (the high group is 2 dB above) */
    double tone_ms;            /* each digit, 40..1000 (Hayes S11 sets both: 95 ms) */
    double gap_ms;             /* silence after each digit, 40..1000 */
    double pause_s;            /* what a ',' in the digits waits, 0..255 (Hayes S8: 2 s) */
} sq_dtmf_params;

/* -10 dBm0 (low group), 95 ms digits and gaps, 2 s pauses. */
SQ_API void sq_dtmf_default_params(uint32_t sample_rate_hz, sq_dtmf_params *p);
/* 1 when c is a digit the keypad has (0-9 * # A-D, either case). */
SQ_API int sq_dtmf_is_digit(char c);

typedef struct sq_dtmf_tx sq_dtmf_tx;

/* digits: up to 256 of 0-9 * # A-D (either case) and ',' (a pause); SQ_EINVAL for anything
 * else, or for parameters out of range. */
SQ_API SQ_NODISCARD int sq_dtmf_tx_create(const sq_dtmf_params *p, const char *digits, sq_dtmf_tx **out);
/* Writes up to n samples; returns how many belong to the digits (fewer than n only at the
 * end; the rest of out is left untouched). Never allocates or fails. */
SQ_API size_t sq_dtmf_tx_generate(sq_dtmf_tx *g, float *out, size_t n);
SQ_API size_t sq_dtmf_tx_remaining(const sq_dtmf_tx *g);
SQ_API void sq_dtmf_tx_destroy(sq_dtmf_tx *g);

typedef struct sq_dtmf_digit {
    char digit;                /* '0'-'9', '*', '#', 'A'-'D' */
    uint64_t start_sample;     /* counted from the first sample the receiver was given */
    uint64_t end_sample;
    double low_dbm0, high_dbm0;  /* the two tones' levels, measured */
} sq_dtmf_digit;

typedef struct sq_dtmf_rx sq_dtmf_rx;

/* A receiver at 8 kHz (SQ_PROCESSING_RATE_HZ). */
SQ_API SQ_NODISCARD int sq_dtmf_rx_create(sq_dtmf_rx **out);
/* Any block size; never allocates. Digits are queued when they end (up to 64 wait). */
SQ_API void sq_dtmf_rx_process(sq_dtmf_rx *d, const float *x, size_t n);
/* The next digit that has ended: SQ_OK, or SQ_EAGAIN when none. */
SQ_API int sq_dtmf_rx_next(sq_dtmf_rx *d, sq_dtmf_digit *out);
/* The digit sounding now ('\0' when none): a listener need not wait for its end. */
SQ_API char sq_dtmf_rx_current(const sq_dtmf_rx *d);
SQ_API void sq_dtmf_rx_reset(sq_dtmf_rx *d);
SQ_API void sq_dtmf_rx_destroy(sq_dtmf_rx *d);

#ifdef __cplusplus
}
#endif

#endif
