/* A V.90 digital modem's PCM encoder and its inverse (src/proto/v90_pcm.c): Table 1's linear
 * values, the mapping a CP names, and frames of random bits through the encoder (modulus
 * encoder, mappers, differential codes and spectral shaper, every Sr and look-ahead) back to the
 * same bits through the receiver's unmapper, which knows nothing of the shaper's choices. */
#include <check.h>
#include <complex.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "dsp/dc_block.h"
#include "dsp/ls_fit.h"
#include "squeal/v90.h"
#include "squeal/v92.h"
#include "src/proto/v90_pcm.h"

#define FRAMES 400

START_TEST(test_ucode_linear)
{
    /* V.90 Table 1, both columns, at each chord's edges */
    static const int u[] = { 0, 1, 15, 16, 32, 64, 79, 95, 127 };
    static const int mu[] = { 0, 8, 120, 132, 396, 1980, 3900, 7932, 32124 };
    static const int a[] = { 8, 24, 248, 264, 528, 2112, 4032, 8064, 32256 };
    for (size_t i = 0; i < sizeof u / sizeof u[0]; i++) {
        ck_assert_int_eq(sq_v90_ucode_linear(u[i], 0), mu[i]);
        ck_assert_int_eq(sq_v90_ucode_linear(u[i], 1), a[i]);
    }
    ck_assert_int_eq(sq_v90_ucode_linear(128, 0), 0);
}
END_TEST

/* The mapping of gen's CP (sq_v90_cp_to_bits): CPt's eight codes, largest first, K from its
 * training rate; a rate its constellations cannot carry, or a cleardown, has none. */
START_TEST(test_mapping_from_cp)
{
    static uint8_t bits[SQ_V90_CP_MAX_BITS];
    sq_v90_mapping m;
    sq_v90_cp cp = { .training = 1, .drn = SQ_V90_GEN_CPT_DRN, .upstream_mask = 0x0FFF, .sign_bits = 1,
                     .lookahead = 2, .constellations = 3 };
    size_t n = sq_v90_cp_to_bits(&cp, bits);
    ck_assert_int_eq(sq_v90_mapping_from_cp(bits, n, 1, &m), 0);
    ck_assert_int_eq(m.s_bits, 5);
    ck_assert_int_eq(m.k_bits, 18 - 5);
    ck_assert_int_eq(m.lookahead, 2);
    ck_assert(fabs(m.a1 - 1.0) < 1e-9 && m.a2 == 0.0 && m.b1 == 0.0 && m.b2 == 0.0);
    for (int i = 0; i < SQ_V90_INTERVALS; i++) {
        ck_assert_int_eq(m.size[i], 8);
        ck_assert_int_eq(m.level[i][0], sq_v90_ucode_linear(92, 0));
        ck_assert_int_eq(m.level[i][7], sq_v90_ucode_linear(40, 0));
    }
    ck_assert_int_eq(sq_v90_mapping_from_cp(bits, n - 1, 1, &m), -1);
    cp.drn = 22;   /* 40000 bit/s: 30 bits a frame, 25 of them in eight codes a symbol */
    n = sq_v90_cp_to_bits(&cp, bits);
    ck_assert_int_eq(sq_v90_mapping_from_cp(bits, n, 1, &m), -1);
    cp.drn = 0;
    n = sq_v90_cp_to_bits(&cp, bits);
    ck_assert_int_eq(sq_v90_mapping_from_cp(bits, n, 1, &m), -1);
}
END_TEST

/* The running sum of a frame sequence's codes, its mean square: what a shaper toward a null at
 * DC (T(z) = 1 - z^-1, F(z) its integrator) keeps small. */
static double integrated_power(const int *pcm, size_t n)
{
    double sum = 0.0, power = 0.0;
    for (size_t i = 0; i < n; i++) {
        sum += pcm[i];
        power += sum * sum;
    }
    return power / (double)n;
}

