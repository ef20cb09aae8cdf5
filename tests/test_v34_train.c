/* V.34 phases 3 and 4 (src/proto/v34_train.c, dsp/v34_rx.c, src/decode/v34_lane.c): the
 * scrambler, MP frames and their CRC, the rate rules; then whole start-ups from the library's
 * own modulator through a line with a tilt, echo-like smear, noise and a carrier offset, read
 * back by the timeline decoder at every symbol rate, over many seeds. */
#include <check.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "dsp/cmplx.h"
#include "dsp/ls_fit.h"
#include "dsp/v34.h"
#include "src/decode/decoder_internal.h"
#include "src/proto/v32_constellations.h"
#include "src/proto/v32_train.h"
#include "src/proto/v34_startup.h"
#include "squeal/v32.h"
#include "tests/support/test_util.h"

#define SEEDS 6

START_TEST(test_scrambler_round_trip)
{
    for (int answer = 0; answer < 2; answer++) {
        sq_v34_scrambler tx, rx;
        sq_v34_scrambler_init(&tx, answer);
        sq_v34_scrambler_init(&rx, answer);
        uint64_t state = 12345;
        int line_ones = 0;
        for (int i = 0; i < 5000; i++) {
            state = state * 6364136223846793005ull + 1442695040888963407ull;
            int bit = (int)(state >> 63);
            int line = sq_v34_scramble(&tx, bit);
            line_ones += line;
            ck_assert_int_eq(sq_v34_descramble(&rx, line), bit);
        }
        ck_assert_int_gt(line_ones, 2300);
        ck_assert_int_lt(line_ones, 2700);
        /* 1s into a zeroed scrambler: the two polynomials differ (GPC taps 18, GPA taps 5) */
        sq_v34_scrambler a, c;
        sq_v34_scrambler_init(&a, 1);
        sq_v34_scrambler_init(&c, 0);
        int differ = 0;
        for (int i = 0; i < 64; i++)
            differ += sq_v34_scramble(&a, 1) != sq_v34_scramble(&c, 1);
        ck_assert_int_gt(differ, 0);
    }
}
END_TEST

/* The least-squares fit TRN's equaliser is refitted with (dsp/ls_fit.h): rows of a sliding
 * line summed at once give the sums row by row do, and the taps behind wanted outputs made
 * from known taps (with a little noise) come back. */
START_TEST(test_ls_fit)
{
    enum { TAPS = SQ_V34_EQ_TAPS, ROWS = 400, STEP = 2 };
    static float complex x[(ROWS - 1) * STEP + TAPS];
    static double complex want[ROWS];
    float complex truth[TAPS];
    uint64_t state = 99;
    for (size_t i = 0; i < sizeof x / sizeof x[0]; i++) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        x[i] = CMPLXF((float)((state >> 11) % 2001) / 1000.0f - 1.0f, (float)((state >> 33) % 2001) / 1000.0f - 1.0f);
    }
    for (int i = 0; i < TAPS; i++)
        truth[i] = CMPLXF(cosf(0.7f * i) / (1.0f + i), sinf(0.3f * i) / (1.0f + i));
    static sq_ls_fit rows, sliding;
    sq_ls_fit_start(&rows, TAPS);
    for (int m = 0; m < ROWS; m++) {
        float complex line[TAPS];
        double complex out = 0.0;
        for (int i = 0; i < TAPS; i++) {
            line[i] = x[m * STEP + TAPS - 1 - i];
            out += (double complex)truth[i] * line[i];
        }
        want[m] = out + 1e-3 * ((m % 7) - 3);
        sq_ls_fit_add(&rows, line, want[m]);
    }
    sq_ls_fit_sliding(&sliding, TAPS, x, ROWS, STEP, want);
    for (int i = 0; i < TAPS; i++) {
        ck_assert_double_lt(cabs(rows.p[i] - sliding.p[i]), 1e-9 * (1.0 + cabs(rows.p[i])));
        for (int j = i; j < TAPS; j++)
            ck_assert_double_lt(cabs(rows.r[i][j] - sliding.r[i][j]), 1e-9 * (1.0 + cabs(rows.r[i][j])));
    }
    float complex taps[TAPS];
    ck_assert_int_eq(sq_ls_fit_solve(&sliding, taps), 0);
    for (int i = 0; i < TAPS; i++)
        ck_assert_float_lt(cabsf(taps[i] - truth[i]), 1e-3f);
    /* fewer rows than taps do not fix them */
    sq_ls_fit_sliding(&sliding, TAPS, x, TAPS - 1, STEP, want);
    ck_assert_int_eq(sq_ls_fit_solve(&sliding, taps), -1);
}
END_TEST

START_TEST(test_points_and_sequences)
{
    for (int q = 0; q < 4; q++)
        for (int z = 0; z < 4; z++) {
            int q2, z2;
            sq_v34_point_index(sq_v34_point(q, z), &q2, &z2);
            ck_assert_int_eq(q2, q);
            ck_assert_int_eq(z2, z);
        }
    /* clockwise: point 0 (1, 1) a quarter-turn on is (1, -1) */
    ck_assert(sq_v34_point(0, 1) == CMPLXF(1.0f, -1.0f));
    /* S ends on point 0 turned counter-clockwise, S-bar starts on point 0 turned half a turn */
    ck_assert(sq_v34_s_symbol(-1) == CMPLXF(-1.0f, 1.0f));
    ck_assert(sq_v34_s_symbol(0) == CMPLXF(-1.0f, -1.0f));
    /* PP: 48-symbol period, constant amplitude, PP(0) on the real axis */
    for (int i = 0; i < SQ_V34_PP_SYMBOLS - SQ_V34_PP_PERIOD; i++)
        ck_assert_float_eq_tol(cabsf(sq_v34_pp_symbol(i) - sq_v34_pp_symbol(i + SQ_V34_PP_PERIOD)), 0.0f, 1e-5f);
    ck_assert_float_eq_tol(cimagf(sq_v34_pp_symbol(0)), 0.0f, 1e-6f);
}
END_TEST

static sq_v34_mp sample_mp(int type)
{
    sq_v34_mp mp;
    memset(&mp, 0, sizeof mp);
    mp.type = (uint8_t)type;
    mp.rate_call_to_answer = 12;
    mp.rate_answer_to_call = 13;
    mp.trellis = 2;
    mp.nonlinear = 1;
    mp.rate_mask = 0x1FFE;   /* 4800 ... 31200 */
    mp.asymmetric = 1;
    if (type)
        for (int i = 0; i < 6; i++)
            mp.precoder[i] = (int16_t)(1000 * i - 2500);
    return mp;
}

START_TEST(test_mp_frames)
{
    for (int type = 0; type < 2; type++) {
        sq_v34_mp mp = sample_mp(type), back;
        uint8_t bits[SQ_V34_MP1_BITS];
        size_t n = sq_v34_mp_to_bits(&mp, bits);
        ck_assert_uint_eq(n, type ? 188 : 88);
        for (int i = 0; i < SQ_V34_MP_SYNC_BITS; i++)
            ck_assert_int_eq(bits[i], 1);
        ck_assert_int_eq(bits[17], 0);
        ck_assert_int_eq(sq_v34_mp_from_bits(bits, n, &back), (int)n);
        ck_assert_mem_eq(&back, &mp, sizeof mp);
        ck_assert_int_eq(sq_v34_mp_from_bits(bits, 88, &back), type ? -1 : 88);
        for (size_t i = 18; i < n - 3; i++) {   /* any bit but the fill: CRC or framing fails */
            bits[i] ^= 1;
            ck_assert_msg(sq_v34_mp_from_bits(bits, n, &back) <= 0, "bit %zu flipped, frame still good", i);
            bits[i] ^= 1;
        }
    }
}
END_TEST

