/* The sound-card line: a full-duplex PortAudio stream (audio_link.h).
 *
 * One full-duplex stream keeps recording and playing in step. Two half-duplex streams
 * were tried through PulseAudio's ALSA plugin: playback then ran dry 10-16 times a call
 * and characters were lost.
 *
 * PortAudio calls on_audio() from its own real-time thread. That callback only copies
 * between the device's buffers and two lock-free rings (ring_buffer.h) and bumps atomic
 * counters: it never allocates, locks, blocks or prints. The modem's thread, in exchange(),
 * converts between the device's rate and 8 kHz (libsoxr) and waits for the rings, sleeping
 * a millisecond at a time. Both directions run on the device's one clock, so once the
 * output ring holds the latency's worth of samples it stays at that level.
 *
 * This file is a module of its own, squeal-portaudio.so (portaudio_entry.h), loaded only by
 * a command that opens a sound card. */
#include <portaudio.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include "src/io/audio_link.h"
#include "src/io/portaudio_entry.h"
#include "src/io/rate_converter.h"
#include "src/io/ring_buffer.h"
#ifdef SQ_HAVE_ALSA
#include <alsa/asoundlib.h>
#endif

#define RING_SECONDS 2.0
#define STAGE_LEN 2048           /* device samples converted at a time */
#define PENDING_LEN 8192         /* 8 kHz samples converted and not yet handed over */
#define MAX_BLOCK 2048           /* largest exchange, 8 kHz samples */

SQ_MODULE_EXPORT const char *const sq_module_version = SQ_VERSION_STRING;
#define STALL_MS 2000            /* no callback for this long: the device is gone */

typedef struct pa_link {
    audio_link base;
    PaStream *stream;
    int output_only;
    double rate_hz, out_latency_s;
    sq_ring rx, tx;
    _Atomic uint64_t underruns, overruns, callbacks;
    atomic_int counting;         /* underruns count only while the modem is feeding us */
    sq_rate_converter *to_device, *from_device;
    float stage[STAGE_LEN];
    size_t stage_n;
    float pending[PENDING_LEN];
    size_t pending_n;
    float device_block[MAX_BLOCK * 8];
    char description[192];
} pa_link;

static int on_audio(const void *input, void *output, unsigned long frames,
                    const PaStreamCallbackTimeInfo *time, PaStreamCallbackFlags flags, void *user)
{
    (void)time;
    pa_link *l = user;
    if (input && sq_ring_push(&l->rx, input, frames) < frames)
        atomic_fetch_add_explicit(&l->overruns, 1, memory_order_relaxed);
    float *out = output;
    size_t got = sq_ring_pop(&l->tx, out, frames);
    if (got < frames) {
        memset(out + got, 0, (frames - got) * sizeof *out);
        if (atomic_load_explicit(&l->counting, memory_order_relaxed))
            atomic_fetch_add_explicit(&l->underruns, 1, memory_order_relaxed);
    }
    if (flags & paInputOverflow)
        atomic_fetch_add_explicit(&l->overruns, 1, memory_order_relaxed);
    if ((flags & paOutputUnderflow) && atomic_load_explicit(&l->counting, memory_order_relaxed))
        atomic_fetch_add_explicit(&l->underruns, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&l->callbacks, 1, memory_order_release);
    return paContinue;
}

#ifdef SQ_HAVE_ALSA
/* ALSA prints every probe that fails (dozens of lines on a machine without a card) while
 * PortAudio looks for devices; what matters reaches the user through PortAudio's errors. */
static void alsa_quiet(const char *file, int line, const char *function, int err, const char *fmt, ...)
{
    (void)file, (void)line, (void)function, (void)err, (void)fmt;
}
#endif

/* PortAudio's probing of every host API makes the libraries under it (JACK's client when no
 * JACK server runs, ALSA) print to stderr; that chatter is no use to our user, who gets
 * PortAudio's own error instead. So stderr points at /dev/null while PortAudio starts and
 * stops, which happens on this one thread before and after the stream runs. */
static int mute_stderr(void)
{
    fflush(stderr);
    int saved = dup(2), null = open("/dev/null", O_WRONLY);
    if (saved >= 0 && null >= 0)
        dup2(null, 2);
    if (null >= 0)
        close(null);
    return saved;
}

static void unmute_stderr(int saved)
{
    if (saved < 0)
        return;
    dup2(saved, 2);
    close(saved);
}

static void stop_portaudio(void)
{
    int saved = mute_stderr();
    Pa_Terminate();
    unmute_stderr(saved);
}

