/* squeal gen: the signals of V.34 phase 2, for the decoder's round trips. The answer modem's
 * carrier is 2400 Hz at 1 dB under the nominal level, with an 1800 Hz guard at the nominal
 * level beside tone A and 7 dB under it beside INFO (V.34 10.1.2.1, 10.1.2.3.1); the call
 * modem's is 1200 Hz at the nominal level. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "src/cli/gen_signals.h"

#define TONE_AFTER_INFO_S 0.2
#define LEAD_SILENCE_S 0.1
#define DEFAULT_TONE_S 0.5
#define DEFAULT_MARKS_S 0.3

static const struct { const char *name; sq_info_kind kind; } FRAMES[] = {
    { "info0a", SQ_INFO0A }, { "info0c", SQ_INFO0C }, { "info0d", SQ_INFO0D },
    { "info1a", SQ_INFO1A }, { "info1c", SQ_INFO1C }, { "info1d", SQ_INFO1D },
};

/* Appends DPSK of bits on the answerer's (high) or caller's carrier. */
static int append_dpsk(sample_buf *b, const gen_opts *o, int high, int info, const uint8_t *bits, size_t n_bits)
{
    size_t n = sq_v34_dpsk_samples(n_bits);
    if (sample_buf_grow(b, n) != 0)
        return -1;
    sq_v34_dpsk_modulate(high, info, isnan(o->level) ? -13.0 : o->level, o->offset, bits, n_bits, b->x + b->n);
    b->n += n;
    return 0;
}

/* A frame then its tone, as a modem sends INFO0 then A or B; all as one DPSK stream. */
int gen_v34_info_frame(const gen_opts *o, sq_info_kind kind, const char *const *names, const double *values,
                       size_t n_sets, double tone_s, sample_buf *b)
{
    uint8_t frame[SQ_INFO_BYTES];
    size_t bad = 0;
    if (sq_info_build(kind, names, values, n_sets, frame, &bad) != 0) {
        cli_error("gen", "%s has no field '%s' that can hold %g (see squeal(1), INFO fields)",
                  sq_info_kind_to_str(kind), names[bad], values[bad]);
        return EXIT_USAGE;
    }
    size_t len = sq_info_length(kind), tone = (size_t)llround(tone_s * 600.0);
    uint8_t *bits = calloc(len + tone, 1);
    if (!bits)
        return EXIT_RUNTIME;
    for (size_t i = 0; i < len; i++)
        bits[i] = (uint8_t)sq_info_bit(frame, i);
    int rc = gen_append_silence(b, LEAD_SILENCE_S) == 0 &&
             append_dpsk(b, o, sq_info_high_carrier(kind), 1, bits, len + tone) == 0 &&
             gen_append_silence(b, LEAD_SILENCE_S) == 0 ? EXIT_OK : EXIT_RUNTIME;
    free(bits);
    return rc;
}

/* A tone with one phase reversal halfway. */
static int build_tone(const gen_opts *o, int high, sample_buf *b)
{
    double seconds = o->duration > 0.0 ? o->duration : DEFAULT_TONE_S;
    size_t n = (size_t)llround(seconds * 600.0);
    uint8_t *bits = calloc(n ? n : 1, 1);
    if (!bits)
        return EXIT_RUNTIME;
    bits[n / 2] = 1;
    int rc = append_dpsk(b, o, high, 0, bits, n) == 0 ? EXIT_OK : EXIT_RUNTIME;
    free(bits);
    return rc;
}

/* INFOMARKS (10.1.2.3.6): the DPSK modulator fed 1s, as INFO is sent (--duration, default
 * 0.3 s). */
static int build_infomarks(const gen_opts *o, int high, sample_buf *b)
{
    double seconds = o->duration > 0.0 ? o->duration : DEFAULT_MARKS_S;
    size_t n = (size_t)llround(seconds * 600.0);
    uint8_t *bits = malloc(n ? n : 1);
    if (!bits)
        return EXIT_RUNTIME;
    memset(bits, 1, n ? n : 1);
    int rc = gen_append_silence(b, LEAD_SILENCE_S) == 0 && append_dpsk(b, o, high, 1, bits, n) == 0 &&
             gen_append_silence(b, LEAD_SILENCE_S) == 0 ? EXIT_OK : EXIT_RUNTIME;
    free(bits);
    return rc;
}

/* Line probing (V.34 10.1.2.4, Table 17): cosines every 150 Hz from 150 to 3750 Hz without
 * 900, 1200, 1800 and 2400 Hz, some starting at 180 degrees; L1 160 ms 6 dB over the nominal
 * level, then L2 at it (--duration, default 0.4 s). */
