/* squeal: the one time base. Every modem, detector and decoder runs on samples at 8 kHz
 * (the rate of the telephone channel's G.711 codec); audio at other rates is resampled at
 * the edges (files, sound cards, raw streams). Sample counts are squeal's clock: a session's
 * times, a note's `sample`, an event's seconds are all counted in these samples. */
#ifndef SQUEAL_TIME_BASE_H
#define SQUEAL_TIME_BASE_H

#include <stdint.h>

#define SQ_PROCESSING_RATE_HZ 8000u
/* Milliseconds to samples at SQ_PROCESSING_RATE_HZ (x may be fractional), for the timings
 * the Recommendations give in milliseconds. */
#define SQ_MS(x) ((uint64_t)((x) * (SQ_PROCESSING_RATE_HZ / 1000u)))

#endif