START_TEST(test_mp_rates)
{
    sq_v34_mp a = sample_mp(0), b = sample_mp(0);
    int up, down;
    /* both asymmetric: each direction on its own, under both MPs' limits, in both masks */
    b.rate_answer_to_call = 14;
    b.rate_mask = 0x3FFF;
    sq_v34_mp_rates(&a, &b, &up, &down);
    ck_assert_int_eq(up, 28800);
    ck_assert_int_eq(down, 31200);
    /* one symmetric: one rate, the lowest limit of the four */
    b.asymmetric = 0;
    sq_v34_mp_rates(&a, &b, &up, &down);
    ck_assert_int_eq(up, 28800);
    ck_assert_int_eq(down, 28800);
    /* a rate missing from one mask is skipped */
    a.rate_mask = (uint16_t)(a.rate_mask & ~(1u << 11));
    sq_v34_mp_rates(&a, &b, &up, &down);
    ck_assert_int_eq(up, 26400);
    /* cleardown: rates 0 */
    a.rate_call_to_answer = a.rate_answer_to_call = 0;
    sq_v34_mp_rates(&a, &b, &up, &down);
    ck_assert_int_eq(up, 0);
    ck_assert_int_eq(down, 0);
}
END_TEST

/* Symbols on the line: modulated, through a short echo-like smear and a tilt, with noise
 * snr_db under the signal, between silences. */
static sig line_signal(const float complex *sym, size_t n, double rate, double carrier, double offset_hz,
                       double snr_db, uint64_t seed)
{
    sq_v34_tx *tx;
    ck_assert_int_eq(sq_v34_tx_create(rate, carrier + offset_hz, -14.0, &tx), SQ_OK);
    size_t cap = (size_t)((double)n * 8000.0 / rate) + 200;
    float *line = calloc(cap, sizeof *line);
    ck_assert_ptr_nonnull(line);
    size_t got = 0;
    for (size_t i = 0; i < n; i++) {
        sq_v34_tx_symbol(tx, sym[i]);
        got += sq_v34_tx_read(tx, line + got, cap - got);
    }
    got += sq_v34_tx_flush(tx, line + got, cap - got);
    sq_v34_tx_destroy(tx);
    sig s = make_silence(0.3), body = make_silence((double)got / 8000.0);
    for (size_t i = 0; i < got && i < body.n; i++)   /* a line's smear: a tilt and a late copy */
        body.x[i] = line[i] - 0.3f * (i >= 1 ? line[i - 1] : 0.0f) + 0.15f * (i >= 5 ? line[i - 5] : 0.0f);
    free(line);
    add_noise(&body, sqrt(mean_power(body.x, body.n) / pow(10.0, snr_db / 10.0)), seed);
    sig_append(&s, &body);
    sig tail = make_silence(0.3);
    sig_append(&s, &tail);
    return s;
}

/* A start-up's symbols on the line (line_signal). */
static sig startup_signal(const sq_v34_startup *p, double rate, double carrier, double offset_hz, double snr_db,
                          uint64_t seed)
{
    size_t n = sq_v34_startup_symbols(p, NULL, 0);
    float complex *sym = malloc(n * sizeof *sym);
    ck_assert_ptr_nonnull(sym);
    ck_assert_uint_eq(sq_v34_startup_symbols(p, sym, n), n);
    sig s = line_signal(sym, n, rate, carrier, offset_hz, snr_db, seed);
    free(sym);
    return s;
}

typedef struct v34_events {
    sq_event ev[64];
    size_t n;
} v34_events;

/* A decoder armed as after this modem's INFO1 (or V.32's AC). */
static sq_decoder *armed_decoder(int v32)
{
    sq_decoder *d;
    sq_decoder_settings set;
    sq_decoder_default_settings(&set);
    ck_assert_int_eq(sq_decoder_create(&set, &d), SQ_OK);
    if (v32)
        sq_v34_lane_arm_v32(d, 2);
    else
        sq_v34_lane_arm(d, 1);
    return d;
}

/* The decoder, armed as after this modem's INFO1, over the signal. */
static void decode_as(const sig *s, v34_events *out, int v32)
{
    sq_decoder *d = armed_decoder(v32);
    out->n = 0;
    /* V.34's events; wideband (energy nothing names: here, the data after E, with no INFO1
     * before it to say whose transmission it is) is not this lane's */
    for (size_t done = 0; done < s->n;) {
        size_t took = sq_decoder_push(d, s->x + done, s->n - done < 997 ? s->n - done : 997);
        done += took;
        sq_event ev;
        while (sq_decoder_next_event(d, &ev) == SQ_OK)
            if (out->n < 64 && ev.type >= SQ_EVENT_V34_S && ev.type != SQ_EVENT_WIDEBAND)
                out->ev[out->n++] = ev;
    }
    sq_decoder_finish(d);
    sq_event ev;
    while (sq_decoder_next_event(d, &ev) == SQ_OK)
        if (out->n < 64 && ev.type >= SQ_EVENT_V34_S && ev.type != SQ_EVENT_WIDEBAND)
            out->ev[out->n++] = ev;
    sq_decoder_destroy(d);
}

static void decode_startup(const sig *s, v34_events *out)
{
    decode_as(s, out, 0);
}

static const sq_event *find(const v34_events *e, sq_event_type t, int nth)
{
    for (size_t i = 0; i < e->n; i++)
        if (e->ev[i].type == t && nth-- == 0)
            return &e->ev[i];
    return NULL;
}

static size_t count(const v34_events *e, sq_event_type t)
{
    size_t c = 0;
    for (size_t i = 0; i < e->n; i++)
        c += e->ev[i].type == t;
    return c;
}

static const struct { double rate, carrier; } PAIRS[] = {
    { 2400.0, 1800.0 }, { 3000.0, 2000.0 }, { 3200.0, 3200.0 * 4 / 7 }, { 2400.0 * 10 / 7, 2400.0 * 10 / 7 * 4 / 7 },
};
#define PAIR_COUNT (sizeof PAIRS / sizeof PAIRS[0])

/* The call modem's start-up, phase 3 into phase 4 without a break: every segment named in
 * order at the symbol rate and carrier it was sent on, MP and MP' as sent, then E. */
