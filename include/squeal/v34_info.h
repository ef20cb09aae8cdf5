/* squeal: the INFO sequences of V.34 phase 2 (V.34 10.1.2.3, Tables 14-16; V.90 Tables 7-11).
 *
 * An INFO sequence is a short frame sent in 600 bit/s DPSK: four fill 1s, the sync word
 * 01110010, the information bits, a CRC-16 over them, four more fill 1s. The answering
 * (V.34) or analogue (V.90) modem sends INFO0a and INFO1a on a 2400 Hz carrier; the calling
 * (V.34) or digital (V.90) modem sends INFO0c / INFO0d and INFO1c / INFO1d on 1200 Hz. Which
 * frame it is follows from its carrier and its length.
 *
 * Bits are numbered as in the Recommendations' tables: bit 0 is the first sent. A frame is
 * held as those bits, bit i at bits[i / 8] bit (i % 8). Fields are described by a table, so
 * a printer can list every field of a frame by name without knowing the layouts. */
#ifndef SQUEAL_V34_INFO_H
#define SQUEAL_V34_INFO_H

#include <stddef.h>
#include <stdint.h>
#include "squeal/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sq_info_kind {
    SQ_INFO0A = 0,   /* 49 bits, 2400 Hz: the answering / analogue modem's capabilities */
    SQ_INFO0C,       /* 49 bits, 1200 Hz: the calling modem's capabilities */
    SQ_INFO0D,       /* 62 bits, 1200 Hz: a V.90 digital modem's capabilities */
    SQ_INFO1A,       /* 70 bits, 2400 Hz: the answer modem's decisions (symbol rates) */
    SQ_INFO1C,       /* 109 bits, 1200 Hz: the call modem's probing results */
    SQ_INFO1D,       /* 109 bits, 1200 Hz: a V.90 digital modem's, laid out as INFO1c (V.90
                        Table 9; API 2.17: named INFO1c before) */
    SQ_INFO_KIND_COUNT
} sq_info_kind;

#define SQ_INFO_MAX_BITS 109
#define SQ_INFO_BYTES ((SQ_INFO_MAX_BITS + 7) / 8)
#define SQ_INFO_SYNC_BITS 12       /* the fill 1111 and the sync word 01110010 */

/* "info0a", "info0c", ... */
SQ_API const char *sq_info_kind_to_str(sq_info_kind k);
/* The frame's length in bits, fill to fill. */
SQ_API size_t sq_info_length(sq_info_kind k);
/* 1 when the carrier is 2400 Hz (the answering / analogue modem's), 0 when 1200 Hz. */
SQ_API int sq_info_high_carrier(sq_info_kind k);

/* Bit i of a frame held as above. */
SQ_API int sq_info_bit(const uint8_t *bits, size_t i);
/* The unsigned value of bits [first, first + width), the first bit the least significant
 * (the tables give multi-bit fields least significant bit first). */
SQ_API unsigned sq_info_field_raw(const uint8_t *bits, size_t first, size_t width);
/* 1 when the CRC (x^16 + x^12 + x^5 + 1, register preset to 1s, 10.1.2.3.2) checks. */
SQ_API int sq_info_crc_ok(sq_info_kind k, const uint8_t *bits);

typedef enum sq_info_unit {
    SQ_INFO_FLAG = 0,     /* 0 or 1 */
    SQ_INFO_COUNT,        /* a number as is */
    SQ_INFO_SCALED,       /* raw times scale (dB, ms, bit/s) */
    SQ_INFO_OFFSET_HZ,    /* 10-bit two's complement, 0.02 Hz a step; -512 means not measured */
    SQ_INFO_SYMBOL_RATE,  /* 0..5: 2400, 2743, 2800, 3000, 3200, 3429 symbols/s; 6: 8000 (V.90) */
    SQ_INFO_NEG_SCALED,   /* offset minus raw times scale (V.90 power levels in dBm0) */
} sq_info_unit;

typedef struct sq_info_field {
    const char *name;     /* a JSON key: "symbol_rate_2743", "max_rate_bps_3200", ... */
    uint8_t first, width;
    sq_info_unit unit;
    double scale, offset;
} sq_info_field;

