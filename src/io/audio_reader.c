/* Audio file reader: libsndfile in, libsoxr to 8 kHz (include/squeal/audio_file.h). */
#include <errno.h>
#include <math.h>
#include <soxr.h>
#include <stdint.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "squeal/audio_file.h"
#include "squeal/error.h"
#include "squeal/fsk.h"
#include "src/io/wav_check.h"

#define READ_FRAMES 4096

struct sq_audio_reader {
    SNDFILE *file;
    sq_audio_info info;
    soxr_t resampler;       /* NULL when the file is already at 8 kHz */
    float *in;              /* READ_FRAMES * channels */
    int16_t *in16;          /* the same as read from a 16-bit file, or NULL */
    size_t in_frames, in_used;
    int eof, drained;
    uint64_t nonfinite;     /* NaN or infinite samples read so far */
    int stream;             /* not a regular file: truncation is found at its end */
    int format;             /* libsndfile's SF_FORMAT_* of the file */
    uint64_t frames_read;
    char truncation[160];   /* why the file is shorter than its header says, or "" */
};

static void set_detail(char *detail, size_t len, const char *text)
{
    if (detail && len)
        snprintf(detail, len, "%s", text);
}

static void describe_format(int format, char *out, size_t len)
{
    SF_FORMAT_INFO major = { .format = format & SF_FORMAT_TYPEMASK };
    SF_FORMAT_INFO minor = { .format = format & SF_FORMAT_SUBMASK };
    sf_command(NULL, SFC_GET_FORMAT_INFO, &major, sizeof major);
    sf_command(NULL, SFC_GET_FORMAT_INFO, &minor, sizeof minor);
    snprintf(out, len, "%s, %s", major.name ? major.name : "?", minor.name ? minor.name : "?");
}

/* A regular file is checked whole before it is read: empty (refused), or shorter than its
 * header says (SQ_ETRUNCATED: read what is there, refill reports it at the end). A stream
 * (standard input as "-", a FIFO, a device) cannot be looked at ahead, so *stream is set
 * and the same truncation is found when it ends. */
static int check_file(const char *path, int *stream, char *detail, size_t detail_len)
{
    struct stat st;
    *stream = strcmp(path, "-") == 0;
    if (*stream)
        return SQ_OK;
    if (stat(path, &st) != 0) {
        set_detail(detail, detail_len, strerror(errno));
        return SQ_EIO;
    }
    if (S_ISDIR(st.st_mode)) {
        set_detail(detail, detail_len, "it is a directory");
        return SQ_EIO;
    }
    if (!S_ISREG(st.st_mode)) {
        *stream = 1;
        return SQ_OK;
    }
    if (st.st_size == 0) {
        set_detail(detail, detail_len, "the file is empty (0 bytes)");
        return SQ_EEMPTY;
    }
    return sq_wav_check_truncation(path, detail, detail_len);
}

/* A WAV read as a stream whose header says its size was not known when it was written
 * (sox and others writing to a pipe): its end is the end of the audio, not a cut. */
static int declared_size_unknown(const sq_audio_reader *r)
{
    int major = r->format & SF_FORMAT_TYPEMASK;
    if (major != SF_FORMAT_WAV && major != SF_FORMAT_WAVEX)
        return 0;
    unsigned sample_bytes;
    switch (r->format & SF_FORMAT_SUBMASK) {
    case SF_FORMAT_PCM_U8: case SF_FORMAT_PCM_S8: case SF_FORMAT_ULAW: case SF_FORMAT_ALAW: sample_bytes = 1; break;
    case SF_FORMAT_PCM_16: sample_bytes = 2; break;
    case SF_FORMAT_PCM_24: sample_bytes = 3; break;
    case SF_FORMAT_PCM_32: case SF_FORMAT_FLOAT: sample_bytes = 4; break;
    case SF_FORMAT_DOUBLE: sample_bytes = 8; break;
    default: return 0;
    }
    unsigned frame_bytes = sample_bytes * (unsigned)r->info.channels;
    if (r->info.file_frames > UINT64_MAX / frame_bytes)
        return 1;
    return sq_wav_size_unknown(r->info.file_frames * frame_bytes, frame_bytes);
}

static int open_resampler(sq_audio_reader *r)
{
    if (r->info.file_rate_hz == SQ_PROCESSING_RATE_HZ)
        return SQ_OK;
    soxr_error_t err = NULL;
    soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
    soxr_quality_spec_t q = soxr_quality_spec(SOXR_HQ, 0);
    r->resampler = soxr_create(r->info.file_rate_hz, SQ_PROCESSING_RATE_HZ,
                               (unsigned)r->info.channels, &err, &io, &q, NULL);
    return err ? SQ_ENOMEM : SQ_OK;
}

