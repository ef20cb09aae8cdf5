/* decode --constellation DIR: what the demodulators decided, drawn into DIR, one picture per
 * stretch when the stretch's event is shown. For V.22 / V.22bis data, its symbols (kept per
 * channel of the file and per carrier; at most CONSTELLATION_KEEP of a stretch, the first
 * ones, so memory stays flat however long the data runs; the picture says how many it had).
 * For FSK (V.21, Bell 103, each V.8 message), the decision variable of each bit (the last
 * FSK_KEEP bits of each lane are kept: a longer stretch shows its end). */
#ifndef SQ_CLI_CONSTELLATIONS_H
#define SQ_CLI_CONSTELLATIONS_H

#include <stddef.h>
#include "squeal/squeal.h"

#define CONSTELLATION_KEEP 20000
#define FSK_KEEP 30000      /* 100 s at 300 bit/s */
#define FSK_RINGS 4         /* V.21 ch1, ch2, Bell 103 originate, answer */

typedef struct symbol_run {
    sq_decoder_symbol *syms;
    size_t n, cap, dropped;
} symbol_run;

typedef struct bit_ring {
    sq_decoder_fsk_bit *bits;    /* FSK_KEEP, allocated at the first bit */
    size_t next, count;
} bit_ring;

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
    bit_ring rings[SQ_AUDIO_MAX_CHANNELS][FSK_RINGS];
    int failed;                                   /* out of memory keeping symbols */
} constellations;

/* Checks that dir is a folder that can be written. 0, or -1 with a reason in err. The
 * channels are called chN unless names are set after. */
int constellations_open(constellations *c, const char *dir, char *err, size_t err_len);
/* Hooks channel's decoder (1-based) up to the store. */
void constellations_tap(constellations *c, sq_decoder *d, int channel);
/* An event was shown: draws its symbols (data) or bits (FSK, V.8); other events have
 * none. 0, or -1 with a reason in err. */
int constellations_draw(constellations *c, const sq_event *ev, int channel, char *err, size_t err_len);
void constellations_close(constellations *c);

#endif