/* Sr 0..3 and look-ahead 0..3 (the loop's index): data CP's 32 codes a symbol, random bits. */
START_TEST(test_pcm_round_trip)
{
    const int sr = _i / 4, ld = _i % 4;
    static uint8_t cp_bits[SQ_V90_CP_MAX_BITS], bits[FRAMES * SQ_V90_MAX_FRAME_BITS], back[SQ_V90_MAX_FRAME_BITS];
    static int pcm[FRAMES * SQ_V90_INTERVALS], unshaped[FRAMES * SQ_V90_INTERVALS];
    sq_v90_cp cp = { .drn = 10, .upstream_mask = 0x0FFF, .sign_bits = sr, .lookahead = ld, .constellations = 6 };
    sq_v90_mapping m, flat;
    size_t len = sq_v90_cp_to_bits(&cp, cp_bits);
    ck_assert_int_eq(sq_v90_mapping_from_cp(cp_bits, len, 0, &m), 0);
    ck_assert_int_eq(m.k_bits + m.s_bits, 30);   /* 40000 bit/s */
    for (int i = 0; i < SQ_V90_INTERVALS; i++)
        ck_assert_int_eq(m.size[i], 32);
    const size_t d = 30;
    uint64_t state = 99u + (uint64_t)_i;
    for (size_t i = 0; i < FRAMES * d; i++) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        bits[i] = (uint8_t)(state >> 63);
    }
    sq_v90_encode(&m, bits, FRAMES, pcm);
    sq_v90_unmapper u;
    sq_v90_unmapper_init(&u, &m);
    for (size_t j = 0; j < FRAMES; j++) {
        int label[SQ_V90_INTERVALS], positive[SQ_V90_INTERVALS];
        for (int i = 0; i < SQ_V90_INTERVALS; i++) {
            int v = pcm[j * SQ_V90_INTERVALS + (size_t)i], a = abs(v);
            positive[i] = v > 0;
            label[i] = -1;
            for (int l = 0; l < m.size[i]; l++)
                if (m.level[i][l] == a)
                    label[i] = l;
            ck_assert_int_ge(label[i], 0);
        }
        sq_v90_unmap(&u, label, positive, back);
        ck_assert_msg(memcmp(back, bits + j * d, d) == 0, "Sr %d ld %d: frame %zu read wrong", sr, ld, j);
    }
    if (sr == 0)
        return;
    /* the shaper keeps the running sum far smaller than the same codes with its inversions
     * undone (no shaping: a1 = 0 leaves every metric equal, so it takes rule A throughout) */
    flat = m;
    flat.a1 = 0.0;
    sq_v90_encode(&flat, bits, FRAMES, unshaped);
    double shaped_power = integrated_power(pcm, FRAMES * SQ_V90_INTERVALS);
    double unshaped_power = integrated_power(unshaped, FRAMES * SQ_V90_INTERVALS);
    ck_assert_msg(shaped_power < 0.1 * unshaped_power, "Sr %d ld %d: integrated power %g against %g unshaped", sr,
                  ld, shaped_power, unshaped_power);
}
END_TEST

/* The real least-squares fit (dsp/ls_fit.h) that both V.90 readers use: a line that smears
 * each code over its neighbours (a short FIR), codes of random levels and signs, a little
 * noise: the fit's taps give the codes back (SNR near the noise's), and are the taps the
 * complex fit finds for the same rows. */
/* V.92's QTS: 128 periods of {+V, +0, +V, -V, -0, -V} then 8 negated; ANSpcm then repeats
 * every 301 samples, negated after 3612, at -12 dBm0 (a sine's mean power over 0 dBm0's
 * 10^-1.2 of the mu-law codec's 0 dBm0, peak 5664 of 8159 steps: mean power 0.2391 at full
 * scale 1.0 as the codes here are scaled, 32124 / 32768 the largest). */
