/* The sound-card line's two entry points (audio_link.h), found in squeal-portaudio.so the
 * first time they are called (module_loader.h). */
#include <stdio.h>
#include <string.h>
#include "src/io/module_loader.h"
#include "src/io/portaudio_entry.h"

/* dlsym's object pointer as a function pointer: POSIX guarantees they convert, ISO C does not
 * let a cast say so */
static void *entry(const char *symbol, char *err, size_t err_len)
{
    return sq_module_symbol(SQ_PORTAUDIO_MODULE, symbol, err, err_len);
}

int audio_link_open_portaudio(const char *spec, const audio_link_opts *o, audio_link **out, char *err, size_t err_len)
{
    *out = NULL;
    sq_portaudio_open_fn *open = NULL;
    void *p = entry("sq_portaudio_open", err, err_len);
    if (!p)
        return -1;
    memcpy(&open, &p, sizeof open);
    return open(spec, o, out, err, err_len);
}

int audio_devices_list(audio_device_info *list, int max, char *err, size_t err_len)
{
    sq_portaudio_devices_fn *list_devices = NULL;
    void *p = entry("sq_portaudio_devices", err, err_len);
    if (!p)
        return -1;
    memcpy(&list_devices, &p, sizeof list_devices);
    return list_devices(list, max, err, err_len);
}
