/* Internal: where the FSK demodulator's transitions fall against the bit grid.
 *
 * FSK is keyed on a bit clock: every change between mark and space comes a whole number of
 * bits after the last (in start-stop data, after the start bit that follows an idle), so each
 * transition lands on the grid its neighbours set, and the mean vector of their phases off
 * that grid is near 1 long. Two notes of a chord inside the band, or a note beating against
 * another, also swing the decision between mark and space, but when the sound changes, not
 * on a clock: their transitions fall at any phase, and the mean vector stays short
 * (1/sqrt(n) for n transitions at random). A beat's swings come at a steady rate, but not a
 * bit's, so they walk along the grid and cancel too. The tally covers the transitions since
 * the signal's onset (sq_fskdemod_onset_sample) and starts again at the next onset; the first
 * transition after an idle only sets the grid. */
#ifndef SQ_DSP_FSK_TIMING_H
#define SQ_DSP_FSK_TIMING_H

#include <stdint.h>
#include "squeal/fsk.h"

typedef struct sq_fsk_tally {
    uint64_t count;           /* transitions since the onset, once the filters had settled */
    double cos_sum, sin_sum;  /* sum of e^(j 2 pi phase) over them, phase 0 where expected */
} sq_fsk_tally;

/* Every crossing of the decision statistic counts in `all`; in `flips` only those after which
 * the next bit decided differs from the one before (a crossing and back within a bit, as
 * noise makes in a held mark, changes no decision). */
typedef struct sq_fsk_transitions {
    sq_fsk_tally all, flips;
} sq_fsk_transitions;

void sq_fskdemod_transitions(const sq_fskdemod *d, sq_fsk_transitions *out);

#endif
