/* libFuzzer: a V.90 digital modem's phase 4 read from its PCM codes (src/decode/v90_phase4.c),
 * on a start of phase 4 the harness synthesises and the input then damages. Random audio never
 * holds a TRN2d to fit an equaliser to, so the input edits a real one: the first byte picks the
 * CPt's spectral shaping (Sr, look-ahead) and how many constellations it names; each 4 bytes
 * after it set one sample (position, value), as the decoder would hand them on: finite, within
 * its sample guard. Whatever the damage, what is read lies inside the audio, in order. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "src/decode/v90_jd.h"
#include "src/decode/v90_phase4.h"
#include "squeal/v90.h"

#define RI_PERIODS 40            /* R i, then R-bar i: + + + - - -, then negated */
#define RI_BAR_PERIODS 4
#define MAX_SAMPLES (8000 * 2)
#define LEVEL 32768.0f           /* Table 1's linear values to full scale */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static uint8_t cp_bits[SQ_V90_CP_MAX_BITS];
    static int pcm[MAX_SAMPLES];
    static float x[MAX_SAMPLES];
    sq_v90_cp cp = { .training = 1, .drn = SQ_V90_GEN_CPT_DRN, .upstream_mask = 0x0FFF, .sign_bits = data[0] & 3,
                     .lookahead = (data[0] >> 2) & 3, .constellations = 1 + (data[0] >> 4) % 6 };
    sq_v90_mapping m;
    size_t len = sq_v90_cp_to_bits(&cp, cp_bits);
    if (!len || sq_v90_mapping_from_cp(cp_bits, len, 1, &m) != 0)
        abort();   /* gen's CPt always has one */
    size_t n = 0;
    const int u_info = sq_v90_ucode_linear(76, 0);
    for (size_t i = 0; i < 6 * (RI_PERIODS + RI_BAR_PERIODS); i++)
        x[n++] = (float)((i % 6 < 3) == (i < 6 * RI_PERIODS) ? u_info : -u_info) / LEVEL;
    size_t codes = sq_v90_phase4_codes(&m, 0.4, 28800, 4, pcm, MAX_SAMPLES - n - 200);
    for (size_t i = 0; i < codes; i++)
        x[n++] = (float)pcm[i] / LEVEL;
    while (n < MAX_SAMPLES && n < 6 * (RI_PERIODS + RI_BAR_PERIODS) + codes + 200)
        x[n++] = 0.0f;
    for (size_t i = 1; i + 4 <= size; i += 4) {
        uint16_t at, v;
        memcpy(&at, data + i, 2);
        memcpy(&v, data + i + 2, 2);
        x[at % n] = (float)(int16_t)v / 8192.0f;   /* up to 4 times full scale, as the guard lets through */
    }
    float taps[SQ_V90_JD_TAPS] = { 0 };
    taps[SQ_V90_JD_TAPS / 2] = (float)(LEVEL / u_info);   /* TRN1d's fit on a clean line: the identity */
    sq_v90_phase4_read out;
    if (!sq_v90_read_phase4(x, n, 6 * RI_PERIODS, 96, taps, &m, &out))
        return 0;
    if (out.n_runs == 0 || out.n_runs > SQ_V90_MP_RUNS || !(out.snr_db == out.snr_db) || out.trn2d_start >= n)
        __builtin_trap();
    for (size_t i = 0; i < out.n_runs; i++) {
        const sq_v90_mp_run *r = &out.runs[i];
        if (r->start < out.trn2d_start || r->end <= r->start || r->end > n || r->repeats == 0 ||
            (i && r->start < out.runs[i - 1].start))
            __builtin_trap();
    }
    /* the same frames read again through that equaliser from a frame the first byte picks, as a
     * renegotiation with no TRN2d is (sq_v90_read_mps_through): what it reads lies inside too */
    sq_v90_phase4_read again = out;
    size_t first = out.trn2d_start + 6 * (size_t)(data[0] % 64);
    if (sq_v90_read_mps_through(x, n, first, &m, &again))
        for (size_t i = 0; i < again.n_runs; i++)
            if (again.runs[i].start < first || again.runs[i].end <= again.runs[i].start || again.runs[i].end > n)
                __builtin_trap();
    return 0;
}
