/* The raw-stream line: 16-bit little-endian mono samples in and out, through files, FIFOs,
 * or stdin/stdout (audio_link.h). Whatever rate the stream runs at is converted to and from
 * 8 kHz. Reads block, so a pipe paces the modem; what it sends is written before it reads,
 * so two squeal processes joined by two FIFOs never wait for each other. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "src/io/audio_link.h"
#include "src/io/output_file.h"
#include "src/io/rate_converter.h"

#define CHUNK 1024
#define PENDING_LEN 8192
#define PRIME_MS 200.0               /* silence sent first when the stream is resampled */

typedef struct raw_link {
    audio_link base;
    int in_fd, out_fd;
    output_file *out;                /* out_fd's file, under the output rules */
    uint64_t line_samples_sent;      /* at the stream's rate */
    int out_closed;                  /* the far end stopped reading: what is sent goes nowhere */
    double rate_hz;
    sq_rate_converter *to_line, *from_line;
    uint8_t in_bytes[2 * CHUNK];
    size_t in_bytes_n;               /* bytes read and not yet converted (an odd one waits) */
    float stage[CHUNK], converted[CHUNK * 8];
    float pending[PENDING_LEN];
    size_t pending_n;
    int16_t out_pcm[CHUNK * 8];
    char description[192];
} raw_link;

static int16_t to_pcm(float x)
{
    float y = x * 32768.0f;
    if (y > 32767.0f)
        return 32767;
    if (y < -32768.0f)
        return -32768;
    return (int16_t)lrintf(y);
}

/* 1, 0 when a signal interrupted it, or -1 on an error. When the far end has closed the
 * stream, what it would have heard is dropped: what it sent before it went is still to be
 * read from the input. A FIFO whose far end neither reads nor closes would block here for
 * ever; the program catches only the signals that ask it to stop (without SA_RESTART), so
 * an interrupted write is the user stopping it. */
static int write_all(raw_link *l, const void *buf, size_t len, char *err, size_t err_len)
{
    const uint8_t *p = buf;
    while (len > 0 && !l->out_closed) {
        ssize_t k = write(l->out_fd, p, len);
        if (k < 0 && errno == EINTR) {
            snprintf(err, err_len, "interrupted while the line's output was blocked");
            return 0;
        }
        if (k < 0 && errno == EPIPE) {
            l->out_closed = 1;
            break;
        }
        if (k < 0) {
            snprintf(err, err_len, "writing the line's output: %s", strerror(errno));
            return -1;
        }
        p += k;
        len -= (size_t)k;
    }
    return 1;
}

static int send_samples(raw_link *l, const float *tx, size_t n, char *err, size_t err_len)
{
    size_t taken = 0;
    while (taken < n) {
        size_t used = 0;
        size_t made = sq_rate_converter_process(l->to_line, tx + taken, n - taken, &used, l->converted,
                                                sizeof l->converted / sizeof *l->converted);
        taken += used;
        for (size_t i = 0; i < made; i++) {
            int16_t v = to_pcm(l->converted[i]);
            uint8_t *b = (uint8_t *)&l->out_pcm[i];   /* little-endian whatever the host */
            b[0] = (uint8_t)((uint16_t)v & 0xff);
            b[1] = (uint8_t)((uint16_t)v >> 8);
        }
        l->line_samples_sent += made;
        int rc = write_all(l, l->out_pcm, made * 2, err, err_len);
        if (rc != 1)
            return rc;
    }
    return 1;
}

/* Reads what the stream has (at least one sample, blocking); 1, 0 at its end, -1. */
static int read_some(raw_link *l, char *err, size_t err_len)
{
    for (;;) {
        ssize_t k = read(l->in_fd, l->in_bytes + l->in_bytes_n, sizeof l->in_bytes - l->in_bytes_n);
        if (k < 0 && errno == EINTR) {
            snprintf(err, err_len, "interrupted while waiting for the line's input");
            return 0;   /* as write_all: the user is stopping us */
        }
        if (k < 0) {
            snprintf(err, err_len, "reading the line's input: %s", strerror(errno));
            return -1;
        }
        if (k == 0) {
            snprintf(err, err_len, "the line's input ended");
            return 0;
        }
        l->in_bytes_n += (size_t)k;
        if (l->in_bytes_n >= 2)
            return 1;
    }
}

static int hear_samples(raw_link *l, float *rx, size_t n, char *err, size_t err_len)
{
    while (l->pending_n < n) {
        int rc = read_some(l, err, err_len);
        if (rc != 1)
            return rc;
        size_t count = l->in_bytes_n / 2;
        for (size_t i = 0; i < count; i++) {
            uint16_t u = (uint16_t)(l->in_bytes[2 * i] | (l->in_bytes[2 * i + 1] << 8));
            l->stage[i] = (float)(int16_t)u / 32768.0f;
        }
        memmove(l->in_bytes, l->in_bytes + 2 * count, l->in_bytes_n - 2 * count);
        l->in_bytes_n -= 2 * count;
        for (size_t taken = 0; taken < count;) {
            size_t used = 0;
            l->pending_n += sq_rate_converter_process(l->from_line, l->stage + taken, count - taken, &used,
                                                      l->pending + l->pending_n, PENDING_LEN - l->pending_n);
            taken += used;
        }
    }
    memcpy(rx, l->pending, n * sizeof *rx);
    memmove(l->pending, l->pending + n, (l->pending_n - n) * sizeof *l->pending);
    l->pending_n -= n;
    return 1;
}

static int raw_exchange(audio_link *base, const float *tx, float *rx, size_t n, char *err, size_t err_len)
{
    raw_link *l = (raw_link *)base;
    for (size_t done = 0; done < n;) {
        size_t k = n - done < CHUNK ? n - done : CHUNK;
        int rc = send_samples(l, tx + done, k, err, err_len);
        if (rc == 1 && rx)
            rc = hear_samples(l, rx + done, k, err, err_len);
        if (rc != 1)
            return rc;
        done += k;
    }
    return 1;
}

