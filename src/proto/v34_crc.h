/* Internal: the CRC of V.34's INFO and MP sequences (10.1.2.3.2, Fig. 14): x^16 + x^12 + x^5
 * + 1 in its reflected form, register preset to 1s, no inversion at the end; bits enter in
 * the order they are sent, and the CRC field follows with its bit 0 first. */
#ifndef SQ_PROTO_V34_CRC_H
#define SQ_PROTO_V34_CRC_H

#include <stdint.h>

#define SQ_V34_CRC_PRESET 0xFFFFu

static inline uint16_t sq_v34_crc_bit(uint16_t crc, int bit)
{
    return ((crc ^ (unsigned)bit) & 1u) ? (uint16_t)((crc >> 1) ^ 0x8408u) : (uint16_t)(crc >> 1);
}

#endif
