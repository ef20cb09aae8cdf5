/* gen's v92_qts: a V.92 digital answerer's short phase 1 after the analogue modem's QC1a
 * (V.92 9.2.4.1): its QCA1d on V.21 channel 2, 75 ms of silence, QTS and QTS-bar (8.3.6),
 * then ANSpcm (8.3.1), as the PCM codewords the digital modem puts on the line. */
#include <math.h>
#include <string.h>
#include "src/cli/gen_signals.h"
#include "squeal/fsk.h"
#include "squeal/time_base.h"
#include "squeal/v92.h"

#define QCA1D 0x87u             /* a digital modem (bit 0), LAPM, ANSpcm at -12 dBm0 (Table 12) */
#define QC_SILENCE_S 0.075
#define QTS_UCODE 78            /* UQTS, as an analogue modem's QC1a names it (Table 2) */
#define ANSPCM_DEFAULT_S 1.0

int gen_v92_build(const gen_opts *o, sample_buf *b, double *ref_level, int *rc)
{
    if (strcmp(o->signal, "v92_qts") != 0)
        return 0;
    *ref_level = -12.0;   /* ANSpcm's; the noise of --snr is against it */
    const uint8_t qc[] = { 0x55, QCA1D, 0x55, QCA1D };
    double anspcm_s = o->duration > 0.0 ? o->duration : ANSPCM_DEFAULT_S;
    size_t n = sq_v92_qts_anspcm_modulate(QTS_UCODE, (size_t)lround(anspcm_s * SQ_PROCESSING_RATE_HZ), NULL, 0);
    if (gen_append_fsk(b, &SQ_FSK_V21_CH2, &o->format, -12.0, 0.0, qc, sizeof qc) != 0 ||
        gen_append_silence(b, QC_SILENCE_S) != 0 || sample_buf_grow(b, n) != 0) {
        *rc = EXIT_RUNTIME;
        return 1;
    }
    b->n += sq_v92_qts_anspcm_modulate(QTS_UCODE, (size_t)lround(anspcm_s * SQ_PROCESSING_RATE_HZ), b->x + b->n, n);
    *rc = EXIT_OK;
    return 1;
}
