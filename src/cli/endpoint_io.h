/* What `squeal answer` and `squeal call` move besides audio: the user's bytes in (a file or
 * stdin, read without blocking), the bytes received out (a file or stdout, written as they
 * arrive so that nothing received is lost if the call drops), and the status lines on
 * stderr, as text or JSON. */
#ifndef SQ_CLI_ENDPOINT_IO_H
#define SQ_CLI_ENDPOINT_IO_H

#include <stddef.h>
#include <stdint.h>
#include "squeal/squeal.h"

typedef struct byte_source {
    int fd;
    int eof;
    uint8_t buf[4096];
    size_t off, len;
    uint64_t total;          /* bytes handed to the modem */
} byte_source;

/* path NULL: stdin. 0, or -1 after printing the error. */
int byte_source_open(const char *cmd, byte_source *s, const char *path);
/* Gives the modem what it will take, reading more when the buffer is empty (never waits). */
void byte_source_feed(byte_source *s, sq_call *call);
int byte_source_done(const byte_source *s);
void byte_source_close(byte_source *s);

typedef struct output_file output_file;

typedef struct byte_sink {
    output_file *file;
    int fd;
    uint64_t total;
    int failed;
} byte_sink;

/* path NULL or "-": stdout. 0, or -1 after printing the error. */
int byte_sink_open(const char *cmd, byte_sink *s, const char *path);
/* Moves what the modem received to the sink; returns how many bytes. */
size_t byte_sink_drain(const char *cmd, byte_sink *s, sq_call *call);
/* Puts what arrived in place (src/io/output_file.h); 0, or -1 after one error line. */
int byte_sink_close(const char *cmd, byte_sink *s);

struct term_waterfall;

typedef struct status_out {
    const char *cmd;
    int json;
    struct term_waterfall *show;   /* --show on a terminal: the text goes beside its row */
} status_out;

/* One status line: "  12.345  text" or {"t_s":12.345,"event":"...","text":"..."}; with a
 * waterfall, the text beside the row of its moment. */
void status_print(const status_out *o, double t_s, const char *event, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
