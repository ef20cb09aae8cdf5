/* Picks the backend a link spec names (audio_link.h). */
#include "src/io/audio_link.h"
#include <stdio.h>
#include <string.h>

int audio_link_open(const char *spec, const audio_link_opts *o, audio_link **out, char *err, size_t err_len)
{
    *out = NULL;
    if (strcmp(spec, "pa") == 0)
        return audio_link_open_portaudio("", o, out, err, err_len);
    if (strncmp(spec, "pa:", 3) == 0)
        return audio_link_open_portaudio(spec + 3, o, out, err, err_len);
    if (strncmp(spec, "raw:", 4) == 0)
        return audio_link_open_raw(spec + 4, o, out, err, err_len);
    if (strncmp(spec, "wav:", 4) == 0)
        return audio_link_open_wav(spec + 4, o, out, err, err_len);
    snprintf(err, err_len, "'%s' is not an audio line: use pa, pa:NAME, pa:INDEX, raw:IN,OUT or wav:IN,OUT", spec);
    return -1;
}

int audio_link_exchange(audio_link *l, const float *tx, float *rx, size_t n, char *err, size_t err_len)
{
    return l->ops->exchange(l, tx, rx, n, err, err_len);
}

size_t audio_link_output_delay(audio_link *l)
{
    return l->ops->output_delay(l);
}

void audio_link_get_stats(audio_link *l, audio_link_stats *s)
{
    memset(s, 0, sizeof *s);
    l->ops->get_stats(l, s);
}

int audio_link_close(audio_link *l)
{
    return l ? l->ops->close(l) : 0;
}

int audio_link_split_pair(const char *spec, char *in, char *out, size_t len)
{
    const char *comma = strchr(spec, ',');
    if (!comma || strchr(comma + 1, ',') || (size_t)(comma - spec) >= len || strlen(comma + 1) >= len)
        return -1;
    memcpy(in, spec, (size_t)(comma - spec));
    in[comma - spec] = '\0';
    strcpy(out, comma + 1);
    return 0;
}
