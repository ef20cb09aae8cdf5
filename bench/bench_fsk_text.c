/* Benchmark: FSK text through squeal's decoder, and through minimodem told the mode.
 *
 * For each SNR, 10 seeds on each of the four 300 bit/s channels (V.21 1 and 2, Bell 103
 * originate and answer), 24 characters of text, framed 8N1:
 *   - typed: up to 0.4 s of mark before each character (a start bit at any time, off the
 *     last character's clock), as someone at a terminal sends;
 *   - no pause: one character after another.
 * Each file has 0.25 s of the noise alone, then 0.3 s of mark, the text and 0.1 s of mark,
 * one oscillator keyed by the bits (continuous phase); white noise over 0-4 kHz at the SNR
 * against the FSK's -13 dBm0. squeal decode finds the mode itself (every v21 or bell103
 * event's text counts, when it is readable: the timeline withholds it under 7 dB of decision
 * SNR); minimodem --rx is told the baud rate and the two frequencies. A
 * character counts as right when it is in the longest common subsequence of what was sent
 * and what came out; the rest of what came out is counted beside it.
 *
 *   bench_fsk_text [SEEDS]      (minimodem from PATH; its rows are left out without it)
 */
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "squeal/squeal.h"
#include "src/sim/text_match.h"

#define RATE 8000.0
#define TEXT "The quick brown fox 0123"
#define MAX_OUT SQ_TEXT_MATCH_MAX

typedef struct channel {
    const char *name;
    double mark_hz, space_hz;
} channel;

static const channel CHANNELS[] = {
    { "V.21 ch1", 980.0, 1180.0 }, { "V.21 ch2", 1650.0, 1850.0 },
    { "Bell 103 orig", 1270.0, 1070.0 }, { "Bell 103 ans", 2225.0, 2025.0 },
};

/* The file's samples: noise alone, then the keyed text, all with the noise. */
static size_t make_signal(const channel *c, int typed, double snr_db, uint64_t seed, float **out)
{
    sq_noise *g = NULL;
    if (sq_noise_create(seed, &g) != SQ_OK)
        return 0;
    const double bit = RATE / 300.0, amplitude = sqrt(2.0 * sq_dbm0_to_power(-13.0));
    size_t len = strlen(TEXT), cap = (size_t)(RATE * (0.25 + 0.3 + 0.1 + (double)len * (10.0 / 300.0 + 0.4))) + 16;
    float *x = calloc(cap, sizeof *x);
    if (!x) {
        sq_noise_destroy(g);
        return 0;
    }
    size_t n = (size_t)(0.25 * RATE);
    double phase = 0.0, start = (double)n + 0.3 * RATE;
    for (size_t i = 0; i <= len; i++) {
        uint8_t bits[10];
        if (i < len) {
            if (typed)
                start += (double)(sq_noise_u32(g) % 320000u) / 100.0;   /* up to 0.4 s more mark */
            sq_async_frame_byte(&SQ_ASYNC_8N1, (uint8_t)TEXT[i], bits);
        }
        double end = i < len ? start + 10.0 * bit : start + 0.1 * RATE;
        for (; (double)n < end && n < cap; n++) {
            double at = ((double)n - start) / bit;
            int mark = i == len || at < 0.0 || bits[(int)at];
            phase = fmod(phase + 2.0 * M_PI * (mark ? c->mark_hz : c->space_hz) / RATE, 2.0 * M_PI);
            x[n] = (float)(amplitude * cos(phase));
        }
        start = end;
    }
    sq_noise_add(g, x, n, sq_noise_rms_for_snr(-13.0, snr_db));
    sq_noise_destroy(g);
    *out = x;
    return n;
}

