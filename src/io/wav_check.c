/* WAV truncation check: walk the RIFF chunks up to 'data'. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "squeal/error.h"
#include "src/io/wav_check.h"

static uint32_t le32(const unsigned char *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

int sq_wav_size_unknown(uint64_t data_bytes, unsigned frame_bytes)
{
    static const uint64_t placeholders[] = { 0xFFFFFFFFu, 0x7FFFF000u };
    if (data_bytes == 0)
        return 1;
    for (size_t i = 0; i < sizeof placeholders / sizeof placeholders[0]; i++)
        if (data_bytes <= placeholders[i] && data_bytes + frame_bytes > placeholders[i])
            return 1;
    return data_bytes > 0xFFFFFFFFu;   /* no RIFF header can declare more: a reader's "unknown" */
}

int sq_wav_check_truncation(const char *path, char *detail, size_t detail_len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return SQ_OK;   /* the caller reports open failures itself */
    unsigned char h[12];
    int rc = SQ_OK;
    if (fread(h, 1, 12, f) != 12 || memcmp(h, "RIFF", 4) != 0 || memcmp(h + 8, "WAVE", 4) != 0)
        goto done;
    if (fseek(f, 0, SEEK_END) != 0)
        goto done;
    long size = ftell(f);
    long pos = 12;
    while (size >= 0 && pos + 8 <= size) {
        unsigned char c[8];
        if (fseek(f, pos, SEEK_SET) != 0 || fread(c, 1, 8, f) != 8)
            break;
        uint32_t len = le32(c + 4);
        if (memcmp(c, "data", 4) == 0) {
            long have = size - pos - 8;
            if (!sq_wav_size_unknown(len, 1) && (long long)len > (long long)have) {
                if (detail)
                    snprintf(detail, detail_len,
                             "its header declares %lu bytes of audio but only %ld are present",
                             (unsigned long)len, have);
                rc = SQ_ETRUNCATED;
            }
            goto done;
        }
        pos += 8 + (long)len + (long)(len & 1u);
    }
done:
    fclose(f);
    return rc;
}
