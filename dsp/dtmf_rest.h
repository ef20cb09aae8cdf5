/* Internal: a DTMF receiver that rests while the line carries something no digit can be
 * part of (a modem's data, read by another lane of the decoder). */
#ifndef SQ_DSP_DTMF_REST_H
#define SQ_DSP_DTMF_REST_H

#include <stddef.h>
#include "squeal/dtmf.h"

/* Takes n samples into the receiver's history without looking at its windows, as if each
 * window had shown nothing: the same state as sq_dtmf_rx_process when no digit is there.
 * While a digit or a candidate for one is being followed it processes them as usual. */
void sq_dtmf_rx_rest(sq_dtmf_rx *d, const float *x, size_t n);

#endif
