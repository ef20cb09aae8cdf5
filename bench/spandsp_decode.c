/* The reference decoders bench_decode times squeal decode against: spandsp's receivers,
 * each told which mode the file holds (squeal finds the mode itself).
 *
 *   spandsp_decode v21 FILE      V.21 channel 1 (fsk_rx) and 8N1 characters (async_rx)
 *   spandsp_decode v22bis FILE   spandsp's V.22bis receiver (a caller's, 2400 bit/s) and 8N1
 *   spandsp_decode v8 FILE       a V.8 listener on every channel: the audio brought to 8 kHz
 *                                with libsoxr (as squeal does), then spandsp's answer tone
 *                                detector (ANSam) and V.21 receivers on both channels, the
 *                                work a V.8 decoder must do at the least
 *
 * FILE is any WAV libsndfile reads. Prints what it decoded (characters, or V.21 bits and
 * answer tones heard) on one line, so a run that decoded nothing shows. */
#include <sndfile.h>
#include <soxr.h>
#include <spandsp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK 4096
#define RATE 8000

typedef struct counts {
    unsigned long chars, bits, tones;
} counts;

static void put_byte(void *user, int byte)
{
    if (byte >= 0)
        ((counts *)user)->chars++;
}

static void put_bit(void *user, int bit)
{
    if (bit >= 0)
        ((counts *)user)->bits++;
}

static void on_tone(void *user, int tone, int level, int delay)
{
    (void)level;
    (void)delay;
    if (tone != MODEM_CONNECT_TONES_NONE)
        ((counts *)user)->tones++;
}

static void to_int16(const float *x, int16_t *y, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        float v = x[i] * 32768.0f;
        y[i] = (int16_t)(v > 32767.0f ? 32767.0f : v < -32768.0f ? -32768.0f : v);
    }
}

/* One V.8 listener per channel. */
typedef struct listener {
    soxr_t soxr;
    modem_connect_tones_rx_state_t *tones;
    fsk_rx_state_t *fsk[2];
} listener;

static int listener_open(listener *l, double rate, counts *c)
{
    soxr_error_t err = NULL;
    soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
    soxr_quality_spec_t q = soxr_quality_spec(SOXR_HQ, 0);
    l->soxr = rate == RATE ? NULL : soxr_create(rate, RATE, 1, &err, &io, &q, NULL);
    l->tones = modem_connect_tones_rx_init(NULL, MODEM_CONNECT_TONES_ANSAM_PR, on_tone, c);
    for (int k = 0; k < 2; k++)
        l->fsk[k] = fsk_rx_init(NULL, &preset_fsk_specs[k == 0 ? FSK_V21CH1 : FSK_V21CH2],
                                FSK_FRAME_MODE_SYNC, put_bit, c);
    return err || !l->tones || !l->fsk[0] || !l->fsk[1] ? -1 : 0;
}

static void listener_feed(listener *l, const float *x, size_t n)
{
    static float out[BLOCK * 2];
    static int16_t pcm[BLOCK * 2];
    size_t made = n;
    if (l->soxr)
        soxr_process(l->soxr, x, n, NULL, out, sizeof out / sizeof *out, &made);
    else
        memcpy(out, x, n * sizeof *x);
    to_int16(out, pcm, made);
    modem_connect_tones_rx(l->tones, pcm, (int)made);
    fsk_rx(l->fsk[0], pcm, (int)made);
    fsk_rx(l->fsk[1], pcm, (int)made);
}

static void listener_close(listener *l)
{
    if (l->soxr)
        soxr_delete(l->soxr);
    if (l->tones)
        modem_connect_tones_rx_free(l->tones);
    for (int k = 0; k < 2; k++)
        if (l->fsk[k])
            fsk_rx_free(l->fsk[k]);
}

static int decode_v8(SNDFILE *f, const SF_INFO *info, counts *c)
{
    int ch = info->channels;
    listener *ls = calloc((size_t)ch, sizeof *ls);
    float *frames = malloc((size_t)ch * BLOCK * sizeof *frames);
    float *one = malloc(BLOCK * sizeof *one);
    int rc = ls && frames && one ? 0 : -1;
    for (int k = 0; k < ch && rc == 0; k++)
        rc = listener_open(&ls[k], info->samplerate, c);
    sf_count_t got;
    while (rc == 0 && (got = sf_readf_float(f, frames, BLOCK)) > 0)
        for (int k = 0; k < ch; k++) {
            for (sf_count_t i = 0; i < got; i++)
                one[i] = frames[i * ch + k];
            listener_feed(&ls[k], one, (size_t)got);
        }
    for (int k = 0; ls && k < ch; k++)
        listener_close(&ls[k]);
    free(ls);
    free(frames);
    free(one);
    return rc;
}

/* A single-mode receiver on the first channel of an 8 kHz file. */
static int decode_one_mode(SNDFILE *f, const SF_INFO *info, const char *mode, counts *c)
{
    if (info->samplerate != RATE || info->channels != 1) {
        fprintf(stderr, "spandsp_decode: %s needs an 8 kHz mono file\n", mode);
        return -1;
    }
    async_rx_state_t *uart = async_rx_init(NULL, 8, ASYNC_PARITY_NONE, 1, 0, put_byte, c);
    fsk_rx_state_t *fsk = NULL;
    v22bis_state_t *v22 = NULL;
    if (strcmp(mode, "v21") == 0)
        fsk = fsk_rx_init(NULL, &preset_fsk_specs[FSK_V21CH1], FSK_FRAME_MODE_SYNC, async_rx_put_bit, uart);
    else
        v22 = v22bis_init(NULL, 2400, 0, 1, NULL, NULL, async_rx_put_bit, uart);
    if (!uart || (!fsk && !v22))
        return -1;
    int16_t pcm[BLOCK];
    sf_count_t got;
    while ((got = sf_read_short(f, pcm, BLOCK)) > 0) {
        if (fsk)
            fsk_rx(fsk, pcm, (int)got);
        else
            v22bis_rx(v22, pcm, (int)got);
    }
    if (fsk)
        fsk_rx_free(fsk);
    if (v22)
        v22bis_free(v22);
    async_rx_free(uart);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3 || (strcmp(argv[1], "v21") && strcmp(argv[1], "v22bis") && strcmp(argv[1], "v8"))) {
        fprintf(stderr, "usage: spandsp_decode v21|v22bis|v8 FILE\n");
        return 2;
    }
    SF_INFO info = { 0 };
    SNDFILE *f = sf_open(argv[2], SFM_READ, &info);
    if (!f) {
        fprintf(stderr, "spandsp_decode: %s: %s\n", argv[2], sf_strerror(NULL));
        return 1;
    }
    counts c = { 0 };
    int rc = strcmp(argv[1], "v8") == 0 ? decode_v8(f, &info, &c) : decode_one_mode(f, &info, argv[1], &c);
    sf_close(f);
    if (rc != 0)
        return 1;
    printf("%lu characters, %lu bits, %lu answer tones\n", c.chars, c.bits, c.tones);
    return 0;
}
