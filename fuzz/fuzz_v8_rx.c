/* libFuzzer: the V.8 message receiver fed bits (one per input bit), on the caller's and the
 * answerer's channel, and the octet decoder on the raw bytes; the V.8bis message parser and
 * the INFO frame reader (every field of every kind) on the same bytes. */
#include <stdint.h>
#include "squeal/squeal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const sq_v8_msg_type syncs[2] = { SQ_V8_CM, SQ_V8_JM };
    for (int k = 0; k < 2; k++) {
        sq_v8_rx *r = NULL;
        if (sq_v8_rx_create(syncs[k], &r) != SQ_OK)
            return 0;
        sq_v8_rx_msg m;
        uint64_t sample = 0;
        for (size_t i = 0; i < size; i++)
            for (int b = 0; b < 8; b++)
                (void)sq_v8_rx_put_bit(r, (uint8_t)((data[i] >> b) & 1), sample += 27, 26.67, &m);
        sq_v8_rx_destroy(r);
    }
    sq_v8_msg msg;
    char why[128];
    for (int t = SQ_V8_CI; t <= SQ_V8_JM; t++)
        (void)sq_v8_decode((sq_v8_msg_type)t, data, size, &msg, why, sizeof why);
    sq_v8bis_info info;
    sq_v8bis_parse(data, size, &info);
    uint8_t frame[SQ_INFO_BYTES] = { 0 };
    for (size_t i = 0; i < size && i < SQ_INFO_BYTES; i++)
        frame[i] = data[i];
    for (int k = 0; k < SQ_INFO_KIND_COUNT; k++) {
        size_t n;
        const sq_info_field *f = sq_info_fields((sq_info_kind)k, frame, &n);
        for (size_t i = 0; i < n; i++)
            (void)sq_info_field_value(&f[i], frame);
        (void)sq_info_crc_ok((sq_info_kind)k, frame);
    }
    return 0;
}
