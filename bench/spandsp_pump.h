/* spandsp's V.22bis pump measured the way bench_v22 measures ours: bit errors after
 * training against SNR, and speed. Built only when spandsp is found. */
#ifndef SQ_BENCH_SPANDSP_PUMP_H
#define SQ_BENCH_SPANDSP_PUMP_H

#include <stdint.h>

/* Two spandsp modems train at `rate` on a line with a +3 Hz offset and no noise (at +5 Hz a
 * spandsp pair settles on 1200 bit/s: its S1 detection misses); then white
 * noise at snr_db (over 0-4 kHz, against the level spandsp sends, measured over 1 s) is switched on in the
 * caller-to-answerer direction, and the answerer counts descrambled 0s in a stream of 1s after 0.5 s to settle.
 * Returns -1 if the pair did not train. */
int spandsp_ber(int rate, double snr_db, uint64_t seed, uint64_t bits, uint64_t *errors,
                uint64_t *counted);

/* Seconds of audio per CPU second: spandsp's V.22bis receiver alone over a recorded 60 s
 * call at 2400 bit/s (answerer's signal), and a whole spandsp-to-spandsp call at 2400 bit/s
 * through the line model (both modems, both directions). *recording receives the 60 s of
 * the answerer's line signal (malloc'd, 480000 samples) for timing ours on the same input. */
double spandsp_rx_speed(float **recording, uint64_t *samples);
double spandsp_pair_speed(void);

#endif
