/* V.22 / V.22bis handshake signal detection (src/proto/v22_detect.h). */
#include <math.h>
#include <string.h>
#include "src/proto/v22_detect.h"

/* USB1's first 80 ms are left out of the line measure the caller's rate choice rests on.
 * Over the whole run, 14 dB lines (22.2 dB symbol SNR) measured 21.5-22.5 dB, and with a
 * 500 ppm clock skew 2 calls in 20 fell under 20.5 and went to 1200 bit/s; from here on
 * they measure 21.4-23.1 and 20.8-23.1 (40 calls each). */
#define USB1_SETTLE 48

void sq_v22_detector_init(sq_v22_detector *d)
{
    memset(d, 0, sizeof *d);
    sq_v22_scrambler_init(&d->descr);
}

void sq_v22_detector_symbol(sq_v22_detector *d, float complex z, int live)
{
    int turn = sq_v22_turn(z, d->prev_z);
    float complex diff = z * conjf(d->prev_z);
    d->prev_z = z;
    d->usb1_run = live && turn == 3 ? d->usb1_run + 1 : 0;
    d->s1_run = live && ((turn == 1 && d->prev_turn == 3) || (turn == 3 && d->prev_turn == 1)) ? d->s1_run + 1 : 0;
    d->prev_turn = turn;
    /* The line is measured only on an established run: USB1 from USB1_SETTLE symbols on,
     * S1 once recognised (its start, while the receiver still finds its timing, would
     * understate the line). Noise alone makes short runs of either now and then, and when
     * they counted, an answerer that heard only noise and then SB1 preset its carrier loop
     * 12 Hz off the line's 0.5 Hz and trained on garbage (8 dB, one call in 300). */
    if (d->usb1_run == USB1_SETTLE || d->s1_run == SQ_V22_S1_DETECT_SYMBOLS) {
        memset(d->q_sum, 0, sizeof d->q_sum);
        memset(d->q_n, 0, sizeof d->q_n);
        d->q_sum2 = 0.0;
    }
    if (d->usb1_run >= USB1_SETTLE || d->s1_run >= SQ_V22_S1_DETECT_SYMBOLS) {
        /* how far the turn was from its quarter */
        double err = atan2((double)cimagf(diff), (double)crealf(diff)) - (double)turn * M_PI / 2.0;
        err = remainder(err, 2.0 * M_PI);
        /* scatter about the mean of each kind of turn: the frequency offset (a common
         * bias) and a timing error (opposite biases on S1's +90 and -90) are not noise */
        d->q_sum[turn] += err;
        d->q_sum2 += err * err;
        d->q_n[turn]++;
        int total = d->q_n[0] + d->q_n[1] + d->q_n[2] + d->q_n[3];
        if (total >= 16) {
            double bias = 0.0;
            for (int k = 0; k < 4; k++)
                bias += d->q_n[k] ? d->q_sum[k] * d->q_sum[k] / d->q_n[k] : 0.0;
            double var = fmax((d->q_sum2 - bias) / total, 1e-6);
            /* the common turn is the carrier offset: a start for the carrier loop */
            double common = (d->q_sum[0] + d->q_sum[1] + d->q_sum[2] + d->q_sum[3]) / total;
            d->foff_hz = common * 600.0 / (2.0 * M_PI);
            d->quality_db = 10.0 * log10(1.0 / var);   /* two noisy samples per difference */
        }
    }
    /* SB1 (or scrambled 0s) at 1200: a long run of equal descrambled bits that is not USB1 */
    uint8_t bits[2];
    sq_v22_turn_to_dibit(turn, bits);
    for (int i = 0; i < 2; i++) {
        uint8_t b = sq_v22_descramble(&d->descr, bits[i]);
        d->sb1_bits = live && d->usb1_run < 4 && d->s1_run < 4 && b == 1 ? d->sb1_bits + 1 : 0;
    }
}

int sq_v22_watch_2400(int *hits, float complex decision)
{
    float complex in0 = decision;
    for (int k = 0; k < 4 && !(crealf(in0) > 0.0f && cimagf(in0) > 0.0f); k++)
        in0 *= -1.0f * I;
    int other = !(crealf(in0) > 2.0f && cimagf(in0) < 2.0f);
    *hits = other ? *hits + 1 : *hits > 0 ? *hits - 1 : 0;
    return *hits >= 3;
}

int sq_v22_follow_symbol(sq_v22_detector *d, sq_v22_demapper *dem, int rate, float complex decision,
                         uint8_t bits[4], uint8_t line[4])
{
    int nb = sq_v22_bits_per_symbol(rate);
    sq_v22_demap(dem, rate, decision, bits);
    for (int i = 0; i < nb; i++) {
        if (line)
            line[i] = bits[i];
        bits[i] = sq_v22_descramble(&d->descr, bits[i]);
    }
    return nb;
}
