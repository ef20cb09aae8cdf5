/* INFO sequences of V.34 phase 2 (include/squeal/v34_info.h): layouts, CRC, fields. */
#include <math.h>
#include <string.h>
#include "dsp/dpsk.h"
#include "squeal/v34_info.h"
#include "src/proto/v34_crc.h"

#define CRC_BITS 16
#define FILL_BITS 4

/* Bits 4:11, the sync word 01110010 with its left bit first in time. */
static const uint8_t SYNC_WORD[8] = { 0, 1, 1, 1, 0, 0, 1, 0 };

static const char *const KIND_NAMES[SQ_INFO_KIND_COUNT] = { "info0a", "info0c", "info0d", "info1a", "info1c",
                                                                    "info1d" };
/* Information bits (12 up to the CRC) of each kind. */
static const size_t INFO_BITS[SQ_INFO_KIND_COUNT] = { 17, 17, 30, 38, 77, 77 };

const char *sq_info_kind_to_str(sq_info_kind k)
{
    return (int)k >= 0 && k < SQ_INFO_KIND_COUNT ? KIND_NAMES[k] : "unknown";
}

size_t sq_info_length(sq_info_kind k)
{
    return (int)k >= 0 && k < SQ_INFO_KIND_COUNT ? SQ_INFO_SYNC_BITS + INFO_BITS[k] + CRC_BITS + FILL_BITS : 0;
}

int sq_info_high_carrier(sq_info_kind k)
{
    return k == SQ_INFO0A || k == SQ_INFO1A;
}

int sq_info_bit(const uint8_t *bits, size_t i)
{
    return (bits[i / 8] >> (i % 8)) & 1;
}

static void set_bit(uint8_t *bits, size_t i, int v)
{
    if (v)
        bits[i / 8] = (uint8_t)(bits[i / 8] | (1u << (i % 8)));
    else
        bits[i / 8] = (uint8_t)(bits[i / 8] & ~(1u << (i % 8)));
}

unsigned sq_info_field_raw(const uint8_t *bits, size_t first, size_t width)
{
    unsigned v = 0;
    for (size_t i = 0; i < width; i++)
        v |= (unsigned)sq_info_bit(bits, first + i) << i;
    return v;
}

/* The register of Fig. 14 shifted by n bits from bit `first`: the reflected form of
 * x^16 + x^12 + x^5 + 1, preset to 1s, no inversion at the end. */
static uint16_t crc_over(const uint8_t *bits, size_t first, size_t n)
{
    uint16_t crc = SQ_V34_CRC_PRESET;
    for (size_t i = first; i < first + n; i++)
        crc = sq_v34_crc_bit(crc, sq_info_bit(bits, i));
    return crc;
}

int sq_info_crc_ok(sq_info_kind k, const uint8_t *bits)
{
    if ((int)k < 0 || k >= SQ_INFO_KIND_COUNT)
        return 0;
    /* the information bits followed by their CRC, bit 0 of the CRC first, leave 0 */
    return crc_over(bits, SQ_INFO_SYNC_BITS, INFO_BITS[k] + CRC_BITS) == 0;
}

#define FLAG(name, bit) { name, bit, 1, SQ_INFO_FLAG, 1.0, 0.0 }
#define COUNT(name, bit, w) { name, bit, w, SQ_INFO_COUNT, 1.0, 0.0 }
#define SCALED(name, bit, w, s) { name, bit, w, SQ_INFO_SCALED, s, 0.0 }

/* Bits 12 to 25, the same in every INFO0 (V.34 Table 14, V.90 Table 7, V.92 Tables 15-16). */
#define INFO0_BITS_12_TO_25                                                                               \
    FLAG("symbol_rate_2743", 12), FLAG("symbol_rate_2800", 13), FLAG("symbol_rate_3429", 14),             \
        FLAG("tx_3000_low_carrier", 15), FLAG("tx_3000_high_carrier", 16), FLAG("tx_3200_low_carrier", 17), \
        FLAG("tx_3200_high_carrier", 18), FLAG("tx_3429_allowed", 19), FLAG("power_reduction", 20),        \
        COUNT("max_symbol_rate_difference", 21, 3), FLAG("cme", 24), FLAG("constellation_1664", 25)

/* V.34 Table 14; INFO0a and INFO0c share it. */
static const sq_info_field INFO0_FIELDS[] = {
    INFO0_BITS_12_TO_25,
    COUNT("tx_clock", 26, 2), FLAG("ack_info0", 28),
};

/* INFO0a from a V.90 / V.92 analogue modem (V.92 Table 16; V.90 Table 8 reserves 26:27). */
static const sq_info_field INFO0A_PCM_FIELDS[] = {
    INFO0_BITS_12_TO_25,
    FLAG("v92_capable", 26), FLAG("v92_short_phase2_request", 27), FLAG("ack_info0", 28),
};

