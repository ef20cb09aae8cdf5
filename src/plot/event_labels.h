/* What the pictures say about each decoded event: which side sent it, a short name for the
 * picture ("ANSam/", "CM", "data 2400"), its family (which colour), and what the short name
 * means, in words, for the legend. */
#ifndef SQ_PLOT_EVENT_LABELS_H
#define SQ_PLOT_EVENT_LABELS_H

#include <stddef.h>
#include "squeal/squeal.h"

typedef enum plot_side { PLOT_CALLER = 0, PLOT_ANSWERER = 1 } plot_side;

typedef enum plot_family {
    PLOT_ANSWER_TONE = 0,   /* ANS, ANSam, Bell 2225 Hz, guard tones */
    PLOT_CALLING_TONE,      /* CT, CNG */
    PLOT_V8,                /* CI, CM, JM, CJ */
    PLOT_FSK_DATA,          /* V.21, Bell 103 */
    PLOT_TRAINING,          /* USB1, S1, SB1 */
    PLOT_QAM_DATA,          /* V.22 / V.22bis data */
    PLOT_FAMILY_COUNT
} plot_family;

plot_side plot_event_side(const sq_event *ev);
/* V.34 and V.90 start-up events (phase 2 on): their fsk_channel is the phase-2 band of the
 * modem that sent them (1: 1200 Hz, 2: 2400 Hz), which is the caller's and the answerer's
 * in V.34 but the digital and analogue modem's in V.90, whichever called. */
int plot_event_by_band(sq_event_type t);
plot_family plot_event_family(const sq_event *ev);
/* The short name on the picture. */
void plot_event_label(const sq_event *ev, char *buf, size_t len);
/* The legend's words for that short name. */
void plot_event_meaning(const sq_event *ev, char *buf, size_t len);

#endif