START_TEST(test_call_modem_startup)
{
    size_t pair = (size_t)_i % PAIR_COUNT;
    int seed = _i;
    sq_v34_startup p = { .answer_modem = 0, .phase3 = 1, .trn_symbols = 600, .j_points = 16, .j_repeats = 40,
                         .j_prime = 1, .phase4_points = 16, .mp_repeats = 6, .mp_ack_repeats = 4,
                         .mp = sample_mp(_i & 1), .tail_symbols = 300, .same_power = 1 };
    sig s = startup_signal(&p, PAIRS[pair].rate, PAIRS[pair].carrier, (seed % 3) - 1.0, 27.0, (uint64_t)seed + 1);
    v34_events e;
    decode_startup(&s, &e);
    sig_free(&s);
    static const sq_event_type order[] = { SQ_EVENT_V34_S, SQ_EVENT_V34_S_BAR, SQ_EVENT_V34_PP, SQ_EVENT_V34_TRN,
                                           SQ_EVENT_V34_J, SQ_EVENT_V34_J_PRIME, SQ_EVENT_V34_TRN, SQ_EVENT_MP,
                                           SQ_EVENT_MP, SQ_EVENT_V34_E };
    if (e.n != sizeof order / sizeof order[0])
        for (size_t i = 0; i < e.n; i++)
            fprintf(stderr, "  %s %.3f-%.3f\n", sq_event_type_to_str(e.ev[i].type), e.ev[i].start_s, e.ev[i].end_s);
    ck_assert_msg(e.n == sizeof order / sizeof order[0], "pair %zu seed %d: %zu events", pair, seed, e.n);
    for (size_t i = 0; i < e.n; i++) {
        ck_assert_msg(e.ev[i].type == order[i], "pair %zu seed %d: event %zu is %s", pair, seed, i,
                      sq_event_type_to_str(e.ev[i].type));
        ck_assert_double_eq_tol(e.ev[i].symbol_rate, PAIRS[pair].rate, 0.5);
        ck_assert_double_eq_tol(e.ev[i].freq_hz, PAIRS[pair].carrier, 0.5);
        if (i)
            ck_assert_double_le(e.ev[i - 1].start_s, e.ev[i].start_s + 1e-9);
    }
    /* S starts where the signal does (0.3 s) and lasts 128 T, give or take the pulse's rise;
     * S-bar 16 T; PP 288 T */
    double T = 1.0 / PAIRS[pair].rate;
    ck_assert_double_eq_tol(e.ev[0].start_s, 0.3, 0.002);
    ck_assert_double_eq_tol(e.ev[1].start_s - e.ev[0].start_s, 128 * T, 8 * T);
    ck_assert_double_eq_tol(e.ev[2].end_s - e.ev[2].start_s, 288 * T, 1e-6);
    ck_assert_double_eq_tol(e.ev[3].end_s - e.ev[3].start_s, 600 * T, 3 * T);
    ck_assert_int_eq(e.ev[3].points, 4);
    /* 27 dB on the line over 0-4 kHz is 29.2, 28.2, 28.0 and 27.7 dB in the symbols' band
     * (27 + 10 log10(4000 / rate)), less what equalising the line's tilt costs: over 12 seeds
     * each, 27.5-28.7, 26.4-27.5, 25.8-27.2 and 25.5-26.4 measured, with the equaliser refitted
     * at TRN's end (v34_training.c). NLMS's own taps read 21, 19, 17 and 14-18. */
    static const double MIN_SNR[] = { 26.0, 24.5, 24.0, 23.5 };
    ck_assert_double_ge(e.ev[3].snr_db, MIN_SNR[pair]);
    ck_assert_int_eq(e.ev[4].points, 16);
    ck_assert_int_eq(e.ev[6].points, 16);
    const sq_event *mp = &e.ev[7], *ack = &e.ev[8];
    sq_v34_mp want = sample_mp(_i & 1);
    ck_assert_int_eq(mp->mp.acknowledge, 0);
    ck_assert_int_eq(ack->mp.acknowledge, 1);
    ck_assert_uint_ge(mp->repeats, 5);   /* the first may go by while the receiver settles */
    ck_assert_uint_eq(ack->repeats, 4);
    want.acknowledge = 1;
    ck_assert_mem_eq(&ack->mp, &want, sizeof want);
}
END_TEST

/* The answer modem: phase 3 ends in J (a silence follows); phase 4 starts afresh with S and
 * goes straight to TRN, whose points the receiver finds for itself. */
START_TEST(test_answer_modem_startup)
{
    size_t pair = (size_t)_i % PAIR_COUNT;
    int seed = 100 + _i;
    sq_v34_startup p3 = { .answer_modem = 1, .phase3 = 1, .trn_symbols = 700, .j_points = _i & 1 ? 4 : 16,
                          .j_repeats = 60 };
    sq_v34_startup p4 = { .answer_modem = 1, .phase3 = 0, .trn_symbols = 800, .phase4_points = _i & 2 ? 4 : 16,
                          .mp_repeats = 5, .mp_ack_repeats = 3, .mp = sample_mp(0), .tail_symbols = 300, .same_power = 1 };
    sig s = startup_signal(&p3, PAIRS[pair].rate, PAIRS[pair].carrier, 0.5, 28.0, (uint64_t)seed);
    sig s4 = startup_signal(&p4, PAIRS[pair].rate, PAIRS[pair].carrier, 0.5, 28.0, (uint64_t)seed + 50);
    sig_append(&s, &s4);
    v34_events e;
    decode_startup(&s, &e);
    sig_free(&s);
    ck_assert_msg(count(&e, SQ_EVENT_V34_S) == 2, "pair %zu seed %d: %zu S", pair, seed, count(&e, SQ_EVENT_V34_S));
    ck_assert_uint_eq(count(&e, SQ_EVENT_V34_PP), 1);
    ck_assert_uint_eq(count(&e, SQ_EVENT_V34_TRN), 2);
    const sq_event *j = find(&e, SQ_EVENT_V34_J, 0);
    ck_assert_ptr_nonnull(j);
    ck_assert_int_eq(j->points, p3.j_points);
    const sq_event *trn4 = find(&e, SQ_EVENT_V34_TRN, 1);
    ck_assert_ptr_nonnull(trn4);
    ck_assert_int_eq(trn4->points, p4.phase4_points);
    ck_assert_msg(count(&e, SQ_EVENT_MP) == 2, "pair %zu seed %d: %zu MP events", pair, seed, count(&e, SQ_EVENT_MP));
    ck_assert_uint_eq(count(&e, SQ_EVENT_V34_E), 1);
    ck_assert_uint_eq(count(&e, SQ_EVENT_V34_J_PRIME), 0);
}
END_TEST

/* V.34 data as a transmitter makes it (9.6.2, 9.7): points u of the odd-integer grid within
 * +-31 on each axis (about 31200 bit/s's spread), precoded with h (the MP's raw coefficients,
 * w = 2) and, with nonlinear, through the non-linear encoder; scaled to mean power `power`. */
