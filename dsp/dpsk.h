/* Internal: binary DPSK at 600 baud, the modulation of V.34's phase-2 signals (V.34
 * 10.1.2.3.1): a 1 turns the carrier 180 degrees from the previous symbol, a 0 leaves it.
 * A tone is a run of 0s, a phase reversal in it a single 1, an INFO frame a burst of both.
 *
 * The receiver mixes to baseband, integrates over one symbol (a running sum of 13 samples:
 * its first null is 615 Hz off the carrier, so the 1800 Hz guard tone beside 2400 Hz goes)
 * and multiplies each sum by the conjugate of the one a symbol earlier. The symbol is 13.33
 * samples long; rather than recover timing, it reads the product at eight phases of the
 * symbol clock at once, and the caller keeps whichever phase serves it. */
#ifndef SQ_DSP_DPSK_H
#define SQ_DSP_DPSK_H

#include <complex.h>
#include <stddef.h>
#include <stdint.h>

#define SQ_DPSK_BAUD 600.0
#define SQ_DPSK_PHASES 8

typedef struct sq_dpsk_tx_params {
    double carrier_hz;
    double level_dbm0;       /* the DPSK carrier's own level */
    double guard_hz;         /* 0 for none */
    double guard_level_dbm0;
    double offset_hz;        /* shifts both, to test a receiver against an offset */
} sq_dpsk_tx_params;

/* Samples that sq_dpsk_modulate writes for n_bits: the starting point then one symbol a bit. */
size_t sq_dpsk_samples(size_t n_bits);
/* Writes the start point and then the bits (one a byte, 0 or 1), raised-cosine pulses with
 * 75 % roll-off (V.34 Fig. 13: down 20 dB beyond about +-500 Hz). out holds
 * sq_dpsk_samples(n_bits). */
void sq_dpsk_modulate(const sq_dpsk_tx_params *p, const uint8_t *bits, size_t n_bits, float *out);

/* One symbol as read at one phase of the symbol clock. */
typedef struct sq_dpsk_symbol {
    uint64_t sample;         /* the symbol's end: the sample the decision was taken at */
    int phase;               /* 0 .. SQ_DPSK_PHASES - 1 */
    float complex product;   /* this symbol's sum times the conjugate of the previous one */
    float complex product3;  /* times the conjugate of the sum 40 samples (3 symbols) back: its
                              * angle is the carrier's offset, 2 pi f 40 / 8000, free of the
                              * bias the fractional delay and the mixer's image give product */
    double power;            /* mean power of the carrier over the symbol (full scale 1) */
    double total_power;      /* mean power of the whole input over the symbol */
} sq_dpsk_symbol;

typedef void (*sq_dpsk_symbol_fn)(void *user, const sq_dpsk_symbol *s);

#define SQ_DPSK_SUM 13
#define SQ_DPSK_HISTORY 48
#define SQ_DPSK_MAX_TABLE 80

typedef struct sq_dpsk_rx {
    float complex table[SQ_DPSK_MAX_TABLE];   /* e^{-j 2 pi f n / 8000} over one period */
    size_t table_len, table_pos;
    float complex mixed[SQ_DPSK_SUM];
    double energy[SQ_DPSK_SUM];
    size_t mixed_pos;
    double complex sum;
    double energy_sum;
    float complex sums[SQ_DPSK_HISTORY];      /* the running sum, sample by sample */
    size_t sums_pos;
    uint64_t n;
    double next[SQ_DPSK_PHASES];               /* the next decision instant of each phase */
    double next_any;                           /* the earliest of them */
    int skipped;                               /* samples skipped since the last push */
} sq_dpsk_rx;

/* carrier_hz must divide into whole cycles within SQ_DPSK_MAX_TABLE samples at 8 kHz
 * (1200, 1800, 2400 Hz do). Returns 0, or -1 for a carrier it cannot take. */
int sq_dpsk_rx_init(sq_dpsk_rx *r, double carrier_hz);
/* n samples of silence, skipped: the symbol clock goes on, nothing is called. */
void sq_dpsk_rx_skip(sq_dpsk_rx *r, size_t n);
/* Feeds 8 kHz samples; fn is called for every symbol of every phase. */
void sq_dpsk_rx_push(sq_dpsk_rx *r, const float *x, size_t n, sq_dpsk_symbol_fn fn, void *user);

#endif
