/* Internal: a WAV (RIFF) header check that libsndfile does not make. */
#ifndef SQ_IO_WAV_CHECK_H
#define SQ_IO_WAV_CHECK_H

#include <stddef.h>
#include <stdint.h>

/* For a RIFF/WAVE file, compares the size its 'data' chunk declares with the bytes that
 * are really there. Returns SQ_ETRUNCATED (and a description in detail) when the file is
 * shorter than declared, SQ_OK otherwise, including for files that are not RIFF and for
 * streaming headers that declare no size (sq_wav_size_unknown). */
int sq_wav_check_truncation(const char *path, char *detail, size_t detail_len);
/* 1 when a 'data' chunk's declared size is what writers put in a header they cannot come
 * back to (a pipe): 0, 0xFFFFFFFF, or sox's 0x7FFFF000 (rounded down to whole frames of
 * frame_bytes). Audio that ends before such a size is not cut short. */
int sq_wav_size_unknown(uint64_t data_bytes, unsigned frame_bytes);

#endif
