/* libFuzzer: the V.34 phase 3 and 4 lane of the timeline decoder, on a start-up the harness
 * synthesises and the input then damages. Random audio never gets past S's three lines, so
 * the input edits a real start-up instead: the first byte picks the symbol rate (or, with its
 * top bit, V.32's training, or a start-up whose data a rate renegotiation or a cleardown
 * interrupts, a V.34 modem's or a V.90 analogue modem's), who sends and how the audio is cut; then each 4 bytes set one sample (position,
 * value; the value 0x7fff is a NaN and 0x7ffe an infinity). Every event must be well formed. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "dsp/cmplx.h"
#include "dsp/v34.h"
#include "src/decode/decoder_internal.h"
#include "src/proto/v32_train.h"
#include "src/proto/v34_startup.h"
#include "squeal/error.h"
#include "squeal/v90.h"

#define VARIANTS 9                /* four V.34 start-ups, V.32 (its data, a rate renegotiation
                                     and data again), then out of V.34 data, then out of a V.90
                                     analogue modem's */
#define V32 4
#define RENEGOTIATION 5           /* and 6: cleardown */
#define V90_RENEGOTIATION 7       /* and 8: cleardown */
#define MAX_SAMPLES (8000 * 6)

static const struct { double rate, carrier; } PAIRS[VARIANTS] = {
    { 2400.0, 1600.0 }, { 3000.0, 2000.0 }, { 3200.0, 3200.0 * 4 / 7 }, { 2400.0 * 10 / 7, 2400.0 * 10 / 7 * 4 / 7 },
    { SQ_V32_SYMBOL_RATE, SQ_V32_CARRIER_HZ }, { 3200.0, 3200.0 * 4 / 7 }, { 3200.0, 3200.0 * 4 / 7 },
    { 3200.0, 1920.0 }, { 3200.0, 1920.0 },
};

static float clean[VARIANTS][MAX_SAMPLES];
static size_t clean_n[VARIANTS];

/* A V.90 analogue modem's phases 3 and 4 (Ja with a small DIL descriptor, SCR, CPt, CP, CP',
 * E), data, then its rate renegotiation (CP asking 42666 bit/s) or cleardown (drn 0) as gen
 * makes them. */
static void synthesise_v90(int v)
{
    sq_v90_dil_descriptor ja = { .segments = 4, .sp_length = 12, .tp_length = 12 };
    sq_v90_cp cp = { .drn = 16, .upstream_mask = 0x0FFF, .constellations = 4 };
    sq_v34_startup_params p;
    sq_v34_startup_default_params(&p);
    p.v90_ja = &ja;
    p.v90_cp = &cp;
    p.renegotiate_bps = v == V90_RENEGOTIATION ? 42666 : SQ_V34_CLEARDOWN;
    size_t n = sq_v34_startup_modulate(&p, NULL, 0);
    if (n == 0 || n + 800 > MAX_SAMPLES)
        abort();
    clean_n[v] = 800 + sq_v34_startup_modulate(&p, clean[v] + 800, MAX_SAMPLES - 800);
}

/* V.32bis: the answerer's training choosing 14400 bit/s, 1.2 s of its data (points of the
 * 128-point cross, past the lane's 1.1 s measure of it), then a rate renegotiation (V.32bis
 * 8: AC, CA, R4 offering 4800-12000, E), more data, and a retrain's AC, CA and AC (V.32bis
 * 7, the wideband lane's). Returns the symbols' count. */
static size_t v32_with_renegotiation(float complex *sym, size_t max)
{
    size_t n = sq_v32_training_symbols(1, 1300, 0x3Eu, 20, 0x20u, 8, 0, sym, max);
    uint64_t r = 12345;
    for (int part = 0; part < 2; part++) {
        for (int i = 0; i < (part ? 300 : 2900) && n < max; i++) {
            float xy[2];
            do {
                for (int a = 0; a < 2; a++) {
                    r = r * 6364136223846793005ull + 1442695040888963407ull;
                    xy[a] = 2.0f * (float)((r >> 33) % 12) - 11.0f;
                }
            } while (fabsf(xy[0]) > 7.0f && fabsf(xy[1]) > 7.0f);
            sym[n++] = CMPLXF(xy[0], xy[1]) / CMPLXF(4.0f, -2.0f);
        }
        if (!part)
            n += sq_v32_renegotiation_symbols(1, 0x1Eu, 10, 0x10u, 1, sym + n, max - n);
    }
    for (long r = -320; r < 80 && n < max; r++)   /* AC 320 T, CA 64 T, AC 16 T */
        sym[n++] = sq_v32_preamble_symbol(1, r < 64 ? r : r - 80);
    return n;
}

