/* Internal: a WAV (RIFF) header check that libsndfile does not make. */
#ifndef SQ_IO_WAV_CHECK_H
#define SQ_IO_WAV_CHECK_H

#include <stddef.h>

/* For a RIFF/WAVE file, compares the size its 'data' chunk declares with the bytes that
 * are really there. Returns SQ_ETRUNCATED (and a description in detail) when the file is
 * shorter than declared, SQ_OK otherwise, including for files that are not RIFF and for
 * streaming headers that declare no size (0 or 0xFFFFFFFF). */
int sq_wav_check_truncation(const char *path, char *detail, size_t detail_len);

#endif
