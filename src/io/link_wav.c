/* The file line, for offline runs: what is heard comes from a mono audio file, what is
 * sent goes to a mono 8 kHz WAV (audio_link.h). It runs as fast as the file is read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "squeal/audio_file.h"
#include "squeal/error.h"
#include "src/io/audio_link.h"
#include "src/io/wav_output.h"

typedef struct wav_link {
    audio_link base;
    sq_audio_reader *in;
    wav_output *out;                 /* NULL when what is sent is not kept */
    int ended;
    char description[192];
} wav_link;

static int wav_exchange(audio_link *base, const float *tx, float *rx, size_t n, char *err, size_t err_len)
{
    wav_link *l = (wav_link *)base;
    if (l->out && wav_output_write(l->out, tx, n) != 0) {
        snprintf(err, err_len, "writing the line's output file failed (disk full?)");
        return -1;
    }
    if (!rx)
        return 1;
    size_t got = 0;
    while (got < n && !l->ended) {
        long k = sq_audio_reader_read(l->in, rx + got, n - got);
        if (k < 0) {
            snprintf(err, err_len, "reading the line's input file: %s", sq_strerror((int)k));
            return -1;
        }
        l->ended = k == 0;
        got += (size_t)k;
    }
    memset(rx + got, 0, (n - got) * sizeof *rx);
    if (l->ended) {
        snprintf(err, err_len, "the line's input file ended");
        return 0;
    }
    return 1;
}

static size_t wav_output_delay(audio_link *base)
{
    (void)base;
    return 0;
}

static void wav_get_stats(audio_link *base, audio_link_stats *s)
{
    wav_link *l = (wav_link *)base;
    s->device_rate_hz = sq_audio_reader_info(l->in)->file_rate_hz;
    snprintf(s->description, sizeof s->description, "%s", l->description);
}

static int wav_close(audio_link *base)
{
    wav_link *l = (wav_link *)base;
    char err[256];
    int rc = l->out && wav_output_close(l->out, err, sizeof err) != 0 ? -1 : 0;
    sq_audio_reader_close(l->in);
    free(l);
    return rc;
}

static const audio_link_ops wav_ops = { wav_exchange, wav_output_delay, wav_get_stats, wav_close };

int audio_link_open_wav(const char *spec, const audio_link_opts *o, audio_link **out, char *err, size_t err_len)
{
    (void)o;
    char in_path[1024], out_path[1024], detail[160] = "";
    if (audio_link_split_pair(spec, in_path, out_path, sizeof in_path) != 0 || !*in_path) {
        snprintf(err, err_len, "wav:%s: give the line's input and output as wav:IN,OUT (OUT may be empty)", spec);
        return -1;
    }
    wav_link *l = calloc(1, sizeof *l);
    if (!l) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    l->base.ops = &wav_ops;
    if (sq_audio_reader_open(in_path, &l->in, detail, sizeof detail) != SQ_OK) {
        snprintf(err, err_len, "%s: %s", in_path, *detail ? detail : "cannot be read");
        free(l);
        return -1;
    }
    if (sq_audio_reader_info(l->in)->channels != 1) {
        snprintf(err, err_len, "%s has %d channels: the line's input must be mono", in_path,
                 sq_audio_reader_info(l->in)->channels);
        sq_audio_reader_close(l->in);
        free(l);
        return -1;
    }
    if (*out_path && wav_output_open(out_path, SQ_PROCESSING_RATE_HZ, 1, &l->out, err, err_len) != 0) {
        sq_audio_reader_close(l->in);
        free(l);
        return -1;
    }
    snprintf(l->description, sizeof l->description, "WAV line, in %.80s, out %.80s", in_path, *out_path ? out_path : "(none)");
    *out = &l->base;
    return 0;
}
