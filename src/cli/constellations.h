/* decode --constellation DIR: the symbols of V.22 / V.22bis data kept per channel of the
 * file and per carrier, and drawn into DIR, one picture per data stretch, when the stretch's
 * event is shown. At most CONSTELLATION_KEEP symbols of a stretch are kept (the first ones),
 * so memory stays flat however long the data runs; the picture says how many it had. */
#ifndef SQ_CLI_CONSTELLATIONS_H
#define SQ_CLI_CONSTELLATIONS_H

#include <stddef.h>
#include "squeal/squeal.h"

#define CONSTELLATION_KEEP 20000

typedef struct symbol_run {
    sq_decoder_symbol *syms;
    size_t n, cap, dropped;
} symbol_run;

struct constellations;
/* What a decoder's tap is handed: the store and the channel. */
typedef struct symbol_tap_ref {
    struct constellations *store;
    int channel;
} symbol_tap_ref;

typedef struct constellations {
    const char *dir;
    const char *names[SQ_AUDIO_MAX_CHANNELS];    /* a channel's name in file names and titles
                                                  * ("caller" for sim); NULL: "chN" */
    symbol_tap_ref refs[SQ_AUDIO_MAX_CHANNELS];
    symbol_run runs[SQ_AUDIO_MAX_CHANNELS][2];   /* [channel - 1][carrier - 1] */
    int failed;                                   /* out of memory keeping symbols */
} constellations;

/* Checks that dir is a folder that can be written. 0, or -1 with a reason in err. The
 * channels are called chN unless names are set after. */
int constellations_open(constellations *c, const char *dir, char *err, size_t err_len);
/* Hooks channel's decoder (1-based) up to the store. */
void constellations_tap(constellations *c, sq_decoder *d, int channel);
/* A data event was shown: draws its symbols. 0, or -1 with a reason in err. */
int constellations_draw(constellations *c, const sq_event *ev, int channel, char *err, size_t err_len);
void constellations_close(constellations *c);

#endif
