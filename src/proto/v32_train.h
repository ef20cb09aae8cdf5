/* Internal: V.32 / V.32bis training (V.32bis 5.2, 5.3) as 2D symbols and bits, for the
 * timeline decoder's receiver (which shares V.34's: 2400 symbols/s on 1800 Hz, the same S to
 * S-bar reversal, the same scramblers) and the tests' transmitter.
 *
 * The four states A, B, C, D are held here as (-1,-1), (1,-1), (1,1), (-1,1): V.32's
 * (-6,-2), (2,-6), (6,2), (-2,6) turned and scaled onto the grid V.34's slicer uses (B is A a
 * quarter-turn counter-clockwise, C and D opposite A and B, as in V.32). */
#ifndef SQ_PROTO_V32_TRAIN_H
#define SQ_PROTO_V32_TRAIN_H

#include <complex.h>
#include <stddef.h>
#include <stdint.h>
#include "src/proto/v34_train.h"
#include "squeal/decoder.h"

#define SQ_V32_SYMBOL_RATE 2400.0
#define SQ_V32_CARRIER_HZ 1800.0
#define SQ_V32_S_SYMBOLS 256
#define SQ_V32_TRN_TWO_STATES 256    /* TRN's first symbols use A and C only */
#define SQ_V32_RATE_BITS 16

enum { SQ_V32_A = 0, SQ_V32_B, SQ_V32_C, SQ_V32_D };

float complex sq_v32_state(int state);
/* S (r < 0, A and B in turn, B last) and S-bar (r >= 0: C, D, ...). */
float complex sq_v32_s_symbol(long r);
/* TRN (5.2.3): scrambled 1s from a zeroed scrambler; symbol i of it. Call in order. */
typedef struct sq_v32_trn {
    sq_v34_scrambler scr;
    long i;
} sq_v32_trn;
void sq_v32_trn_init(sq_v32_trn *t, int answer_modem);
float complex sq_v32_trn_next(sq_v32_trn *t);

/* The rate sequences' differential code (Table 2): the quarter-turns from one state to the
 * next give Q1 Q2, which are descrambled. */
typedef struct sq_v32_diff {
    sq_v34_scrambler scr;
    int last;                        /* quarter-turns of the last state from A */
} sq_v32_diff;
void sq_v32_diff_init(sq_v32_diff *d, int answer_modem, float complex last_trn);
float complex sq_v32_diff_encode(sq_v32_diff *d, int q1, int q2);
void sq_v32_diff_decode(sq_v32_diff *d, float complex decided, int *q1, int *q2);

/* A 16-bit rate sequence, bit 0 first in time (bit i of the value). Returns 1 for an R
 * (sync 0000, B7 B11 B15 1), 2 for an E (sync 1111, B7 B11 B15 1), 0 otherwise. */
int sq_v32_sequence_kind(unsigned bits);
/* The rates a sequence enables: sq_v32_rates_of_bits (squeal/decoder.h). */
/* A sequence from a rate mask (V.32bis, sync and the V.32bis bits set; with no rate, a
 * cleardown: B4 clear as well); e for an E. */
unsigned sq_v32_sequence(unsigned rates, int e);

/* A modem's training as 5.2.3 and 5.3 order it, for the tests: S, S-bar, trn_symbols of TRN,
 * r_count rate sequences offering `offered`, then (an answerer's R3, as after the caller's R2)
 * r3_count naming `chosen` and one E, then tail_symbols standing for B1 and data. Returns how
 * many symbols the whole has; writes what fits in max. */
size_t sq_v32_training_symbols(int answer_modem, int trn_symbols, unsigned offered, int r_count, unsigned chosen,
                               int r3_count, int tail_symbols, float complex *out, size_t max);

/* A rate renegotiation (V.32bis 8): the preamble, the caller's AA for 56 T then CC for 8 T,
 * the answerer's AC then CA; then R4 or R5, the differential coder started from the
 * preamble's last symbol. */
#define SQ_V32_PREAMBLE_TONE_SYMBOLS 56
#define SQ_V32_PREAMBLE_REVERSED_SYMBOLS 8
/* The preamble's symbol r, counted from the reversal (r < 0: AA or AC; 0-7: CC or CA). */
float complex sq_v32_preamble_symbol(int answer_modem, long r);
/* count copies of the 16-bit sequence seq (bit 0 first) through the differential coder, as
 * symbols (8 a copy); returns how many, writing what fits in max (the coder moves on for all
 * of them). */
size_t sq_v32_sequence_symbols(sq_v32_diff *diff, unsigned seq, int count, float complex *out, size_t max);
/* For the tests: the preamble, r_count copies of R offering `rates` (0: a cleardown), then
 * e_count of E naming `chosen` (Note 2 to 8: a cleardown's E repeats for 64 T at least).
 * Returns how many symbols the whole has; writes what fits in max. */
size_t sq_v32_renegotiation_symbols(int answer_modem, unsigned rates, int r_count, unsigned chosen, int e_count,
                                    float complex *out, size_t max);

#endif
