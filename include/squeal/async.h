/* squeal: asynchronous (start-stop) character framing, as used by V.21, Bell 103 and V.8.
 *
 * A character is a start bit (0), data bits LSB first, an optional parity bit and one or
 * two stop bits (1) (spec section 0.1). The transmitter turns bytes into line bits; the
 * receiver finds start bits in a bit stream, samples the character and checks parity and
 * stop bit, reporting framing and parity errors instead of delivering a bad byte as good. */
#ifndef SQUEAL_ASYNC_H
#define SQUEAL_ASYNC_H

#include <stddef.h>
#include <stdint.h>
#include "squeal/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* MARK and SPACE: the parity bit is always 1 or always 0 (what 7M1 / 7S1 terminals send). */
typedef enum sq_parity { SQ_PARITY_NONE = 0, SQ_PARITY_EVEN, SQ_PARITY_ODD, SQ_PARITY_MARK, SQ_PARITY_SPACE } sq_parity;

typedef struct sq_async_format {
    int data_bits;       /* 5..8 */
    sq_parity parity;
    int stop_bits;       /* 1 or 2 */
} sq_async_format;

SQ_API extern const sq_async_format SQ_ASYNC_8N1;

/* SQ_OK when the format is valid. */
SQ_API int sq_async_format_check(const sq_async_format *f);
/* Line bits per character: 1 + data + parity + stop. */
SQ_API int sq_async_bits_per_char(const sq_async_format *f);
/* Frames one byte into bits[] (room for sq_async_bits_per_char); returns the bit count. */
SQ_API int sq_async_frame_byte(const sq_async_format *f, uint8_t byte, uint8_t *bits);

typedef struct sq_async_char {
    uint64_t start_sample;   /* sample index of the start bit's end, from the bit stream */
    uint64_t end_sample;     /* sample index of the stop bit's end */
    uint8_t byte;
    uint8_t framing_error;   /* stop bit was 0 */
    uint8_t parity_error;
    uint8_t stop_deleted;    /* V.14: the stop bit was left out, and its 0 began the next character */
} sq_async_char;

typedef struct sq_async_rx sq_async_rx;

SQ_API SQ_NODISCARD int sq_async_rx_create(const sq_async_format *f, sq_async_rx **out);
/* Feeds one received bit; returns 1 and fills *c when it completes a character. */
SQ_API int sq_async_rx_put_bit(sq_async_rx *r, uint8_t bit, uint64_t sample, sq_async_char *c);
SQ_API void sq_async_rx_reset(sq_async_rx *r);
/* V.14 rate adaption (spec 4.9): a transmitter running fast may leave out one stop bit in
 * any 8 characters. With this on, a 0 where the stop bit was due starts the next character
 * instead of making a framing error, at most once per 8 characters; a second one sooner is
 * still an error. So a break (23 or more 0s for 8N1) reads as a NUL and then an error. */
SQ_API void sq_async_rx_accept_deleted_stops(sq_async_rx *r, int on);
SQ_API void sq_async_rx_destroy(sq_async_rx *r);

#ifdef __cplusplus
}
#endif

#endif