static int start_portaudio(char *err, size_t err_len)
{
#ifdef SQ_HAVE_ALSA
    snd_lib_error_set_handler(alsa_quiet);
#endif
    int saved = mute_stderr();
    PaError e = Pa_Initialize();
    unmute_stderr(saved);
    if (e != paNoError) {
        snprintf(err, err_len, "could not start PortAudio: %s", Pa_GetErrorText(e));
        return -1;
    }
    return 0;
}

/* Waits a little for the callback; -1 when it has not run for STALL_MS. */
static int wait_for_device(pa_link *l, uint64_t *seen, int *idle_ms, char *err, size_t err_len)
{
    uint64_t now = atomic_load_explicit(&l->callbacks, memory_order_acquire);
    if (now != *seen) {
        *seen = now;
        *idle_ms = 0;
    }
    if (*idle_ms >= STALL_MS || Pa_IsStreamActive(l->stream) != 1) {
        snprintf(err, err_len, "the sound device stopped (unplugged, or the sound server went away)");
        return -1;
    }
    Pa_Sleep(1);
    *idle_ms += 1;
    return 0;
}

static int send_to_device(pa_link *l, const float *tx, size_t n, char *err, size_t err_len)
{
    uint64_t seen = 0;
    int idle_ms = 0;
    size_t taken = 0;
    while (taken < n) {
        size_t used = 0;
        size_t made = sq_rate_converter_process(l->to_device, tx + taken, n - taken, &used, l->device_block,
                                                sizeof l->device_block / sizeof *l->device_block);
        taken += used;
        for (size_t done = 0; done < made;) {
            size_t k = sq_ring_push(&l->tx, l->device_block + done, made - done);
            done += k;
            if (k == 0 && wait_for_device(l, &seen, &idle_ms, err, err_len) != 0)
                return -1;
        }
    }
    return 0;
}

static int hear_from_device(pa_link *l, float *rx, size_t n, char *err, size_t err_len)
{
    uint64_t seen = 0;
    int idle_ms = 0;
    while (l->pending_n < n) {
        if (l->stage_n == 0)
            l->stage_n = sq_ring_pop(&l->rx, l->stage, STAGE_LEN);
        if (l->stage_n == 0) {
            if (wait_for_device(l, &seen, &idle_ms, err, err_len) != 0)
                return -1;
            continue;
        }
        size_t used = 0;
        l->pending_n += sq_rate_converter_process(l->from_device, l->stage, l->stage_n, &used,
                                                  l->pending + l->pending_n, PENDING_LEN - l->pending_n);
        memmove(l->stage, l->stage + used, (l->stage_n - used) * sizeof *l->stage);
        l->stage_n -= used;
    }
    memcpy(rx, l->pending, n * sizeof *rx);
    memmove(l->pending, l->pending + n, (l->pending_n - n) * sizeof *l->pending);
    l->pending_n -= n;
    return 0;
}

static int pa_exchange(audio_link *base, const float *tx, float *rx, size_t n, char *err, size_t err_len)
{
    pa_link *l = (pa_link *)base;
    for (size_t done = 0; done < n;) {
        size_t k = n - done < MAX_BLOCK ? n - done : MAX_BLOCK;
        if (send_to_device(l, tx + done, k, err, err_len) != 0)
            return -1;
        if (rx && !l->output_only && hear_from_device(l, rx + done, k, err, err_len) != 0)
            return -1;
        if (rx && l->output_only)
            memset(rx + done, 0, k * sizeof *rx);
        done += k;
    }
    return 1;
}

static size_t pa_output_delay(audio_link *base)
{
    pa_link *l = (pa_link *)base;
    double s = (double)sq_ring_count(&l->tx) / l->rate_hz + l->out_latency_s;
    return (size_t)(s * SQ_PROCESSING_RATE_HZ);
}

static void pa_get_stats(audio_link *base, audio_link_stats *s)
{
    pa_link *l = (pa_link *)base;
    s->device_rate_hz = l->rate_hz;
    s->underruns = atomic_load(&l->underruns);
    s->overruns = atomic_load(&l->overruns);
    snprintf(s->description, sizeof s->description, "%s", l->description);
}

static void pa_free(pa_link *l)
{
    sq_ring_free(&l->rx);
    sq_ring_free(&l->tx);
    sq_rate_converter_destroy(l->to_device);
    sq_rate_converter_destroy(l->from_device);
    free(l);
}

