/* FSK bit error rate measurement (src/sim/fsk_ber.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "src/sim/fsk_ber.h"
#include "squeal/squeal.h"

#define LEVEL_DBM0 (-13.0)

/* The modulator for n_bits of channel p at LEVEL_DBM0. */
static int fskmod_for(const sq_fsk_params *p, size_t n_bits, sq_fskmod **m)
{
    sq_fskmod_params mp;
    sq_fskmod_default_params(p, &mp);
    mp.level_dbm0 = LEVEL_DBM0;
    mp.queue_bits = n_bits;
    return sq_fskmod_create(&mp, m);
}

int fsk_ber_make_signal(const sq_fsk_params *p, size_t n_bits, double snr_db, uint64_t seed,
                        float **signal, size_t *n, uint8_t **bits)
{
    sq_noise *g = NULL;
    sq_fskmod *m = NULL;
    *signal = NULL;
    *bits = malloc(n_bits);
    *n = (size_t)ceil((double)n_bits * SQ_PROCESSING_RATE_HZ / p->baud) + 200;
    *signal = malloc(*n * sizeof **signal);
    if (!*bits || !*signal || sq_noise_create(seed, &g) != SQ_OK ||
        fskmod_for(p, n_bits, &m) != SQ_OK) {
        sq_noise_destroy(g);
        return -1;
    }
    for (size_t i = 0; i < n_bits; i++)
        (*bits)[i] = (uint8_t)(sq_noise_u32(g) >> 31);
    sq_fskmod_push_bits(m, *bits, n_bits);
    sq_fskmod_generate(m, *signal, *n);
    sq_noise_add(g, *signal, *n, sq_noise_rms_for_snr(LEVEL_DBM0, snr_db));
    sq_fskmod_destroy(m);
    sq_noise_destroy(g);
    return 0;
}

fsk_ber_result fsk_ber_compare(const uint8_t *sent, size_t n_sent, const uint8_t *got,
                               size_t n_got, size_t skip)
{
    fsk_ber_result r = { 0, 0 };
    /* The receiver may emit a few bits before the first sent one: find the shift that
     * matches best over a stretch after the acquisition. */
    size_t best_shift = 0, best_err = (size_t)-1, span = 256;
    for (size_t shift = 0; shift < 16; shift++) {
        size_t err = 0;
        for (size_t i = skip; i < skip + span && i + shift < n_got && i < n_sent; i++)
            err += got[i + shift] != sent[i];
        if (err < best_err) {
            best_err = err;
            best_shift = shift;
        }
    }
    for (size_t i = skip; i < n_sent && i + best_shift < n_got; i++) {
        r.errors += got[i + best_shift] != sent[i];
        r.bits++;
    }
    /* bits the receiver never produced count as errors */
    size_t expected = n_sent > skip ? n_sent - skip : 0;
    if (r.bits + 2 < expected) {
        r.errors += expected - r.bits;
        r.bits = expected;
    }
    return r;
}

fsk_ber_result fsk_ber_squeal(const sq_fsk_params *p, size_t n_bits, double snr_db, uint64_t seed)
{
    fsk_ber_result r = { 0, 0 };
    float *x = NULL;
    uint8_t *bits = NULL;
    size_t n = 0;
    sq_fskdemod *d = NULL;
    sq_fsk_bit *out = malloc((n_bits + 64) * sizeof *out);
    uint8_t *got = malloc(n_bits + 64);
    if (out && got && fsk_ber_make_signal(p, n_bits, snr_db, seed, &x, &n, &bits) == 0 &&
        sq_fskdemod_create(p, &d) == SQ_OK) {
        size_t nb = 0;
        sq_fskdemod_process(d, x, n, out, n_bits + 64, &nb);
        /* the demodulator reports bit ends including its filter delay: skip that one */
        for (size_t i = 0; i < nb; i++)
            got[i] = out[i].bit;
        r = fsk_ber_compare(bits, n_bits, got, nb, 64);
    }
    sq_fskdemod_destroy(d);
    free(out);
    free(got);
    free(x);
    free(bits);
    return r;
}

double fsk_ber_theory(double snr_db, double baud)
{
    double ebn0 = pow(10.0, snr_db / 10.0) * (4000.0 / baud);
    return 0.5 * exp(-ebn0 / 2.0);
}