/* V.90 Table 7, with V.92's bits 26 and 27 (V.92 Table 15). */
static const sq_info_field INFO0D_FIELDS[] = {
    INFO0_BITS_12_TO_25,
    FLAG("v92_short_phase2_request", 26), FLAG("v92_capable", 27), FLAG("ack_info0", 28),
    { "phase2_power_dbm0", 29, 4, SQ_INFO_NEG_SCALED, 1.0, -6.0 },
    { "max_tx_power_dbm0", 33, 5, SQ_INFO_NEG_SCALED, 0.5, -0.5 },
    FLAG("power_at_codec_output", 38), FLAG("a_law", 39), FLAG("upstream_3429", 40),
};

/* Nine bits per symbol rate: carrier, pre-emphasis, projected rate (V.34 Table 15). */
#define RATE_GROUP(rate, bit)                                                                   \
    FLAG("high_carrier_" rate, bit), COUNT("preemphasis_" rate, bit + 1, 4),                   \
        SCALED("max_rate_bps_" rate, bit + 5, 4, 2400.0)

static const sq_info_field INFO1C_FIELDS[] = {
    SCALED("min_power_reduction_db", 12, 3, 1.0), SCALED("extra_power_reduction_db", 15, 3, 1.0),
    SCALED("md_length_ms", 18, 7, 35.0), RATE_GROUP("2400", 25), RATE_GROUP("2743", 34),
    RATE_GROUP("2800", 43), RATE_GROUP("3000", 52), RATE_GROUP("3200", 61), RATE_GROUP("3429", 70),
    { "probe_offset_hz", 79, 10, SQ_INFO_OFFSET_HZ, 0.02, 0.0 },
};

/* V.34 Table 16 (V.90 Table 11 when V.34 was chosen). */
static const sq_info_field INFO1A_FIELDS[] = {
    SCALED("min_power_reduction_db", 12, 3, 1.0), SCALED("extra_power_reduction_db", 15, 3, 1.0),
    SCALED("md_length_ms", 18, 7, 35.0), FLAG("high_carrier", 25), COUNT("preemphasis", 26, 4),
    SCALED("max_rate_bps", 30, 4, 2400.0),
    { "symbol_rate_answer_to_call", 34, 3, SQ_INFO_SYMBOL_RATE, 1.0, 0.0 },
    { "symbol_rate_call_to_answer", 37, 3, SQ_INFO_SYMBOL_RATE, 1.0, 0.0 },
    { "probe_offset_hz", 40, 10, SQ_INFO_OFFSET_HZ, 0.02, 0.0 },
};

/* V.90 Table 10: INFO1a when V.90 was chosen (bits 37:39 = 6). */
static const sq_info_field INFO1A_V90_FIELDS[] = {
    SCALED("md_length_ms", 18, 7, 35.0), COUNT("u_info", 25, 7),
    { "symbol_rate_upstream", 34, 3, SQ_INFO_SYMBOL_RATE, 1.0, 0.0 },
    { "symbol_rate_downstream", 37, 3, SQ_INFO_SYMBOL_RATE, 1.0, 0.0 },
    { "probe_offset_hz", 40, 10, SQ_INFO_OFFSET_HZ, 0.02, 0.0 },
};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define V90_DOWNSTREAM_CODE 6u

const sq_info_field *sq_info_fields(sq_info_kind k, const uint8_t *bits, size_t *n)
{
    if (k == SQ_INFO0A || k == SQ_INFO0C) {
        *n = COUNT_OF(INFO0_FIELDS);
        return INFO0_FIELDS;
    }
    if (k == SQ_INFO0D) {
        *n = COUNT_OF(INFO0D_FIELDS);
        return INFO0D_FIELDS;
    }
    if (k == SQ_INFO1C || k == SQ_INFO1D) {   /* V.90 Table 9: INFO1d's bits are INFO1c's */
        *n = COUNT_OF(INFO1C_FIELDS);
        return INFO1C_FIELDS;
    }
    if (k == SQ_INFO1A && bits && sq_info_field_raw(bits, 37, 3) == V90_DOWNSTREAM_CODE) {
        *n = COUNT_OF(INFO1A_V90_FIELDS);
        return INFO1A_V90_FIELDS;
    }
    if (k == SQ_INFO1A) {
        *n = COUNT_OF(INFO1A_FIELDS);
        return INFO1A_FIELDS;
    }
    *n = 0;
    return NULL;
}

static const double SYMBOL_RATES[8] = { 2400, 2743, 2800, 3000, 3200, 3429, 8000, 0 };