static int pa_close(audio_link *base)
{
    pa_link *l = (pa_link *)base;
    atomic_store(&l->counting, 0);
    /* let what was sent play out: the ring, then the device's own buffer */
    for (int ms = 0; ms < 3000 && sq_ring_count(&l->tx) > 0 && Pa_IsStreamActive(l->stream) == 1; ms++)
        Pa_Sleep(1);
    Pa_Sleep((long)(l->out_latency_s * 1000.0) + 20);
    Pa_StopStream(l->stream);
    Pa_CloseStream(l->stream);
    stop_portaudio();
    pa_free(l);
    return 0;
}

static const audio_link_ops pa_ops = { pa_exchange, pa_output_delay, pa_get_stats, pa_close };

/* The device called name, else the only one whose name contains it; -1 (and how many
 * contain it) when there is no such single device. */
static int device_by_name(const char *name, int count, int *matches)
{
    int last = -1;
    *matches = 0;
    for (int i = 0; i < count; i++)
        if (strcmp(Pa_GetDeviceInfo(i)->name, name) == 0)
            return i;
    for (int i = 0; i < count; i++)
        if (strstr(Pa_GetDeviceInfo(i)->name, name)) {
            last = i;
            ++*matches;
        }
    return *matches == 1 ? last : -1;
}

/* "" (the defaults), an index, or a name (exact, else the one device whose name holds it). */
static int find_device(const char *spec, int output_only, PaDeviceIndex *in, PaDeviceIndex *out,
                       char *err, size_t err_len)
{
    int count = Pa_GetDeviceCount();
    if (count <= 0) {
        /* demo only plays: it writes a file instead; answer and call can use a raw stream */
        snprintf(err, err_len, "no sound devices found: start a sound server (tools/loopback.sh starts "
                               "PulseAudio with two null sinks) or attach a sound card, or %s",
                 output_only ? "write the call to a file with --wav FILE" : "use --audio raw:IN,OUT");
        return -1;
    }
    if (!*spec) {
        *out = Pa_GetDefaultOutputDevice();
        *in = output_only ? paNoDevice : Pa_GetDefaultInputDevice();
        if (*out == paNoDevice || (!output_only && *in == paNoDevice)) {
            snprintf(err, err_len, "PortAudio has no default %s device: name one with --audio pa:NAME "
                                   "(squeal devices lists them)", *out == paNoDevice ? "output" : "input");
            return -1;
        }
        return 0;
    }
    char *end = NULL;
    long index = strtol(spec, &end, 10);
    int matches = 0, found = -1;
    if (*end == '\0')
        found = index >= 0 && index < count ? (int)index : -1;
    else
        found = device_by_name(spec, count, &matches);
    if (found < 0) {
        snprintf(err, err_len, "%s sound device '%s' among the %d PortAudio sees (squeal devices lists them)",
                 matches > 1 ? "more than one" : "no", spec, count);
        return -1;
    }
    *in = output_only ? paNoDevice : found;
    *out = found;
    return 0;
}

static int choose_rate(const PaStreamParameters *in, const PaStreamParameters *out, const char *name,
                       double *rate, char *err, size_t err_len)
{
    double candidates[3] = { Pa_GetDeviceInfo(out->device)->defaultSampleRate, 48000.0, 44100.0 };
    PaError last = paNoError;
    for (int i = 0; i < 3; i++) {
        last = Pa_IsFormatSupported(in, out, candidates[i]);
        if (last == paFormatIsSupported) {
            *rate = candidates[i];
            return 0;
        }
    }
    snprintf(err, err_len, "sound device '%s' cannot %s mono float audio at %.0f, 48000 or 44100 Hz (%s): "
             "choose another with --audio pa:NAME (squeal devices lists them)", name,
             in ? "play and record (full duplex)" : "play", candidates[0], Pa_GetErrorText(last));
    return -1;
}