static int build_line_probe(const gen_opts *o, sample_buf *b)
{
    static const int INVERTED[] = { 300, 1650, 2250, 2700, 3000, 3150, 3300, 3450 };
    double nominal = isnan(o->level) ? -13.0 : o->level, l2_s = o->duration > 0.0 ? o->duration : 0.4;
    size_t l1 = (size_t)llround(0.16 * SQ_PROCESSING_RATE_HZ), n = l1 + (size_t)llround(l2_s * SQ_PROCESSING_RATE_HZ);
    if (sample_buf_grow(b, n) != 0)
        return EXIT_RUNTIME;
    const int tones = 21;
    for (size_t i = 0; i < n; i++) {
        double t = (double)i / SQ_PROCESSING_RATE_HZ, v = 0.0;
        for (int f = 150; f <= 3750; f += 150) {
            if (f == 900 || f == 1200 || f == 1800 || f == 2400)
                continue;
            double phase = 0.0;
            for (size_t k = 0; k < sizeof INVERTED / sizeof INVERTED[0]; k++)
                phase = INVERTED[k] == f ? M_PI : phase;
            v += cos(2.0 * M_PI * (f + o->offset) * t + phase);
        }
        /* the whole comb at the level: each tone's peak from its share of the power */
        double level = i < l1 ? nominal + 6.0 : nominal;
        b->x[b->n + i] = (float)(v * sq_dbm0_to_sine_peak(level) / sqrt((double)tones));
    }
    b->n += n;
    return EXIT_OK;
}

/* A V.8bis message (--octets, hex) on V.21 channel --chan: 1 from the initiating station. */
static int build_v8bis_message(const gen_opts *o, sample_buf *b)
{
    uint8_t octets[64], bits[640];
    size_t n = 0;
    const char *h = o->octets ? o->octets : "14";   /* ACK(1) of revision 1 */
    for (; h[0] && h[1] && n < sizeof octets; h += 2) {
        unsigned v;
        if (sscanf(h, "%2x", &v) != 1)
            break;
        octets[n++] = (uint8_t)v;
    }
    size_t nb = *h ? 0 : sq_v8bis_message_bits(octets, n, bits, sizeof bits);
    if (nb == 0) {
        cli_error("gen", "v8bis_msg: --octets takes 1 to 64 octets in hex, not '%s'", o->octets);
        return EXIT_USAGE;
    }
    sq_fskmod_params mp;
    sq_fskmod_default_params(o->chan == 1 ? &SQ_FSK_V21_CH1 : &SQ_FSK_V21_CH2, &mp);
    mp.offset_hz = o->offset;
    mp.level_dbm0 = isnan(o->level) ? -13.0 : o->level;
    mp.queue_bits = nb;
    sq_fskmod *m = NULL;
    size_t samples = (size_t)ceil((double)nb * SQ_PROCESSING_RATE_HZ / 300.0);
    if (sq_fskmod_create(&mp, &m) != SQ_OK || gen_append_silence(b, LEAD_SILENCE_S) != 0 || sample_buf_grow(b, samples) != 0) {
        sq_fskmod_destroy(m);
        return EXIT_RUNTIME;
    }
    sq_fskmod_push_bits(m, bits, nb);
    sq_fskmod_generate(m, b->x + b->n, samples);
    b->n += samples;
    sq_fskmod_destroy(m);
    return gen_append_silence(b, LEAD_SILENCE_S) == 0 ? EXIT_OK : EXIT_RUNTIME;
}

int gen_v34_build(const gen_opts *o, sample_buf *b, double *ref_level, int *rc)
{
    *ref_level = isnan(o->level) ? -13.0 : o->level;
    if (strcmp(o->signal, "tone_a") == 0 || strcmp(o->signal, "tone_b") == 0) {
        *rc = build_tone(o, o->signal[5] == 'a', b);
        return 1;
    }
    if (strcmp(o->signal, "v8bis_msg") == 0) {
        *rc = build_v8bis_message(o, b);
        return 1;
    }
    if (strcmp(o->signal, "line_probe") == 0) {
        *rc = build_line_probe(o, b);
        return 1;
    }
    if (strcmp(o->signal, "infomarks_a") == 0 || strcmp(o->signal, "infomarks_c") == 0) {
        *rc = build_infomarks(o, o->signal[10] == 'a', b);
        return 1;
    }
    for (size_t i = 0; i < sizeof FRAMES / sizeof FRAMES[0]; i++)
        if (strcmp(o->signal, FRAMES[i].name) == 0) {
            *rc = gen_v34_info_frame(o, FRAMES[i].kind, o->set_names, o->set_values, o->n_sets, TONE_AFTER_INFO_S, b);
            return 1;
        }
    return 0;
}
