/* The V.22 / V.22bis handshake signals recognised before any carrier lock, from the
 * differential phase of the receiver's symbols (spec 4.5): USB1 (unscrambled 1s: +270
 * degrees every symbol), S1 (00 and 11 unscrambled: +90, +270, +90, ...) and SB1 (scrambled
 * 1s at 1200 bit/s: descrambled 1s). While a USB1 or S1 run lasts it measures the line:
 * the scatter of the differential phase about its mean for each kind of turn gives the
 * symbol SNR, and the common turn gives the carrier offset. Shared by the V.22bis session
 * and the timeline decoder. */
#ifndef SQ_V22_DETECT_H
#define SQ_V22_DETECT_H

#include <complex.h>
#include "src/proto/v22_coding.h"

typedef struct sq_v22_detector {
    float complex prev_z;
    int prev_turn;
    int usb1_run;              /* symbols of USB1 in a row */
    int s1_run;                /* alternations of S1 in a row */
    int sb1_bits;              /* descrambled 1s in a row that are neither USB1 nor S1 */
    double q_sum[4], q_sum2;   /* differential phase error over the current run, by turn */
    int q_n[4];
    double quality_db;         /* symbol SNR measured on the last USB1 or S1 run */
    double foff_hz;            /* carrier offset measured on it */
    sq_v22_scrambler descr;    /* runs on from here into data: it is self-synchronising */
} sq_v22_detector;

#define SQ_V22_S1_DETECT_SYMBOLS 16   /* alternations that make S1 */
/* Clause figures the session and the timeline decoder both follow */
#define SQ_V22_CARRIER_ON_DBM0 -43.0      /* V.22 3.3: received line signal ON above -43 dBm */
#define SQ_V22_CARRIER_OFF_DBM0 -48.0     /* ... and OFF below -48 dBm */
#define SQ_V22_CARRIER_OFF_MS 65          /* V.22bis 3.2: OFF once below for 40-65 ms */
#define SQ_V22_DECIDE16_AFTER_S1_MS 450   /* V.22bis 6.3.1: 16-way decisions 450 +/- 10 ms after S1 */
#define SQ_V22_ONES_BEFORE_DATA 32        /* 32 consecutive 1s at the final rate: 109 ON */
#define SQ_V22_SB1_DETECT_BITS 324    /* 270 +/- 40 ms of SB1 at 1200 bit/s */

void sq_v22_detector_init(sq_v22_detector *d);
/* After S1, with 16-way decisions: the far end's move to 2400 bit/s shows as points other
 * than (3, 1) of a quadrant. Counts them in *hits; 1 once there are enough. */
int sq_v22_watch_2400(int *hits, float complex decision);
/* One symbol from the receiver (before decisions); live: the far carrier is on. */
void sq_v22_detector_symbol(sq_v22_detector *d, float complex z, int live);
/* Once the receiver is coherent: the data bits one decision carries at `rate` (1200: 2,
 * 2400: 4), demapped and then descrambled by the detector's descrambler, which runs on from
 * the handshake into data; returns how many. line (NULL: not wanted) gets the bits as they
 * were on the line, before descrambling. The session's receiver and the timeline decoder's
 * lanes both read the far end's bits through this. */
int sq_v22_follow_symbol(sq_v22_detector *d, sq_v22_demapper *dem, int rate, float complex decision,
                         uint8_t bits[4], uint8_t line[4]);

#endif
