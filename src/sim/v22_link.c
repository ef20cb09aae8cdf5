/* Scheduled one-way V.22 / V.22bis link (src/sim/v22_link.h). */
#include <math.h>
#include <stdlib.h>
#include "src/sim/v22_link.h"
#include "dsp/qam.h"
#include "src/proto/v22_coding.h"
#include "squeal/squeal.h"

#define BLOCK 160
#define TRAIN_SYMBOLS 600      /* 1 s of SB1 at 1200 before the rate under test */
#define ACQUIRE_SYMBOLS 60
#define SETTLE_SYMBOLS 300     /* symbols at the rate before errors count */

typedef struct tx_side {
    sq_v22_scrambler scr;
    sq_v22_mapper map;
    int rate;
    uint64_t symbols;
} tx_side;

static float complex next_symbol(void *user)
{
    tx_side *t = user;
    int rate = t->symbols++ < TRAIN_SYMBOLS ? 1200 : t->rate;
    uint8_t bits[4];
    for (int i = 0; i < sq_v22_bits_per_symbol(rate); i++)
        bits[i] = sq_v22_scramble(&t->scr, 1);
    return sq_v22_map(&t->map, rate, bits);
}

int v22_link_run(v22_link *l)
{
    double carrier = l->caller ? SQ_QAM_CALLER_CARRIER_HZ : SQ_QAM_ANSWERER_CARRIER_HZ;
    sq_qam_tx *tx = NULL;
    sq_qam_rx *rx = NULL;
    sq_channel *ch = NULL;
    sq_channel_params cp = { .foff_hz = l->foff_hz, .seed = l->seed,
                             .noise_rms = isnan(l->snr_db) ? 0.0 : sq_noise_rms_for_snr(-13.0, l->snr_db) };
    int rc = -1;
    if (sq_qam_tx_create(carrier, -13.0, 0, &tx) != 0 || sq_qam_rx_create(carrier, &rx) != 0 ||
        sq_channel_create(&cp, &ch) != SQ_OK)
        goto out;
    tx_side t = { .rate = l->rate };
    sq_v22_scrambler_init(&t.scr);
    sq_v22_scrambler descr;
    sq_v22_scrambler_init(&descr);
    sq_v22_demapper dem = { 0 };
    float a[BLOCK], b[BLOCK];
    sq_qam_symbol sym[64];
    uint64_t got = 0;
    l->errors = l->counted = 0;
    while (l->counted < l->bits) {
        sq_qam_tx_generate(tx, a, BLOCK, next_symbol, &t);
        sq_channel_process(ch, a, b, BLOCK);
        size_t n = sq_qam_rx_process(rx, b, BLOCK, sym, 64);
        for (size_t i = 0; i < n; i++, got++) {
            if (got == ACQUIRE_SYMBOLS)
                sq_qam_rx_set_decide(rx, SQ_QAM_DECIDE_4);
            /* the receiver lags the transmitter by a few symbols: switch well inside */
            int at_rate = got >= TRAIN_SYMBOLS + 20;
            /* as in V.22bis, 16-way decisions start before the 16 points do: the 1200
             * bit/s points are among them */
            if (got == TRAIN_SYMBOLS - 60 && l->rate == 2400)
                sq_qam_rx_set_decide(rx, SQ_QAM_DECIDE_16);
            int rate = at_rate ? l->rate : 1200;
            uint8_t bits[4];
            sq_v22_demap(&dem, rate, sym[i].decision, bits);
            for (int k = 0; k < sq_v22_bits_per_symbol(rate); k++) {
                uint8_t d = sq_v22_descramble(&descr, bits[k]);
                if (at_rate && got >= TRAIN_SYMBOLS + SETTLE_SYMBOLS && l->counted < l->bits) {
                    l->counted++;
                    l->errors += d == 0;
                }
            }
        }
    }
    l->snr_estimate_db = sq_qam_rx_snr_db(rx);
    rc = 0;
out:
    sq_qam_tx_destroy(tx);
    sq_qam_rx_destroy(rx);
    sq_channel_destroy(ch);
    return rc;
}
