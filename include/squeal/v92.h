/* A V.92 digital modem's short phase 1 signals as heard on the analogue line, for tests and
 * demonstrations (gen's v92_qts): the PCM codewords it sends, one per 8 kHz sample, decoded
 * by a mu-law codec (G.711) to the line. (API 2.19) */
#ifndef SQUEAL_V92_H
#define SQUEAL_V92_H

#include <stddef.h>
#include "squeal/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* QTS, 128 periods of {+V, +0, +V, -V, -0, -V}, V the codeword of Ucode qts_ucode (0..127,
 * the UQTS of the analogue modem's QC1a or QCA1a), then QTS-bar, 8 periods negated (V.92
 * 8.3.6); then anspcm_samples of ANSpcm at -12 dBm0, its 301-symbol sequence (79 cycles,
 * 2099.7 Hz) reversed every 3612 symbols (8.3.1, Table 6). Writes up to max samples to out;
 * returns how many there are (0 when qts_ucode is out of range), so a first call with max 0
 * sizes the buffer. */
SQ_API size_t sq_v92_qts_anspcm_modulate(int qts_ucode, size_t anspcm_samples, float *out, size_t max);

#ifdef __cplusplus
}
#endif

#endif
