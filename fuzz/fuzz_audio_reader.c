/* libFuzzer: the audio-file reader (libsndfile behind our checks, soxr to 8 kHz) on any
 * bytes, handed to it as a file, the way `squeal decode` opens one. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>
#include "squeal/squeal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("fuzz-audio", 0);
    if (fd < 0)
        return 0;
    if (write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return 0;
    }
    char path[64], detail[256];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    sq_audio_reader *r = NULL;
    if (sq_audio_reader_open(path, &r, detail, sizeof detail) == SQ_OK) {
        float buf[4096];
        const sq_audio_info *info = sq_audio_reader_info(r);
        size_t frames = sizeof buf / sizeof buf[0] / (size_t)info->channels;
        long got;
        /* a header may claim hours: bound the work, not the claim */
        for (int rounds = 0; rounds < 2000 && (got = sq_audio_reader_read(r, buf, frames)) > 0; rounds++)
            ;
        sq_audio_reader_close(r);
    }
    close(fd);
    return 0;
}
