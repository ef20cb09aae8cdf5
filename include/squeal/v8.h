/* squeal: V.8 messages (CI, CM, JM, CJ) and their bit-level receiver.
 *
 * A CI, CM or JM sequence is ten binary 1s, a 10-bit sync (CI 0000000001, CM/JM 0000001111)
 * and start-stop framed octets, LSB first, all at 300 bit/s on V.21 (spec section 3.2). An
 * octet with b4 = 0 opens a category (tag in b0..b3, options in b5..b7); one with
 * b3 b4 b5 = 0 1 0 extends the category before it. CJ is three framed zero octets. Mode
 * selection takes the lowest item number present in both offers (V.8 7.4); squeal numbers
 * its mode bits in that priority order, so the best common mode is the lowest set bit. */
#ifndef SQUEAL_V8_H
#define SQUEAL_V8_H

#include <stddef.h>
#include <stdint.h>
#include "squeal/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Modulation modes, in V.8 priority order (bit 0 = item 1 = most preferred). */
enum {
    SQ_V8_V34 = 1u << 0,       /* modn0 b6 */
    SQ_V8_V34HDX = 1u << 1,    /* modn0 b7 */
    SQ_V8_V32BIS = 1u << 2,    /* modn1 b0 (V.32bis / V.32) */
    SQ_V8_V22BIS = 1u << 3,    /* modn1 b1 (V.22bis / V.22) */
    SQ_V8_V17 = 1u << 4,       /* modn1 b2 */
    SQ_V8_V29 = 1u << 5,       /* modn1 b6 */
    SQ_V8_V27TER = 1u << 6,    /* modn1 b7 */
    SQ_V8_V26TER = 1u << 7,    /* modn2 b0 */
    SQ_V8_V26BIS = 1u << 8,    /* modn2 b1 */
    SQ_V8_V23 = 1u << 9,       /* modn2 b2 */
    SQ_V8_V23HDX = 1u << 10,   /* modn2 b6 */
    SQ_V8_V21 = 1u << 11,      /* modn2 b7 */
    SQ_V8_PCM = 1u << 12,      /* modn0 b5: V.90/V.92 PCM modes (not a mode chosen by V.8 7.4) */
    SQ_V8_MOD_COUNT = 13
};

typedef enum sq_v8_msg_type { SQ_V8_CI = 0, SQ_V8_CM, SQ_V8_JM, SQ_V8_CJ } sq_v8_msg_type;

/* Call function values (b5..b7 of the call-function octet). */
enum { SQ_V8_CALL_DATA = 6 };

#define SQ_V8_MAX_OCTETS 32
#define SQ_V8_MAX_UNKNOWN 8

typedef struct sq_v8_msg {
    sq_v8_msg_type type;
    int call_function;           /* 0..7, SQ_V8_CALL_DATA for a data call */
    uint32_t modulations;        /* SQ_V8_* bits */
    int mod_octets;              /* modn octets present, 1..3 (JM must echo CM's count) */
    int has_protocols;
    int protocols;               /* b5..b7 value: 1 = V.42 LAPM */
    int has_pstn_access;
    int pstn_access;             /* bit 0 caller cellular, 1 answerer cellular, 2 digital */
    int has_pcm;
    int pcm;                     /* bit 0 V.90/92 analogue, 1 V.90/92 digital, 2 V.91 */
    size_t n_unknown;            /* categories not understood (NSF, T.66, others): kept */
    uint8_t unknown[SQ_V8_MAX_UNKNOWN];
    size_t n_octets;             /* the message octets after the sync, as received */
    uint8_t octets[SQ_V8_MAX_OCTETS];
} sq_v8_msg;

/* Encodes the octets that follow the sync (call function, modulations with mod_octets
 * octets, then the optional categories; a CI has the call function alone); returns the
 * count, or SQ_EINVAL. */
SQ_API int sq_v8_encode(const sq_v8_msg *m, uint8_t *octets, size_t max);
/* Decodes octets that followed a CM/JM (or CI) sync. On failure returns SQ_EFORMAT and
 * writes the reason; never reads past n. */
SQ_API int sq_v8_decode(sq_v8_msg_type type, const uint8_t *octets, size_t n, sq_v8_msg *m,
                        char *why, size_t why_len);
/* The best mode in a set by V.8 7.4 priority (PCM excluded), or 0. */
SQ_API uint32_t sq_v8_best_mode(uint32_t modulations);
SQ_API const char *sq_v8_mod_to_str(uint32_t mode_bit);        /* "v22bis" */
SQ_API int sq_v8_mods_from_str(const char *list, uint32_t *modes);   /* "v22bis,v21" */
SQ_API const char *sq_v8_call_function_to_str(int call_function);  /* "data" */
SQ_API const char *sq_v8_msg_type_to_str(sq_v8_msg_type t);        /* "cm" */
/* A data-call message offering modes, with the mod_octets count they need and a protocols
 * category saying LAPM (set protocols to 0 for none). */
SQ_API void sq_v8_msg_init(sq_v8_msg *m, sq_v8_msg_type type, uint32_t modulations);

/* ---- bit-level receiver: V.21 bits in, messages out ---- */
typedef struct sq_v8_rx_msg {
    sq_v8_msg msg;
    uint64_t start_sample;   /* first bit of the ten-ones preamble */
    uint64_t end_sample;     /* last bit of the last octet */
    int valid;               /* 0: a framed sequence that did not decode (why says so) */
    char why[96];
} sq_v8_rx_msg;

typedef struct sq_v8_rx sq_v8_rx;

/* sync_type says what a CM/JM sync means on this channel: SQ_V8_CM (V.21 channel 1, from
 * the caller, where CJ may follow) or SQ_V8_JM (channel 2, from the answerer). */
SQ_API SQ_NODISCARD int sq_v8_rx_create(sq_v8_msg_type sync_type, sq_v8_rx **out);
/* Feeds one bit with the sample index at its end; returns 1 when a sequence completes. A
 * CJ is reported as a message of type SQ_V8_CJ; with valid 0 when it was not framed cleanly
 * (its last stop bit lost as the caller fell silent, or one 0 too many before it, why says
 * which): believe that one only right after a CM. */
SQ_API int sq_v8_rx_put_bit(sq_v8_rx *r, uint8_t bit, uint64_t sample, double samples_per_bit,
                            sq_v8_rx_msg *out);
/* 1 while a sequence has begun (preamble and sync heard) and not ended, with its first
 * preamble bit in *start_sample: a carrier that stops now has cut a V.8 message short. */
SQ_API int sq_v8_rx_in_sequence(const sq_v8_rx *r, uint64_t *start_sample);
SQ_API void sq_v8_rx_reset(sq_v8_rx *r);
SQ_API void sq_v8_rx_destroy(sq_v8_rx *r);

#ifdef __cplusplus
}
#endif

#endif