static size_t raw_output_delay(audio_link *base)
{
    (void)base;
    return 0;
}

static void raw_get_stats(audio_link *base, audio_link_stats *s)
{
    raw_link *l = (raw_link *)base;
    s->device_rate_hz = l->rate_hz;
    snprintf(s->description, sizeof s->description, "%s", l->description);
}

static void raw_free(raw_link *l)
{
    if (l->in_fd > 0)
        close(l->in_fd);
    output_file_abort(l->out);
    sq_rate_converter_destroy(l->to_line);
    sq_rate_converter_destroy(l->from_line);
    free(l);
}

static int raw_close(audio_link *base)
{
    raw_link *l = (raw_link *)base;
    char err[256];
    /* what was sent is kept, however the call ended */
    int rc = output_file_commit(l->out, err, sizeof err);
    l->out = NULL;
    raw_free(l);
    return rc;
}

static const audio_link_ops raw_ops = { raw_exchange, raw_output_delay, raw_get_stats, raw_close };

/* A FIFO's far end may not be there yet, and the far end may be another squeal opening its
 * own FIFOs in the other order. So the input is first opened without waiting (which never
 * blocks), then the output (which waits for a reader: the far end's own first step), and
 * only then is the input opened again, waiting for its writer, which is there by now. */
static int open_input_early(const char *path, char *err, size_t err_len)
{
    if (strcmp(path, "-") == 0)
        return 0;
    int fd = open(path, O_RDONLY | O_NONBLOCK);
    if (fd < 0)
        snprintf(err, err_len, "cannot open the line's input '%s': %s", path, strerror(errno));
    return fd;
}

static int open_input_blocking(const char *path, int early_fd, char *err, size_t err_len)
{
    struct stat st;
    if (early_fd == 0 || fstat(early_fd, &st) != 0 || !S_ISFIFO(st.st_mode)) {
        if (early_fd > 0 && fcntl(early_fd, F_SETFL, fcntl(early_fd, F_GETFL) & ~O_NONBLOCK) != 0) {
            snprintf(err, err_len, "cannot read the line's input '%s': %s", path, strerror(errno));
            return -1;
        }
        return early_fd;
    }
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        snprintf(err, err_len, "cannot open the line's input '%s': %s", path, strerror(errno));
    close(early_fd);
    return fd;
}

static int open_output(raw_link *l, const char *path, char *err, size_t err_len)
{
    if (output_file_open(path, 0, &l->out, err, err_len) != 0)
        return -1;
    return output_file_fd(l->out);
}

int audio_link_open_raw(const char *spec, const audio_link_opts *o, audio_link **out, char *err, size_t err_len)
{
    char in_path[1024], out_path[1024];
    if (audio_link_split_pair(spec, in_path, out_path, sizeof in_path) != 0 || !*in_path || !*out_path) {
        snprintf(err, err_len, "raw:%s: give the line's input and output as raw:IN,OUT (files, FIFOs or -)", spec);
        return -1;
    }
    raw_link *l = calloc(1, sizeof *l);
    if (!l) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    l->base.ops = &raw_ops;
    l->in_fd = l->out_fd = -1;
    l->rate_hz = o->raw_rate_hz > 0.0 ? o->raw_rate_hz : SQ_PROCESSING_RATE_HZ;
    l->to_line = sq_rate_converter_create(SQ_PROCESSING_RATE_HZ, l->rate_hz);
    l->from_line = sq_rate_converter_create(l->rate_hz, SQ_PROCESSING_RATE_HZ);
    if (!l->to_line || !l->from_line) {
        snprintf(err, err_len, "out of memory");
        raw_free(l);
        return -1;
    }
    l->in_fd = open_input_early(in_path, err, err_len);
    if (l->in_fd >= 0)
        l->out_fd = open_output(l, out_path, err, err_len);
    if (l->in_fd < 0 || l->out_fd < 0) {
        raw_free(l);
        return -1;
    }
    /* With --latency, that much silence goes out first: a real-time player downstream
     * (pacat, aplay) then has a cushion against the jitter of the pipe feeding it, and a
     * filter in the loop (sox) has input before this side waits for its own. */
    /* Each side writes, then reads. A resampler holds back its filter's delay, so at 48 kHz
     * a block in gave less than a block out, and two squeal processes on FIFOs each waited
     * to read what the other had not yet written (for 21 minutes, once). Starting
     * PRIME_MS of stream ahead keeps what each side has written past what the other needs
     * to read: more than both converters' delays and bursts together (60 ms each at
     * 48 kHz, rate_converter.c). */
    static const float silence[SQ_PROCESSING_RATE_HZ / 50];
    double ahead_ms = l->rate_hz != SQ_PROCESSING_RATE_HZ && o->latency_ms < PRIME_MS ? PRIME_MS : o->latency_ms;
    /* counted in what reached the stream, not in what went into the converter */
    while ((double)l->line_samples_sent < ahead_ms / 1000.0 * l->rate_hz) {
        if (send_samples(l, silence, SQ_PROCESSING_RATE_HZ / 50, err, err_len) != 1) {
            raw_free(l);
            return -1;
        }
    }
    l->in_fd = open_input_blocking(in_path, l->in_fd, err, err_len);
    if (l->in_fd < 0) {
        raw_free(l);
        return -1;
    }
    snprintf(l->description, sizeof l->description, "raw 16-bit mono stream, in %.60s, out %.60s, %g Hz",
             in_path, out_path, l->rate_hz);
    *out = &l->base;
    return 0;
}
