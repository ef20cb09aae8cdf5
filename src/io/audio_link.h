/* The line a real-time modem talks over: a sound card (PortAudio), a raw sample stream, or
 * WAV files, behind one small vtable. The modem side always sees 8 kHz mono float samples;
 * each backend converts to and from what it really carries.
 *
 * A link is driven by one thread: audio_link_exchange() hands over the next n samples to
 * send and returns the next n samples heard. It blocks only as long as the line needs to
 * deliver them (a sound card paces the call in real time; files and pipes go as fast as
 * they are read). Errors are returned as text for the command line to print. */
#ifndef SQ_IO_AUDIO_LINK_H
#define SQ_IO_AUDIO_LINK_H

#include <stddef.h>
#include <stdint.h>
#include "squeal/time_base.h"

/* PortAudio's ALSA host through PulseAudio's ALSA plugin lost stretches of recorded audio
 * at 100 ms (two calls of two broke down in data), and none at 250 ms (four of four clean). */
#define SQ_LINK_DEFAULT_LATENCY_MS 250.0

typedef struct audio_link_opts {
    double raw_rate_hz;      /* raw streams: their sample rate (default 8000) */
    double latency_ms;       /* sound card: buffer size asked for (0: the default); raw
                              * stream: silence sent first, a cushion for a player */
    int output_only;         /* sound card: play only (the demo); exchange's rx may be NULL */
} audio_link_opts;

typedef struct audio_link_stats {
    double device_rate_hz;   /* the rate the line really runs at */
    uint64_t underruns;      /* times the sound card found nothing to play */
    uint64_t overruns;       /* times it had to drop what it recorded */
    char description[192];   /* "PortAudio 'pulse' (ALSA) at 44100 Hz, 100 ms" */
} audio_link_stats;

typedef struct audio_link audio_link;

/* spec: "pa", "pa:NAME", "pa:INDEX", "raw:IN,OUT", "wav:IN,OUT" (see squeal(1)).
 * 0, or -1 with a one-line reason in err that names what was tried and what to do. */
int audio_link_open(const char *spec, const audio_link_opts *o, audio_link **out, char *err, size_t err_len);
/* Sends n samples of tx and fills rx (may be NULL when nothing is listened to) with the
 * next n heard. Returns 1, 0 when the line has ended (its input ran out or its far end
 * closed; err says which), or -1 on a failure (err says what). */
int audio_link_exchange(audio_link *l, const float *tx, float *rx, size_t n, char *err, size_t err_len);
/* Samples sent but not yet heard on the line (sound card buffers), at 8 kHz. */
size_t audio_link_output_delay(audio_link *l);
void audio_link_get_stats(audio_link *l, audio_link_stats *s);
/* Lets what was sent finish playing, then closes; -1 when an output file could not be
 * finished. NULL-safe. */
int audio_link_close(audio_link *l);

/* The backends, each in its own file; spec is what follows "pa:", "raw:" or "wav:". */
typedef struct audio_link_ops {
    int (*exchange)(audio_link *l, const float *tx, float *rx, size_t n, char *err, size_t err_len);
    size_t (*output_delay)(audio_link *l);
    void (*get_stats)(audio_link *l, audio_link_stats *s);
    int (*close)(audio_link *l);
} audio_link_ops;

struct audio_link {
    const audio_link_ops *ops;
};

int audio_link_open_portaudio(const char *spec, const audio_link_opts *o, audio_link **out, char *err, size_t err_len);
int audio_link_open_raw(const char *spec, const audio_link_opts *o, audio_link **out, char *err, size_t err_len);
int audio_link_open_wav(const char *spec, const audio_link_opts *o, audio_link **out, char *err, size_t err_len);

/* Sound devices as PortAudio sees them, for `squeal devices`. */
typedef struct audio_device_info {
    int index;
    char name[128];
    char host_api[32];
    int max_input_channels, max_output_channels;
    double default_rate_hz;
    int is_default_input, is_default_output;
} audio_device_info;

/* Fills up to max entries; returns how many devices there are, or -1 with err. */
int audio_devices_list(audio_device_info *list, int max, char *err, size_t err_len);

/* Splits "IN,OUT" at its comma into two strings (either may be empty); 0 or -1. */
int audio_link_split_pair(const char *spec, char *in, char *out, size_t len);

#endif
