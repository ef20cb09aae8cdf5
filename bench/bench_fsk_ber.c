/* Benchmark: V.21 bit error rate against SNR (white noise over 0-4 kHz at 8 kHz), squeal's
 * demodulator beside the ideal non-coherent orthogonal BFSK bound and, when built with
 * spandsp, spandsp's V.21 receiver on the very same signals. Also prints demodulator speed
 * as a multiple of real time. Usage: bench_fsk_ber [bits-per-point] */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "src/sim/fsk_ber.h"
#include "squeal/squeal.h"
#if defined(HAVE_SPANDSP)
#include <math.h>
#include <spandsp.h>

typedef struct bit_sink {
    uint8_t *bits;
    size_t n, cap;
} bit_sink;

static void put_bit(void *user, int bit)
{
    bit_sink *s = user;
    if (bit >= 0 && s->n < s->cap)   /* negative values are status reports */
        s->bits[s->n++] = (uint8_t)(bit & 1);
}

static fsk_ber_result spandsp_ber(const float *x, size_t n, const uint8_t *sent, size_t n_bits,
                                  int spec)
{
    int16_t *y = malloc(n * sizeof *y);
    bit_sink sink = { malloc(n_bits + 64), 0, n_bits + 64 };
    for (size_t i = 0; i < n; i++)
        y[i] = (int16_t)lrintf(fmaxf(-32768.0f, fminf(32767.0f, x[i] * 32768.0f)));
    fsk_rx_state_t *rx = fsk_rx_init(NULL, &preset_fsk_specs[spec], FSK_FRAME_MODE_SYNC, put_bit, &sink);
    fsk_rx(rx, y, (int)n);
    fsk_ber_result r = fsk_ber_compare(sent, n_bits, sink.bits, sink.n, 64);
    fsk_rx_free(rx);
    free(sink.bits);
    free(y);
    return r;
}
#endif

static double seconds_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void print_ber(fsk_ber_result r)
{
    if (r.errors == 0)
        printf("  <%-8.1e", 1.0 / (double)r.bits);
    else
        printf("  %-9.2e", (double)r.errors / (double)r.bits);
}

int main(int argc, char **argv)
{
    size_t bits = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 300000;
    const sq_fsk_params *chans[] = { &SQ_FSK_V21_CH1, &SQ_FSK_V21_CH2 };
    printf("V.21 BER vs SNR (white noise over 0-4 kHz), %zu random bits per point, seed 7\n", bits);
    printf("theory: non-coherent orthogonal BFSK 0.5 exp(-Eb/N0/2), Eb/N0 = SNR + 11.2 dB\n");
    printf("'<x' = no errors in 1/x bits\n\n");
    for (int c = 0; c < 2; c++) {
        printf("%s\n  SNR dB   theory     squeal     spandsp\n", chans[c]->name);
        for (double snr = 0.0; snr <= 8.01; snr += 1.0) {
            float *x = NULL;
            uint8_t *sent = NULL;
            size_t n = 0;
            if (fsk_ber_make_signal(chans[c], bits, snr, 7, &x, &n, &sent) != 0)
                return 1;
            printf("  %5.1f    %-9.2e", snr, fsk_ber_theory(snr, chans[c]->baud));
            print_ber(fsk_ber_squeal(chans[c], bits, snr, 7));
#if defined(HAVE_SPANDSP)
            print_ber(spandsp_ber(x, n, sent, bits, c == 0 ? FSK_V21CH1 : FSK_V21CH2));
#else
            printf("  (not built with spandsp)");
#endif
            printf("\n");
            fflush(stdout);
            free(x);
            free(sent);
        }
    }
    /* speed: demodulate 10 minutes of V.21 */
    float *x = NULL;
    uint8_t *sent = NULL;
    size_t n = 0;
    if (fsk_ber_make_signal(&SQ_FSK_V21_CH1, 180000, 10.0, 1, &x, &n, &sent) != 0)
        return 1;
    sq_fskdemod *d = NULL;
    if (sq_fskdemod_create(&SQ_FSK_V21_CH1, &d) != SQ_OK)
        return 1;
    sq_fsk_bit *out = malloc(200000 * sizeof *out);
    size_t nb = 0;
    double t0 = seconds_now();
    sq_fskdemod_process(d, x, n, out, 200000, &nb);
    double dt = seconds_now() - t0;
    printf("\nspeed: one V.21 demodulator, %.0f s of audio in %.3f s = %.0f x real time\n",
           (double)n / 8000.0, dt, (double)n / 8000.0 / dt);
    sq_fskdemod_destroy(d);
    free(out);
    free(x);
    free(sent);
    return 0;
}
