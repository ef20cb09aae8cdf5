/* gen's v92_qts: a V.92 digital modem's short phase 1 once it has heard the analogue modem's
 * (V.92 9.2), as the answerer (9.2.4.1: QCA1d on V.21 channel 2) or the caller (9.2.2.1: QC1d
 * on channel 1, then CM until QCA1a is heard, here three of them), then 75 ms of silence,
 * QTS and QTS-bar (8.3.6) and ANSpcm (8.3.1) as the PCM codewords the digital modem puts on
 * the line. */
#include <math.h>
#include <string.h>
#include "src/cli/gen_signals.h"
#include "squeal/async.h"
#include "squeal/fsk.h"
#include "squeal/time_base.h"
#include "squeal/v8.h"
#include "squeal/v92.h"

/* the QC octet (bits 21:28 of Tables 11 and 13): a digital modem (bit 0), QC1d or QCA1d (bit
 * 1), LAPM (bit 2), ANSpcm at -12 dBm0 (bits 6, 7: 01) */
#define QC1D 0x85u
#define QCA1D 0x87u
#define CM_REPEATS 3
#define LEAD_BITS 45            /* 150 ms of mark before the first frame, as a modem raises carrier */
#define QC_SILENCE_S 0.075
#define QTS_UCODE 78            /* UQTS, as an analogue modem's QC1a names it (Table 2) */
#define ANSPCM_DEFAULT_S 1.0
/* room for the lead-in, the QC sequence twice with ten 1s, and the CMs at their longest */
#define MAX_BITS (LEAD_BITS + 50 + CM_REPEATS * (20 + 10 * SQ_V8_MAX_OCTETS))

static size_t ones(uint8_t *bits, size_t at, size_t n)
{
    memset(bits + at, 1, n);
    return at + n;
}

static size_t frame(uint8_t *bits, size_t at, uint8_t octet)
{
    return at + (size_t)sq_async_frame_byte(&SQ_ASYNC_8N1, octet, bits + at);
}

/* The V.21 part: QC1d and its CMs, or QCA1d; returns the bits. */
static size_t qc_bits(int caller, uint8_t *bits)
{
    uint8_t qc = caller ? QC1D : QCA1D;
    size_t k = ones(bits, 0, LEAD_BITS);   /* its ten 1s among them */
    k = frame(bits, frame(bits, k, 0x55), qc);
    k = ones(bits, k, 10);
    k = frame(bits, frame(bits, k, 0x55), qc);
    if (caller) {   /* a V.90 / V.92 digital modem's CM */
        sq_v8_msg cm;
        sq_v8_msg_init(&cm, SQ_V8_CM, SQ_V8_V34 | SQ_V8_PCM | SQ_V8_V32BIS | SQ_V8_V22BIS | SQ_V8_V21);
        cm.has_pcm = 1;
        cm.pcm = 2;
        uint8_t octets[SQ_V8_MAX_OCTETS];
        int n = sq_v8_encode(&cm, octets, sizeof octets);
        for (int r = 0; r < CM_REPEATS; r++) {
            k = frame(bits, ones(bits, k, 10), 0xE0);   /* ten 1s and CM's sync (0000001111) */
            for (int i = 0; i < n; i++)
                k = frame(bits, k, octets[i]);
        }
    }
    return k;
}

int gen_v92_build(const gen_opts *o, sample_buf *b, double *ref_level, int *rc)
{
    if (strcmp(o->signal, "v92_qts") != 0)
        return 0;
    *ref_level = -12.0;   /* ANSpcm's; the noise of --snr is against it */
    int caller = strcmp(o->role, "caller") == 0;
    uint8_t bits[MAX_BITS];
    size_t nbits = qc_bits(caller, bits);
    sq_fskmod_params mp;
    sq_fskmod_default_params(caller ? &SQ_FSK_V21_CH1 : &SQ_FSK_V21_CH2, &mp);
    mp.level_dbm0 = -12.0;
    mp.queue_bits = nbits;
    sq_fskmod *m = NULL;
    size_t fsk = (size_t)ceil((double)nbits * SQ_PROCESSING_RATE_HZ / mp.fsk.baud);
    size_t anspcm = (size_t)lround((o->duration > 0.0 ? o->duration : ANSPCM_DEFAULT_S) * SQ_PROCESSING_RATE_HZ);
    size_t pcm = sq_v92_qts_anspcm_modulate(QTS_UCODE, anspcm, NULL, 0);
    if (sq_fskmod_create(&mp, &m) != SQ_OK || sample_buf_grow(b, fsk) != 0) {
        sq_fskmod_destroy(m);
        *rc = EXIT_RUNTIME;
        return 1;
    }
    sq_fskmod_push_bits(m, bits, nbits);
    sq_fskmod_generate(m, b->x + b->n, fsk);
    b->n += fsk;
    sq_fskmod_destroy(m);
    if (gen_append_silence(b, QC_SILENCE_S) != 0 || sample_buf_grow(b, pcm) != 0) {
        *rc = EXIT_RUNTIME;
        return 1;
    }
    b->n += sq_v92_qts_anspcm_modulate(QTS_UCODE, anspcm, b->x + b->n, pcm);
    *rc = EXIT_OK;
    return 1;
}
