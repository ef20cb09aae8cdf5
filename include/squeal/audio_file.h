/* squeal: audio files.
 *
 * Reading goes through libsndfile (every format it reads: WAV of any sample width, FLAC,
 * AU, AIFF, ...) and converts to the 8 kHz processing rate with libsoxr, a well-kept
 * resampler with streaming support and a documented passband, rather than a filter of our
 * own. Accepted: 8000..48000 Hz, 1..8 channels. Writing produces 16-bit PCM WAV at any rate
 * in 8000..48000 Hz from 8 kHz input; a file named by path appears under its name only when
 * it has been written completely (it is written to a temporary name and renamed). */
#ifndef SQUEAL_AUDIO_FILE_H
#define SQUEAL_AUDIO_FILE_H

#include <stddef.h>
#include <stdint.h>
#include "squeal/export.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SQ_AUDIO_MIN_RATE_HZ 8000u
#define SQ_AUDIO_MAX_RATE_HZ 48000u
#define SQ_AUDIO_MAX_CHANNELS 8

typedef struct sq_audio_info {
    uint32_t file_rate_hz;
    int channels;
    uint64_t file_frames;      /* frames at the file's rate */
    char format_name[64];      /* "WAV 16-bit PCM", ... */
    int length_unknown;        /* a stream whose header could not say its length (written to
                                * a pipe): file_frames is that header's placeholder */
} sq_audio_info;

typedef struct sq_audio_reader sq_audio_reader;

/* Opens and validates a file. On failure *out is NULL and, if detail is not NULL, a short
 * description of what is wrong is written there. */
SQ_API SQ_NODISCARD int sq_audio_reader_open(const char *path, sq_audio_reader **out,
                                             char *detail, size_t detail_len);
SQ_API const sq_audio_info *sq_audio_reader_info(const sq_audio_reader *r);
/* Reads up to max_frames frames at 8 kHz, interleaved; returns frames read, 0 at the end,
 * or a negative SQ_E* code. A file shorter than its header declares (a regular file, or a
 * stream such as standard input as "-" or a FIFO) is read to its end, which then returns
 * SQ_ETRUNCATED; sq_audio_reader_truncation says how short it was. */
SQ_API long sq_audio_reader_read(sq_audio_reader *r, float *out, size_t max_frames);
/* Why the file is shorter than its header says, once that is known; NULL otherwise. */
SQ_API const char *sq_audio_reader_truncation(const sq_audio_reader *r);
/* Frames read from the file so far, at the file's rate. */
SQ_API uint64_t sq_audio_reader_frames_read(const sq_audio_reader *r);
/* Samples read so far that were NaN or infinite (a float file can hold them): a NaN is
 * read as 0, an infinity as full scale of its sign. */
SQ_API uint64_t sq_audio_reader_nonfinite(const sq_audio_reader *r);
SQ_API void sq_audio_reader_close(sq_audio_reader *r);

typedef struct sq_audio_writer sq_audio_writer;

/* A new or regular file at path, written as PATH.squeal-partial-XXXXXX and renamed over
 * path by sq_audio_writer_close. A path that exists and is not a regular file (a device, a
 * FIFO) gives SQ_EUNSUPPORTED: it is never replaced; write it with _open_fd. */
SQ_API SQ_NODISCARD int sq_audio_writer_open(const char *path, uint32_t rate_hz, int channels,
                                             sq_audio_writer **out);
/* Writes into fd, which must be able to seek (the WAV header is filled in at the end) and
 * which the writer never closes. */
SQ_API SQ_NODISCARD int sq_audio_writer_open_fd(int fd, uint32_t rate_hz, int channels,
                                                sq_audio_writer **out);
/* Writes 8 kHz interleaved frames (converted to the file's rate). */
SQ_API int sq_audio_writer_write(sq_audio_writer *w, const float *in, size_t frames);
/* Finishes the file (the WAV header's lengths) and, when opened by path, gives it its
 * name. Frees w in every case. */
SQ_API SQ_NODISCARD int sq_audio_writer_close(sq_audio_writer *w);
/* Drops the file: nothing is left under its name. Frees w. NULL-safe. */
SQ_API void sq_audio_writer_abort(sq_audio_writer *w);

#ifdef __cplusplus
}
#endif

#endif