START_TEST(test_v92_qts_anspcm)
{
    const size_t qts = 136 * 6, ans = 4000;
    ck_assert_uint_eq(sq_v92_qts_anspcm_modulate(78, ans, NULL, 0), qts + ans);
    ck_assert_uint_eq(sq_v92_qts_anspcm_modulate(128, ans, NULL, 0), 0);
    float *x = malloc((qts + ans) * sizeof *x);
    ck_assert_ptr_nonnull(x);
    sq_v92_qts_anspcm_modulate(78, ans, x, qts + ans);
    const float v = sq_v90_ucode_linear(78, 0) / 32768.0f, z = sq_v90_ucode_linear(0, 0) / 32768.0f;
    const float want[6] = { v, z, v, -v, -z, -v };
    for (size_t i = 0; i < qts; i++)
        ck_assert_float_eq(x[i], i < 128 * 6 ? want[i % 6] : -want[i % 6]);
    const float *a = x + qts;
    for (size_t k = 0; k + 301 < 3612; k++)
        ck_assert_float_eq(a[k + 301], a[k]);
    int reversed = 0;   /* past the reversal the sequence negated (3612 is 12 x 301), but
                           for codes that the + 0.5 before quantising moves to a neighbour */
    for (size_t k = 3612; k < 3612 + 301; k++)
        reversed += a[k] == -a[k - 3612];
    ck_assert_int_ge(reversed, 280);
    double power = 0.0;
    for (size_t k = 0; k < 3612; k++)
        power += (double)a[k] * a[k];
    double dbm0 = 10.0 * log10(power / 3612 / (pow(5664.0 * 4.0 / 32768.0, 2) / 2.0));
    ck_assert_msg(fabs(dbm0 + 12.0) < 0.2, "ANSpcm at %.2f dBm0", dbm0);
    free(x);
}
END_TEST

START_TEST(test_ls_fit_real)
{
    enum { ROWS = 1200, TAPS = 31, N = ROWS + TAPS };
    static float x[N];
    static double want[ROWS], code[N];
    static float complex line[N];
    static double complex want_c[ROWS];
    uint64_t state = 7;
    for (int i = 0; i < N; i++) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        code[i] = (double)((int)(state >> 60) - 8) + 0.5;   /* -7.5 .. 7.5 */
    }
    for (int i = 0; i < N; i++) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        double noise = ((double)(state >> 11) / 9007199254740992.0 - 0.5) * 0.01;
        x[i] = (float)(code[i] + 0.4 * (i ? code[i - 1] : 0.0) - 0.2 * (i > 1 ? code[i - 2] : 0.0) + noise);
    }
    const size_t first = TAPS / 2;
    for (int k = 0; k < ROWS; k++)
        want[k] = want_c[k] = code[first + (size_t)k];
    float taps[TAPS];
    double err = sq_ls_fit_real(x, first, ROWS, TAPS, want, taps, NULL), power = 0.0;
    for (int k = 0; k < ROWS; k++)
        power += want[k] * want[k];
    ck_assert(err >= 0.0 && 10.0 * log10(power / err) > 45.0);
    for (int i = 0; i < N; i++)
        line[i] = x[i];
    sq_ls_fit *f = malloc(sizeof *f);
    float complex solved[TAPS];
    sq_ls_fit_sliding(f, TAPS, line, ROWS, 1, want_c);
    ck_assert_int_eq(sq_ls_fit_solve(f, solved), 0);
    for (int i = 0; i < TAPS; i++)
        ck_assert(fabsf(crealf(solved[i]) - taps[i]) < 1e-4f && fabsf(cimagf(solved[i])) < 1e-6f);
    free(f);
    ck_assert(sq_ls_fit_real(x, first, TAPS - 1, TAPS, want, taps, NULL) < 0.0);   /* too few rows */
}
END_TEST

/* The same line with the samples off zero by a constant: the fit with a constant beside its
 * taps gives the codes back as well as the fit without one does with no offset (the line's
 * inverse cut to 31 taps limits both), the constant being the offset times the taps' sum,
 * with the sign that takes it out; without one it cannot (the taps alone would have to null
 * DC). */
