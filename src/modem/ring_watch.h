/* The answering modem's ring on an audio line, where no exchange sends ringing current: a
 * calling signal heard on the line (DTMF digits, or the caller's CT, CI or any steady
 * signal above -45 dBm0 for 100 ms); a caller that dials rings once its digits have stopped
 * for 600 ms, as an exchange rings once the number is complete. The first one rings; while the caller goes on, another
 * ring follows every 6 s (the cadence of a ringing line); 8 s of quiet end the ringing.
 * After a call the watch waits for 400 ms of quiet first, so that the far end's carrier,
 * still on until it notices the hang-up, does not ring; a new caller's CI or CT has gaps of
 * at least that between its bursts. */
#ifndef SQ_MODEM_RING_WATCH_H
#define SQ_MODEM_RING_WATCH_H

#include <stddef.h>
#include <stdint.h>

typedef struct ring_watch ring_watch;

int ring_watch_create(ring_watch **out);
void ring_watch_destroy(ring_watch *w);
/* n samples heard while on hook; returns how many rings began in them (0 or 1). */
int ring_watch_process(ring_watch *w, const float *rx, size_t n);
/* 1 while a caller is ringing. */
int ring_watch_ringing(const ring_watch *w);
/* The DTMF digits heard since the ringing began ("" when none). */
const char *ring_watch_digits(const ring_watch *w);
/* Forget the ringing and wait for quiet again (after a call, or when answering). */
void ring_watch_rearm(ring_watch *w);

#endif