/* squeal's decoder over the samples: every v21 and bell103 event's characters, in order. */
static size_t squeal_reads(const float *x, size_t n, char *got)
{
    sq_decoder_settings s;
    sq_decoder_default_settings(&s);
    sq_decoder *d = NULL;
    if (sq_decoder_create(&s, &d) != SQ_OK)
        return 0;
    size_t m = 0;
    sq_event ev;
    for (size_t i = 0; i < n;) {
        i += sq_decoder_push(d, x + i, n - i);
        if (i == n)
            sq_decoder_finish(d);
        while (sq_decoder_next_event(d, &ev) == SQ_OK)
            if ((ev.type == SQ_EVENT_V21 || ev.type == SQ_EVENT_BELL103) && ev.data && sq_event_readable(&ev))
                for (size_t k = 0; k < ev.data_len && m < MAX_OUT; k++)
                    got[m++] = (char)ev.data[k];
    }
    sq_decoder_destroy(d);
    return m;
}

/* minimodem --rx told the mode, on the samples written to a WAV file; -1 without it. */
static long minimodem_reads(const channel *c, const float *x, size_t n, char *got)
{
    char path[] = "/tmp/bench_fsk_text_XXXXXX";   /* a WAV, told by its header */
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    close(fd);
    SF_INFO info = { .samplerate = (int)RATE, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16 };
    SNDFILE *f = sf_open(path, SFM_WRITE, &info);
    if (!f || sf_write_float(f, x, (sf_count_t)n) != (sf_count_t)n) {
        if (f)
            sf_close(f);
        unlink(path);
        return -1;
    }
    sf_close(f);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "minimodem --rx -q -M %.0f -S %.0f -f '%s' 300 2>/dev/null", c->mark_hz, c->space_hz, path);
    FILE *p = popen(cmd, "r");
    long m = -1;
    if (p) {
        m = (long)fread(got, 1, MAX_OUT, p);
        if (pclose(p) == -1)
            m = -1;
    }
    unlink(path);
    return m;
}

int main(int argc, char **argv)
{
    int seeds = argc > 1 ? atoi(argv[1]) : 10;
    if (seeds < 1 || seeds > 1000) {
        fprintf(stderr, "usage: bench_fsk_text [SEEDS (1-1000, default 10)]\n");
        return 2;
    }
    int have_minimodem = system("minimodem --help >/dev/null 2>&1") != 127 * 256;
    static const double snrs[] = { 10.0, 3.0, 0.0, -2.0, -3.0 };
    const size_t n_snr = sizeof snrs / sizeof snrs[0], per = (size_t)seeds * 4 * strlen(TEXT);
    printf("FSK text, %d seeds x 4 channels x %zu characters = %zu a point; characters right (others)\n", seeds,
           strlen(TEXT), per);
    printf("%-10s %-12s", "", "");
    for (size_t q = 0; q < n_snr; q++)
        printf(" %6.0f dB     ", snrs[q]);
    printf("\n");
    char *got = malloc(MAX_OUT);
    if (!got)
        return 1;
    for (int typed = 1; typed >= 0; typed--) {
        for (int who = 0; who < (have_minimodem ? 2 : 1); who++) {
            printf("%-10s %-12s", typed ? "typed" : "no pause", who ? "minimodem" : "squeal");
            for (size_t q = 0; q < n_snr; q++) {
                size_t right = 0, other = 0;
                for (size_t c = 0; c < 4; c++)
                    for (int seed = 1; seed <= seeds; seed++) {
                        float *x = NULL;
                        size_t n = make_signal(&CHANNELS[c], typed, snrs[q], (uint64_t)seed * 7919u + c, &x);
                        long m = who ? minimodem_reads(&CHANNELS[c], x, n, got) : (long)squeal_reads(x, n, got);
                        free(x);
                        if (m < 0)
                            continue;
                        size_t r = text_match_common(TEXT, strlen(TEXT), got, (size_t)m);
                        right += r;
                        other += (size_t)m - r;
                    }
                printf(" %5zu (%4zu)  ", right, other);
            }
            printf("\n");
            fflush(stdout);
        }
    }
    free(got);
    return 0;
}