static void make_v34_data(float complex *out, size_t n, const int16_t h_raw[6], int nonlinear, double power,
                          uint64_t seed)
{
    double complex h[3], *x = malloc(n * sizeof *x);
    ck_assert_ptr_nonnull(x);
    for (int k = 0; k < 3; k++)
        h[k] = CMPLX(h_raw[2 * k] / 16384.0, h_raw[2 * k + 1] / 16384.0);
    uint64_t r = seed * 0x9E3779B97F4A7C15ull + 1;
    for (size_t i = 0; i < n; i++) {
        double u[2];
        for (int a = 0; a < 2; a++) {
            r ^= r << 13;
            r ^= r >> 7;
            r ^= r << 17;
            u[a] = 2.0 * (double)(r % 32) - 31.0;
        }
        double complex q = 0.0;
        for (int k = 0; k < 3; k++)
            q += i > (size_t)k ? h[k] * x[i - 1 - k] : 0.0;
        double complex p = CMPLX(round(creal(q) * 128.0) / 128.0, round(cimag(q) * 128.0) / 128.0);
        double complex c = CMPLX(4.0 * round(creal(p) / 4.0), 4.0 * round(cimag(p) / 4.0));
        x[i] = CMPLX(u[0], u[1]) + c - p;
    }
    double mean = 0.0, out_power = 0.0;
    for (size_t i = 0; i < n; i++)
        mean += creal(x[i] * conj(x[i])) / (double)n;
    for (size_t i = 0; i < n; i++) {
        double z = nonlinear ? 0.3125 * creal(x[i] * conj(x[i])) / mean : 0.0;
        x[i] *= 1.0 + z / 6.0 + z * z / 120.0;
        out_power += creal(x[i] * conj(x[i])) / (double)n;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = (float complex)(x[i] * sqrt(power / out_power));
    free(x);
}

/* The lane (armed as after INFO1, for V.34 or V.32) over the signal, the far end's MP given
 * first when far is set: the SNR of the data after E as the data event takes it (-1: no E),
 * and the last 16-point TRN's SNR into *trn_db (0: none). */
static double data_snr_of(const sig *s, int v32, const sq_event *far, double *trn_db)
{
    sq_decoder *d = armed_decoder(v32);
    if (far)
        sq_decoder_far_mp(d, far);
    *trn_db = 0.0;
    for (size_t done = 0, end = 0; !end;) {
        if (done < s->n) {
            done += sq_decoder_push(d, s->x + done, s->n - done < 997 ? s->n - done : 997);
        } else {
            sq_decoder_finish(d);
            end = 1;
        }
        sq_event ev;
        while (sq_decoder_next_event(d, &ev) == SQ_OK)
            if (ev.type == SQ_EVENT_V34_TRN && ev.points == 16)
                *trn_db = ev.snr_db;
    }
    double data_s, rate, carrier, snr = -1.0;
    if (sq_v34_lane_data_since(d, 0.0, &data_s, &rate, &carrier))
        snr = sq_v34_lane_data_snr_db(d, data_s);
    sq_decoder_destroy(d);
    return snr;
}

/* The call modem's start-up, then its data (make_v34_data: 0.8 s), on a line 40 dB SNR;
 * decoded with the far end's MP given as its other channel would give it (sq_decoder_far_mp)
 * carrying h and the encoder's choice, or wrong ones. The data's SNR (the lane's, as the
 * v34_data event takes it) reads within 2 dB of phase 4's TRN (over 16 seeds: TRN 38.4-39.7
 * dB, the data 38.9-39.8); told another precoder, no encoder where there was one, or nothing,
 * it reads none (no grid shows, or only on the inner points). */
static double v34_data_snr(const int16_t h[6], int nonlinear, const sq_event *far, double clock_ppm, uint64_t seed,
                           double *trn_db)
{
    /* a far clock clock_ppm off the recording's moves the symbol rate and the carrier alike */
    const double rate = 3200.0 * (1.0 + 1e-6 * clock_ppm), carrier = 3200.0 * 4 / 7 * (1.0 + 1e-6 * clock_ppm);
    sq_v34_startup p = { .answer_modem = 0, .phase3 = 1, .trn_symbols = 600, .j_points = 16, .j_repeats = 40,
                         .j_prime = 1, .phase4_points = 16, .mp_repeats = 6, .mp_ack_repeats = 4,
                         .mp = sample_mp(1), .tail_symbols = 0, .same_power = 1 };
    size_t n = sq_v34_startup_symbols(&p, NULL, 0), data = (size_t)(0.8 * rate);
    float complex *sym = malloc((n + data) * sizeof *sym);
    ck_assert_ptr_nonnull(sym);
    ck_assert_uint_eq(sq_v34_startup_symbols(&p, sym, n), n);
    make_v34_data(sym + n, data, h, nonlinear, 2.0, seed);   /* the 4-point TRN's power */
    sig s = line_signal(sym, n + data, rate, carrier, 0.5, 40.0, seed + 7);
    free(sym);
    double snr = data_snr_of(&s, 0, far, trn_db);
    sig_free(&s);
    return snr;
}

START_TEST(test_v34_data_snr)
{
    static const int16_t H[6] = { 511, 388, -582, -79, 514, -113 }, OTHER[6] = { 129, 188, -297, -160, 222, -69 };
    uint64_t seed = (uint64_t)_i + 600;
    sq_event far;
    memset(&far, 0, sizeof far);
    far.type = SQ_EVENT_MP;
    far.end_s = 1.0;   /* this start-up's: after its S */
    far.mp = sample_mp(1);
    far.mp.nonlinear = 1;
    memcpy(far.mp.precoder, H, sizeof H);
    double trn, snr = v34_data_snr(H, 1, &far, 0.0, seed, &trn);
    ck_assert_msg(trn > 35.0 && fabs(snr - trn) < 2.0, "seed %d: phase 4's TRN %.1f dB, the data %.1f", _i, trn, snr);
    memcpy(far.mp.precoder, OTHER, sizeof OTHER);
    snr = v34_data_snr(H, 1, &far, 0.0, seed, &trn);
    ck_assert_msg(snr == 0.0, "seed %d: with the wrong precoder, the data %.1f dB", _i, snr);
    memcpy(far.mp.precoder, H, sizeof H);
    far.mp.nonlinear = 0;
    snr = v34_data_snr(H, 1, &far, 0.0, seed, &trn);
    ck_assert_msg(snr == 0.0, "seed %d: without the non-linear encoder, the data %.1f dB", _i, snr);
    snr = v34_data_snr(H, 1, NULL, 0.0, seed, &trn);
    ck_assert_msg(snr == 0.0, "seed %d: with no far MP, the data %.1f dB", _i, snr);
}
END_TEST

/* A far clock 300 ppm off the recording's, either way: the timing loop's integral learns the
 * drift, so phase 4's TRN and the data both read 36 dB or more (8 seeds: TRN 37.4-39.9, data
 * 38.8-39.5). With the loop's proportional part alone, its grid lagged the symbols by a steady
 * few percent of one: TRN 30.7-31.4 dB, and no grid in the data at all. */
START_TEST(test_v34_far_clock)
{
    static const int16_t H[6] = { 511, 388, -582, -79, 514, -113 };
    uint64_t seed = (uint64_t)_i + 650;
    sq_event far;
    memset(&far, 0, sizeof far);
    far.type = SQ_EVENT_MP;
    far.end_s = 1.0;
    far.mp = sample_mp(1);
    far.mp.nonlinear = 1;
    memcpy(far.mp.precoder, H, sizeof H);
    double trn, snr = v34_data_snr(H, 1, &far, _i & 1 ? 300.0 : -300.0, seed, &trn);
    ck_assert_msg(trn >= 36.0 && snr >= 36.0, "seed %d: phase 4's TRN %.1f dB, the data %.1f", _i, trn, snr);
}
END_TEST

/* One RBJ biquad (low-pass or high-pass at f0 Hz, Q 0.707: sox's two-pole filters) over x in
 * place. */
static void biquad(float *x, size_t n, double f0, int high)
{
    double w = 2.0 * M_PI * f0 / 8000.0, alpha = sin(w) / (2.0 * 0.7071), c = cos(w);
    double b1 = high ? -(1.0 + c) : 1.0 - c, b0 = high ? (1.0 + c) / 2.0 : (1.0 - c) / 2.0, b2 = b0;
    double a0 = 1.0 + alpha, a1 = -2.0 * c, a2 = 1.0 - alpha;
    double x1 = 0.0, x2 = 0.0, y1 = 0.0, y2 = 0.0;
    for (size_t i = 0; i < n; i++) {
        double y = (b0 * x[i] + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2) / a0;
        x2 = x1;
        x1 = x[i];
        y2 = y1;
        y1 = y;
        x[i] = (float)y;
    }
}

/* The answer modem at 3429 symbols/s through the real calls' band edges (two low-passes at
 * 3300 Hz and a high-pass at 200 Hz, as their line probing measured them: -9 to -24 dB at
 * 3450-3600 Hz, where the signal reaches 3673), 45 dB of noise: phase 4, which starts afresh
 * with no PP before its TRN, reads its TRN within 5 dB of phase 3's and at 34 dB or more. The
 * loop's phase follows the NLMS taps as they move all through that TRN; the refit
 * re-estimates it (v34_refit.c). Over 16 seeds: phase 3 39.2-40.0 dB, phase 4 35.8-37.9;
 * refitted with the loop's phase, phase 4 read 30.1-31.6. */
START_TEST(test_answer_phase4_band_edges)
{
    const double rate = 2400.0 * 10 / 7, carrier = rate * 4 / 7;
    sq_v34_startup p3 = { .answer_modem = 1, .phase3 = 1, .trn_symbols = 700, .j_points = 16, .j_repeats = 60 };
    sq_v34_startup p4 = { .answer_modem = 1, .phase3 = 0, .trn_symbols = 800, .phase4_points = 16,
                          .mp_repeats = 5, .mp_ack_repeats = 3, .mp = sample_mp(0), .tail_symbols = 300, .same_power = 1 };
    sig s = startup_signal(&p3, rate, carrier, 0.0, 45.0, (uint64_t)_i + 400);
    sig s4 = startup_signal(&p4, rate, carrier, 0.0, 45.0, (uint64_t)_i + 450);
    sig_append(&s, &s4);
    biquad(s.x, s.n, 3300.0, 0);
    biquad(s.x, s.n, 3300.0, 0);
    biquad(s.x, s.n, 200.0, 1);
    v34_events e;
    decode_startup(&s, &e);
    sig_free(&s);
    const sq_event *trn3 = find(&e, SQ_EVENT_V34_TRN, 0), *trn4 = find(&e, SQ_EVENT_V34_TRN, 1);
    ck_assert_msg(trn3 && trn4, "seed %d: %zu TRNs", _i, count(&e, SQ_EVENT_V34_TRN));
    ck_assert_int_eq(trn4->points, 16);
    ck_assert_msg(trn4->snr_db >= trn3->snr_db - 5.0 && trn4->snr_db >= 34.0, "seed %d: phase 3's TRN %.1f dB, phase 4's %.1f",
                  _i, trn3->snr_db, trn4->snr_db);
}
END_TEST

/* Phase 3 with MD (10.1.3.5) after the first S-bar: S and S-bar come again before PP, and the
 * start-up is read from the second. */
START_TEST(test_startup_with_md)
{
    size_t pair = (size_t)_i % PAIR_COUNT;
    sq_v34_startup p = { .answer_modem = 0, .phase3 = 1, .trn_symbols = 600, .j_points = 16, .j_repeats = 40,
                         .j_prime = 1, .phase4_points = 16, .mp_repeats = 6, .mp_ack_repeats = 4, .mp = sample_mp(0),
                         .tail_symbols = 300, .md_symbols = 350, .same_power = 1 };
    sig s = startup_signal(&p, PAIRS[pair].rate, PAIRS[pair].carrier, 0.0, 27.0, (uint64_t)_i + 200);
    v34_events e;
    decode_startup(&s, &e);
    sig_free(&s);
    ck_assert_msg(count(&e, SQ_EVENT_V34_PP) == 1 && count(&e, SQ_EVENT_MP) == 2 && count(&e, SQ_EVENT_V34_E) == 1,
                  "pair %zu: %zu PP, %zu MP, %zu E", pair, count(&e, SQ_EVENT_V34_PP), count(&e, SQ_EVENT_MP),
                  count(&e, SQ_EVENT_V34_E));
    /* S named once: the one before PP, after MD */
    const sq_event *sev = find(&e, SQ_EVENT_V34_S, 0);
    ck_assert_uint_eq(count(&e, SQ_EVENT_V34_S), 1);
    ck_assert_double_gt(sev->start_s, 0.3 + (128 + 16 + 350) / PAIRS[pair].rate - 0.003);
}
END_TEST

/* A V.32bis answerer's training (5.2.3, 5.3): S, S-bar, TRN, R1 repeated, then (as when the
 * caller's R2 came) R3 and E naming one rate; read with the rates as sent. */
START_TEST(test_v32_training)
{
    unsigned offered = _i & 1 ? 0x3Eu : 0x0Eu;   /* 4800-14400, or 4800-9600 */
    unsigned chosen = 1u << (31 - __builtin_clz(offered));
    size_t n = sq_v32_training_symbols(1, 1400, offered, 40, chosen, 24, 300, NULL, 0);
    float complex *sym = malloc(n * sizeof *sym);
    ck_assert_ptr_nonnull(sym);
    ck_assert_uint_eq(sq_v32_training_symbols(1, 1400, offered, 40, chosen, 24, 300, sym, n), n);
    sig s = line_signal(sym, n, SQ_V32_SYMBOL_RATE, SQ_V32_CARRIER_HZ, (_i % 3) - 1.0, 26.0, (uint64_t)_i + 300);
    free(sym);
    v34_events e;
    decode_as(&s, &e, 1);
    sig_free(&s);
    static const sq_event_type order[] = { SQ_EVENT_V32_TRN, SQ_EVENT_V32_RATE, SQ_EVENT_V32_RATE, SQ_EVENT_V32_E };
    ck_assert_msg(e.n == 4, "seed %d: %zu events", _i, e.n);
    for (size_t i = 0; i < 4; i++)
        ck_assert_int_eq(e.ev[i].type, order[i]);
    ck_assert_double_eq_tol(e.ev[0].end_s - e.ev[0].start_s, 1400 / 2400.0, 0.01);
    unsigned r1 = (unsigned)e.ev[1].info_bits[0] | (unsigned)e.ev[1].info_bits[1] << 8;
    unsigned r3 = (unsigned)e.ev[2].info_bits[0] | (unsigned)e.ev[2].info_bits[1] << 8;
    ck_assert_uint_eq(sq_v32_rates_of_bits(r1), offered);
    ck_assert_uint_eq(sq_v32_rates_of_bits(r3), chosen);
    ck_assert_int_eq(e.ev[1].info_kind, 1);
    ck_assert_int_eq(e.ev[2].info_kind, 3);
    ck_assert_int_eq(e.ev[3].rate, 2400 * (32 - __builtin_clz(chosen)));
}
END_TEST

/* V.32bis data at 14400 bit/s as the lane sees it: points of the 128-point cross (odd
 * coordinates to +-11, less the corners beyond +-7 both ways; V.32bis Figure 2-1), uniformly,
 * in the terms the lane trained on (the standard's divided by 4 - 2i), each turned by a phase
 * jitter of jitter_deg peak at 50 Hz. */
static void make_v32bis_points(float complex *out, size_t n, double jitter_deg, uint64_t seed, int rate)
{
    uint64_t r = seed * 0x9E3779B97F4A7C15ull + 1;
    unsigned levels = rate == 14400 ? 12 : 8;   /* 12000: the 64-point square, to +-7 */
    for (size_t i = 0; i < n; i++) {
        double v[2];
        do {
            for (int a = 0; a < 2; a++) {
                r ^= r << 13;
                r ^= r >> 7;
                r ^= r << 17;
                v[a] = 2.0 * (double)(r % levels) - (double)(levels - 1);
            }
        } while (fabs(v[0]) > 7.0 && fabs(v[1]) > 7.0);
        double turn = jitter_deg * M_PI / 180.0 * sin(2.0 * M_PI * 50.0 * (double)i / SQ_V32_SYMBOL_RATE);
        out[i] = (float complex)(CMPLX(v[0], v[1]) / CMPLX(4.0, -2.0) * cexp(I * turn));
    }
}

static void make_v32bis_data(float complex *out, size_t n, double jitter_deg, uint64_t seed)
{
    make_v32bis_points(out, n, jitter_deg, seed, 14400);
}

/* A V.32bis answerer's training choosing 14400 bit/s, then 1.2 s of its data with phase
 * jitter, on a line 40 dB SNR: the data's SNR, as the v32_data event takes it. */
static double v32bis_data_snr(double jitter_deg, uint64_t seed)
{
    size_t n = sq_v32_training_symbols(1, 1400, 0x3Eu, 40, 0x20u, 24, 0, NULL, 0), data = 2900;
    float complex *sym = malloc((n + data) * sizeof *sym);
    ck_assert_ptr_nonnull(sym);
    ck_assert_uint_eq(sq_v32_training_symbols(1, 1400, 0x3Eu, 40, 0x20u, 24, 0, sym, n), n);
    make_v32bis_data(sym + n, data, jitter_deg, seed);
    sig s = line_signal(sym, n + data, SQ_V32_SYMBOL_RATE, SQ_V32_CARRIER_HZ, 0.5, 40.0, seed + 11);
    free(sym);
    double trn, snr = data_snr_of(&s, 1, NULL, &trn);
    sig_free(&s);
    return snr;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* A line's phase jitter, 4 degrees peak at 50 Hz, is followed in V.32bis data: over 8 seeds
 * the median SNR of jittered data is 27.5 dB or more (measured 28.2-29.8 on each of 16 seeds
 * but one, 23.5), where training's carrier loop of a few hertz read 24.1-25.4; and the same
 * data without jitter reads 33 dB or more at the median (31.8-37.4 over 16 seeds; counted
 * from its first symbol, before the equaliser had B1's scale right, 28.5-36.0). Since the
 * loops no longer wander while B1 is measured (sq_v34_eq_coast), the 8 seeds read 33.5-37.9
 * and, jittered, 28.7-29.7, where 19.5-37.4 and 19.6-29.7 had passed at the median. */
START_TEST(test_v32bis_data_jitter)
{
    double still[8], jittered[8];
    for (int i = 0; i < 8; i++) {
        still[i] = v32bis_data_snr(0.0, (uint64_t)i + 700);
        jittered[i] = v32bis_data_snr(4.0, (uint64_t)i + 700);
    }
    qsort(still, 8, sizeof still[0], by_value);
    qsort(jittered, 8, sizeof jittered[0], by_value);
    double still_median = 0.5 * (still[3] + still[4]), jittered_median = 0.5 * (jittered[3] + jittered[4]);
    ck_assert_msg(still_median >= 33.0 && jittered_median >= 27.5, "median data SNR %.1f dB, with jitter %.1f",
                  still_median, jittered_median);
}
END_TEST

/* What the lane read of a V.32bis rate renegotiation out of data (V.32bis 8). */
typedef struct v32_reneg_read {
    int preambles, preamble_type;
    double reversal_s;
    int r4s, e_count;
    unsigned r4_rates;
    int e_rate;
    double data_snr_db;          /* of the data after the renegotiation's E (0: none) */
    double cleardown_s;
} v32_reneg_read;

/* A V.32bis modem's training choosing 14400 bit/s (the answerer's, or the caller's), then
 * data_s of its data; then its renegotiation: the preamble, R4 x r_count offering `rates` (0: a
 * cleardown), E naming `chosen` (x8 for a cleardown, as Note 2 to 8 asks), then B1 and data
 * again; on a line snr_db SNR with a carrier offset_hz off. The lane, armed for that modem, reads
 * it; the true reversal's time into *reversal_s. */
static v32_reneg_read read_v32_renegotiation(int answerer, unsigned rates, unsigned chosen, double data_s,
                                             double offset_hz, double snr_db, uint64_t seed, double *reversal_s)
{
    size_t train = sq_v32_training_symbols(answerer, 1400, 0x3Eu, 40, 0x20u, answerer ? 24 : 0, 0, NULL, 0);
    size_t data = (size_t)(data_s * SQ_V32_SYMBOL_RATE);
    size_t reneg = sq_v32_renegotiation_symbols(answerer, rates, 12, chosen, rates ? 1 : 8, NULL, 0);
    size_t after = rates ? 3000 : 0, n = train + data + reneg + after;
    float complex *sym = malloc(n * sizeof *sym);
    ck_assert_ptr_nonnull(sym);
    ck_assert_uint_eq(sq_v32_training_symbols(answerer, 1400, 0x3Eu, 40, 0x20u, answerer ? 24 : 0, 0, sym, train), train);
    make_v32bis_data(sym + train, data, 0.0, seed);
    ck_assert_uint_eq(sq_v32_renegotiation_symbols(answerer, rates, 12, chosen, rates ? 1 : 8, sym + train + data, reneg),
                      reneg);
    make_v32bis_points(sym + train + data + reneg, after, 0.0, seed + 1, 2400 * (32 - __builtin_clz(chosen | 1u)));
    /* line_signal: 0.3 s of silence, then the symbols (the transmitter's filter delay aside) */
    *reversal_s = 0.3 + (double)(train + data + SQ_V32_PREAMBLE_TONE_SYMBOLS) / SQ_V32_SYMBOL_RATE;
    sig s = line_signal(sym, n, SQ_V32_SYMBOL_RATE, SQ_V32_CARRIER_HZ, offset_hz, snr_db, seed + 5);
    free(sym);
    sq_decoder *d;
    sq_decoder_settings set;
    sq_decoder_default_settings(&set);
    ck_assert_int_eq(sq_decoder_create(&set, &d), SQ_OK);
    sq_v34_lane_arm_v32(d, answerer ? 2 : 1);
    v32_reneg_read got = { 0 };
    for (size_t done = 0, end = 0; !end;) {
        if (done < s.n) {
            done += sq_decoder_push(d, s.x + done, s.n - done < 997 ? s.n - done : 997);
        } else {
            sq_decoder_finish(d);
            end = 1;
        }
        sq_event ev;
        while (sq_decoder_next_event(d, &ev) == SQ_OK) {
            if ((ev.type == SQ_EVENT_V32_AA || ev.type == SQ_EVENT_V32_AC) && ev.renegotiation) {
                got.preambles++;
                got.preamble_type = ev.type;
                got.reversal_s = ev.n_reversals ? ev.reversals_s[0] : 0.0;
            } else if (ev.type == SQ_EVENT_V32_RATE && ev.info_kind == 4) {
                got.r4s++;
                got.r4_rates = sq_v32_rates_of_bits((unsigned)ev.info_bits[0] | (unsigned)ev.info_bits[1] << 8);
            } else if (ev.type == SQ_EVENT_V32_E && got.preambles) {
                got.e_count++;
                got.e_rate = ev.rate;
            }
        }
    }
    double data_from, rate, carrier;
    if (got.e_count && sq_v34_lane_data_since(d, *reversal_s, &data_from, &rate, &carrier))
        got.data_snr_db = sq_v34_lane_data_snr_db(d, data_from);
    got.cleardown_s = sq_v34_lane_cleardown_s(d);

    sq_decoder_destroy(d);
    sig_free(&s);
    return got;
}

/* V.32bis rate renegotiation out of data (V.32bis 8), from either modem: the preamble (AC then
 * CA, or AA then CC) named with its reversal, R4 with the rates it offers, E with the rate, and
 * the data after it measured again at 14400 or 12000 bit/s; a cleardown's R4 with none and E
 * naming none, and no data after, 0.4 to 2 s into the data (the first second of it, which
 * the lane measures, watched too). At 26 dB, a carrier 1 Hz off either way or not, 12 cases.
 * (Measured: at 24 dB the equaliser found for R reads it at 21.9-24.0 dB and the data after
 * 21.6-24.3; at 40 dB, 31-37 and 31-38; at 15 dB R is still read, but its single E is lost in
 * 4 of 12 and the preamble in 1.) */
START_TEST(test_v32_renegotiation)
{
    int answerer = _i & 1, cleardown = (_i >> 1) % 3 == 2;
    unsigned rates = cleardown ? 0u : (_i >> 1) % 3 ? 0x1Eu : 0x3Eu;
    unsigned chosen = cleardown ? 0u : 1u << (31 - __builtin_clz(rates));
    double reversal_s;
    /* the first four within the second whose data the lane measures */
    v32_reneg_read got = read_v32_renegotiation(answerer, rates, chosen, _i < 4 ? 0.4 + 0.1 * _i : 1.5 + 0.05 * _i, (_i % 3) - 1.0, 26.0,
                                                (uint64_t)_i + 900, &reversal_s);
    ck_assert_msg(got.preambles == 1, "case %d: %d preambles", _i, got.preambles);
    ck_assert_int_eq(got.preamble_type, answerer ? SQ_EVENT_V32_AC : SQ_EVENT_V32_AA);
    ck_assert_msg(fabs(got.reversal_s - reversal_s) < 0.003, "case %d: reversal at %.4f s, sent at %.4f", _i,
                  got.reversal_s, reversal_s);
    ck_assert_int_eq(got.r4s, 1);
    ck_assert_uint_eq(got.r4_rates, rates);
    ck_assert_int_eq(got.e_count, 1);
    ck_assert_int_eq(got.e_rate, (cleardown ? 0 : 2400 * (32 - __builtin_clz(chosen))));
    if (cleardown) {
        ck_assert_double_gt(got.cleardown_s, 0.0);
        ck_assert_double_eq_tol(got.data_snr_db, 0.0, 1e-9);
    } else {
        ck_assert_double_eq_tol(got.cleardown_s, 0.0, 1e-9);
        ck_assert_msg(got.data_snr_db > 20.0, "case %d: data after at %.1f dB", _i, got.data_snr_db);
    }
}
END_TEST

/* sq_v32_startup_modulate (squeal/v32.h): what it refuses, and a first call's size is what
 * the second writes; a renegotiation adds its preamble, R4, E and 1 s of data, a cleardown
 * its preamble, R4 and 8 E only. */
START_TEST(test_v32_startup_modulate)
{
    sq_v32_startup_params p;
    sq_v32_startup_default_params(&p);
    ck_assert_uint_eq(sq_v32_startup_modulate(NULL, NULL, 0), 0);
    size_t plain = sq_v32_startup_modulate(&p, NULL, 0);
    ck_assert_uint_gt(plain, 8000 * 4);
    float *x = malloc(plain * sizeof *x);
    ck_assert_ptr_nonnull(x);
    ck_assert_uint_eq(sq_v32_startup_modulate(&p, x, plain), plain);
    free(x);
    const sq_v32_startup_params bad[] = {
        { .rate_bps = 2400, .max_rate_bps = 14400, .data_s = 2.0, .level_dbm0 = -13.0 },
        { .rate_bps = 10000, .max_rate_bps = 14400, .data_s = 2.0, .level_dbm0 = -13.0 },
        { .rate_bps = 14400, .max_rate_bps = 12000, .data_s = 2.0, .level_dbm0 = -13.0 },
        { .rate_bps = 14400, .max_rate_bps = 14400, .data_s = 0.1, .level_dbm0 = -13.0 },
        { .rate_bps = 14400, .max_rate_bps = 14400, .data_s = 2.0, .renegotiate_bps = 10000, .level_dbm0 = -13.0 },
        { .rate_bps = 14400, .max_rate_bps = 14400, .data_s = 2.0, .offset_hz = 200.0, .level_dbm0 = -13.0 },
        { .rate_bps = 14400, .max_rate_bps = 14400, .data_s = 2.0, .renegotiate_bps = 9600, .retrain = 1, .level_dbm0 = -13.0 },
        { .rate_bps = 14400, .max_rate_bps = 14400, .data_s = 2.0, .retrain = 2, .level_dbm0 = -13.0 },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(sq_v32_startup_modulate(&bad[i], NULL, 0) == 0, "bad parameters %zu accepted", i);
    p.renegotiate_bps = 9600;
    size_t reneg = sq_v32_startup_modulate(&p, NULL, 0);
    p.renegotiate_bps = SQ_V32_CLEARDOWN;
    size_t clear = sq_v32_startup_modulate(&p, NULL, 0);
    /* 10 samples every 3 symbols */
    ck_assert_int_eq((long)(reneg - plain), lround((64 + 12 * 8 + 8 + 2400) * 10.0 / 3.0));
    ck_assert_int_eq((long)(clear - plain), lround((64 + 12 * 8 + 8 * 8) * 10.0 / 3.0));
    /* a retrain: the caller's start-up again (AA 0.6 s, CC, 1.5 s of silence, S to E) and
     * its 2 s of data again: as long again as all but the 0.1 s the modulator's filter adds
     * at the end, once */
    p.renegotiate_bps = 0;
    p.retrain = 1;
    size_t retrain = sq_v32_startup_modulate(&p, NULL, 0);
    ck_assert_uint_gt(retrain, 2 * plain - 800);
    ck_assert_uint_lt(retrain, 2 * plain);
}
END_TEST

/* V.32bis's data constellations (Figures 2-1 to 2-5, V.32's Figure 1): their sizes, mean
 * powers, the least distance between points (a whole step of 2 on the odd grids of 14400 and
 * 12000; twice the figures' unit of sqrt 2 at 9600, 4 on the 16-point square, the states'
 * sqrt 80 at 4800), each point nearest itself, none twice. */
START_TEST(test_v32_constellations)
{
    const struct {
        int rate, trellis;
        size_t n;
        double mean, min_d2;
    } want[] = {
        { 14400, 1, 128, 82.0, 4.0 }, { 12000, 1, 64, 42.0, 4.0 }, { 9600, 1, 32, 40.0, 8.0 },
        { 9600, 0, 16, 40.0, 16.0 },  { 7200, 1, 16, 40.0, 16.0 }, { 4800, 1, 4, 40.0, 80.0 },
    };
    float complex p[SQ_V32_MAX_POINTS];
    for (size_t w = 0; w < sizeof want / sizeof want[0]; w++) {
        size_t n = sq_v32_data_points(want[w].rate, want[w].trellis, p);
        ck_assert_uint_eq(n, want[w].n);
        ck_assert_double_eq_tol(sq_v32_data_mean_power(want[w].rate, want[w].trellis), want[w].mean, 1e-9);
        double min_d2 = INFINITY;
        for (size_t i = 0; i < n; i++) {
            ck_assert(sq_v32_nearest_point(p, n, p[i] + 0.3f - 0.2f * I) == p[i]);
            for (size_t j = i + 1; j < n; j++) {
                float complex e = p[i] - p[j];
                min_d2 = fmin(min_d2, (double)crealf(e * conjf(e)));
            }
        }
        ck_assert_double_eq_tol(min_d2, want[w].min_d2, 1e-9);
    }
    /* the odd grid's arithmetic agrees with the search over 14400's and 12000's points,
     * anywhere out to past the cross's corners */
    for (int cross = 0; cross < 2; cross++) {
        size_t n = sq_v32_data_points(cross ? 14400 : 12000, 1, p);
        for (float x = -14.0f; x <= 14.0f; x += 0.37f)
            for (float y = -14.0f; y <= 14.0f; y += 0.41f) {
                float complex s = CMPLXF(x, y), a = sq_v32_nearest_odd_grid(s, cross), b = sq_v32_nearest_point(p, n, s);
                ck_assert_msg(cabsf(s - a) <= cabsf(s - b) + 1e-5f, "(%g, %g): %g%+gi against %g%+gi", x, y,
                              crealf(a), cimagf(a), crealf(b), cimagf(b));
            }
    }
    /* A and C are 4800's: the sync states (-6, -2) and (6, 2) */
    sq_v32_data_points(4800, 1, p);
    ck_assert(p[0] == -6.0f - 2.0f * I && p[2] == 6.0f + 2.0f * I);
    ck_assert_uint_eq(sq_v32_data_points(2400, 1, p), 0);
    ck_assert_uint_eq(sq_v32_data_points(10000, 1, p), 0);
}
END_TEST

/* Nothing from signals that are not a V.34 start-up: noise, a tone, S without its reversal. */
START_TEST(test_nothing_invented)
{
    sig s = make_silence(0.3), noise = make_silence(2.0);
    add_noise(&noise, sqrt(sq_dbm0_to_power(-15.0)), 5);
    sig_append(&s, &noise);
    sig gap = make_silence(0.2);
    sig_append(&s, &gap);
    sig tone = make_tone(SQ_TONE_ANSAM, -12.0, 1.0, 0.0);
    sig_append(&s, &tone);
    gap = make_silence(0.2);
    sig_append(&s, &gap);
    /* S alone for 400 symbols: no reversal, so nothing to train on */
    sq_v34_tx *tx;
    ck_assert_int_eq(sq_v34_tx_create(3200.0, 1920.0, -14.0, &tx), SQ_OK);
    sig sonly = make_silence(400.0 / 3200.0);
    size_t got = 0;
    for (long r = -400; r < 0; r++) {
        sq_v34_tx_symbol(tx, sq_v34_s_symbol(r));
        got += sq_v34_tx_read(tx, sonly.x + got, sonly.n - got);
    }
    sq_v34_tx_destroy(tx);
    sig_append(&s, &sonly);
    gap = make_silence(0.3);
    sig_append(&s, &gap);
    {
        sig sp = make_speech_like(3.0, 9);
        sig_append(&s, &sp);
    }
    for (int v32 = 0; v32 < 2; v32++) {   /* listening for V.34's training, then V.32's */
        v34_events e;
        decode_as(&s, &e, v32);
        ck_assert_msg(e.n == 0, "%zu events, the first %s", e.n, e.n ? sq_event_type_to_str(e.ev[0].type) : "");
    }
    sig_free(&s);
}
END_TEST

/* Ja's framing (V.90 Table 12): descriptors of every shape (no DIL, one segment, the longest:
 * 255 segments and 128-symbol patterns, odd and even counts) go to bits and back unchanged,
 * with an even bit count; any one bit wrong (but the second fill bit, which may be anything),
 * or the bits cut short, is never read as a descriptor (the CRC, a start or fill bit, or
 * "more bits needed"). Seeded. */
START_TEST(test_ja_framing)
{
    static const int shapes[][3] = { { 0, 1, 1 }, { 1, 16, 17 }, { 8, 66, 66 }, { 197, 66, 66 }, { 119, 124, 126 },
                                     { 255, 128, 128 } };
    sq_noise *g = NULL;
    ck_assert_int_eq(sq_noise_create(5, &g), SQ_OK);
    static uint8_t bits[SQ_V90_JA_MAX_BITS];
    for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
        sq_v90_dil_descriptor d, back;
        memset(&d, 0, sizeof d);
        d.segments = shapes[k][0];
        d.sp_length = shapes[k][1];
        d.tp_length = shapes[k][2];
        for (int i = 0; i < 16; i++) {
            d.sp[i] = (uint8_t)sq_noise_u32(g);
            d.tp[i] = (uint8_t)sq_noise_u32(g);
        }
        for (int i = d.sp_length; i < 128; i++)   /* bits past a pattern's length are not sent */
            d.sp[i / 8] &= (uint8_t)~(1u << (i % 8));
        for (int i = d.tp_length; i < 128; i++)
            d.tp[i / 8] &= (uint8_t)~(1u << (i % 8));
        for (int c = 0; c < 8; c++) {
            d.h[c] = (uint8_t)(sq_noise_u32(g) & 127u);
            d.ref[c] = (uint8_t)(sq_noise_u32(g) & 127u);
        }
        for (int s = 0; s < d.segments; s++)
            d.ucode[s] = (uint8_t)(sq_noise_u32(g) & 127u);
        size_t n = sq_v90_ja_to_bits(&d, bits);
        ck_assert_uint_gt(n, 0);
        ck_assert_uint_le(n, SQ_V90_JA_MAX_BITS);
        ck_assert_uint_eq(n % 2, 0);
        ck_assert_int_eq(sq_v90_ja_from_bits(bits, n, &back), (int)n);
        ck_assert_int_eq(memcmp(&d, &back, sizeof d), 0);
        ck_assert_int_eq(sq_v90_ja_from_bits(bits, n - 1, &back), -1);
        for (size_t i = 0; i + 1 < n; i++) {   /* the last bit may be the second fill, which is not checked */
            bits[i] ^= 1u;
            int got = sq_v90_ja_from_bits(bits, n, &back);
            ck_assert_msg(got <= 0, "shape %zu: bit %zu flipped still read (%d)", k, i, got);
            bits[i] ^= 1u;
        }
    }
    sq_noise_destroy(g);
}
END_TEST

/* CP's framing (V.90 Table 14): CPt, CP and CP' with one to six constellations, the codec's
 * or not, go to bits and back unchanged (their rates as V.90 gives them: drn 14 in CP is
 * 45333 bit/s, in CPt 29333); any one bit wrong, but the three fill bits, is never read as a
 * CP. */
START_TEST(test_cp_framing)
{
    static uint8_t bits[SQ_V90_CP_MAX_BITS];
    for (int constellations = 1; constellations <= 6; constellations++)
        for (int variant = 0; variant < 3; variant++) {
            sq_v90_cp cp = { .training = variant == 0, .drn = 14, .acknowledge = variant == 2,
                             .a_law = constellations & 1, .upstream_mask = 0x0FFF, .lookahead = 1,
                             .sign_bits = 2, .constellations = constellations, .codec_differs = variant == 1 },
                      back;
            size_t n = sq_v90_cp_to_bits(&cp, bits);
            ck_assert_uint_gt(n, 0);
            ck_assert_uint_le(n, SQ_V90_CP_MAX_BITS);
            ck_assert_int_eq(sq_v90_cp_from_bits(bits, n, &back), (int)n);
            ck_assert_int_eq(memcmp(&cp, &back, sizeof cp), 0);
            ck_assert_int_eq(sq_v90_cp_rate_bps(&back), variant == 0 ? 29333 : 45333);
            ck_assert_int_eq(sq_v90_cp_from_bits(bits, n - 4, &back), -1);
            for (size_t i = 0; i + 3 < n; i++) {
                bits[i] ^= 1u;
                ck_assert_msg(sq_v90_cp_from_bits(bits, n, &back) <= 0, "%d constellations: bit %zu flipped still read",
                              constellations, i);
                bits[i] ^= 1u;
            }
        }
    ck_assert_uint_eq(sq_v90_cp_to_bits(&(sq_v90_cp){ .drn = 23, .constellations = 1 }, bits), 0);
}
END_TEST

Suite *v34_train_suite(void);

Suite *v34_train_suite(void)
{
    Suite *s = suite_create("v34_train");
    TCase *t = tcase_create("v34_train");
    tcase_set_timeout(t, 300);
    tcase_add_test(t, test_scrambler_round_trip);
    tcase_add_test(t, test_ls_fit);
    tcase_add_test(t, test_points_and_sequences);
    tcase_add_test(t, test_mp_frames);
    tcase_add_test(t, test_mp_rates);
    tcase_add_loop_test(t, test_call_modem_startup, 0, (int)PAIR_COUNT * 2);
    tcase_add_loop_test(t, test_answer_modem_startup, 0, (int)PAIR_COUNT * 2);
    tcase_add_loop_test(t, test_answer_phase4_band_edges, 0, 8);
    tcase_add_loop_test(t, test_v34_data_snr, 0, 6);
    tcase_add_loop_test(t, test_v34_far_clock, 0, 8);
    tcase_add_test(t, test_v32bis_data_jitter);
    tcase_add_test(t, test_v32_constellations);
    tcase_add_loop_test(t, test_startup_with_md, 0, (int)PAIR_COUNT);
    tcase_add_loop_test(t, test_v32_training, 0, 6);
    tcase_add_loop_test(t, test_v32_renegotiation, 0, 12);
    tcase_add_test(t, test_v32_startup_modulate);
    tcase_add_test(t, test_nothing_invented);
    tcase_add_test(t, test_ja_framing);
    tcase_add_test(t, test_cp_framing);
    suite_add_tcase(s, t);
    return s;
}