/* The fields of a frame of this kind. INFO1a has two layouts (V.34's, and V.90's when bits
 * 37:39 say 6, a downstream of 8000 symbols/s), so the frame is given; it may be NULL for
 * the V.34 layout. Reserved bits and the CRC are not listed. */
SQ_API const sq_info_field *sq_info_fields(sq_info_kind k, const uint8_t *bits, size_t *n);
/* The same for a V.90 / V.92 analogue modem's frame: its INFO0a is V.92's (Table 16: bit 26
 * V.92 capability, bit 27 a short phase 2 requested, where V.34's INFO0a has its transmit
 * clock; V.90's Table 8 leaves them 0); other kinds as sq_info_fields. */
SQ_API const sq_info_field *sq_info_fields_pcm(sq_info_kind k, const uint8_t *bits, size_t *n);
/* A field's value in its unit (symbol rates as symbols/s, rounded). */
SQ_API double sq_info_field_value(const sq_info_field *f, const uint8_t *bits);

/* Builds a frame: fill, sync, the fields whose values are given by name (others 0), CRC,
 * fill. names and values hold n pairs; values are in the fields' units. Returns 0, or -1
 * with *bad set to the index of a name that is not a field of this kind or a value it
 * cannot hold. */
SQ_API int sq_info_build(sq_info_kind k, const char *const *names, const double *values, size_t n,
                         uint8_t bits[SQ_INFO_BYTES], size_t *bad);

/* Phase 2's DPSK at 8 kHz, as a modem sends it: the start point then one symbol per bit (one
 * bit a byte, 1 = a 180 degree turn), 600 baud. high: the answer modem's 2400 Hz carrier at
 * 1 dB under nominal_dbm0 with the 1800 Hz guard at nominal (tone A) or 7 dB under it (info
 * set: INFO frames); else the call modem's 1200 Hz at nominal. offset_hz shifts every
 * frequency. A run of 0s is tone A or B, a single 1 in it a phase reversal. */
SQ_API size_t sq_v34_dpsk_samples(size_t n_bits);
SQ_API void sq_v34_dpsk_modulate(int high, int info, double nominal_dbm0, double offset_hz, const uint8_t *bits,
                                 size_t n_bits, float *out);

/* A V.34 MP sequence (10.1.3.9, Tables 20-21): the modulation parameters a modem sends in
 * phase 4 and at a rate renegotiation. Rates are in units of 2400 bit/s (1..14, 0 in a
 * cleardown); rate_mask bit i is 2400 * (i + 1) bit/s supported (bit 0 = 2400 ... bit 13 =
 * 33600). */
typedef struct sq_v34_mp {
    uint8_t type;                 /* 0, or 1 with precoder coefficients */
    uint8_t rate_call_to_answer;  /* the highest call-to-answer rate it will use */
    uint8_t rate_answer_to_call;
    uint8_t aux_channel;          /* 1: the 200 bit/s auxiliary channel wanted */
    uint8_t trellis;              /* for the far transmitter: 0 = 16-state, 1 = 32, 2 = 64 */
    uint8_t nonlinear;            /* 1: the far transmitter's non-linear encoder on (0.3125) */
    uint8_t shaping;              /* 1: expanded shaping for the far transmitter */
    uint8_t acknowledge;          /* 1: MP' (the far end's MP was received) */
    uint16_t rate_mask;
    uint8_t asymmetric;           /* 1: the two directions may differ */
    uint8_t crc_alt;              /* the CRC checked only over the start bits too (a variant
                                   * some implementations send), not as the clause reads */
    int16_t precoder[6];          /* type 1: h(1..3) real and imaginary, raw 16-bit */
} sq_v34_mp;

/* The data rates two MPs agree on (11.4.1.1.3): 0 when they share none. */
SQ_API void sq_v34_mp_rates(const sq_v34_mp *a, const sq_v34_mp *b, int *call_to_answer_bps,
                            int *answer_to_call_bps);

