/* A WAV file the program writes: the output rules of output_file.h (temporary and rename,
 * devices and FIFOs in place, "-" for standard output) around the library's WAV writer. */
#ifndef SQ_IO_WAV_OUTPUT_H
#define SQ_IO_WAV_OUTPUT_H

#include <stddef.h>
#include <stdint.h>

typedef struct wav_output wav_output;

/* 16-bit WAV at rate_hz from 8 kHz frames. 0, or -1 with a one-line reason in err. */
int wav_output_open(const char *path, uint32_t rate_hz, int channels, wav_output **out, char *err, size_t err_len);
/* 0, or -1 (the disk is full, the reader went away). */
int wav_output_write(wav_output *o, const float *frames, size_t n);
/* A stereo file's n frames from two mono blocks (a modem's recording: what it sent, what it
 * heard), n at most 1024; 0, or -1 as wav_output_write. */
int wav_output_write_pair(wav_output *o, const float *left, const float *right, size_t n);
/* Finishes the file and puts it in place; frees o. 0, or -1 with a reason in err. */
int wav_output_close(wav_output *o, char *err, size_t err_len);
/* Drops it: nothing is left under its name. NULL-safe. */
void wav_output_abort(wav_output *o);

#endif
