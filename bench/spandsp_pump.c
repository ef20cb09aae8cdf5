/* spandsp's V.22bis pump, measured (bench/spandsp_pump.h). */
#include <math.h>
#include <spandsp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "bench/spandsp_pump.h"
#include "squeal/squeal.h"

#define BLOCK 160

typedef struct bit_counter {
    int trained;
    uint64_t bits, zeros, skip;
} bit_counter;

static int ones(void *user)
{
    (void)user;
    return 1;
}

static void count_bit(void *user, int bit)
{
    bit_counter *c = user;
    if (bit < 0) {
        if (bit == SIG_STATUS_TRAINING_SUCCEEDED)
            c->trained = 1;
        return;
    }
    if (!c->trained || c->skip) {
        c->skip -= c->skip > 0;
        return;
    }
    c->bits++;
    c->zeros += bit == 0;
}

static void on_status(void *user, int status)
{
    count_bit(user, status);
}

typedef struct pair {
    v22bis_state_t *m[2];      /* caller, answerer */
    bit_counter rx[2];
    sq_channel *line[2];       /* [i]: heard by modem i */
    int16_t out[2][BLOCK];
    sq_noise *noise;           /* added to what the answerer hears, once switched on */
    double noise_rms;
} pair;

static int pair_open(pair *p, int rate, uint64_t seed, double snr_db, double foff_hz)
{
    for (int i = 0; i < 2; i++) {
        p->rx[i] = (bit_counter){ .skip = (uint64_t)rate / 2 };
        p->m[i] = v22bis_init(NULL, rate, 0, i == 0, ones, NULL, count_bit, &p->rx[i]);
        if (!p->m[i])
            return -1;
        v22bis_set_modem_status_handler(p->m[i], on_status, &p->rx[i]);
        sq_channel_params cp = { .seed = seed * 2u + (uint64_t)i, .foff_hz = foff_hz,
                                 .noise_rms = isnan(snr_db) ? 0.0 : sq_noise_rms_for_snr(-13.0, snr_db) };
        if (sq_channel_create(&cp, &p->line[i]) != SQ_OK)
            return -1;
    }
    return sq_noise_create(seed + 99u, &p->noise) == SQ_OK ? 0 : -1;
}

static void pair_close(pair *p)
{
    for (int i = 0; i < 2; i++) {
        if (p->m[i])
            v22bis_free(p->m[i]);
        sq_channel_destroy(p->line[i]);
    }
    sq_noise_destroy(p->noise);
}

/* One block both ways. */
static void pair_step(pair *p)
{
    float f[BLOCK], g[BLOCK];
    int16_t in[BLOCK];
    for (int i = 0; i < 2; i++) {
        const int16_t *from = p->out[1 - i];
        for (int k = 0; k < BLOCK; k++)
            f[k] = (float)from[k] / 32768.0f;
        sq_channel_process(p->line[i], f, g, BLOCK);
        if (i == 1 && p->noise_rms > 0.0)
            sq_noise_add(p->noise, g, BLOCK, p->noise_rms);
        for (int k = 0; k < BLOCK; k++)
            in[k] = (int16_t)lrintf(fmaxf(-32768.0f, fminf(32767.0f, g[k] * 32768.0f)));
        v22bis_rx(p->m[i], in, BLOCK);
    }
    for (int i = 0; i < 2; i++) {
        int made = v22bis_tx(p->m[i], p->out[i], BLOCK);
        for (int k = made; k < BLOCK; k++)
            p->out[i][k] = 0;
    }
}

int spandsp_ber(int rate, double snr_db, uint64_t seed, uint64_t bits, uint64_t *errors, uint64_t *counted)
{
    pair p = { 0 };
    int rc = -1;
    if (pair_open(&p, rate, seed, NAN, 3.0) != 0)
        goto out;
    int n;
    for (n = 0; n < 10 * 8000 / BLOCK && !(p.rx[0].trained && p.rx[1].trained); n++)
        pair_step(&p);
    if (!(p.rx[0].trained && p.rx[1].trained))
        goto out;
    p.rx[1].bits = p.rx[1].zeros = 0;
    p.rx[1].skip = (uint64_t)rate / 2;
    /* SNR against what spandsp actually sends (its V.22 and V.22bis levels differ from ours) */
    double energy = 0.0;
    for (int k = 0; k < 8000 / BLOCK; k++) {
        pair_step(&p);
        for (int j = 0; j < BLOCK; j++)
            energy += (double)p.out[0][j] * p.out[0][j] / (32768.0 * 32768.0);
    }
    double level = sq_power_to_dbm0(energy / 8000.0);
    if (getenv("SPANDSP_DEBUG"))
        fprintf(stderr, "spandsp caller sends %.1f dBm0\n", level);
    p.rx[1].bits = p.rx[1].zeros = 0;
    p.noise_rms = sq_noise_rms_for_snr(level, snr_db);
    for (uint64_t limit = bits * 8000 / (uint64_t)rate * 2 + 8000; p.rx[1].bits < bits && limit > BLOCK; limit -= BLOCK)
        pair_step(&p);
    *errors = p.rx[1].zeros;
    *counted = p.rx[1].bits;
    rc = p.rx[1].trained ? 0 : -1;
out:
    pair_close(&p);
    return rc;
}

double spandsp_rx_speed(float **recording, uint64_t *samples)
{
    const uint64_t n = 60 * 8000;
    pair p = { 0 };
    float *rec = malloc(n * sizeof *rec);
    int16_t *rec16 = malloc(n * sizeof *rec16);
    double speed = 0.0;
    if (!rec || !rec16 || pair_open(&p, 2400, 3, NAN, 0.0) != 0)
        goto out;
    for (uint64_t i = 0; i < n; i += BLOCK) {
        pair_step(&p);
        for (int k = 0; k < BLOCK; k++) {
            rec16[i + (uint64_t)k] = p.out[1][k];
            rec[i + (uint64_t)k] = (float)p.out[1][k] / 32768.0f;
        }
    }
    /* the best of five runs, as for ours */
    for (int run = 0; run < 5; run++) {
        v22bis_state_t *rx = v22bis_init(NULL, 2400, 0, 1, ones, NULL, count_bit, &p.rx[0]);
        clock_t t0 = clock();
        for (uint64_t i = 0; i < n; i += BLOCK)
            v22bis_rx(rx, rec16 + i, BLOCK);
        double cpu = (double)(clock() - t0) / CLOCKS_PER_SEC;
        v22bis_free(rx);
        speed = fmax(speed, 60.0 / cpu);
    }
    *recording = rec;
    *samples = n;
    rec = NULL;
out:
    pair_close(&p);
    free(rec);
    free(rec16);
    return speed;
}

double spandsp_pair_speed(void)
{
    pair p = { 0 };
    if (pair_open(&p, 2400, 5, 30.0, 2.0) != 0) {
        pair_close(&p);
        return 0.0;
    }
    clock_t t0 = clock();
    for (int i = 0; i < 60 * 8000 / BLOCK; i++)
        pair_step(&p);
    double cpu = (double)(clock() - t0) / CLOCKS_PER_SEC;
    pair_close(&p);
    return 60.0 / cpu;
}