/* A modem's V.34 phases 3 and 4 (11.3.1, 11.4.1) as heard on its line, for tests and
 * demonstrations (gen's v34_startup). The call modem runs phase 3 on into phase 4: S, S-bar,
 * PP, 4-point TRN, J, J', TRN, MP, MP', E, then 0.2 s standing for data. The answer modem ends
 * phase 3 with J, falls quiet for 0.4 s, and starts phase 4 afresh: S, S-bar, TRN, MP, MP', E,
 * data. The pulse is a root raised cosine (V.34 leaves it to the implementer).
 * With v90_ja set it is a V.90 analogue modem's phase 3 instead (V.90 9.3.2): S, S-bar, PP,
 * TRN (its scrambler GPA whatever its role, V.90 8.3) and then Ja, this DIL descriptor in
 * whole repetitions for at least 0.4 s. With v90_cp set too, its phase 4 follows 0.5 s later
 * (where the digital modem's DIL would be heard, 9.3.2.10, 9.4.2): S, S-bar, SCR (none with
 * v90_no_scr), CPt three times (v90_cp as CPt, asking SQ_V90_GEN_CPT_DRN's training rate:
 * API 2.18), SCR again with v90_scr_after_cpt, CP twice,
 * CP' twice, E, and scrambled 1s
 * standing for B1 and data. */
struct sq_v90_dil_descriptor;
struct sq_v90_cp;
#define SQ_V34_CLEARDOWN (-1)
typedef struct sq_v34_startup_params {
    double symbol_rate;     /* one of Table 1's: 2400, 2743, 2800, 3000, 3200, 3429 */
    int high_carrier;       /* the rate's high carrier (Table 1; 3429 has one) */
    int answer_modem;
    int points;             /* 4 or 16: phase 4's constellation, as the far end's J asked */
    int j_points;           /* 4 or 16: what this modem's J asks of the far end */
    sq_v34_mp mp;           /* sent as MP, then as MP' */
    double level_dbm0;
    const struct sq_v90_dil_descriptor *v90_ja;   /* NULL: V.34 (API 2.4) */
    const struct sq_v90_cp *v90_cp;               /* NULL: no phase 4 after Ja (API 2.4) */
    int v90_no_scr;         /* 1: silent during DIL, so CPt follows phase 4's S-bar at once (API 2.4) */
    /* SCR between CPt and CP too, for 0.5 s (V.90 9.4.2.2): 1 sent as TRN is (as the Conexant
     * HCF modem sends it), 2 differentially coded (as V.90 8.3.5 says); 0 none (API 2.16) */
    int v90_scr_after_cpt;
    /* a V.34 modem renegotiates its rate 1 s into the data (11.6.1): S, S-bar, 4-point TRN,
     * MP and MP' offering this many bit/s at most both ways, E, data; with SQ_V34_CLEARDOWN
     * it clears down there instead (11.7.1.1): S, S-bar, MP and MP' asking 0 bit/s both ways,
     * and nothing after; 0 neither (API 2.20). A V.90 analogue modem with v90_cp does the
     * same (V.90 9.6.2.1, 9.7): S, S-bar, SCR as its phase 4's, CP twice and CP' twice asking
     * this downstream rate (a V.90 one, 28000..56000) or drn 0, then E and data, or nothing
     * after a cleardown (API 2.21) */
    int renegotiate_bps;
    uint8_t reserved[32 - 2 * sizeof(void *) - 3 * sizeof(int)];
} sq_v34_startup_params;

/* 3200 symbols/s on the high carrier, the call modem, 16 points both ways, an MP offering
 * 2400 to 28800 bit/s both ways, -13 dBm0. */
SQ_API void sq_v34_startup_default_params(sq_v34_startup_params *p);
/* Writes up to max samples at 8 kHz to out; returns how many the start-up has (0 when p is
 * not valid), so a first call with max 0 sizes the buffer. */
SQ_API size_t sq_v34_startup_modulate(const sq_v34_startup_params *p, float *out, size_t max);

#ifdef __cplusplus
}
#endif

#endif
