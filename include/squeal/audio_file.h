/* squeal: audio files.
 *
 * Reading goes through libsndfile (every format it reads: WAV of any sample width, FLAC,
 * AU, AIFF, ...) and converts to the 8 kHz processing rate with libsoxr, a well-kept
 * resampler with streaming support and a documented passband, rather than a filter of our
 * own. Accepted: 8000..48000 Hz, 1..8 channels. Writing produces 16-bit PCM WAV at any rate
 * in 8000..48000 Hz from 8 kHz input; the file appears under its name only when it has been
 * written completely (it is written to a temporary name and renamed). */
#ifndef SQUEAL_AUDIO_FILE_H
#define SQUEAL_AUDIO_FILE_H

#include <stddef.h>
#include <stdint.h>
#include "squeal/export.h"

#define SQ_AUDIO_MIN_RATE_HZ 8000u
#define SQ_AUDIO_MAX_RATE_HZ 48000u
#define SQ_AUDIO_MAX_CHANNELS 8

typedef struct sq_audio_info {
    uint32_t file_rate_hz;
    int channels;
    uint64_t file_frames;      /* frames at the file's rate */
    char format_name[64];      /* "WAV 16-bit PCM", ... */
} sq_audio_info;

typedef struct sq_audio_reader sq_audio_reader;

/* Opens and validates a file. On failure *out is NULL and, if detail is not NULL, a short
 * description of what is wrong is written there. */
SQ_API SQ_NODISCARD int sq_audio_reader_open(const char *path, sq_audio_reader **out,
                                             char *detail, size_t detail_len);
SQ_API const sq_audio_info *sq_audio_reader_info(const sq_audio_reader *r);
/* Reads up to max_frames frames at 8 kHz, interleaved; returns frames read, 0 at the end,
 * or a negative SQ_E* code. */
SQ_API long sq_audio_reader_read(sq_audio_reader *r, float *out, size_t max_frames);
SQ_API void sq_audio_reader_close(sq_audio_reader *r);

typedef struct sq_audio_writer sq_audio_writer;

SQ_API SQ_NODISCARD int sq_audio_writer_open(const char *path, uint32_t rate_hz, int channels,
                                             sq_audio_writer **out);
/* Writes 8 kHz interleaved frames (converted to the file's rate). */
SQ_API int sq_audio_writer_write(sq_audio_writer *w, const float *in, size_t frames);
/* Finishes the file and gives it its name. Frees w in every case. */
SQ_API SQ_NODISCARD int sq_audio_writer_close(sq_audio_writer *w);
/* Drops the file: nothing is left under its name. Frees w. NULL-safe. */
SQ_API void sq_audio_writer_abort(sq_audio_writer *w);

#endif