static int open_stream(pa_link *l, PaDeviceIndex in_dev, PaDeviceIndex out_dev, double latency_ms,
                       char *err, size_t err_len)
{
    const PaDeviceInfo *out_info = Pa_GetDeviceInfo(out_dev);
    PaStreamParameters in = { in_dev, 1, paFloat32, latency_ms / 1000.0, NULL };
    PaStreamParameters out = { out_dev, 1, paFloat32, latency_ms / 1000.0, NULL };
    if (out_info->maxOutputChannels < 1 || (in_dev != paNoDevice && Pa_GetDeviceInfo(in_dev)->maxInputChannels < 1)) {
        snprintf(err, err_len, "sound device '%s' cannot %s: choose one that can with --audio pa:NAME "
                 "(squeal devices lists them)", out_info->name, out_info->maxOutputChannels < 1 ? "play" : "record");
        return -1;
    }
    const PaStreamParameters *inp = in_dev == paNoDevice ? NULL : &in;
    if (choose_rate(inp, &out, out_info->name, &l->rate_hz, err, err_len) != 0)
        return -1;
    PaError e = Pa_OpenStream(&l->stream, inp, &out, l->rate_hz, paFramesPerBufferUnspecified, paClipOff, on_audio, l);
    if (e != paNoError) {
        snprintf(err, err_len, "could not open sound device '%s' at %.0f Hz: %s (is the sound server running?)",
                 out_info->name, l->rate_hz, Pa_GetErrorText(e));
        return -1;
    }
    const PaStreamInfo *si = Pa_GetStreamInfo(l->stream);
    l->out_latency_s = si ? si->outputLatency : latency_ms / 1000.0;
    snprintf(l->description, sizeof l->description, "PortAudio device %d '%s' (%s), %.0f Hz, latency %.0f ms",
             (int)out_dev, out_info->name, Pa_GetHostApiInfo(out_info->hostApi)->name, l->rate_hz,
             l->out_latency_s * 1000.0);
    return 0;
}

static int open_portaudio(const char *spec, const audio_link_opts *o, audio_link **out, char *err, size_t err_len)
{
    pa_link *l = calloc(1, sizeof *l);
    if (!l) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    l->base.ops = &pa_ops;
    l->output_only = o->output_only;
    if (start_portaudio(err, err_len) != 0) {
        free(l);
        return -1;
    }
    PaDeviceIndex in_dev = paNoDevice, out_dev = paNoDevice;
    double latency_ms = o->latency_ms > 0.0 ? o->latency_ms : SQ_LINK_DEFAULT_LATENCY_MS;
    if (find_device(spec, o->output_only, &in_dev, &out_dev, err, err_len) != 0 ||
        open_stream(l, in_dev, out_dev, latency_ms, err, err_len) != 0) {
        stop_portaudio();
        pa_free(l);
        return -1;
    }
    size_t ring = (size_t)(RING_SECONDS * l->rate_hz);
    l->to_device = sq_rate_converter_create(SQ_PROCESSING_RATE_HZ, l->rate_hz);
    l->from_device = sq_rate_converter_create(l->rate_hz, SQ_PROCESSING_RATE_HZ);
    if (sq_ring_init(&l->rx, ring) != 0 || sq_ring_init(&l->tx, ring) != 0 || !l->to_device || !l->from_device) {
        snprintf(err, err_len, "out of memory");
        Pa_CloseStream(l->stream);
        stop_portaudio();
        pa_free(l);
        return -1;
    }
    /* a latency's worth of silence first, so the device never waits for the modem */
    sq_ring_push_zeros(&l->tx, (size_t)(latency_ms / 1000.0 * l->rate_hz));
    atomic_store(&l->counting, 1);
    PaError e = Pa_StartStream(l->stream);
    if (e != paNoError) {
        snprintf(err, err_len, "could not start sound device: %s", Pa_GetErrorText(e));
        Pa_CloseStream(l->stream);
        stop_portaudio();
        pa_free(l);
        return -1;
    }
    *out = &l->base;
    return 0;
}

/* Opening probes devices too, and a failed open makes PortAudio's ALSA host print its own
 * diagnostics: the user gets one line from us instead. */
int sq_portaudio_open(const char *spec, const audio_link_opts *o, audio_link **out, char *err, size_t err_len)
{
    int saved = mute_stderr();
    int rc = open_portaudio(spec, o, out, err, err_len);
    unmute_stderr(saved);
    return rc;
}

int sq_portaudio_devices(audio_device_info *list, int max, char *err, size_t err_len)
{
    if (start_portaudio(err, err_len) != 0)
        return -1;
    int count = Pa_GetDeviceCount();
    if (count < 0) {
        snprintf(err, err_len, "PortAudio could not list devices: %s", Pa_GetErrorText(count));
        stop_portaudio();
        return -1;
    }
    for (int i = 0; i < count && i < max; i++) {
        const PaDeviceInfo *d = Pa_GetDeviceInfo(i);
        audio_device_info *e = &list[i];
        e->index = i;
        snprintf(e->name, sizeof e->name, "%s", d->name);
        snprintf(e->host_api, sizeof e->host_api, "%s", Pa_GetHostApiInfo(d->hostApi)->name);
        e->max_input_channels = d->maxInputChannels;
        e->max_output_channels = d->maxOutputChannels;
        e->default_rate_hz = d->defaultSampleRate;
        e->is_default_input = i == Pa_GetDefaultInputDevice();
        e->is_default_output = i == Pa_GetDefaultOutputDevice();
    }
    stop_portaudio();
    return count;
}