double sq_info_field_value(const sq_info_field *f, const uint8_t *bits)
{
    unsigned raw = sq_info_field_raw(bits, f->first, f->width);
    if (f->unit == SQ_INFO_SCALED)
        return raw * f->scale;
    if (f->unit == SQ_INFO_NEG_SCALED)
        return f->offset - raw * f->scale;
    if (f->unit == SQ_INFO_SYMBOL_RATE)
        return SYMBOL_RATES[raw & 7u];
    if (f->unit == SQ_INFO_OFFSET_HZ) {
        int v = (int)raw - ((raw & (1u << (f->width - 1))) ? (1 << f->width) : 0);
        return v == -(1 << (f->width - 1)) ? NAN : v * f->scale;
    }
    return raw;   /* flags and counts */
}

/* The raw bits that stand for a value, or -1 when the field cannot hold it. */
static long raw_of(const sq_info_field *f, double value)
{
    long max = (1L << f->width) - 1, raw;
    if (f->unit == SQ_INFO_SYMBOL_RATE) {
        for (long i = 0; i < 7; i++)
            if (fabs(SYMBOL_RATES[i] - value) < 1.0)
                return i;
        return -1;
    }
    if (f->unit == SQ_INFO_OFFSET_HZ) {
        raw = isnan(value) ? -(max + 1) / 2 : lround(value / f->scale);
        if (raw < -(max + 1) / 2 || raw > max / 2)
            return -1;
        return raw & max;
    }
    if (f->unit == SQ_INFO_NEG_SCALED)
        raw = lround((f->offset - value) / f->scale);
    else if (f->unit == SQ_INFO_SCALED)
        raw = lround(value / f->scale);
    else
        raw = lround(value);
    if (raw < 0 || raw > max)
        return -1;
    return raw;
}

int sq_info_build(sq_info_kind k, const char *const *names, const double *values, size_t n,
                  uint8_t bits[SQ_INFO_BYTES], size_t *bad)
{
    if ((int)k < 0 || k >= SQ_INFO_KIND_COUNT)
        return -1;
    memset(bits, 0, SQ_INFO_BYTES);
    size_t len = sq_info_length(k), info_end = SQ_INFO_SYNC_BITS + INFO_BITS[k];
    for (size_t i = 0; i < FILL_BITS; i++) {
        set_bit(bits, i, 1);
        set_bit(bits, len - 1 - i, 1);
    }
    for (size_t i = 0; i < 8; i++)
        set_bit(bits, FILL_BITS + i, SYNC_WORD[i]);
    /* INFO1a's layout depends on its bits 37:39: set those first */
    for (size_t pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < n; i++) {
            size_t nf;
            const sq_info_field *fields = sq_info_fields(k, bits, &nf), *f = NULL;
            for (size_t j = 0; j < nf; j++)
                if (strcmp(fields[j].name, names[i]) == 0)
                    f = &fields[j];
            int downstream = strcmp(names[i], "symbol_rate_downstream") == 0;
            if (pass == 0 && k == SQ_INFO1A && downstream)
                f = &INFO1A_V90_FIELDS[3];
            else if (pass == 0)
                continue;
            long raw = f ? raw_of(f, values[i]) : -1;
            if (raw < 0) {
                if (bad)
                    *bad = i;
                return -1;
            }
            for (size_t b = 0; b < f->width; b++)
                set_bit(bits, f->first + b, (int)((raw >> b) & 1));
        }
    uint16_t crc = crc_over(bits, SQ_INFO_SYNC_BITS, INFO_BITS[k]);
    for (size_t b = 0; b < CRC_BITS; b++)
        set_bit(bits, info_end + b, (crc >> b) & 1);
    return 0;
}

size_t sq_v34_dpsk_samples(size_t n_bits)
{
    return sq_dpsk_samples(n_bits);
}

void sq_v34_dpsk_modulate(int high, int info, double nominal_dbm0, double offset_hz, const uint8_t *bits,
                          size_t n_bits, float *out)
{
    sq_dpsk_tx_params p = {
        .carrier_hz = high ? 2400.0 : 1200.0, .level_dbm0 = high ? nominal_dbm0 - 1.0 : nominal_dbm0,
        .guard_hz = high ? 1800.0 : 0.0, .guard_level_dbm0 = info ? nominal_dbm0 - 7.0 : nominal_dbm0,
        .offset_hz = offset_hz,
    };
    sq_dpsk_modulate(&p, bits, n_bits, out);
}

const sq_info_field *sq_info_fields_pcm(sq_info_kind k, const uint8_t *bits, size_t *n)
{
    if (k == SQ_INFO0A) {
        *n = COUNT_OF(INFO0A_PCM_FIELDS);
        return INFO0A_PCM_FIELDS;
    }
    return sq_info_fields(k, bits, n);
}
