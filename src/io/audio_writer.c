/* Audio file writer: 8 kHz in, libsoxr to the file's rate, 16-bit WAV out, to a descriptor
 * the caller manages, or under a temporary name renamed when complete
 * (include/squeal/audio_file.h). */
#include <soxr.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "squeal/audio_file.h"
#include "squeal/error.h"
#include "squeal/fsk.h"

#define OUT_FRAMES 4096

struct sq_audio_writer {
    SNDFILE *file;
    soxr_t resampler;
    int channels;
    char *path, *tmp_path;
    float *out;
    int failed;
};

static void free_writer(sq_audio_writer *w)
{
    if (w->resampler)
        soxr_delete(w->resampler);
    free(w->path);
    free(w->tmp_path);
    free(w->out);
    free(w);
}

/* The writer around an open descriptor, which it closes only when own_fd. On failure
 * nothing is allocated and the descriptor is left as it was. */
static int writer_create(int fd, int own_fd, uint32_t rate_hz, int channels, sq_audio_writer **out)
{
    sq_audio_writer *w = calloc(1, sizeof *w);
    if (!w)
        return SQ_ENOMEM;
    w->channels = channels;
    w->out = malloc(OUT_FRAMES * (size_t)channels * sizeof *w->out);
    if (!w->out) {
        free_writer(w);
        return SQ_ENOMEM;
    }
    if (rate_hz != SQ_PROCESSING_RATE_HZ) {
        soxr_error_t err = NULL;
        soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
        soxr_quality_spec_t q = soxr_quality_spec(SOXR_HQ, 0);
        w->resampler = soxr_create(SQ_PROCESSING_RATE_HZ, rate_hz, (unsigned)channels, &err,
                                   &io, &q, NULL);
        if (err) {
            free_writer(w);
            return SQ_ENOMEM;
        }
    }
    SF_INFO sfi = { .samplerate = (int)rate_hz, .channels = channels,
                    .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16 };
    w->file = sf_open_fd(fd, SFM_WRITE, &sfi, own_fd);
    if (!w->file) {
        free_writer(w);
        return SQ_EIO;
    }
    sf_command(w->file, SFC_SET_CLIPPING, NULL, SF_TRUE);
    *out = w;
    return SQ_OK;
}

static int valid_format(uint32_t rate_hz, int channels)
{
    return rate_hz >= SQ_AUDIO_MIN_RATE_HZ && rate_hz <= SQ_AUDIO_MAX_RATE_HZ && channels >= 1 &&
           channels <= SQ_AUDIO_MAX_CHANNELS;
}

int sq_audio_writer_open(const char *path, uint32_t rate_hz, int channels, sq_audio_writer **out)
{
    if (!out)
        return SQ_EINVAL;
    *out = NULL;
    if (!path || !*path || !valid_format(rate_hz, channels))
        return SQ_EINVAL;
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return SQ_EUNSUPPORTED;   /* a device or a FIFO is never replaced: use _open_fd */
    size_t len = strlen(path);
    char *final = strdup(path), *tmp = malloc(len + 32);
    int fd = -1, rc = final && tmp ? SQ_OK : SQ_ENOMEM;
    if (rc == SQ_OK) {
        snprintf(tmp, len + 32, "%s.squeal-partial-XXXXXX", path);
        fd = mkstemp(tmp);
        rc = fd < 0 ? SQ_EIO : writer_create(fd, 1, rate_hz, channels, out);
    }
    if (rc != SQ_OK) {
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        free(final);
        free(tmp);
        return rc;
    }
    (*out)->path = final;
    (*out)->tmp_path = tmp;
    return SQ_OK;
}

int sq_audio_writer_open_fd(int fd, uint32_t rate_hz, int channels, sq_audio_writer **out)
{
    if (!out)
        return SQ_EINVAL;
    *out = NULL;
    if (fd < 0 || !valid_format(rate_hz, channels))
        return SQ_EINVAL;
    return writer_create(fd, 0, rate_hz, channels, out);
}

static int put(sq_audio_writer *w, const float *frames, size_t n)
{
    if (n && sf_writef_float(w->file, frames, (sf_count_t)n) != (sf_count_t)n)
        w->failed = 1;
    return w->failed ? SQ_EIO : SQ_OK;
}

/* Runs input (or, with in == NULL, the flush) through the resampler into the file. */
static int resample_into_file(sq_audio_writer *w, const float *in, size_t frames)
{
    size_t ch = (size_t)w->channels, used = 0;
    for (;;) {
        size_t idone = 0, odone = 0;
        soxr_error_t err = soxr_process(w->resampler, in ? in + used * ch : NULL,
                                        in ? frames - used : 0, &idone, w->out, OUT_FRAMES, &odone);
        if (err)
            return SQ_EIO;
        used += idone;
        if (put(w, w->out, odone) != SQ_OK)
            return SQ_EIO;
        if (odone < OUT_FRAMES && (!in || used == frames))
            return SQ_OK;
    }
}

int sq_audio_writer_write(sq_audio_writer *w, const float *in, size_t frames)
{
    if (!w || (!in && frames))
        return SQ_EINVAL;
    if (w->failed)
        return SQ_EIO;
    return w->resampler ? resample_into_file(w, in, frames) : put(w, in, frames);
}

int sq_audio_writer_close(sq_audio_writer *w)
{
    if (!w)
        return SQ_EINVAL;
    int rc = w->failed ? SQ_EIO : SQ_OK;
    if (rc == SQ_OK && w->resampler)
        rc = resample_into_file(w, NULL, 0);
    if (sf_close(w->file) != 0)
        rc = SQ_EIO;
    if (w->tmp_path && rc == SQ_OK && rename(w->tmp_path, w->path) != 0)
        rc = SQ_EIO;
    if (w->tmp_path && rc != SQ_OK)
        unlink(w->tmp_path);
    free_writer(w);
    return rc;
}

void sq_audio_writer_abort(sq_audio_writer *w)
{
    if (!w)
        return;
    if (w->file)
        sf_close(w->file);
    if (w->tmp_path)
        unlink(w->tmp_path);
    free_writer(w);
}
