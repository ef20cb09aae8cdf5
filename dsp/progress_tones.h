/* The call-progress tone plans (include/squeal/progress.h), shared by the transmitter and
 * the receiver. */
#ifndef SQ_DSP_PROGRESS_TONES_H
#define SQ_DSP_PROGRESS_TONES_H

#include "squeal/progress.h"

typedef struct progress_tone_spec {
    double f1_hz, f2_hz;       /* f2 0: a single tone */
    double on_s, off_s;        /* off 0: continuous */
    double level_dbm0;
    double default_s;
} progress_tone_spec;

static const progress_tone_spec PROGRESS_SPECS[2][SQ_PROGRESS_KIND_COUNT] = {
    [SQ_PROGRESS_NORTH_AMERICA] = {
        [SQ_PROGRESS_DIAL] = { 350.0, 440.0, 0.0, 0.0, -13.0, 3.0 },
        [SQ_PROGRESS_RINGBACK] = { 440.0, 480.0, 2.0, 4.0, -19.0, 12.0 },
        [SQ_PROGRESS_BUSY] = { 480.0, 620.0, 0.5, 0.5, -24.0, 4.0 },
        [SQ_PROGRESS_REORDER] = { 480.0, 620.0, 0.25, 0.25, -24.0, 4.0 },
    },
    [SQ_PROGRESS_EUROPE] = {
        [SQ_PROGRESS_DIAL] = { 425.0, 0.0, 0.0, 0.0, -13.0, 3.0 },
        [SQ_PROGRESS_RINGBACK] = { 425.0, 0.0, 1.0, 4.0, -19.0, 10.0 },
        [SQ_PROGRESS_BUSY] = { 425.0, 0.0, 0.5, 0.5, -24.0, 4.0 },
        [SQ_PROGRESS_REORDER] = { 425.0, 0.0, 0.25, 0.25, -24.0, 4.0 },
    },
};

#endif
