/* What the sound-card module (squeal-portaudio.so, built from link_portaudio.c) exports:
 * audio_link_open_portaudio and audio_devices_list (audio_link.h) under these names, which
 * portaudio_module.c looks up when a command first needs them. */
#ifndef SQ_IO_PORTAUDIO_ENTRY_H
#define SQ_IO_PORTAUDIO_ENTRY_H

#include "src/io/audio_link.h"
#include "src/io/module_loader.h"

#define SQ_PORTAUDIO_MODULE "squeal-portaudio.so"

typedef int sq_portaudio_open_fn(const char *spec, const audio_link_opts *o, audio_link **out, char *err,
                                 size_t err_len);
typedef int sq_portaudio_devices_fn(audio_device_info *list, int max, char *err, size_t err_len);

SQ_MODULE_EXPORT sq_portaudio_open_fn sq_portaudio_open;
SQ_MODULE_EXPORT sq_portaudio_devices_fn sq_portaudio_devices;

#endif
