/* Bytes in and out of a real-time call, and its status lines (endpoint_io.h). */
#include "src/cli/endpoint_io.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "src/cli/cli.h"
#include "src/cli/term_waterfall.h"
#include "src/io/output_file.h"

int byte_source_open(const char *cmd, byte_source *s, const char *path)
{
    memset(s, 0, sizeof *s);
    if (path && cli_check_input_file(cmd, path) != 0) {
        s->fd = -1;
        return -1;
    }
    s->fd = path ? open(path, O_RDONLY) : 0;
    if (s->fd < 0) {
        cli_error(cmd, "cannot read '%s': %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

static void source_read(byte_source *s)
{
    struct pollfd p = { .fd = s->fd, .events = POLLIN };
    if (poll(&p, 1, 0) <= 0)
        return;
    ssize_t k = read(s->fd, s->buf, sizeof s->buf);
    if (k < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (k <= 0) {
        s->eof = 1;   /* end of input, or an error, which ends it the same way */
        return;
    }
    s->off = 0;
    s->len = (size_t)k;
}

void byte_source_feed(byte_source *s, sq_call *call)
{
    for (int rounds = 0; rounds < 4; rounds++) {
        if (s->off == s->len && !s->eof)
            source_read(s);
        if (s->off == s->len)
            return;
        size_t k = sq_call_send(call, s->buf + s->off, s->len - s->off);
        s->off += k;
        s->total += k;
        if (k == 0)
            return;
    }
}

int byte_source_done(const byte_source *s)
{
    return s->eof && s->off == s->len;
}

void byte_source_close(byte_source *s)
{
    if (s->fd > 0)
        close(s->fd);
}

int byte_sink_open(const char *cmd, byte_sink *s, const char *path)
{
    memset(s, 0, sizeof *s);
    char err[512];
    if (output_file_open(path ? path : "-", 0, &s->file, err, sizeof err) != 0) {
        s->fd = -1;
        cli_error(cmd, "%s", err);
        return -1;
    }
    s->fd = output_file_fd(s->file);
    return 0;
}

size_t byte_sink_drain(const char *cmd, byte_sink *s, sq_call *call)
{
    uint8_t buf[512];
    size_t k, moved = 0;
    while ((k = sq_call_receive(call, buf, sizeof buf)) > 0) {
        moved += k;
        s->total += k;
        for (size_t off = 0; off < k && !s->failed;) {
            ssize_t w = write(s->fd, buf + off, k - off);
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0) {
                cli_error(cmd, "writing what was received: %s", strerror(errno));
                s->failed = 1;
                break;
            }
            off += (size_t)w;
        }
    }
    return moved;
}

int byte_sink_close(const char *cmd, byte_sink *s)
{
    char err[512];
    if (!s->file)
        return 0;
    /* what arrived is kept, however the call ended */
    int rc = output_file_commit(s->file, err, sizeof err);
    s->file = NULL;
    s->fd = -1;
    if (rc != 0)
        cli_error(cmd, "%s", err);
    return rc;
}

static void print_json_string(const char *t)
{
    fputc('"', stderr);
    for (; *t; t++) {
        unsigned char c = (unsigned char)*t;
        if (c == '"' || c == '\\')
            fprintf(stderr, "\\%c", c);
        else if (c < 0x20)
            fprintf(stderr, "\\u%04x", c);
        else
            fputc(c, stderr);
    }
    fputc('"', stderr);
}

void status_print(const status_out *o, double t_s, const char *event, const char *fmt, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (o->show) {
        term_waterfall_say(o->show, text);
        return;
    }
    if (o->json) {
        fprintf(stderr, "{\"t_s\":%.3f,\"event\":", t_s);
        print_json_string(event);
        fputs(",\"text\":", stderr);
        print_json_string(text);
        fputs("}\n", stderr);
    } else {
        fprintf(stderr, "%8.3f  %s\n", t_s, text);
    }
    fflush(stderr);
}
