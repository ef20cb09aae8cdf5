/* A WAV file under the program's output rules (wav_output.h). */
#include "src/io/wav_output.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "squeal/audio_file.h"
#include "squeal/error.h"
#include "src/io/output_file.h"

struct wav_output {
    output_file *file;
    sq_audio_writer *writer;
    char path[256];        /* for messages */
};

int wav_output_open(const char *path, uint32_t rate_hz, int channels, wav_output **out, char *err, size_t err_len)
{
    *out = NULL;
    wav_output *o = calloc(1, sizeof *o);
    if (!o) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    snprintf(o->path, sizeof o->path, "%s", path);
    if (output_file_open(path, OUTPUT_NEEDS_SEEK, &o->file, err, err_len) != 0) {
        free(o);
        return -1;
    }
    int rc = sq_audio_writer_open_fd(output_file_fd(o->file), rate_hz, channels, &o->writer);
    if (rc != SQ_OK) {
        snprintf(err, err_len, "cannot write '%s': %s", path, sq_strerror(rc));
        wav_output_abort(o);
        return -1;
    }
    *out = o;
    return 0;
}

int wav_output_write(wav_output *o, const float *frames, size_t n)
{
    return sq_audio_writer_write(o->writer, frames, n) == SQ_OK ? 0 : -1;
}

int wav_output_close(wav_output *o, char *err, size_t err_len)
{
    int rc = sq_audio_writer_close(o->writer);
    o->writer = NULL;
    if (rc != SQ_OK) {
        snprintf(err, err_len, "cannot write '%s': %s", o->path, errno ? strerror(errno) : sq_strerror(rc));
        wav_output_abort(o);
        return -1;
    }
    rc = output_file_commit(o->file, err, err_len);
    free(o);
    return rc;
}

void wav_output_abort(wav_output *o)
{
    if (!o)
        return;
    if (o->writer)
        sq_audio_writer_abort(o->writer);
    output_file_abort(o->file);
    free(o);
}

int wav_output_write_pair(wav_output *o, const float *left, const float *right, size_t n)
{
    float frames[2 * 1024];
    if (n > 1024)
        return -1;
    for (size_t i = 0; i < n; i++) {
        frames[2 * i] = left[i];
        frames[2 * i + 1] = right[i];
    }
    return wav_output_write(o, frames, n);
}
