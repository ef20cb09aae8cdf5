/* A picture of one FSK stretch (V.21, Bell 103, a V.8 message): the demodulator's decision
 * variable at each bit against time, +1 a clean mark, -1 a clean space, each dot coloured by
 * the bit decided. PNG, drawn with Cairo. */
#ifndef SQ_PLOT_FSK_DECISIONS_H
#define SQ_PLOT_FSK_DECISIONS_H

#include <stddef.h>
#include "squeal/squeal.h"

/* bits in time order, from start_s to end_s. 0, or -1 with a one-line reason in err. */
int fsk_decisions_write(const char *path, const char *title, const sq_decoder_fsk_bit *bits, size_t n,
                        double start_s, double end_s, char *err, size_t err_len);

#endif