static void synthesise(int v)
{
    if (v >= V90_RENEGOTIATION) {
        synthesise_v90(v);
        return;
    }
    sq_v34_startup p = { .answer_modem = v & 1, .phase3 = 1, .trn_symbols = 560, .j_points = 16, .j_repeats = 12,
                         .j_prime = 1, .phase4_points = v & 2 ? 16 : 4, .mp_repeats = 3, .mp_ack_repeats = 2,
                         .tail_symbols = 40, .same_power = 1 };
    p.mp.rate_call_to_answer = 12;
    p.mp.rate_answer_to_call = 14;
    p.mp.rate_mask = 0x3FFF;
    p.mp.type = (uint8_t)((v >> 1) & 1);
    if (v >= RENEGOTIATION) {   /* 0.15 s of data, then S, S-bar, (TRN,) MP, MP', (E and data) */
        p.renegotiate = v == RENEGOTIATION ? SQ_V34_RENEGOTIATE : SQ_V34_CLEAR_DOWN;
        p.renegotiate_after_symbols = 480;
        p.renegotiate_mp = p.mp;
        p.renegotiate_mp.rate_call_to_answer = p.renegotiate_mp.rate_answer_to_call = (uint8_t)(v == RENEGOTIATION ? 8 : 0);
    }
    static float complex sym[8000];
    size_t n = v == V32 ? v32_with_renegotiation(sym, 8000) : sq_v34_startup_symbols(&p, sym, 8000);
    sq_v34_tx *tx;
    if (n > 8000 || sq_v34_tx_create(PAIRS[v].rate, PAIRS[v].carrier, -14.0, &tx) != SQ_OK)
        abort();
    size_t got = 800;   /* 0.1 s of quiet first */
    for (size_t i = 0; i < n; i++) {
        sq_v34_tx_symbol(tx, sym[i]);
        got += sq_v34_tx_read(tx, clean[v] + got, MAX_SAMPLES - got);
    }
    got += sq_v34_tx_flush(tx, clean[v] + got, MAX_SAMPLES - got);
    sq_v34_tx_destroy(tx);
    clean_n[v] = got;
}

/* Every event lies inside the audio; those the V.34 receiver reads (phases 3 and 4, V.32's
 * training, a V.90 analogue modem's SCR, Ja and CP) carry a symbol rate and a side, and an MP
 * its good CRC. Others (wideband: energy nothing named) carry neither. */
static void check(const sq_event *ev)
{
    int receiver = (ev->type >= SQ_EVENT_V34_S && ev->type <= SQ_EVENT_V32_E) ||
                   (ev->type >= SQ_EVENT_V90_SCR && ev->type <= SQ_EVENT_V90_CP);
    if (!(ev->start_s >= 0.0 && ev->end_s >= ev->start_s && ev->end_s < 10.0) ||
        (receiver && !(ev->symbol_rate >= 2400.0 && ev->symbol_rate <= 3430.0)) ||
        (ev->type == SQ_EVENT_MP && !ev->crc_ok) || (receiver && ev->fsk_channel != 1 && ev->fsk_channel != 2))
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    int v = (data[0] & 0x80) ? ((data[0] & 3) == 1 ? RENEGOTIATION : (data[0] & 3) == 2 ? RENEGOTIATION + 1
                                : (data[0] & 3) == 3 ? V90_RENEGOTIATION + ((data[0] >> 6) & 1) : V32)
                             : data[0] & 3;
    if (!clean_n[v])
        synthesise(v);
    static float x[MAX_SAMPLES];
    size_t n = clean_n[v];
    if (data[0] & 4)   /* cut short, anywhere */
        n = n * data[1] / 256;
    memcpy(x, clean[v], n * sizeof x[0]);
    for (size_t i = 2; i + 4 <= size; i += 4) {
        size_t pos = ((size_t)data[i] | (size_t)data[i + 1] << 8) * (n ? n : 1) / 65536;
        int16_t val;
        memcpy(&val, data + i + 2, 2);
        if (pos < n)
            x[pos] = val == 0x7fff ? NAN : val == 0x7ffe ? INFINITY : val / 32768.0f;
    }
    sq_decoder_settings s;
    sq_decoder_default_settings(&s);
    sq_decoder *d = NULL;
    if (sq_decoder_create(&s, &d) != SQ_OK)
        return 0;
    if (v == V32)
        sq_v34_lane_arm_v32(d, (data[0] & 8) ? 2 : 1);
    else
        sq_v34_lane_arm(d, (data[0] & 8) ? 2 : 1);
    if (v >= V90_RENEGOTIATION)   /* as its INFO1a naming 8000 symbols/s downstream does */
        sq_v34_lane_arm_v90(d);
    size_t chunk = 1 + (size_t)((data[0] >> 4) * 97);
    sq_event ev;
    for (size_t done = 0; done < n;) {
        done += sq_decoder_push(d, x + done, n - done < chunk ? n - done : chunk);
        while (sq_decoder_next_event(d, &ev) == SQ_OK)
            check(&ev);
    }
    sq_decoder_finish(d);
    while (sq_decoder_next_event(d, &ev) == SQ_OK)
        check(&ev);
    sq_decoder_destroy(d);
    return 0;
}