START_TEST(test_ls_fit_real_bias)
{
    enum { ROWS = 1600, TAPS = 31, N = ROWS + TAPS };
    static float x[N], x_off[N];
    static double want[ROWS], code[N];
    uint64_t state = 11;
    for (int i = 0; i < N; i++) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        code[i] = (double)((int)(state >> 60) - 8) + 0.5;
    }
    const double offset = 1.7;
    for (int i = 0; i < N; i++) {
        x[i] = (float)(code[i] + 0.4 * (i ? code[i - 1] : 0.0) - 0.2 * (i > 1 ? code[i - 2] : 0.0));
        x_off[i] = (float)(x[i] + offset);
    }
    const size_t first = TAPS / 2;
    double power = 0.0;
    for (int k = 0; k < ROWS; k++) {
        want[k] = code[first + (size_t)k];
        power += want[k] * want[k];
    }
    float taps[TAPS], bias = 0.0f;
    double clean = sq_ls_fit_real(x, first, ROWS, TAPS, want, taps, NULL);
    double err = sq_ls_fit_real(x_off, first, ROWS, TAPS, want, taps, &bias);
    ck_assert(clean > 0.0 && err >= 0.0);
    double clean_db = 10.0 * log10(power / clean), fit_db = 10.0 * log10(power / err);
    ck_assert(clean_db > 50.0 && fabs(fit_db - clean_db) < 0.5);
    double sum = 0.0;
    for (int i = 0; i < TAPS; i++)
        sum += taps[i];
    ck_assert(fabs(bias + offset * sum) < 1e-3);
    for (int k = 0; k < ROWS; k += 97)
        ck_assert(fabs(sq_ls_equalise_real(taps, TAPS, x_off, first + (size_t)k) + bias - want[k]) < 0.05);
    err = sq_ls_fit_real(x_off, first, ROWS, TAPS, want, taps, NULL);
    ck_assert(err >= 0.0 && 10.0 * log10(power / err) < clean_db - 10.0);
}
END_TEST

/* The decoder's DC blocker undone (dsp/dc_block.h): a signal with low frequencies and an
 * offset through the blocker and back is the signal again, scaled by the blocker's gain and
 * moved by a constant (its mean taken out), to float's precision. */
START_TEST(test_dc_block_undo)
{
    enum { N = 24000 };
    static float in[N], out[N], back[N];
    uint64_t state = 5;
    for (int i = 0; i < N; i++) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        double noise = (double)(state >> 11) / 9007199254740992.0 - 0.5;
        in[i] = (float)(0.02 + 0.3 * sin(2.0 * M_PI * 20.0 * i / 8000.0) + 0.2 * noise);
    }
    sq_dc_block b;
    const float pole = (float)exp(-2.0 * M_PI * SQ_DC_BLOCK_HZ / 8000.0);
    sq_dc_block_init(&b, pole);
    for (int i = 0; i < N; i += 160)
        sq_dc_block_run(&b, in + i, out + i, 160);
    sq_dc_block_undo(pole, out, back, N);
    double mean = 0.0, worst = 0.0, moved = 0.0;
    for (int i = 0; i < N; i++)
        mean += b.gain * in[i];
    mean /= N;
    for (int i = 0; i < N; i++) {
        worst = fmax(worst, fabs(back[i] - (b.gain * in[i] - mean)));
        moved = fmax(moved, fabs(out[i] - (b.gain * in[i] - mean)));
    }
    ck_assert(worst < 1e-4);
    ck_assert(moved > 0.05);   /* the blocker did take the 20 Hz down */
}
END_TEST

Suite *v90_suite(void);

Suite *v90_suite(void)
{
    Suite *s = suite_create("v90");
    TCase *t = tcase_create("v90");
    tcase_add_test(t, test_ucode_linear);
    tcase_add_test(t, test_mapping_from_cp);
    tcase_add_loop_test(t, test_pcm_round_trip, 0, 16);
    tcase_add_test(t, test_v92_qts_anspcm);
    tcase_add_test(t, test_ls_fit_real);
    tcase_add_test(t, test_ls_fit_real_bias);
    tcase_add_test(t, test_dc_block_undo);
    suite_add_tcase(s, t);
    return s;
}
