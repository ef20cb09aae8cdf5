/* Streaming sample-rate conversion for the line backends (libsoxr, as for audio files).
 *
 * A sound card runs at 44.1 or 48 kHz and a raw stream at whatever --rate says; the modem
 * works at 8 kHz. One converter per direction; when both rates agree it copies. */
#ifndef SQ_IO_RATE_CONVERTER_H
#define SQ_IO_RATE_CONVERTER_H

#include <stddef.h>

typedef struct sq_rate_converter sq_rate_converter;

/* NULL when out of memory or the rates are unusable. */
sq_rate_converter *sq_rate_converter_create(double in_rate_hz, double out_rate_hz);
/* Takes all n input samples and writes what it can produce, up to max_out, to out;
 * *used says how many inputs it took (it takes fewer only when out is too small). */
size_t sq_rate_converter_process(sq_rate_converter *c, const float *in, size_t n, size_t *used,
                                 float *out, size_t max_out);
void sq_rate_converter_destroy(sq_rate_converter *c);

#endif
