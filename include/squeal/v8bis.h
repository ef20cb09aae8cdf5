/* squeal: V.8bis messages (V.8bis 7.2, 8): HDLC frames on V.21 (channel 1 from the
 * initiating station, channel 2 from the responding one) whose first octet names the message
 * (low four bits) and the revision (high four), then the identification and standard
 * information fields as a tree of parameter octets (8.2). */
#ifndef SQUEAL_V8BIS_H
#define SQUEAL_V8BIS_H

#include <stddef.h>
#include <stdint.h>
#include "squeal/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sq_v8bis_msg_type {
    SQ_V8BIS_UNKNOWN = 0,
    SQ_V8BIS_MS,      /* mode select */
    SQ_V8BIS_CL,      /* capabilities list */
    SQ_V8BIS_CLR,     /* capabilities list request */
    SQ_V8BIS_ACK1,
    SQ_V8BIS_ACK2,
    SQ_V8BIS_NAK1,    /* cannot interpret the message */
    SQ_V8BIS_NAK2,    /* mode temporarily unavailable */
    SQ_V8BIS_NAK3,    /* mode not supported */
    SQ_V8BIS_NAK4,    /* cannot interpret, please send again */
} sq_v8bis_msg_type;

/* Modes of the data application (V.8bis Table 6-3), and the I field's requests. */
enum {
    SQ_V8BIS_V34 = 1u << 0, SQ_V8BIS_V32BIS = 1u << 1, SQ_V8BIS_V32 = 1u << 2, SQ_V8BIS_V22BIS = 1u << 3,
    SQ_V8BIS_V22 = 1u << 4, SQ_V8BIS_V21 = 1u << 5, SQ_V8BIS_V42 = 1u << 6, SQ_V8BIS_V42BIS = 1u << 7,
    SQ_V8BIS_TRANSPARENT = 1u << 8, SQ_V8BIS_V14 = 1u << 9, SQ_V8BIS_T120 = 1u << 10, SQ_V8BIS_V80 = 1u << 11,
    SQ_V8BIS_MODE_COUNT = 12
};

typedef struct sq_v8bis_info {
    sq_v8bis_msg_type type;
    int revision;
    /* I field, NPar(1) */
    int v8_start_up, short_v8, more_info, ack1_requested, non_standard;
    /* S field: applications (SPar(1) bits 1-7: data, SVD, H.324, V.18, -, telephony, T.101)
     * and the data application's modes (SQ_V8BIS_*) */
    unsigned applications;
    unsigned data_modes;
    int parsed;   /* 0 when the tree ran past the frame: the fields above are partial */
} sq_v8bis_info;

/* "ms", "cl", "clr", "ack1", "ack2", "nak1".."nak4", "unknown". */
SQ_API const char *sq_v8bis_msg_type_to_str(sq_v8bis_msg_type t);
/* "v34", "v32bis", ... for one SQ_V8BIS_* bit. */
SQ_API const char *sq_v8bis_mode_to_str(unsigned mode);
/* The message type of a frame's first octet (SQ_V8BIS_UNKNOWN for a reserved one). */
SQ_API sq_v8bis_msg_type sq_v8bis_msg_type_of(uint8_t first_octet);
/* Reads a frame's information field (n octets, FCS removed) into *out. */
SQ_API void sq_v8bis_parse(const uint8_t *octets, size_t n, sq_v8bis_info *out);

/* The line bits of a message as V.8bis 7.2 sends it on V.21: 100 ms of marks (30 bits), two
 * flags, the frame (n octets, 1..64) with its FCS and stuffed 0s, one closing flag; one bit a
 * byte. Returns the count written (at most max), or 0 when n is out of range or max too
 * small. 640 bits hold any message. */
SQ_API size_t sq_v8bis_message_bits(const uint8_t *octets, size_t n, uint8_t *bits, size_t max);

#ifdef __cplusplus
}
#endif

#endif
