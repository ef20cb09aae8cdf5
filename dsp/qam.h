/* Internal: the 600-baud QAM/PSK modulator and receiver front end of V.22 and V.22bis
 * (spec 4.1, 5.4). Symbols are complex points on the V.22bis grid (+/-1, +/-3); what the
 * points mean (differential quadrants, rates, scrambling) is the protocol layer's job
 * (src/proto/v22_coding.c). */
#ifndef SQ_DSP_QAM_H
#define SQ_DSP_QAM_H

#include <complex.h>
#include <stddef.h>
#include <stdint.h>

#define SQ_QAM_BAUD 600.0
#define SQ_QAM_CALLER_CARRIER_HZ 1200.0
#define SQ_QAM_ANSWERER_CARRIER_HZ 2400.0
#define SQ_QAM_GRID_POWER 10.0f   /* mean |point|^2 of the 16 points, and of the 1200 bit/s points */

/* ---- modulator ---- */
typedef struct sq_qam_tx sq_qam_tx;

/* The next symbol to send: a grid point, or 0 for silence. */
typedef float complex (*sq_qam_symbol_fn)(void *user);

/* guard_hz 0, 550 or 1800 (answerer only; the data power drops so the total stays at level). */
int sq_qam_tx_create(double carrier_hz, double level_dbm0, int guard_hz, sq_qam_tx **out);
void sq_qam_tx_generate(sq_qam_tx *t, float *out, size_t n, sq_qam_symbol_fn next, void *user);
void sq_qam_tx_destroy(sq_qam_tx *t);

/* ---- receiver ---- */
typedef enum sq_qam_decide {
    SQ_QAM_ACQUIRE = 0,   /* timing and gain only: no decisions steer the loops */
    SQ_QAM_DECIDE_4,      /* the four 1200 bit/s points: carrier loop and equaliser train */
    SQ_QAM_DECIDE_16,     /* the 16 points */
} sq_qam_decide;

typedef struct sq_qam_symbol {
    float complex z;        /* equalised and derotated, scaled to the grid */
    float complex decision; /* nearest point of the current set (0 in ACQUIRE) */
    uint64_t sample;        /* input sample index at the symbol centre */
    float mid_ratio;        /* |half-symbol sample|^2 / |this one|^2, before the equaliser:
                             * about 1 for a steady tone, well below for a PSK signal whose
                             * phase steps between symbols (as USB1's 270 degrees do) */
    float quarter_ratio;    /* the same for the quarter-symbol sample before it, while
                             * acquiring and asked for (else 1): with both, the depth of the
                             * dip whatever timing phase the receiver holds */
} sq_qam_symbol;

typedef struct sq_qam_rx sq_qam_rx;

int sq_qam_rx_create(double carrier_hz, sq_qam_rx **out);
/* Consumes x[0..n), writes up to max symbols; returns how many. n may be at most 256 so a
 * call never makes more than 2 * 256 / 13.3 symbols: pass max >= 40. */
size_t sq_qam_rx_process(sq_qam_rx *r, const float *x, size_t n, sq_qam_symbol *out, size_t max);
/* Samples that complete the next half-symbol instant (at least 1). A caller that steers the
 * receiver from its symbols (set_decide, set_freq_offset, reset) feeds this many at a time,
 * so each change takes effect from the same symbol however the audio is chunked. */
size_t sq_qam_rx_samples_wanted(const sq_qam_rx *r);
void sq_qam_rx_set_decide(sq_qam_rx *r, sq_qam_decide d);
/* Whether to take the quarter-symbol sample while acquiring (quarter_ratio; off: 1): a
 * third matched filter per symbol, wanted only while something looks like USB1. */
void sq_qam_rx_want_quarter(sq_qam_rx *r, int on);
/* Presets the carrier loop's frequency (an estimate from USB1 or S1), Hz. */
void sq_qam_rx_set_freq_offset(sq_qam_rx *r, double hz);
/* Starts over: gain, timing, equaliser and carrier forgotten (a new call or a retrain). */
void sq_qam_rx_reset(sq_qam_rx *r);
/* Starts over as if it had heard silence up to `sample` (its next input): for a receiver
 * that was not fed for a while. */
void sq_qam_rx_restart_at(sq_qam_rx *r, uint64_t sample);
/* Received power in the channel's band, dBm0 (smoothed over ~20 ms). */
double sq_qam_rx_level_dbm0(const sq_qam_rx *r);
/* The same with a ~3 ms memory instead of ~20 ms: it sees a carrier end within a few ms. */
double sq_qam_rx_fast_level_dbm0(const sq_qam_rx *r);
/* The same two as mean powers (sq_dbm0_to_power's scale), for comparing with thresholds
 * symbol by symbol without a logarithm. */
double sq_qam_rx_level_power(const sq_qam_rx *r);
double sq_qam_rx_fast_level_power(const sq_qam_rx *r);
/* Mean squared decision error over recent symbols, relative to the grid power: an SNR
 * estimate in dB of the symbols the slicer sees (0 in ACQUIRE). */
double sq_qam_rx_snr_db(const sq_qam_rx *r);
/* The same as a power ratio (1 in ACQUIRE), for a mean over many symbols without a
 * logarithm each. */
double sq_qam_rx_snr_ratio(const sq_qam_rx *r);
/* The carrier loop's frequency estimate, Hz. */
double sq_qam_rx_freq_offset_hz(const sq_qam_rx *r);
/* Timing drift the symbol clock follows, ppm. */
double sq_qam_rx_clock_ppm(const sq_qam_rx *r);
/* How many times the loops diverged (non-finite state) and were started again. */
uint64_t sq_qam_rx_recoveries(const sq_qam_rx *r);
void sq_qam_rx_destroy(sq_qam_rx *r);

#endif
