/* Bit error rate of squeal's FSK demodulator on a white-noise channel (shared by the
 * BER benchmark and the BER test). */
#ifndef SQ_SIM_FSK_BER_H
#define SQ_SIM_FSK_BER_H

#include <stddef.h>
#include <stdint.h>
#include "squeal/fsk.h"

typedef struct fsk_ber_result {
    size_t bits;     /* bits compared */
    size_t errors;
} fsk_ber_result;

/* Makes n_bits random bits (seeded), modulates them at -13 dBm0, adds white noise for
 * snr_db over 0-4 kHz, and writes the 8 kHz signal to *signal (malloc'd, *n samples) and the
 * bits to *bits (malloc'd). */
int fsk_ber_make_signal(const sq_fsk_params *p, size_t n_bits, double snr_db, uint64_t seed,
                        float **signal, size_t *n, uint8_t **bits);
/* Counts errors between received bits and the sent ones, after finding the alignment in
 * the first bits; the first skip bits (clock acquisition) are not counted. */
fsk_ber_result fsk_ber_compare(const uint8_t *sent, size_t n_sent, const uint8_t *got,
                               size_t n_got, size_t skip);
/* The whole measurement with squeal's demodulator. */
fsk_ber_result fsk_ber_squeal(const sq_fsk_params *p, size_t n_bits, double snr_db, uint64_t seed);
/* Non-coherent orthogonal BFSK bound 0.5 exp(-Eb/N0 / 2), with Eb/N0 from the SNR over
 * 0-4 kHz (spec section 6). */
double fsk_ber_theory(double snr_db, double baud);

#endif