int sq_audio_reader_open(const char *path, sq_audio_reader **out, char *detail, size_t detail_len)
{
    if (!out)
        return SQ_EINVAL;
    *out = NULL;
    if (!path)
        return SQ_EINVAL;
    int stream = 0;
    char cut[160] = "";
    int rc = check_file(path, &stream, cut, sizeof cut);
    if (rc != SQ_OK && rc != SQ_ETRUNCATED) {
        set_detail(detail, detail_len, cut);
        return rc;
    }
    int truncated = rc == SQ_ETRUNCATED;   /* read what is there; the end says so */
    SF_INFO sfi;
    memset(&sfi, 0, sizeof sfi);
    SNDFILE *f = strcmp(path, "-") == 0 ? sf_open_fd(0, SFM_READ, &sfi, 0) : sf_open(path, SFM_READ, &sfi);
    if (!f) {
        set_detail(detail, detail_len, sf_strerror(NULL));
        return SQ_EFORMAT;
    }
    if (sfi.frames <= 0) {
        set_detail(detail, detail_len, "it contains no audio frames");
        sf_close(f);
        return SQ_EEMPTY;
    }
    if (sfi.samplerate < (int)SQ_AUDIO_MIN_RATE_HZ || sfi.samplerate > (int)SQ_AUDIO_MAX_RATE_HZ ||
        sfi.channels < 1 || sfi.channels > SQ_AUDIO_MAX_CHANNELS) {
        if (detail)
            snprintf(detail, detail_len,
                     "%d Hz, %d channels (supported: %u to %u Hz, 1 to %d channels)",
                     sfi.samplerate, sfi.channels, SQ_AUDIO_MIN_RATE_HZ, SQ_AUDIO_MAX_RATE_HZ,
                     SQ_AUDIO_MAX_CHANNELS);
        sf_close(f);
        return SQ_EUNSUPPORTED;
    }
    sq_audio_reader *r = calloc(1, sizeof *r);
    if (!r) {
        sf_close(f);
        return SQ_ENOMEM;
    }
    r->file = f;
    r->stream = stream;
    if (truncated)
        snprintf(r->truncation, sizeof r->truncation, "%s", cut);
    r->info.file_rate_hz = (uint32_t)sfi.samplerate;
    r->info.channels = sfi.channels;
    r->info.file_frames = (uint64_t)sfi.frames;
    r->format = sfi.format;
    describe_format(sfi.format, r->info.format_name, sizeof r->info.format_name);
    r->info.length_unknown = stream && declared_size_unknown(r);
    r->in = malloc(READ_FRAMES * (size_t)sfi.channels * sizeof *r->in);
    int pcm16 = (sfi.format & SF_FORMAT_SUBMASK) == SF_FORMAT_PCM_16;
    if (pcm16)
        r->in16 = malloc(READ_FRAMES * (size_t)sfi.channels * sizeof *r->in16);
    rc = r->in && (r->in16 || !pcm16) ? open_resampler(r) : SQ_ENOMEM;
    if (rc != SQ_OK) {
        sq_audio_reader_close(r);
        return rc;
    }
    *out = r;
    return SQ_OK;
}

const sq_audio_info *sq_audio_reader_info(const sq_audio_reader *r)
{
    return &r->info;
}

/* One sample made finite: NaN is silence, an infinity full scale. Selects, not branches. */
static inline float finite_sample(float v)
{
    float full = v > 0.0f ? 1.0f : -1.0f;
    return v - v == 0.0f ? v : v == v ? full : 0.0f;   /* v - v is NaN for NaN and infinities */
}

/* x[0..n) made finite; returns how many were not. In runs of eight of a fixed count, so
 * GCC vectorises the scan at -O2 (every sample of every file passes here). */
static uint64_t finite_samples(float *x, size_t n)
{
    uint64_t bad = 0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        int run = 0;
        for (size_t k = 0; k < 8; k++) {
            float v = x[i + k];
            run += !(v - v == 0.0f);
            x[i + k] = finite_sample(v);
        }
        bad += (uint64_t)run;
    }
    for (; i < n; i++) {
        bad += !(x[i] - x[i] == 0.0f);
        x[i] = finite_sample(x[i]);
    }
    return bad;
}

/* Whether the file's samples are integers (or G.711 codes), which libsndfile scales into
 * [-1, 1]: anything else (float, double, a compressed codec's output) may not be finite. */
