/* A one-way V.22 / V.22bis link with the training done by schedule rather than by the
 * handshake: the transmitter sends scrambled 1s (SB1) at 1200 bit/s, then at the rate
 * under test; the receiver acquires, trains on the 4-point set, then decides at the rate.
 * Errors are descrambled 0s after the receiver has settled: SB1 is a pseudo-random line
 * signal that descrambles to all 1s. Shared by the pump tests and the BER benchmark. */
#ifndef SQ_SIM_V22_LINK_H
#define SQ_SIM_V22_LINK_H

#include <stdint.h>

typedef struct v22_link {
    int rate;               /* 1200 or 2400 */
    int caller;             /* 1: the caller's 1200 Hz carrier; 0: the answerer's 2400 Hz */
    double snr_db;          /* NAN: no noise */
    double foff_hz;
    uint64_t seed;
    uint64_t bits;          /* data bits to count */
    /* out */
    uint64_t errors, counted;
    double snr_estimate_db; /* the receiver's own estimate at the end */
} v22_link;

/* 0, or -1 if something could not be made. */
int v22_link_run(v22_link *l);

#endif