static int integer_samples(int format)
{
    switch (format & SF_FORMAT_SUBMASK) {
    case SF_FORMAT_PCM_S8:
    case SF_FORMAT_PCM_U8:
    case SF_FORMAT_PCM_16:
    case SF_FORMAT_PCM_24:
    case SF_FORMAT_PCM_32:
    case SF_FORMAT_ULAW:
    case SF_FORMAT_ALAW:
        return 1;
    default:
        return 0;
    }
}

/* A 16-bit file's samples as libsndfile scales them (x / 32768), eight at a time: libsndfile's
 * own conversion took 9 instructions a sample, 4 % of decoding V.21 (callgrind). */
static void shorts_to_floats(float *restrict out, const int16_t *restrict in, size_t n)
{
    const float scale = 1.0f / 32768.0f;
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (size_t k = 0; k < 8; k++)
            out[i + k] = (float)in[i + k] * scale;
    for (; i < n; i++)
        out[i] = (float)in[i] * scale;
}

static int refill(sq_audio_reader *r)
{
    sf_count_t got = r->in16 ? sf_readf_short(r->file, r->in16, READ_FRAMES) : sf_readf_float(r->file, r->in, READ_FRAMES);
    if (r->in16 && got > 0)
        shorts_to_floats(r->in, r->in16, (size_t)got * (size_t)r->info.channels);
    if (got < 0 || sf_error(r->file) != SF_ERR_NO_ERROR)
        return SQ_EIO;
    r->in_frames = (size_t)got;
    r->in_used = 0;
    r->frames_read += (uint64_t)got;
    /* A file shorter than its header says is read to its end, which then reports it: a
     * regular file is known to be cut at open, a stream (libsndfile reads it up to the
     * length its header declares) when it ends sooner. Both give the same result. */
    if (got == 0 && r->stream && r->frames_read < r->info.file_frames && !r->truncation[0] &&
        !r->info.length_unknown)
        snprintf(r->truncation, sizeof r->truncation, "it ended after %llu of the %llu frames its header declares",
                 (unsigned long long)r->frames_read, (unsigned long long)r->info.file_frames);
    if (got == 0 && r->truncation[0])
        return SQ_ETRUNCATED;
    /* Float files can hold NaN and infinities. They are counted and made silence (an
     * infinity full scale) here, before the resampler would smear them over its filter.
     * Integer samples, scaled by libsndfile, are always finite: not scanned (the scan was
     * 2.7 % of decoding an hour of 16-bit V.21, perf). */
    if (!integer_samples(r->format))
        r->nonfinite += finite_samples(r->in, r->in_frames * (size_t)r->info.channels);
    if (got == 0)
        r->eof = 1;
    return SQ_OK;
}

long sq_audio_reader_read(sq_audio_reader *r, float *out, size_t max_frames)
{
    size_t ch = (size_t)r->info.channels;
    while (!r->drained) {
        if (r->in_used == r->in_frames && !r->eof) {
            int rc = refill(r);
            if (rc != SQ_OK)
                return rc;
        }
        size_t avail = r->in_frames - r->in_used;
        const float *src = r->in + r->in_used * ch;
        if (!r->resampler) {
            if (r->eof && avail == 0) {
                r->drained = 1;
                break;
            }
            size_t n = avail < max_frames ? avail : max_frames;
            memcpy(out, src, n * ch * sizeof *out);
            r->in_used += n;
            return (long)n;
        }
        size_t idone = 0, odone = 0;
        /* At the end of the file a NULL input asks soxr to flush what it still holds. */
        soxr_error_t err = soxr_process(r->resampler, r->eof ? NULL : src, r->eof ? 0 : avail,
                                        &idone, out, max_frames, &odone);
        if (err)
            return SQ_EIO;
        r->in_used += idone;
        if (odone > 0)
            return (long)odone;
        if (r->eof)
            r->drained = 1;
    }
    return 0;
}

const char *sq_audio_reader_truncation(const sq_audio_reader *r)
{
    return r->truncation[0] ? r->truncation : NULL;
}

uint64_t sq_audio_reader_frames_read(const sq_audio_reader *r)
{
    return r->frames_read;
}

uint64_t sq_audio_reader_nonfinite(const sq_audio_reader *r)
{
    return r->nonfinite;
}

void sq_audio_reader_close(sq_audio_reader *r)
{
    if (!r)
        return;
    if (r->resampler)
        soxr_delete(r->resampler);
    if (r->file)
        sf_close(r->file);
    free(r->in);
    free(r->in16);
    free(r);
}
